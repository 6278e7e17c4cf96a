// Offsets of the .clevr analysis as LSP ranges, shared by the language-service files (service.ts,
// serviceHover.ts, serviceOutline.ts, serviceCompletion.ts).
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from './ast';

export const range = (doc: TextDocument, s: Span): lsp.Range => {
  const start = Math.max(0, s.start), end = Math.max(start, s.end);
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
};
export const inside = (s: Span, off: number) => s.start >= 0 && off >= s.start && off <= s.end;
