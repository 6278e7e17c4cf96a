// Child process that runs one JavaScript workspace solver for the solver host, speaking the same
// protocol as theorylab_solver.py (docs/workspace-solvers.md): a JSON request line on stdin, JSON
// lines on file descriptor 3, stdout/stderr free for the user's logs. End of stdin = host gone.
// A solver in a synchronous loop blocks this thread's event loop, so neither the end of stdin nor a
// timer can fire here: a watchdog on a worker thread (which runs while the main thread spins) ends
// the process group when the parent is gone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Worker } = require('node:worker_threads');

// process.ppid is read afresh on every access: it changes when the parent dies and we are reparented.
// The process is the leader of its group when the host started it (detached): the group goes with it,
// so whatever the solver spawned goes too.
const WATCHDOG = `
const { workerData: w } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid === w.ppid) return;
  try { process.kill(-w.pid, 'SIGKILL'); } catch { /* not a group leader */ }
  process.kill(w.pid, 'SIGKILL');
}, 200);
`;

function watchParent() {
  try {
    const w = new Worker(WATCHDOG, { eval: true, workerData: { ppid: process.ppid, pid: process.pid } });
    w.on('error', () => { /* no watchdog: the host still kills the group on its way out */ });
    w.unref();   // the watchdog never keeps a finished solver alive
  } catch { /* idem */ }
}

function send(message) {
  try { fs.writeSync(3, JSON.stringify(message) + '\n'); } catch { /* not under the host */ }
}

function plain(v) {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $nonfinite: 'nan' };
    if (!Number.isFinite(v)) return { $nonfinite: v > 0 ? 'inf' : '-inf' };
    return v;
  }
  if (ArrayBuffer.isView(v)) return Array.from(v, plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v === undefined ? null : v;
}

/** Frames of a V8 stack as { file, line, function }. */
function frames(err) {
  const out = [];
  for (const l of String(err && err.stack || '').split('\n')) {
    const m = /at (?:(.+?) \()?(?:file:\/\/)?(\/[^():]+):(\d+):\d+\)?$/.exec(l.trim());
    if (m) out.push({ file: decodeURIComponent(m[2]), line: Number(m[3]), function: m[1] || '<module>' });
  }
  return out.reverse(); // innermost last, like Python
}

async function main() {
  watchParent();
  const [file, name] = process.argv.slice(2);
  let buf = '';
  const request = await new Promise((resolve) => {
    const onData = (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) { process.stdin.off('data', onData); resolve(JSON.parse(buf.slice(0, i))); }
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onData);
  });
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  const warnings = [];
  const ctx = {
    seed: request.seed ?? 0,
    budget: request.budget ?? 'full',
    progress: (fraction, message) => send({ type: 'progress', fraction: Math.min(1, Math.max(0, Number(fraction) || 0)), message: message == null ? undefined : String(message) }),
    warn: (m) => warnings.push(String(m)),
  };
  try {
    const mod = await import(pathToFileURL(path.resolve(file)).href);
    const fn = mod[name] ?? (mod.default && mod.default[name]);
    if (typeof fn !== 'function') throw new TypeError(`${path.basename(file)} has no export \`${name}\``);
    const outputs = await fn({ ...request.params }, ctx);
    if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) throw new TypeError('the solver must return an object of outputs');
    send({ type: 'result', outputs: plain(outputs), warnings });
  } catch (e) {
    send({ type: 'error', error_type: (e && e.name) || 'Error', message: String(e && e.message || e), frames: frames(e), traceback: String(e && e.stack || e) });
  }
  process.exit(0);
}

void main();
