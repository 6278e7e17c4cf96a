// Completion of the .clevr language: keywords at a statement start, declared names after on/using/eval,
// modes, functions, concepts, attributes, relations and category atoms (context-specific cases first,
// from editing.ts).
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysis';
import { contextCompletion } from './editing';
import { FUNCTIONS, signatureText } from './functions';
import { inside } from './lspSpans';
import { KEYWORDS } from './parser';
import { statementAt } from './serviceHover';
import { ATTRIBUTES, attributeOf, CONCEPTS, RELATIONS } from './vocab';
import { LINGUISTIC_ATOMS } from '../g2l2/category';

const COMPLETION_KEYWORDS = ['scene', 'scenes', 'program', 'eval', 'questions', 'lexicon', 'sentence', 'object', 'from', 'on', 'mode', 'expect', 'using', 'weight', 'at'];

export function completion(a: Analysis, doc: TextDocument, off: number): lsp.CompletionItem[] {
  const special = contextCompletion(a, doc, off);
  if (special) return special;
  const s = statementAt(a, Math.max(0, off - 1));
  const items: lsp.CompletionItem[] = [];
  const lineStart = doc.getText().lastIndexOf('\n', off - 1) + 1;
  const linePrefix = doc.getText().slice(lineStart, off);
  if (/^\s*\w*$/.test(linePrefix) && !(s && (s.kind === 'scene' || s.kind === 'lexicon') && inside(s.span, off))) {
    for (const k of COMPLETION_KEYWORDS) items.push({ label: k, kind: 14 /* Keyword */ });
  }
  if (/\b(on|using|eval)\s+\w*$/.test(linePrefix)) {
    const want = /using\s+\w*$/.test(linePrefix) ? ['lexicon'] : /eval\s+\w*$/.test(linePrefix) ? ['program', 'questions'] : ['scene', 'scenes'];
    for (const o of a.occurrences) if (o.decl && want.includes(o.kind)) items.push({ label: o.name, kind: 6 /* Variable */, detail: o.kind });
    return items;
  }
  if (/\bmode\s+\w*$/.test(linePrefix)) return [{ label: 'symbolic', kind: 20 }, { label: 'soft', kind: 20 }];
  for (const sig of FUNCTIONS.values()) items.push({ label: sig.name, kind: 3 /* Function */, detail: signatureText(sig), documentation: sig.doc, insertText: sig.params.length ? undefined : `${sig.name}()` });
  for (const c of CONCEPTS) items.push({ label: c, kind: 20 /* EnumMember */, detail: `concept (${attributeOf(c)})` });
  for (const at of ATTRIBUTES) items.push({ label: at, kind: 10 /* Property */, detail: 'attribute' });
  for (const r of RELATIONS) items.push({ label: r, kind: 20, detail: 'relation' });
  if (s && s.kind === 'lexicon') for (const c of LINGUISTIC_ATOMS) items.push({ label: c, kind: 7 /* Class */, detail: 'category atom' });
  for (const k of KEYWORDS) if (!items.some((i) => i.label === k)) items.push({ label: k, kind: 14 });
  return items;
}

