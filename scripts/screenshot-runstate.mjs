// Screenshots of figures, derivation failures and run state (issue 19), taken like
// screenshot-results.mjs in the browser VS Code (code-server) with headless Chromium, on a copy of
// examples/figures.tlab plus a small file with a wrong derivative and a long simulation:
//   test/screenshots/figure-loglog.png    the plots panel: log-log axes, theory lines, simulation markers ± std
//   test/screenshots/figure-heatmap.png   a matrix output (influence Δ output) as a heatmap
//   test/screenshots/derivation-fail.png  a failed check: "k of N draws fail", hover at the failing draw
//   test/screenshots/lens-progress.png    the code lens of a running block with the solver's progress
// Each picture is checked before it is saved (SVG marks drawn, hover label, lens text).
//   node scripts/screenshot.mjs --results      (runs screenshot-results.mjs, then this)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from './code-server.mjs';
import {
  command,
  frameWith,
  lensLink,
  quickOpen,
  runBlock,
  screenshotSession,
  waitForBackend,
} from './workbench-driver.mjs';

const outDir = path.join(root, 'test', 'screenshots');

const RUNSTATE = `// A wrong derivative (the sign of the second term) and a long simulation, to show what the editor says.
derivation product_rule "d/dx Σ x·tanh(x)" {
  given x: vector(4)
  check grad(sum(x * tanh(x)), x) == tanh(x) - x * (1 - tanh(x)^2)
}

experiment long_run "many seeds of a noisy mean" {
  simulate m = demo.noisy_mean(n = 1000000, seeds = 2000)
}
`;

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-shots-ws-'));
fs.copyFileSync(path.join(root, 'examples', 'figures.tlab'), path.join(workspace, 'figures.tlab'));
fs.writeFileSync(path.join(workspace, 'runstate.tlab'), RUNSTATE);
const shot = async (page, name) => {
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(outDir, name) });
};
const settings = { 'theorylab.autoRunMaxSeconds': 0, 'security.workspace.trust.enabled': false };

await screenshotSession(
  { name: 'screenshot', workspace, settings, tempDirs: [workspace], timeoutMs: 400_000 },
  async (page, log) => {
    await command(page, 'View: Toggle Primary Side Bar Visibility');
    await quickOpen(page, 'figures.tlab');
    await waitForBackend(page);
    fs.mkdirSync(outDir, { recursive: true });

    // (1) log-log figure: run power_law_mean, open its plot
    await runBlock(page, 0, /✓ 2 passed/);
    await lensLink(page, /Plot$/).click();
    let frame = await frameWith(page, '#figure svg g.mark-line path', 60_000);
    await frame.waitForFunction(
      () =>
        document.querySelectorAll('#figure svg g.mark-symbol path').length >= 7 &&
        document.querySelectorAll('#figure svg g.mark-rule line, #figure svg g.mark-rule path').length >= 7,
      null,
      { timeout: 30_000 },
    );
    const ticks = await frame.$$eval('#figure svg .role-axis-label text', (ts) => ts.map((t) => t.textContent));
    if (!ticks.some((t) => /^10[⁰¹²³⁴⁻]+$/.test(t ?? '')))
      throw new Error(`no power-of-ten tick labels: ${ticks.join(' ')}`);
    await shot(page, 'figure-loglog.png');
    log(`figure-loglog.png: ticks ${ticks.join(' ')}`);

    // (2) heatmap: run output_change (the second block), open its plot
    await page.locator('.editor-instance .view-lines').first().click();
    await runBlock(page, 1, /✓ 1 passed/);
    await lensLink(page, /Plot$/, 1).click();
    frame = await frameWith(page, '#figure svg g.mark-rect path', 60_000);
    await frame.waitForFunction(() => document.querySelectorAll('#figure svg g.mark-rect path').length >= 12, null, {
      timeout: 30_000,
    });
    await shot(page, 'figure-heatmap.png');
    log('figure-heatmap.png: rect marks drawn');
    await command(page, 'View: Close All Editor Groups');

    // (3) failed derivation with the hover at its failing draw
    await quickOpen(page, 'runstate.tlab');
    await runBlock(page, 0, /✗ 1 failed/, 60_000);
    await page.keyboard.press('Control+G');
    const goto = page.locator('.quick-input-widget input');
    await goto.waitFor({ timeout: 10_000 });
    await goto.fill(':4:56'); // `tanh(x)` of the right-hand side
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page
      .locator('.monaco-hover-content')
      .filter({ hasText: /where this check fails/ })
      .first();
    await hover.waitFor({ timeout: 20_000 });
    await shot(page, 'derivation-fail.png');
    log(`derivation-fail.png: ${JSON.stringify((await hover.textContent())?.trim().slice(0, 200))}`);
    await page.keyboard.press('Escape');

    // (4) the lens of a running block with the solver's progress (redrawn during the run), then cancel
    await lensLink(page, /^\s*Run/, 1).click();
    for (let i = 0; process.env.SHOT_DEBUG && i < 3; i++) {
      await page.waitForTimeout(2000);
      log(JSON.stringify(await page.locator('.codelens-decoration').allTextContents()));
    }
    // a lens without a command (the status text) is drawn as a span, not a link: match the line's decoration
    const progress = page
      .locator('.codelens-decoration')
      .filter({ hasText: /running: seed \d+\/2000 · \d+%/ })
      .first();
    await progress.waitFor({ timeout: 30_000 });
    const first = await progress.textContent();
    // the same lens again a few seconds later, further on: it is redrawn as the run goes
    await page.waitForTimeout(3000);
    const text = await progress.textContent();
    if (text === first) throw new Error(`the progress lens was not redrawn: ${JSON.stringify(text)}`);
    await page.screenshot({ path: path.join(outDir, 'lens-progress.png') });
    log(`lens-progress.png: ${JSON.stringify(first)} → ${JSON.stringify(text)}`);
    await lensLink(page, /Cancel$/).click();
    await page
      .locator('.codelens-decoration')
      .filter({ hasText: /cancelled at/ })
      .first()
      .waitFor({ timeout: 30_000 });
    log('OK — figure-loglog.png, figure-heatmap.png, derivation-fail.png, lens-progress.png');
  },
);
