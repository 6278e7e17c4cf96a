// Playwright helpers that drive the browser VS Code (code-server) the way a user does, shared by the
// screenshot scripts: the command palette, quick open, and finding the webview frame that shows
// something (webviews are nested iframes whose order is not stable), opening files, and one screenshot
// session (code-server + headless Chromium, started and always cleaned up).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumPath, root, startCodeServer, workbenchUrl } from './code-server.mjs';

/** The first frame where `selector` matches, polled every 250 ms until `ms`. */
export async function frameWith(page, selector, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const f of page.frames()) if (await f.$(selector).catch(() => null)) return f;
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview shows ${selector} within ${ms / 1000} s`);
}

/** Runs a command by its palette title (F1, type, wait for the row, Enter). */
export async function command(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: title })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through quick open (Ctrl+P) and waits for its editor. */
export async function quickOpen(page, file) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(file);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: file })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector('.editor-instance .view-lines', { timeout: 30_000 });
  await page.waitForTimeout(1000);
}

/** Opens a workspace file from the explorer, expanding each folder on the way (`clevr/spec.clevr`). */
export async function openFromExplorer(page, file) {
  for (const name of file.split('/')) {
    const row = page
      .locator(
        `.explorer-folders-view .monaco-list-row[aria-label="${name}"], .explorer-folders-view .monaco-list-row:text-is("${name}")`,
      )
      .first();
    await row.waitFor({ timeout: 60_000 });
    await row.click();
  }
  await page.waitForSelector('.editor-instance .view-lines', { timeout: 30_000 });
}

/** Waits until the Theory Lab status bar item names its backend: the server has started and reported. */
export async function waitForBackend(page, ms = 90_000) {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('.statusbar-item')].some((e) =>
        /Theory Lab: (cpu|webgpu)/.test(e.textContent ?? ''),
      ),
    null,
    { timeout: ms },
  );
}

/**
 * One screenshot session: checks that Chromium and the build are there (exit 2 otherwise), starts
 * code-server on `workspace` with fresh user data, opens the workbench in headless Chromium with the
 * extension under development, and runs `body(page)`. Whatever happens — success, a thrown error, or
 * the watchdog after `timeoutMs` — the browser and server are closed, the temporary folders (`tempDirs`
 * and the user data) removed, and the process exits (0 on success; on failure 1, with a picture of the
 * page at the failure in the temp folder).
 */
export async function screenshotSession(
  { name, workspace, settings = {}, tempDirs = [], timeoutMs = 300_000, viewport = { width: 1440, height: 820 } },
  body,
) {
  const log = (m) => console.log(`${name}: ${m}`);
  const chromium = chromiumPath();
  if (!chromium) {
    console.error(`${name}: no Chromium (install with: sudo bash scripts/setup-system.sh)`);
    process.exit(2);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'client.js'))) {
    console.error(`${name}: dist/client.js missing: run \`npm run build\` first`);
    process.exit(2);
  }
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-shots-'));
  let server, browser, page;
  const finish = async (code) => {
    await browser?.close().catch(() => {});
    await server?.stop();
    for (const d of [state, ...tempDirs]) fs.rmSync(d, { recursive: true, force: true });
    process.exit(code);
  };
  setTimeout(() => {
    console.error(`${name}: timed out after ${timeoutMs / 1000} s`);
    void finish(1);
  }, timeoutMs).unref();
  try {
    server = await startCodeServer({
      workspace,
      stateDir: state,
      log,
      env: { THEORYLAB_NO_WALKTHROUGH: '1' },
      settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, ...settings },
    });
    const { chromium: pw } = await import('playwright-core');
    browser = await pw.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
    page = await browser.newPage({ viewport });
    await page.goto(workbenchUrl(server.base, server.port, workspace, { extensionDevelopmentPath: root }));
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await body(page, log);
    await finish(0);
  } catch (e) {
    console.error(`${name}: FAILED — ${e?.stack ?? e}`);
    const picture = path.join(os.tmpdir(), 'theorylab-shot-failure.png');
    if (page)
      await page.screenshot({ path: picture }).then(
        () => console.error(`${name}: the page at the failure: ${picture}`),
        () => {},
      );
    await finish(1);
  }
}

/** The `nth` code lens link whose text matches `re` (a lens with a command is drawn as a link). */
export function lensLink(page, re, nth = 0) {
  return page.locator('.codelens-decoration a').filter({ hasText: re }).nth(nth);
}

/** Clicks the `nth` Run lens of the editor and waits until a lens matches `doneRe` (the block's result). */
export async function runBlock(page, nth, doneRe, ms = 120_000) {
  await lensLink(page, /^\s*Run/).waitFor({ timeout: 60_000 });
  await lensLink(page, /^\s*Run/, nth).click();
  await lensLink(page, doneRe).waitFor({ timeout: ms });
}
