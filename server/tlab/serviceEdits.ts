// Editing features of .tlab documents: whole-document formatting and quick fixes from the checker's
// "did you mean" proposals.
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import { formatTlab } from './format';
import { range, state, toLspDiagnostic } from './serviceCommon';

export function formatting(doc: TextDocument): lsp.TextEdit[] {
  const text = doc.getText();
  const formatted = formatTlab(text);
  if (formatted === undefined || formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
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
