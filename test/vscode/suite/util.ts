// Helpers shared by the VS Code integration suites.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TheoryLabApi } from '../../../client/extension';

/** Polls `probe` until it returns a value that is not undefined/null, or fails after `ms`. */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined | null> | T | undefined | null): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The extension's API once its language server runs and has said it is ready (`what` names the wait). */
export async function readyServer(what = 'a running language server'): Promise<TheoryLabApi> {
  const api = await vscode.extensions.getExtension<TheoryLabApi>('theorylab.theorylab')!.activate();
  await eventually(what, 60_000, () => (api.client()?.isRunning() && api.lastStatus()?.state === 'ready' ? true : undefined));
  return api;
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder (examples/) is open');
  return folder.uri;
}

export async function openDemo(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), 'demo.tlab'));
  return vscode.window.showTextDocument(doc);
}
