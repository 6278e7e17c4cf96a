// `npm run package`: builds the production bundles and packs theorylab.vsix with @vscode/vsce, then
// lists the archive and fails if anything the extension needs at run time is missing.
// Dependencies are bundled by esbuild except `webgpu` (a native addon), which .vscodeignore lets
// through from node_modules: its loader and the linux-x64 dawn.node only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './code-server.mjs';

const out = path.join(root, 'theorylab.vsix');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { console.error(`package: ${cmd} ${args.join(' ')} failed`); process.exit(2); }
};
fs.rmSync(out, { force: true });
// vsce runs the `vscode:prepublish` script (the production build) itself.
// --dependencies: vsce collects node_modules of the production dependencies, and .vscodeignore
// keeps only webgpu's files; --skip-license: the license is declared in package.json;
// --no-rewrite-relative-links: the README's links and screenshots stay relative to the extension folder
// (the screenshots are packed), since the repository URL is a placeholder.
run(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--dependencies',
  '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);

// A .vsix is a zip: list it with unzip when present, else with python3's zipfile.
const list = spawnSync('python3', ['-c', 'import sys, zipfile; [print(i.filename, i.file_size) for i in zipfile.ZipFile(sys.argv[1]).infolist()]', out], { encoding: 'utf8' });
if (list.status !== 0) { console.error(list.stderr); process.exit(2); }
const entries = list.stdout.trim().split('\n').map((l) => { const i = l.lastIndexOf(' '); return { name: l.slice(0, i), size: Number(l.slice(i + 1)) }; });
const names = new Set(entries.map((e) => e.name));
const required = ['extension/package.json', 'extension/readme.md', 'extension/dist/client.js', 'extension/dist/server.js',
  'extension/dist/solverHost.js', 'extension/dist/cli.js', 'extension/grammars/tlab.tmLanguage.json',
  'extension/grammars/clevr.tmLanguage.json', 'extension/grammars/tlab.language-configuration.json',
  'extension/grammars/clevr.language-configuration.json', 'extension/node_modules/webgpu/index.js',
  'extension/node_modules/webgpu/package.json', 'extension/node_modules/webgpu/dist/linux-x64/dawn.node',
  // workspace solvers: the Python helper, the JS child and the JS solver type (docs/workspace-solvers.md)
  'extension/solver-runtime/theorylab_solver.py', 'extension/solver-runtime/theorylab-js-child.cjs', 'extension/solver-runtime/theorylab-solver.d.ts'];
const missing = required.filter((r) => !names.has(r) && !names.has(r.replace('readme.md', 'README.md')));
const media = entries.filter((e) => e.name.startsWith('extension/media/'));
const total = entries.reduce((a, e) => a + e.size, 0);
console.log(`\n${path.relative(root, out)}: ${entries.length} files, ${(total / 1e6).toFixed(1)} MB uncompressed, ` +
  `${(fs.statSync(out).size / 1e6).toFixed(1)} MB on disk`);
for (const e of entries) console.log(`  ${e.name.padEnd(70)} ${e.size}`);
const unwanted = entries.filter((e) => /\/node_modules\/(?!webgpu\/)/.test(e.name) || /webgpu\/dist\/(?!linux-x64)/.test(e.name));
if (missing.length || unwanted.length) {
  console.error(`package: FAILED — missing: ${missing.join(', ') || 'none'}; unexpected: ${unwanted.map((e) => e.name).join(', ') || 'none'}`);
  process.exit(1);
}
if (!media.length) console.log('package: note — media/ contributes no files yet');
console.log('package: OK');
