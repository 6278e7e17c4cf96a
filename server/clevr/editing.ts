// Editing features of .clevr beyond the basics in service.ts: signature help for program functions,
// quick fixes for every diagnostic that names its fix ("did you mean 'green'?", a missing `using`),
// formatting (indentation, aligned lexicon columns), context-aware completion, folding of comment
// runs, the words of a sentence ↔ their lexicon entries (definition and references), and refusal of
// a rename onto a name that already exists.
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysis';
import type { Span, Statement } from './ast';
import { catToString } from './ast';
import { FUNCTIONS, signatureText } from './functions';
import { KEYWORDS } from './parser';
import { ATTRIBUTES, attributeOf, canonicalConcept, conceptWords, RELATIONS } from './vocab';
import { LINGUISTIC_ATOMS } from '../g2l2/category';
import { normaliseWords } from '../g2l2/lexicon';

const inside = (s: Span, off: number) => s.start >= 0 && off >= s.start && off <= s.end;
const range = (doc: TextDocument, s: Span): lsp.Range => ({ start: doc.positionAt(Math.max(0, s.start)), end: doc.positionAt(Math.max(0, s.start, s.end)) });

// ---- signature help ------------------------------------------------------------------------------
/** The call whose argument list holds the offset: function name and argument index (strings and comments skipped). */
export function callAt(text: string, off: number): { name: string; arg: number } | undefined {
  let depth = 0, commas = 0;
  const lineStart = Math.max(0, off - 4000); // calls are typed on a few lines; never scan a huge file
  for (let i = off - 1; i >= lineStart; i--) {
    const ch = text[i];
    if (ch === ')' || ch === ']') depth++;
    else if (ch === '[') { if (depth === 0) return undefined; depth--; }
    else if (ch === '(') {
      if (depth === 0) {
        const m = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(Math.max(0, i - 64), i));
        return m ? { name: m[1], arg: commas } : undefined;
      }
      depth--;
    } else if (ch === ',' && depth === 0) commas++;
    else if (ch === '\n' && /^\s*(scene|scenes|program|eval|questions|lexicon|sentence)\b/.test(text.slice(i + 1, i + 20)) && i + 1 < off) {
      if (!/^\s*(program|lexicon)/.test(text.slice(i + 1, i + 20))) return undefined;
    }
  }
  return undefined;
}

export function signatureHelp(doc: TextDocument, pos: lsp.Position): lsp.SignatureHelp | null {
  const c = callAt(doc.getText(), doc.offsetAt(pos));
  const sig = c && FUNCTIONS.get(c.name);
  if (!c || !sig) return null;
  const params = sig.params.map((p) => ({ label: p.attr ?? (p.list ? 'Concept | [Concept…]' : p.type), documentation: p.attr ? `a ${p.attr} value (${p.type})` : p.implicitUnique ? 'an Object (an ObjectSet of size 1 is taken as its unique member)' : undefined }));
  return {
    signatures: [{ label: signatureText(sig), documentation: sig.doc, parameters: params.map((p) => ({ label: p.label, documentation: p.documentation })) }],
    activeSignature: 0, activeParameter: Math.min(c.arg, Math.max(0, params.length - 1)),
  };
}

// ---- code actions --------------------------------------------------------------------------------
export function codeActions(doc: TextDocument, diagnostics: lsp.Diagnostic[]): lsp.CodeAction[] {
  const out: lsp.CodeAction[] = [];
  for (const d of diagnostics) {
    const mean = /did you mean '([^']+)'\?/.exec(d.message);
    if (mean) {
      out.push({ title: `Change to '${mean[1]}'`, kind: 'quickfix', diagnostics: [d], isPreferred: true,
        edit: { changes: { [doc.uri]: [{ range: d.range, newText: mean[1] }] } } });
      continue;
    }
    const using = /expected `using LEXICON`(?: before `\w+`)? \(e\.g\. using (\w+)\)/.exec(d.message);
    if (using) {
      out.push({ title: `Add 'using ${using[1]}'`, kind: 'quickfix', diagnostics: [d], isPreferred: true,
        edit: { changes: { [doc.uri]: [{ range: { start: d.range.start, end: d.range.start }, newText: `using ${using[1]} ` }] } } });
    }
  }
  return out;
}

// ---- formatting ----------------------------------------------------------------------------------
/**
 * Re-indents a file (one level inside scene and lexicon blocks), aligns the columns of lexicon
 * entries (words, category, program), trims trailing spaces and collapses runs of blank lines. A
 * file with syntax errors is left as it is: moving text the parser did not understand could change it.
 */
export function format(doc: TextDocument, a: Analysis, options: lsp.FormattingOptions): lsp.TextEdit[] {
  if (a.file.errors.length) return [];
  const text = doc.getText();
  const unit = options.insertSpaces === false ? '\t' : ' '.repeat(Math.max(1, Math.min(8, options.tabSize || 2)));
  const lines = text.split(/\r?\n/);
  const entryLine = new Map<number, { words: string; cat: string; rest: string; lex: number }>();
  a.file.statements.forEach((s, k) => {
    if (s.kind !== 'lexicon') return;
    for (const e of s.entries) {
      const line = doc.positionAt(e.span.start).line;
      if (doc.positionAt(e.span.end).line !== line || !e.category) continue;
      const src = lines[line];
      const m = /^\s*("(?:[^"\\]|\\.)*")\s*:\s*(.*?)\s*(:=.*)?$/.exec(src);
      if (!m || m[1] !== text.slice(e.words.span.start, e.words.span.end)) continue;
      const cat = m[2].replace(/\s+/g, '');
      if (cat !== catToString(e.category).replace(/\s+/g, '') && !/^[A-Za-z\\/()]+$/.test(cat)) continue;
      entryLine.set(line, { words: m[1], cat, rest: (m[3] ?? '').replace(/\s+$/, ''), lex: k });
    }
  });
  const widths = new Map<number, { w: number; c: number }>();
  for (const e of entryLine.values()) {
    const cur = widths.get(e.lex) ?? { w: 0, c: 0 };
    widths.set(e.lex, { w: Math.max(cur.w, e.words.length), c: Math.max(cur.c, e.cat.length) });
  }
  const out: string[] = [];
  let depth = 0, blank = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\s+$/, '');
    const body = raw.trim();
    if (!body) { if (++blank <= 1 && out.length) out.push(''); continue; }
    blank = 0;
    const code = body.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/(\/\/|#).*$/, '');
    const closes = /^\}/.test(code) ? 1 : 0;
    const indent = unit.repeat(Math.max(0, depth - closes));
    const e = entryLine.get(i);
    if (e) {
      const w = widths.get(e.lex)!;
      out.push(`${indent}${e.words.padEnd(w.w)} : ${e.rest ? `${e.cat.padEnd(w.c)} ${e.rest}` : e.cat}`);
    } else out.push(indent + body);
    for (const ch of code) { if (ch === '{') depth++; else if (ch === '}') depth = Math.max(0, depth - 1); }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  const formatted = out.join('\n') + '\n';
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}

// ---- completion ----------------------------------------------------------------------------------
type Ctx = 'sentence' | 'category' | 'objectWords' | 'program' | 'other';

function completionContext(a: Analysis, text: string, off: number): { ctx: Ctx; stmt?: Statement } {
  const s = a.file.statements.find((x) => inside(x.span, off) || inside(x.span, off - 1));
  const lineStart = text.lastIndexOf('\n', off - 1) + 1;
  const prefix = text.slice(lineStart, off);
  if (/^\s*sentence\s+"[^"]*$/.test(prefix)) return { ctx: 'sentence', stmt: s };
  // A line that starts with a quoted word and a colon is a lexicon entry (nothing else has that shape).
  if (/^\s*"(?:[^"\\]|\\.)*"\s*:(?!=)[^=]*$/.test(prefix)) return { ctx: 'category', stmt: s };
  if (s?.kind === 'scene' && /^\s*object\s+\w+\s*:[^(]*$/.test(prefix) && !/\bat\b/.test(prefix)) return { ctx: 'objectWords', stmt: s };
  if ((s?.kind === 'program' && /=/.test(text.slice(s.span.start, off))) || (s?.kind === 'lexicon' && prefix.includes(':='))) return { ctx: 'program', stmt: s };
  return { ctx: 'other', stmt: s };
}

/** Completion items for the contexts service.ts does not handle itself; undefined = not one of them. */
export function contextCompletion(a: Analysis, doc: TextDocument, off: number): lsp.CompletionItem[] | undefined {
  const text = doc.getText();
  const { ctx, stmt } = completionContext(a, text, off);
  if (ctx === 'sentence') {
    // Inside a sentence: the words of the lexicon it uses (or of every lexicon), never functions.
    const lexName = stmt?.kind === 'sentence' ? stmt.lexicon?.name : undefined;
    const lexicons = lexName && a.lexicons.get(lexName) ? [a.lexicons.get(lexName)!.lexicon] : [...a.lexicons.values()].map((l) => l.lexicon);
    const words = new Set<string>();
    for (const l of lexicons) for (const w of l.bySurface.keys()) words.add(w);
    return [...words].sort().map((w) => ({ label: w, kind: 1 /* Text */, detail: 'lexicon word' }));
  }
  if (ctx === 'category') {
    return [...LINGUISTIC_ATOMS.map((c) => ({ label: c, kind: 7 as lsp.CompletionItemKind, detail: 'category atom' })),
      { label: 'N/N', kind: 7, detail: 'modifier: takes N on the right' }, { label: 'S/N', kind: 7, detail: 'question word over a set' },
      { label: 'NP/N', kind: 7, detail: 'determiner' }, { label: '(N\\N)/NP', kind: 7, detail: 'relation phrase' }];
  }
  if (ctx === 'objectWords') {
    return conceptWords().map((w) => ({ label: w, kind: 20 as lsp.CompletionItemKind, detail: `${attributeOf(canonicalConcept(w)!)}${canonicalConcept(w) !== w ? ` (synonym of ${canonicalConcept(w)})` : ''}` }))
      .concat([{ label: 'at', kind: 14 as lsp.CompletionItemKind, detail: 'position (x, y)' }]);
  }
  if (ctx === 'program') {
    const items: lsp.CompletionItem[] = [];
    for (const sig of FUNCTIONS.values()) items.push({ label: sig.name, kind: 3, detail: signatureText(sig), documentation: sig.doc, insertText: sig.params.length ? undefined : `${sig.name}()` });
    for (const w of conceptWords()) {
      const c = canonicalConcept(w)!;
      items.push({ label: w, kind: 20, detail: c === w ? `concept (${attributeOf(c)})` : `synonym of ${c} (${attributeOf(c)})` });
    }
    for (const at of ATTRIBUTES) items.push({ label: at, kind: 10, detail: 'attribute' });
    for (const r of RELATIONS) items.push({ label: r, kind: 20, detail: 'relation' });
    return items;
  }
  return undefined;
}

// ---- folding -------------------------------------------------------------------------------------
/** Runs of two or more consecutive comment lines fold as one comment block. */
export function commentFolds(doc: TextDocument, a: Analysis): lsp.FoldingRange[] {
  const lines = [...new Set(a.file.comments.filter((c) => c.start >= 0).map((c) => doc.positionAt(c.start).line))].sort((x, y) => x - y);
  const text = doc.getText();
  const whole = (l: number) => /^\s*(\/\/|#)/.test(text.slice(doc.offsetAt({ line: l, character: 0 }), doc.offsetAt({ line: l + 1, character: 0 })));
  const out: lsp.FoldingRange[] = [];
  let start = -1, prev = -2;
  for (const l of lines.filter(whole)) {
    if (l !== prev + 1) { if (start >= 0 && prev > start) out.push({ startLine: start, endLine: prev, kind: 'comment' }); start = l; }
    prev = l;
  }
  if (start >= 0 && prev > start) out.push({ startLine: start, endLine: prev, kind: 'comment' });
  return out;
}

// ---- sentence words ↔ lexicon entries ------------------------------------------------------------
/** The words of a sentence literal with their source spans (when the literal has no escapes). */
export function sentenceWords(text: string, s: Extract<Statement, { kind: 'sentence' }>): { word: string; span: Span }[] {
  const lit = text.slice(s.text.span.start, s.text.span.end);
  if (lit !== `"${s.text.value}"`) return [];
  const out: { word: string; span: Span }[] = [];
  const re = /[^\s?!.,;]+/g;
  for (let m = re.exec(s.text.value); m; m = re.exec(s.text.value)) {
    const start = s.text.span.start + 1 + m.index;
    out.push({ word: m[0].toLowerCase(), span: { start, end: start + m[0].length } });
  }
  return out;
}

/** The sentence tokens (multi-word entries joined) with spans, and the lexicon they use. */
function sentenceTokens(a: Analysis, s: Extract<Statement, { kind: 'sentence' }>): { surface: string; span: Span }[] {
  const lex = s.lexicon && a.lexicons.get(s.lexicon.name)?.lexicon;
  if (!lex) return [];
  const words = sentenceWords(a.text, s);
  if (words.length !== normaliseWords(s.text.value).length) return [];
  const out: { surface: string; span: Span }[] = [];
  for (let i = 0; i < words.length;) {
    let len = Math.min(lex.maxWords, words.length - i);
    for (; len > 1; len--) if (lex.bySurface.has(words.slice(i, i + len).map((w) => w.word).join(' '))) break;
    out.push({ surface: words.slice(i, i + len).map((w) => w.word).join(' '), span: { start: words[i].span.start, end: words[i + len - 1].span.end } });
    i += len;
  }
  return out;
}

/** Definition from a word of a sentence: the lexicon entries of that word. */
export function sentenceWordDefinition(doc: TextDocument, a: Analysis, off: number): lsp.Location[] | null {
  const s = a.file.statements.find((x) => x.kind === 'sentence' && inside(x.text.span, off)) as Extract<Statement, { kind: 'sentence' }> | undefined;
  if (!s) return null;
  const tok = sentenceTokens(a, s).find((t) => inside(t.span, off));
  const decl = tok && s.lexicon ? a.lexicons.get(s.lexicon.name)?.decl : undefined;
  if (!tok || !decl) return null;
  const entries = decl.entries.filter((e) => normaliseWords(e.words.value).join(' ') === tok.surface);
  return entries.length ? entries.map((e) => ({ uri: doc.uri, range: range(doc, e.words.span) })) : null;
}

/** References from a lexicon entry's words: every sentence word that uses that entry's surface. */
export function entryReferences(doc: TextDocument, a: Analysis, off: number, includeDeclaration: boolean): lsp.Location[] | null {
  const lexStmt = a.file.statements.find((x) => x.kind === 'lexicon' && inside(x.span, off)) as Extract<Statement, { kind: 'lexicon' }> | undefined;
  const entry = lexStmt?.entries.find((e) => inside(e.words.span, off));
  if (!lexStmt || !entry) return null;
  const surface = normaliseWords(entry.words.value).join(' ');
  const out: lsp.Location[] = [];
  if (includeDeclaration) for (const e of lexStmt.entries) if (normaliseWords(e.words.value).join(' ') === surface) out.push({ uri: doc.uri, range: range(doc, e.words.span) });
  for (const s of a.file.statements) {
    if (s.kind !== 'sentence' || s.lexicon?.name !== lexStmt.name.name) continue;
    for (const t of sentenceTokens(a, s)) if (t.surface === surface) out.push({ uri: doc.uri, range: range(doc, t.span) });
  }
  return out;
}

// ---- rename --------------------------------------------------------------------------------------
/** Why a rename to `newName` is refused, or undefined when it is fine. */
export function renameRefusal(a: Analysis, oldName: string, newName: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return `'${newName}' is not a name (letters, digits, _)`;
  if (KEYWORDS.includes(newName)) return `'${newName}' is a keyword`;
  if (newName === oldName) return undefined;
  const clash = a.occurrences.find((o) => o.decl && o.name === newName);
  if (clash) return `'${newName}' already exists (a ${clash.kind}, line ${a.text.slice(0, clash.span.start).split('\n').length}); renaming onto it would merge two definitions`;
  if (FUNCTIONS.has(newName) || canonicalConcept(newName) || (ATTRIBUTES as readonly string[]).includes(newName) || (RELATIONS as readonly string[]).includes(newName)) {
    return `'${newName}' is a built-in name (function, concept, attribute or relation)`;
  }
  return undefined;
}

