// Playwright helpers that drive the browser VS Code (code-server) the way a user does, shared by the
// screenshot scripts: the command palette, quick open, and finding the webview frame that shows
// something (webviews are nested iframes whose order is not stable).

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
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through quick open (Ctrl+P) and waits for its editor. */
export async function quickOpen(page, file) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: file }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector('.editor-instance .view-lines', { timeout: 30_000 });
  await page.waitForTimeout(1000);
}
