// `npm start`: builds the extension, then opens the examples/ workspace in VS Code with the extension
// loaded — the desktop `code --extensionDevelopmentPath` when `code` is on PATH, otherwise the cached
// browser VS Code (code-server 4.100.3) on 127.0.0.1, whose URL is printed. Stays in the foreground
// until Ctrl-C, then stops the server it started.
//   node scripts/start.mjs [--browser] [--port N]     (--browser: use code-server even if `code` exists)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { codeServerDir, codeServerEntry, INSTALL_HINT, root, startCodeServer, which, workbenchUrl } from './code-server.mjs';

const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser') || process.env.THEORYLAB_START_BROWSER === '1';
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;
const workspace = path.join(root, 'examples');

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) { console.error('start: the build failed'); process.exit(2); }

const code = forceBrowser ? null : which('code');
if (code) {
  console.log(`start: opening ${workspace} in ${code} with the extension under development`);
  const r = spawnSync(code, [`--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}

if (!codeServerEntry()) {
  console.error(`start: no \`code\` on PATH and no browser VS Code in ${codeServerDir()}.\n` +
    `Install it with: ${INSTALL_HINT}   (or install desktop VS Code and put \`code\` on PATH)`);
  process.exit(2);
}
// Settings and UI state persist between runs in the cache folder, not in the repository.
const stateDir = path.join(path.dirname(codeServerDir()), 'start-state');
fs.mkdirSync(stateDir, { recursive: true });
const server = await startCodeServer({ workspace, stateDir, port });
const url = workbenchUrl(server.base, server.port, workspace, { extensionDevelopmentPath: root });
console.log(`\nTheory Lab: VS Code (browser) is serving the examples/ workspace with the extension loaded:\n\n  ${url}\n\n` +
  `Open that URL in a browser on this machine (code-server log: ${server.logFile}). Ctrl-C stops it.`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
