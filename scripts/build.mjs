// One esbuild step bundles every entry point: the extension client, the language server,
// the solver host process and the CLI. `--production` minifies, `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  absWorkingDir: root,
  logLevel: 'warning',
  // vscode is provided by the extension host; webgpu (dawn.node) and koffi (system BLAS FFI) carry native addons
  // that must be loaded from node_modules at run time, never bundled.
  external: ['vscode', 'webgpu', 'koffi'],
};

const builds = [
  { entryPoints: { client: 'client/extension.ts' } },
  { entryPoints: { server: 'server/server.ts', solverHost: 'server/engine/solverHost.ts', cli: 'server/cli.ts', clevrWorker: 'server/clevr/analysisWorker.ts' } },
  { entryPoints: { plots: 'media/plots.ts', chart: 'media/chart.ts' }, platform: 'browser', format: 'iife', external: [] },
];

const contexts = [];
for (const b of builds) {
  const options = { ...common, ...b, outdir: path.join(root, 'dist') };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    await esbuild.build(options);
  }
}
if (watch) console.log('esbuild: watching');
