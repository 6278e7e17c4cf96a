// Screenshots of results in the editor (issue 9, and the G2L2 chart of issue 8), taken in the browser
// VS Code (code-server, fresh user data) with headless Chromium, the way a user gets there:
//   test/screenshots/hover-values.png  demo.tlab after "Run" (code lens), hovering `x_min` of the plot
//   test/screenshots/plot-panel.png    the plots panel opened by the "Plot" code lens
//   test/screenshots/chart-panel.png   the chart panel of `sentence "how many spheres left of the large cube"`
//                                      in clevr/spec.clevr (cursor on the line, command palette)
// Each picture is checked before it is saved: the hover shows computed values, the plot panel's
// webview has drawn SVG marks, the chart webview has nodes and a derivation tree.
//   node scripts/screenshot.mjs --results      (or node scripts/screenshot-results.mjs)
import fs from 'node:fs';
import path from 'node:path';
import { root } from './code-server.mjs';
import {
  command,
  frameWith,
  lensLink,
  openFromExplorer,
  runBlock,
  screenshotSession,
  waitForBackend,
} from './workbench-driver.mjs';

const outDir = path.join(root, 'test', 'screenshots');

await screenshotSession({ name: 'screenshot', workspace: path.join(root, 'examples') }, async (page, log) => {
  await openFromExplorer(page, 'demo.tlab');
  await waitForBackend(page);

  // Run through the code lens; the lens then reports the expectations.
  await runBlock(page, 0, /✓ 2 passed/, 60_000);
  log('ran quadratic_minimum: the code lens says ✓ 2 passed');

  // (c) hover with computed values: `x_min` in `y = q.x_min` of the plot block (the top-most x_min).
  const words = page.locator('.editor-instance .view-lines span:text-is("x_min")');
  await words.first().waitFor({ timeout: 10_000 });
  const boxes = await Promise.all((await words.all()).map(async (w) => ({ w, box: await w.boundingBox() })));
  const top = boxes.filter((b) => b.box).sort((a, b) => a.box.y - b.box.y)[0].w;
  await top.hover();
  const hover = page
    .locator('.monaco-hover-content')
    .filter({ hasText: /q\.x_min =[\s\S]*-3\s*0\.75/ })
    .first();
  await hover.waitFor({ timeout: 20_000 });
  await page.waitForTimeout(1000); // the hover fades in
  fs.mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, 'hover-values.png') });
  log(`hover-values.png: ${JSON.stringify((await hover.textContent())?.trim().slice(0, 160))}`);
  await page.mouse.move(5, 400);
  await page.keyboard.press('Escape');

  // (a) the plots panel from the "Plot" lens, with the side bar closed to give the panels room.
  await command(page, 'View: Toggle Primary Side Bar Visibility');
  await lensLink(page, /Plot$/).click();
  const plotFrame = await frameWith(page, '#figure svg g.mark-line path', 60_000);
  await plotFrame.waitForFunction(() => document.querySelectorAll('#figure svg g.mark-symbol path').length >= 9, null, {
    timeout: 30_000,
  });
  const caption = await plotFrame.$eval('#caption', (e) => e.textContent ?? '');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(outDir, 'plot-panel.png') });
  log(`plot-panel.png: ${JSON.stringify(caption)}`);

  // (b) the chart panel: cursor on the sentence of spec.clevr, then the command.
  await command(page, 'View: Toggle Primary Side Bar Visibility');
  await openFromExplorer(page, 'clevr/spec.clevr');
  await command(page, 'View: Toggle Primary Side Bar Visibility');
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press('Control+G');
  const goto = page.locator('.quick-input-widget input');
  await goto.waitFor({ timeout: 10_000 });
  await goto.fill(':44');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  await command(page, 'Show G2L2 Chart for the Sentence at the Cursor');
  const chartFrame = await frameWith(page, '#chart .node', 60_000);
  await chartFrame.waitForSelector('#details pre.tree', { timeout: 30_000 });
  const header = await chartFrame.$eval('#header', (e) => e.textContent ?? '');
  if (!/how many spheres left of the large cube/.test(header))
    throw new Error(`the chart shows another sentence: ${header}`);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(outDir, 'chart-panel.png') });
  log(`chart-panel.png: ${JSON.stringify(header.slice(0, 160))}`);
  log('OK — hover-values.png, plot-panel.png, chart-panel.png');
});
