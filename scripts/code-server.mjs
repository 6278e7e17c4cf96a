// Shared by the VS Code test tier (test-vscode.mjs), `npm start` (start.mjs) and the screenshot script:
// where the cached code-server and Chromium live, and how to start / stop a private code-server.
// The install itself is scripts/setup-system.sh (same cache folder).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const INSTALL_HINT = 'sudo bash scripts/setup-system.sh';

export function codeServerDir() {
  if (process.env.THEORYLAB_CODE_SERVER_DIR) return process.env.THEORYLAB_CODE_SERVER_DIR;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'theorylab', `code-server-${CODE_SERVER_VERSION}`);
}

/** The code-server entry script, or null when it is not installed. */
export function codeServerEntry() {
  const entry = path.join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return fs.existsSync(entry) ? entry : null;
}

/** A Chromium (or Chrome) binary for Playwright, or null. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p) => p && fs.existsSync(p)) ?? null;
}

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Which executable is on PATH (null if none). */
export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
  });
}

/**
 * Starts code-server on 127.0.0.1 with private user-data and extensions folders (under `stateDir`),
 * waits until it answers, and returns { port, base, pid, stop }. `await stop()` ends the process group it
 * started (code-server forks its own server and extension-host processes) and resolves once all are gone.
 */
export async function startCodeServer({ workspace, stateDir, port: wantedPort, env = {}, extraArgs = [], log = () => {}, settings = {} }) {
  const entry = codeServerEntry();
  if (!entry) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir()} — install with: ${INSTALL_HINT}`);
  const userData = path.join(stateDir, 'user-data');
  const extensions = path.join(stateDir, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  // No trust prompt (the suite opens the examples as a trusted workspace), no welcome page, no telemetry.
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'git.openRepositoryInParentFolders': 'never',
    ...settings,
  }, null, 2));
  const port = wantedPort || await freePort();
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--extensions-dir', extensions, '--user-data-dir', userData,
    ...extraArgs, workspace];
  const logFile = path.join(stateDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, args, {
    cwd: root, detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...env },
  });
  fs.closeSync(out);
  let exited = false;
  proc.on('exit', () => { exited = true; });
  const groupAlive = () => { try { process.kill(-proc.pid, 0); return true; } catch { return false; } };
  // SIGTERM to the whole group (code-server, its server and extension-host children), then wait until
  // every member is gone; what still runs after 3 s gets SIGKILL. Callers await this before exiting:
  // a fire-and-forget kill left the extension host running when the caller exited at once.
  const stop = async () => {
    if (proc.pid === undefined || !groupAlive()) return;
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
    const deadline = Date.now() + 3000;
    while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive()) {
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
      while (groupAlive() && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 100));
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server exited during start-up; see ${logFile}`);
    if ((await get(`${base}/healthz`)) === 200) { log(`code-server ${CODE_SERVER_VERSION} listening on ${base} (pid ${proc.pid})`); return { port, base, pid: proc.pid, stop, logFile }; }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`code-server did not answer on ${base} within 60 s; see ${logFile}`);
}

/** The URL that opens `folder` in code-server, optionally with an extension-development payload. */
export function workbenchUrl(base, port, folder, payload) {
  let url = `${base}/?folder=${encodeURIComponent(folder)}`;
  if (payload) {
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const pairs = Object.entries(payload).map(([k, v]) => [k, remote(v)]);
    url += `&payload=${encodeURIComponent(JSON.stringify(pairs))}`;
  }
  return url;
}
