// `npm run lint`: type-checks each side with its own tsconfig (client: node + vscode; server: node,
// no DOM; webviews: DOM, no node; then everything with tests and benchmarks), runs the Biome linter on
// the code base and Biome's format check on the files listed in FORMATTED. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/**
 * Files already in Biome's format (biome.json). Grows until it covers the code base; a file is added
 * once it has been formatted, so parallel branches are never reformatted under each other's feet.
 */
const FORMATTED = [
  'server/server.ts',
  'server/settings.ts',
  'server/settings.test.ts',
  'server/languages.ts',
  'server/languageService.ts',
  'protocol/chart.ts',
  'test/lsp/trustSettings.test.ts',
  'test/unit/imports.test.ts',
  'types/webassembly-node.d.ts',
  'scripts/lint.mjs',
  'scripts/workbench-driver.mjs',
  'scripts/screenshot-results.mjs',
  'scripts/screenshot-runstate.mjs',
];

const steps = [
  ...['tsconfig.client.json', 'tsconfig.server.json', 'tsconfig.webview.json', 'tsconfig.json'].map((p) => ({
    name: `tsc -p ${p}`,
    cmd: bin('tsc'),
    args: ['--noEmit', '-p', p],
  })),
  { name: 'biome lint', cmd: bin('biome'), args: ['lint', '--max-diagnostics=50', '.'] },
  { name: 'biome format (checked files)', cmd: bin('biome'), args: ['format', ...FORMATTED] },
];

let failed = 0;
for (const s of steps) {
  const t0 = Date.now();
  const r = spawnSync(s.cmd, s.args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`[lint] ${ok ? 'ok  ' : 'FAIL'} ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);
