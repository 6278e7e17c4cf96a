// Editing features of .tlab documents: whole-document and range formatting (with the editor's tabSize /
// insertSpaces) and quick fixes from the checker's proposals (did you mean, nearest grid values, …).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import { formatTlab, formatTlabLines } from './format';
import { range, state, toLspDiagnostic } from './serviceCommon';

export function formatting(doc: TextDocument, options?: lsp.FormattingOptions): lsp.TextEdit[] {
  const text = doc.getText();
  const formatted = formatTlab(text, options ?? {});
  if (formatted === undefined || formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}

/**
 * Formats the lines a range touches (indent and spacing, computed over the whole file so the depth is
 * right); blank lines and the lines outside are left as they are. A file with syntax errors is left alone.
 */
export function rangeFormatting(doc: TextDocument, r: lsp.Range, options?: lsp.FormattingOptions): lsp.TextEdit[] {
  const text = doc.getText();
  const lines = formatTlabLines(text, options ?? {});
  if (!lines) return [];
  const out: lsp.TextEdit[] = [];
  for (const l of lines) {
    const line = doc.positionAt(l.lineStart).line;
    if (line < r.start.line || line > r.end.line || (line === r.end.line && r.end.character === 0 && r.end.line > r.start.line)) continue;
    let end = l.end;
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    if (text.slice(l.lineStart, end) !== l.text) out.push({ range: { start: doc.positionAt(l.lineStart), end: doc.positionAt(end) }, newText: l.text });
  }
  return out;
}

export function codeActions(doc: TextDocument, r: lsp.Range, diags: lsp.Diagnostic[], ctx: ServerContext): lsp.CodeAction[] {
  const a = state(doc, ctx).analysis;
  const out: lsp.CodeAction[] = [];
  const start = doc.offsetAt(r.start), end = doc.offsetAt(r.end);
  const seen = new Set<string>();
  for (const d of a.diagnostics) {
    if (!d.fixes?.length || d.span.end < start || d.span.start > end) continue;
    const lspDiag = diags.find((x) => x.message === d.message) ?? toLspDiagnostic(doc, d);
    for (const f of d.fixes) {
      const key = `${f.span.start}:${f.newText}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // one fix is the obvious choice; among several (nearest grid values, which argument to drop) the user picks
      out.push({ title: f.title, kind: lsp.CodeActionKind.QuickFix, diagnostics: [lspDiag], isPreferred: d.fixes.length === 1, edit: { changes: { [doc.uri]: [{ range: range(doc, f.span), newText: f.newText }] } } });
    }
  }
  return out;
}
