// Bundles the VS Code integration suite (test/vscode/suite/index.ts) into dist/test/vscode/index.js,
// the folder VS Code's `extensionTestsPath` points at. Used by test-vscode.mjs and test-electron.mjs.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { root } from './code-server.mjs';

export const suiteDir = path.join(root, 'dist', 'test', 'vscode');

export async function buildSuite() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['test/vscode/suite/index.ts'],
    outfile: path.join(suiteDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // vscode comes from the extension host; mocha loads its reporters by path, so it runs from node_modules.
    external: ['vscode', 'mocha'],
  });
  return suiteDir;
}
