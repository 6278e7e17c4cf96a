// Entry of the VS Code integration suite: VS Code's extension host loads the bundle of this file
// (dist/test/vscode/index.js) and awaits run(). The same bundle serves both routes — the browser VS Code
// server (scripts/test-vscode.mjs) and @vscode/test-electron (scripts/test-electron.mjs).
// Mocha stays external to the bundle (it loads reporters dynamically) and resolves from node_modules.
import * as fs from 'node:fs';
import Mocha from 'mocha';
import { defineExtensionSuite } from './extension.suite';
import { defineResultsSuite } from './results.suite';
import { defineRunStateSuite } from './runState.suite';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  // Installs suite()/test()/setup() as globals, as loading a file through mocha would.
  mocha.suite.emit('pre-require', globalThis, 'extension.suite.ts', mocha);
  defineExtensionSuite();
  defineResultsSuite();
  defineRunStateSuite();
  const results: { title: string; ok: boolean; error?: string }[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = results.filter((r) => r.ok).length;
      const summary = { passed, failed: results.length - passed, tests: results };
      // The runners pass a file path through the environment: the extension host's console is not
      // always visible to them (in the browser route it goes to the browser).
      const out = process.env.TLAB_VSCODE_SUITE_RESULT;
      if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
      console.log(`[theorylab suite] ${summary.passed} passed, ${summary.failed} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`)); else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), ok: true }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), ok: false, error: String((err as Error)?.stack ?? err) }));
  });
}
