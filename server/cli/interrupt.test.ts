// A JavaScript workspace solver spinning in `for (;;) {}` blocks its own event loop, so it never sees
// its stdin close: these tests check that nothing of it survives the CLI that started it. SIGKILL of
// the CLI (the solver host, orphaned, kills the solver's process group before it dies), SIGINT and
// SIGTERM (the CLI's handler cancels, disposes the host and exits 130 / 143), and the solver's own
// watchdog thread (Python: its stdin thread) when its parent is SIGKILLed and can clean nothing up.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cli-interrupt-'));
fs.writeFileSync(path.join(ws, 'package.json'), '{}');
fs.writeFileSync(path.join(ws, 'spin.mjs'), 'export function f(params, ctx) { for (;;) {} }\n');
fs.writeFileSync(path.join(ws, 'spin.solver.toml'), `id = "itest.spin"
title = "spins"
doc = "a busy loop"
version = "1"
entry = "spin.mjs:f"
[[outputs]]
name = "y"
kind = "number"
doc = "never"
`);
const tlab = path.join(ws, 'spin.tlab');
fs.writeFileSync(tlab, 'experiment e "spins" {\n  solve r = itest.spin()\n  expect r.y == 1\n}\n');
after(() => fs.rmSync(ws, { recursive: true, force: true }));

/** Live (not zombie) processes whose command line mentions `marker`. */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (fs.readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(marker)) out.push(Number(n));
    } catch { /* gone */ }
  }
  return out;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const solverFile = path.join(ws, 'spin.mjs');

function startCli(): { cli: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; err: () => string } {
  const cli = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'server', 'cli.ts'), 'run', tlab], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  cli.stderr?.on('data', (d) => { err += d; });
  cli.stdout?.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => cli.on('exit', (code, signal) => r({ code, signal })));
  return { cli, exit, err: () => err };
}

test('SIGKILL of the CLI leaves no busy-looping JavaScript solver behind', { skip: process.platform !== 'linux' }, async () => {
  const { cli, exit } = startCli();
  await until('the solver process', () => processesWith(solverFile).length > 0, 60_000);
  cli.kill('SIGKILL');
  await exit;
  await until('the solver process to be gone', () => processesWith(solverFile).length === 0, 5_000);
});

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${sig} to the CLI cancels the run, exits ${code} and leaves no solver behind`, { skip: process.platform !== 'linux' }, async () => {
    const { cli, exit, err } = startCli();
    await until('the solver process', () => processesWith(solverFile).length > 0, 60_000);
    cli.kill(sig);   // the CLI alone, not its process group: its handler must do the rest
    const r = await exit;
    assert.equal(r.code, code, `stderr: ${err()}`);
    assert.match(err(), sig === 'SIGINT' ? /interrupted \(SIGINT\)/ : /terminated \(SIGTERM\)/);
    await until('the solver process to be gone', () => processesWith(solverFile).length === 0, 5_000);
  });
}

test('the JavaScript runner ends its group when its parent is SIGKILLed, even while the solver spins', { skip: process.platform !== 'linux' }, async () => {
  // a stand-in for the solver host that can clean nothing up: it starts the runner as the host does
  // (detached, request on stdin), then is SIGKILLed
  const runner = path.join(repo, 'solver-runtime', 'theorylab-js-child.cjs');
  const spawnsAlsoGrandchild = path.join(ws, 'spin2.mjs');
  fs.writeFileSync(spawnsAlsoGrandchild, `import { spawn } from 'node:child_process';
export function f() {
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(`${ws}/grandchild`)}], { stdio: 'ignore' });
  for (;;) {}
}
`);
  const parentCode = `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, [${JSON.stringify(runner)}, ${JSON.stringify(spawnsAlsoGrandchild)}, 'f'],
      { detached: true, stdio: ['pipe', 'ignore', 'ignore', 'pipe'] });
    c.stdin.write(JSON.stringify({ params: {}, seed: 0, budget: 'full' }) + '\\n');
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentCode], { stdio: 'ignore' });
  await until('the solver and what it spawned', () => processesWith(spawnsAlsoGrandchild).length > 0 && processesWith(`${ws}/grandchild`).length > 0, 30_000);
  parent.kill('SIGKILL');
  await until('the solver and its group to be gone', () => processesWith(spawnsAlsoGrandchild).length === 0 && processesWith(`${ws}/grandchild`).length === 0, 3_000);
});

test('the Python runner ends its group when its parent is SIGKILLed (stdin closes), even while the solver spins', { skip: process.platform !== 'linux' }, async () => {
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const solver = path.join(ws, 'spinpy.py');
  fs.writeFileSync(solver, `import subprocess, sys
def f(params, ctx):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", ${JSON.stringify(`${ws}/pygrandchild`)}])
    while True:
        pass
`);
  const parentCode = `
    const { spawn } = require('node:child_process');
    const c = spawn(${JSON.stringify(python)}, ['-u', '-c', 'import sys, theorylab_solver; theorylab_solver._serve(sys.argv[1], sys.argv[2])', ${JSON.stringify(solver)}, 'f'],
      { detached: true, stdio: ['pipe', 'ignore', 'ignore', 'pipe'], env: { ...process.env, PYTHONPATH: ${JSON.stringify(path.join(repo, 'solver-runtime'))} } });
    c.stdin.write(JSON.stringify({ params: {}, seed: 0, budget: 'full' }) + '\\n');
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentCode], { stdio: 'ignore' });
  await until('the solver and what it spawned', () => processesWith(solver).length > 0 && processesWith(`${ws}/pygrandchild`).length > 0, 30_000);
  parent.kill('SIGKILL');
  await until('the solver and its group to be gone', () => processesWith(solver).length === 0 && processesWith(`${ws}/pygrandchild`).length === 0, 3_000);
});
