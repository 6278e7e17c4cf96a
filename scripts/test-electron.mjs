// VS Code integration tier, desktop route: the same mocha suite as scripts/test-vscode.mjs, run by
// @vscode/test-electron in a desktop VS Code. Uses the build named by VSCODE_EXECUTABLE when set;
// otherwise test-electron downloads VS Code (VSCODE_VERSION, default: stable) into .vscode-test/.
// On Linux without a display run it under Xvfb:  xvfb-run -a npm run test:electron
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from './build-suite.mjs';
import { root } from './code-server.mjs';

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(2);
const extensionTestsPath = await buildSuite();
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-electron-'));
const suiteResult = path.join(state, 'suite-result.json');
const executable = process.env.VSCODE_EXECUTABLE;
if (executable && !fs.existsSync(executable)) {
  console.error(`[electron] VSCODE_EXECUTABLE=${executable} does not exist`);
  process.exit(2);
}
console.log(`[electron] VS Code: ${executable ?? `download ${process.env.VSCODE_VERSION ?? 'stable'}`}`);

let code = 1;
try {
  code = await runTests({
    ...(executable ? { vscodeExecutablePath: executable } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    extensionDevelopmentPath: root,
    extensionTestsPath,
    extensionTestsEnv: { TLAB_VSCODE_SUITE_RESULT: suiteResult },
    // The examples/ workspace, a private profile, no other extensions, no trust prompt.
    launchArgs: [path.join(root, 'examples'), '--disable-extensions', '--disable-workspace-trust',
      '--skip-welcome', '--skip-release-notes', `--user-data-dir=${path.join(state, 'user-data')}`],
  });
} catch (e) {
  console.error(`[electron] ${e?.stack ?? e}`);
}
let result = { passed: 0, failed: code === 0 ? 0 : 1 };
if (fs.existsSync(suiteResult)) {
  const r = JSON.parse(fs.readFileSync(suiteResult, 'utf8'));
  for (const t of r.tests) console.log(`[electron] ${t.ok ? 'ok  ' : 'FAIL'} ${t.title}${t.ok ? '' : `\n${t.error}`}`);
  result = { passed: r.passed, failed: r.failed || (code === 0 ? 0 : 1) };
}
if (process.env.TLAB_TIER_RESULT) fs.writeFileSync(process.env.TLAB_TIER_RESULT, JSON.stringify(result));
console.log(`[electron] result ${JSON.stringify(result)}`);
fs.rmSync(state, { recursive: true, force: true });
process.exit(result.failed ? 1 : 0);
