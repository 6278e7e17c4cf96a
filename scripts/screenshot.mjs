// Checks `npm start`'s browser route end to end and takes the README screenshot: runs
// `node scripts/start.mjs --browser`, loads the printed URL in headless Chromium, opens
// examples/demo.tlab, verifies that the editor shows several token colours (the TextMate grammar) and
// the Theory Lab status bar item (the extension is active), hovers the solver id (SCREENSHOT_HOVER=word
// for another word) and saves test/screenshots/demo-tlab.png.
//   node scripts/screenshot.mjs [FILE-IN-EXAMPLES] [OUT.png]
//   node scripts/screenshot.mjs --results   results in the editor: hover-values.png, plot-panel.png,
//                                           chart-panel.png (scripts/screenshot-results.mjs), then
//                                           figure-loglog.png, figure-heatmap.png, derivation-fail.png,
//                                           lens-progress.png (scripts/screenshot-runstate.mjs)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromiumArgs, chromiumPath, root } from './code-server.mjs';
import { openFromExplorer } from './workbench-driver.mjs';

if (process.argv[2] === '--results') {
  // two scripts, each exiting when done: run them one after the other as child processes
  const { spawnSync } = await import('node:child_process');
  let code = 0;
  for (const s of ['screenshot-results.mjs', 'screenshot-runstate.mjs']) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', s)], { stdio: 'inherit' });
    code ||= r.status ?? 1;
  }
  process.exit(code);
}
const file = process.argv[2] ?? 'demo.tlab';
const hoverWord = process.env.SCREENSHOT_HOVER ?? (file === 'demo.tlab' ? 'quadratic' : '');
const out = path.resolve(process.argv[3] ?? path.join(root, 'test', 'screenshots', `${path.basename(file).replace('.', '-')}.png`));
const chromium = chromiumPath();
if (!chromium) { console.error('screenshot: no Chromium (install with: sudo bash scripts/setup-system.sh)'); process.exit(2); }

// Without the walkthrough: on a first start it opens beside the file and takes the focus, and the
// language-mode item this script checks belongs to the focused text editor.
const start = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--browser'], {
  cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, THEORYLAB_NO_WALKTHROUGH: '1' },
});
let browser;
const done = async (code) => {
  await browser?.close().catch(() => {});
  start.kill('SIGTERM');
  process.exit(code);
};
setTimeout(() => { console.error('screenshot: timed out'); void done(1); }, 240_000).unref();

const url = await new Promise((resolve, reject) => {
  let text = '';
  start.stdout.on('data', (d) => {
    text += d; process.stdout.write(d);
    const m = text.match(/http:\/\/127\.0\.0\.1:\d+\/\S+/);
    if (m) resolve(m[0]);
  });
  start.on('exit', (c) => reject(new Error(`start.mjs exited with ${c}`)));
});

try {
  const { chromium: pw } = await import('playwright-core');
  browser = await pw.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // Open the file from the explorer (Quick Open raced with the file index in earlier attempts).
  await openFromExplorer(page, file);
  // The extension activates on the language; "Theory Lab: cpu" (or webgpu:…) appears once the server
  // has reported its status.
  const statusOk = await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')]
    .some((e) => /Theory Lab: (cpu|webgpu)/.test(e.textContent ?? '')), null, { timeout: 90_000 }).then(() => true, () => false);
  await page.waitForTimeout(3000);
  const colours = await page.$$eval('.editor-instance .view-lines span[class^="mtk"]', (els) => [...new Set(els.map((e) => getComputedStyle(e).color))]);
  const modeItem = page.locator('.statusbar-item[id="status.editor.mode"]');
  const languageLabel = await modeItem.waitFor({ timeout: 20_000 }).then(() => modeItem.textContent(), () => '?').then((t) => t?.trim() ?? '?');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  // Then hover a word (default for demo.tlab: the solver id) for a second picture, <name>-hover.png,
  // that shows the language server answering.
  let hover = '';
  if (hoverWord) {
    const word = page.locator(`.editor-instance .view-lines span:text-is("${hoverWord}")`).first();
    if (await word.count()) {
      await word.hover();
      const content = page.locator('.monaco-hover-content').filter({ hasText: /\S/ }).first();
      hover = await content.waitFor({ timeout: 20_000 }).then(() => content.textContent()).then((t) => t?.trim().slice(0, 120) ?? '', () => '');
      await page.waitForTimeout(1000); // the hover fades in
      await page.screenshot({ path: out.replace(/\.png$/, '-hover.png') });
    }
  }

  const status = await page.$$eval('.statusbar-item', (els) => els.map((e) => e.textContent?.trim()).filter((t) => t && t.includes('Theory Lab')));
  console.log(`screenshot: ${out}`);
  console.log(`screenshot: hover on ${JSON.stringify(hoverWord)}: ${JSON.stringify(hover)}`);
  console.log(`screenshot: language mode "${languageLabel}", ${colours.length} distinct token colours, status bar: ${JSON.stringify(status)}`);
  const ok = statusOk && colours.length >= 4 && /theory lab|clevr/i.test(languageLabel) && (!hoverWord || hover.length > 0);
  console.log(ok ? 'screenshot: OK — highlighted, extension active, hover answered' : 'screenshot: FAILED — see the values above');
  await done(ok ? 0 : 1);
} catch (e) {
  console.error(`screenshot: FAILED — ${e?.stack ?? e}`);
  await done(1);
}
