// VS Code integration tier, browser route (recipes.md): starts the cached code-server 4.100.3 on
// 127.0.0.1, opens the examples/ workspace in headless Chromium with an extension-development payload,
// so that the real extension host loads this extension and runs the mocha suite of test/vscode/suite.
// The suite's exit code arrives through `codeAutomationExit`; its pass/fail counts through a file.
// Writes {"passed":N,"failed":M} (or {"skipped": reason}) to $TLAB_TIER_RESULT and prints it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { buildSuite } from './build-suite.mjs';
import { chromiumArgs, chromiumPath, codeServerDir, codeServerEntry, INSTALL_HINT, root, startCodeServer, workbenchUrl } from './code-server.mjs';

const LIMIT_S = Number(process.env.TLAB_VSCODE_TIMEOUT_S ?? 420);
const resultPath = process.env.TLAB_TIER_RESULT;
const log = (m) => console.log(`[vscode] ${m}`);

function finish(result, code) {
  if (resultPath) fs.writeFileSync(resultPath, JSON.stringify(result));
  console.log(`[vscode] result ${JSON.stringify({ passed: result.passed, failed: result.failed, ...(result.skipped ? { skipped: result.skipped } : {}) })}`);
  process.exit(code);
}

function skip(reason) {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n!! vscode tier SKIPPED: ${reason} — install with: ${INSTALL_HINT}\n${bar}\n`);
  finish({ passed: 0, failed: 0, skipped: reason }, 0);
}

if (!codeServerEntry()) skip(`code-server not installed in ${codeServerDir()}`);
const chromium = chromiumPath();
if (!chromium) skip('no Chromium found (/usr/bin/chromium)');
if (!fs.existsSync(path.join(root, 'dist', 'client.js'))) {
  console.error('[vscode] dist/client.js missing: run `npm run build` first');
  finish({ passed: 0, failed: 1, note: 'extension not built' }, 1);
}

const { chromium: pw } = await import('playwright-core');
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-vscode-'));
const suiteResult = path.join(state, 'suite-result.json');
let server, browser;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
};
// Hard limit on the whole tier: whatever hangs (code-server, the browser, the suite), it ends here.
const timer = setTimeout(async () => {
  console.error(`[vscode] FAILED: the tier ran past its ${LIMIT_S} s limit`);
  await cleanup();
  finish({ passed: 0, failed: 1, note: `timed out after ${LIMIT_S} s` }, 1);
}, LIMIT_S * 1000);

try {
  const suite = await buildSuite();
  const workspace = path.join(root, 'examples');
  server = await startCodeServer({ workspace, stateDir: state, log, env: { TLAB_VSCODE_SUITE_RESULT: suiteResult } });
  browser = await pw.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const exitCode = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => { resolve(code); }));
  // The extension host's console is forwarded to the browser's, as ('%c INFO', 'color: …', format,
  // ...args): drop the style pair and format the rest, to show mocha's progress live.
  page.on('console', async (m) => {
    let t;
    try {
      const vals = await Promise.all(m.args().map((a) => a.jsonValue()));
      if (typeof vals[0] === 'string' && vals[0].startsWith('%c')) vals.splice(0, 2);
      t = util.format(...vals);
    } catch { t = m.text(); }
    if (/theorylab|✔|passing|failing|^\s*\d+\) |Error/i.test(t) && !/ERR_|favicon/.test(t)) console.log(`[vscode:host] ${t.trimEnd()}`);
  });
  const url = workbenchUrl(server.base, server.port, workspace, { extensionDevelopmentPath: root, extensionTestsPath: suite });
  log(`opening the workbench with the extension-development payload`);
  await page.goto(url);
  const code = await exitCode;
  log(`suite finished with exit code ${code}`);
  let result = { passed: 0, failed: code === 0 ? 0 : 1, note: 'no result file from the suite' };
  if (fs.existsSync(suiteResult)) {
    const r = JSON.parse(fs.readFileSync(suiteResult, 'utf8'));
    for (const t of r.tests.filter((x) => !x.ok)) console.log(`[vscode] FAIL ${t.title}\n${t.error}`);
    result = { passed: r.passed, failed: r.failed };
    if (code !== 0 && r.failed === 0) result = { passed: r.passed, failed: 1, note: `exit code ${code}` };
  }
  clearTimeout(timer);
  await cleanup();
  fs.rmSync(state, { recursive: true, force: true });
  finish(result, result.failed ? 1 : 0);
} catch (e) {
  console.error(`[vscode] FAILED: ${e?.stack ?? e}`);
  clearTimeout(timer);
  await cleanup();
  finish({ passed: 0, failed: 1, note: String(e?.message ?? e) }, 1);
}
