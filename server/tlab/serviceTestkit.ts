// In-process harness of the .tlab LanguageFeatures for unit tests: a temporary workspace folder, a
// clientless ServerContext confined to it, and documents built from texts with a `<|>` cursor marker.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { clientlessContext, type ServerContext } from '../languageService';
import { pathToUri, readWorkspaceFile } from '../workspaceFiles';
import { tlabFeatures as F } from './service';

export const WS = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-svc-')));
export const ctx = {
  ...clientlessContext(),
  runner: undefined as never, workspaceRoots: () => [WS], trusted: () => true, refresh: () => {}, log: () => {},
  readWorkspaceFile: (from: string, rel: string) => readWorkspaceFile(from, rel, [WS]),
} as ServerContext;

let n = 0;
/** A document from a text with a `<|>` marker: the document and the cursor's position. */
export function at(marked: string, name = `d${n++}.tlab`): { doc: TextDocument; pos: lsp.Position; text: string } {
  const off = marked.indexOf('<|>');
  assert.ok(off >= 0, 'no <|> marker');
  const text = marked.slice(0, off) + marked.slice(off + 3);
  const doc = TextDocument.create(pathToUri(path.join(WS, name)), 'tlab', 1, text);
  return { doc, pos: doc.positionAt(off), text };
}
export const labels = async (marked: string, name?: string) => {
  const { doc, pos } = at(marked, name);
  return (await F.completion!(doc, pos, ctx)).map((i) => i.label);
};
export const hoverAt = async (marked: string) => {
  const { doc, pos } = at(marked);
  const h = await F.hover!(doc, pos, ctx);
  return h ? (h.contents as { value: string }).value : '';
};

