// Checks that theorylab.vsix works as an installed extension (not a development path): installs it
// into a fresh code-server extensions folder, opens examples/demo.tlab in headless Chromium and waits
// for the language mode "Theory Lab" and the extension's status bar item fed by the language server.
//   npm run package && node scripts/check-vsix.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumPath, codeServerEntry, INSTALL_HINT, root, startCodeServer, workbenchUrl } from './code-server.mjs';

const vsix = path.join(root, 'theorylab.vsix');
if (!fs.existsSync(vsix)) { console.error('check-vsix: theorylab.vsix missing — run `npm run package`'); process.exit(2); }
if (!codeServerEntry() || !chromiumPath()) { console.error(`check-vsix: needs code-server and Chromium — ${INSTALL_HINT}`); process.exit(2); }
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-vsix-'));
const extensions = path.join(state, 'extensions');
const inst = spawnSync(process.execPath, [codeServerEntry(), '--extensions-dir', extensions, '--user-data-dir', path.join(state, 'user-data'),
  '--install-extension', vsix], { encoding: 'utf8' });
console.log(inst.stdout.trim());
if (inst.status !== 0) { console.error(inst.stderr); process.exit(1); }
const installed = fs.readdirSync(extensions).filter((d) => d.startsWith('theorylab.'));
console.log(`check-vsix: installed ${installed.join(', ')}`);

// A copy of the examples outside the repository, so nothing can resolve modules from the checkout.
const workspace = path.join(state, 'examples');
fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
const server = await startCodeServer({ workspace, stateDir: state });
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
let ok = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(workbenchUrl(server.base, server.port, workspace));
  const row = page.locator('.explorer-folders-view .monaco-list-row:has-text("demo.tlab")').first();
  await row.waitFor({ timeout: 90_000 });
  await row.click();
  // "Theory Lab: cpu" (or webgpu:…) appears only after the server's theorylab/serverStatus notification.
  await page.waitForSelector('.statusbar-item:has-text("Theory Lab:")', { timeout: 90_000 });
  let text = '';
  for (let i = 0; i < 240 && !/Theory Lab: (cpu|webgpu)/.test(text); i++) {
    text = (await page.$$eval('.statusbar-item', (els) => els.map((e) => e.textContent?.trim() ?? '').find((t) => t.startsWith('Theory Lab:')))) ?? '';
    await page.waitForTimeout(250);
  }
  const mode = await page.$eval('.statusbar-item[id="status.editor.mode"]', (e) => e.textContent?.trim() ?? '');
  console.log(`check-vsix: language mode "${mode}", status bar "${text}"`);
  ok = /Theory Lab/.test(mode) && /Theory Lab: (cpu|webgpu)/.test(text ?? '');
} catch (e) {
  console.error(`check-vsix: ${e?.message ?? e}`);
} finally {
  await browser.close();
  await server.stop();
}
fs.rmSync(state, { recursive: true, force: true });
console.log(ok ? 'check-vsix: OK — the installed .vsix activates and its language server reports' : 'check-vsix: FAILED');
process.exit(ok ? 0 : 1);
