// LSP features of the .clevr language: diagnostics, hover (values on the eval's scene, derivations of
// sentences, lexicon entries of words), completion, semantic tokens, outline, folding, definition and
// references, code lenses (Run, Show chart), inlay hints with answers, and the chart request.
import type * as lsp from 'vscode-languageserver';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { codeActions, commentFolds, contextCompletion, entryReferences, format, renameRefusal, sentenceWordDefinition, signatureHelp } from './editing';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageFeatures, ServerContext } from '../languageService';
import { semanticTokenModifiers, semanticTokenTypes } from '../languageService';
import { analyse, Analysis } from './analysis';
import { analyseInWorker, closeWorker, importedPaths } from './analysisHost';
import { catToString, Expr, exprToString, Span, Statement, walkExpr } from './ast';
import { isClosure, Val } from './evaluate';
import { FUNCTIONS, signatureText } from './functions';
import { clevrLexer, KEYWORDS } from './parser';
import { describeSoft, SoftValue } from './soft';
import { describeSym, SymValue } from './symbolic';
import { typeToString } from './types';
import { ATTRIBUTES, attributeOf, canonicalConcept, CONCEPTS, isAttribute, isRelation, RELATIONS } from './vocab';
import { chartData } from '../g2l2/parse';
import type { ChartData } from '../../protocol/chart';
import { catString, LINGUISTIC_ATOMS } from '../g2l2/category';
import { normaliseWords } from '../g2l2/lexicon';

// The latest analysis of each document. `complete` ones come from the worker (evals and sentences
// ran); a quick one (parse and check only, on this thread) stands in for small texts until then.
const cache = new Map<string, { text: string; analysis: Analysis; complete: boolean }>();
const inflight = new Map<string, { text: string; promise: Promise<Analysis | undefined> }>();
/** Texts up to this size get a quick parse-and-check on this thread while the worker runs. */
const QUICK_LIMIT = 64 * 1024;
/** Budgets while editing (the worker enforces them): per sentence, and for all evals and sentences of a file. */
export const EDIT_BUDGET = { sentenceMs: 2000, fileMs: 8000 };
const EMPTY = analyse('', () => { throw new Error('no files'); }, { execute: false });

function reader(doc: TextDocument, ctx: ServerContext) {
  return (rel: string) => {
    if (!doc.uri.startsWith('file:')) throw new Error(`'${rel}': an unsaved document cannot read files; save it in the workspace first`);
    return ctx.readWorkspaceFile(doc.uri, rel);
  };
}

/** The analysis features read now: never runs evals or sentences on this thread. */
export function analysisFor(doc: TextDocument, ctx: ServerContext): Analysis {
  const text = doc.getText();
  const hit = cache.get(doc.uri);
  if (hit && hit.text === text) return hit.analysis;
  if (text.length > QUICK_LIMIT) return hit?.analysis ?? EMPTY; // a big file: the last analysis until the worker's arrives
  const analysis = analyse(text, reader(doc, ctx), { execute: false });
  cache.set(doc.uri, { text, analysis, complete: false });
  return analysis;
}

/** The complete analysis of the document's current text, from its worker (shared by concurrent callers). */
export function completeAnalysis(doc: TextDocument, ctx: ServerContext, budget = EDIT_BUDGET): Promise<Analysis | undefined> {
  const text = doc.getText();
  const hit = cache.get(doc.uri);
  if (hit && hit.text === text && hit.complete) return Promise.resolve(hit.analysis);
  const running = inflight.get(doc.uri);
  if (running && running.text === text) return running.promise;
  const files: Record<string, { uri: string; text: string } | { error: string }> = {};
  const read = reader(doc, ctx);
  for (const rel of importedPaths(text)) { try { files[rel] = read(rel); } catch (e) { files[rel] = { error: (e as Error).message }; } }
  const trusted = ctx.trusted();
  const promise = analyseInWorker(doc.uri, doc.version, text, files, { execute: trusted, sentenceBudgetMs: budget.sentenceMs, fileBudgetMs: budget.fileMs })
    .then((r) => {
      if (inflight.get(doc.uri)?.promise === promise) inflight.delete(doc.uri);
      if (r === undefined) return undefined; // superseded by a newer edit
      let analysis: Analysis;
      if ('error' in r) {
        // The worker died or ran out of time: the quick analysis plus one diagnostic that says so.
        analysis = analyse(text.length <= QUICK_LIMIT ? text : '', read, { execute: false });
        analysis.diagnostics.push({ span: { start: 0, end: 0 }, severity: 'error', message: `${r.error}; evals and sentences of this file were not run` });
      } else analysis = r;
      if (!trusted) {
        const first = analysis.file.statements.find((x) => x.kind === 'eval' || x.kind === 'sentence');
        if (first) analysis.diagnostics.push({ span: first.span, severity: 'info', message: 'this workspace is not trusted: evals and sentences do not run (trust the workspace to run them)' });
      }
      const current = cache.get(doc.uri);
      if (!current || current.text === text || !current.complete) cache.set(doc.uri, { text, analysis, complete: true });
      // Hints and lenses served from the quick analysis meanwhile lack the answers: ask for them again
      // (the diagnostics this re-requests hit the cache).
      if (doc.version >= 0) ctx.refresh(doc.uri);
      return analysis;
    });
  inflight.set(doc.uri, { text, promise });
  return promise;
}

/** For hovers: the complete analysis if it arrives within `waitMs`, else what there is now. */
async function analysisSoon(doc: TextDocument, ctx: ServerContext, waitMs = 150): Promise<Analysis> {
  const hit = cache.get(doc.uri);
  if (hit && hit.text === doc.getText() && hit.complete) return hit.analysis;
  const running = inflight.get(doc.uri);
  if (running && running.text === doc.getText()) {
    const r = await Promise.race([running.promise, new Promise<undefined>((res) => { (setTimeout(() => res(undefined), waitMs) as unknown as { unref?: () => void }).unref?.(); })]);
    if (r) return r;
  }
  return analysisFor(doc, ctx);
}

const range = (doc: TextDocument, s: Span): lsp.Range => {
  const start = Math.max(0, s.start), end = Math.max(start, s.end);
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
};
const inside = (s: Span, off: number) => s.start >= 0 && off >= s.start && off <= s.end;
const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

function md(lines: string[]): lsp.Hover { return { contents: { kind: 'markdown', value: lines.join('\n') } }; }

function valueText(v: Val<SymValue> | Val<SoftValue> | undefined, scene: Analysis['defaultScene'], soft: boolean): string | undefined {
  if (!v || !scene || isClosure(v as Val<unknown>)) return undefined;
  const value = (v as { value: unknown }).value;
  return soft ? describeSoft(value as SoftValue, scene) : describeSym(value as SymValue, scene);
}

/** The innermost expression of a statement's program that contains the offset. */
function exprAt(e: Expr | undefined, off: number): Expr | undefined {
  let found: Expr | undefined;
  walkExpr(e, (x) => { if (inside(x.span, off)) found = x; });
  return found;
}

function statementAt(a: Analysis, off: number): Statement | undefined {
  return a.file.statements.find((s) => inside(s.span, off));
}

export function hover(a: Analysis, off: number): string[] | null {
  const s = statementAt(a, off);
  if (!s) return null;
  const ref = a.occurrences.find((o) => !o.decl && inside(o.span, off));
  if (ref) {
    if (ref.kind === 'scene') {
      const sc = a.scenes.get(ref.name)?.scene;
      if (sc) return [`**scene ${sc.name}**: ${sc.objects.length} objects`, ...sc.objects.map((x) => `- ${x.id}: ${x.size} ${x.color} ${x.material} ${x.shape}`)];
    }
    if (ref.kind === 'scenes') return [`**scenes ${ref.name}**: ${a.sceneSets.get(ref.name)?.scenes.length ?? 0} scenes`];
    if (ref.kind === 'lexicon') {
      const l = a.lexicons.get(ref.name)?.lexicon;
      if (l) return [`**lexicon ${l.name}**: ${l.entries.length} entries, ${l.bySurface.size} words`];
    }
    if (ref.kind === 'program') return programSummary(a, ref.name);
  }
  if (s.kind === 'program' && s.body) {
    const e = exprAt(s.body, off);
    if (!e) return inside(s.name.span, off) ? programSummary(a, s.name.name) : null;
    const p = a.programs.get(s.name.name);
    const t = p?.types.get(e);
    const lines: string[] = [];
    if (e.kind === 'call' && inside(e.fn.span, off)) {
      const sig = FUNCTIONS.get(e.fn.name);
      if (sig) lines.push('```', signatureText(sig), '```', sig.doc, '');
    }
    if (e.kind === 'name') lines.push(...wordInfo(e.name));
    lines.push(`\`${exprToString(e)}\`${t ? ` : **${typeToString(t)}**` : ''}`);
    const ps = a.programScene.get(s.name.name);
    if (ps) {
      const sym = valueText(ps.symTrace.get(e), ps.scene, false);
      const soft = valueText(ps.softTrace?.get(e), ps.scene, true);
      if (sym) lines.push('', `value on \`${ps.scene.name}\`: ${sym}`);
      else if (ps.error) lines.push('', `on \`${ps.scene.name}\`: ${ps.error}`);
      if (soft) lines.push('', `soft: ${soft}`);
    }
    return lines;
  }
  if (s.kind === 'eval') {
    const run = a.evals.find((r) => r.stmt === s);
    if (!run) return null;
    const lines = [`**eval ${s.target.name}** (${run.mode})`];
    for (const r of run.runs) lines.push(`- on \`${r.scene.name}\`: ${r.error ? `error: ${r.error}` : `**${r.answer ?? '?'}**${r.value ? ` — ${run.mode === 'soft' ? describeSoft(r.value as SoftValue, r.scene) : describeSym(r.value as SymValue, r.scene)}` : ''}`}`);
    if (run.questions) {
      const q = run.questions;
      lines.push(`${q.answers.length} questions: accuracy ${q.accuracy === null ? '—' : `${(100 * q.accuracy).toFixed(1)}% (${q.correct}/${q.total})`}, ${q.invalid} INVALID skipped`);
    }
    return lines;
  }
  if (s.kind === 'sentence') {
    const run = a.sentences.find((r) => r.stmt === s);
    if (!run) return null;
    const r = run.result;
    if (inside(s.text.span, off)) {
      // A word inside the sentence: its entries.
      const rel = off - s.text.span.start - 1;
      const raw = s.text.value;
      const before = normaliseWords(raw.slice(0, Math.max(0, rel))).length;
      const wordIdx = /\s/.test(raw[rel] ?? ' ') || rel < 0 ? -1 : Math.max(0, before - (/\S$/.test(raw.slice(0, rel)) ? 1 : 0));
      const tok = r.tokens.find((t) => wordIdx >= t.start && wordIdx < t.end);
      const lines: string[] = [];
      if (tok) lines.push(...entryLines(run.lexicon.bySurface.get(tok.text) ?? [], tok.text), '');
      lines.push(...sentenceSummary(run));
      return lines;
    }
    return sentenceSummary(run);
  }
  if (s.kind === 'lexicon') {
    const entry = s.entries.find((e) => inside(e.span, off));
    if (!entry) return [`**lexicon ${s.name.name}**: ${s.entries.length} entries`];
    const lex = a.lexicons.get(s.name.name)?.lexicon;
    const surface = normaliseWords(entry.words.value).join(' ');
    if (entry.program) {
      const e = exprAt(entry.program, off);
      if (e && e.kind === 'name' && !inside(entry.words.span, off)) return wordInfo(e.name);
      if (e && e.kind === 'call' && inside(e.fn.span, off)) { const sig = FUNCTIONS.get(e.fn.name); if (sig) return ['```', signatureText(sig), '```', sig.doc]; }
    }
    return entryLines(lex?.bySurface.get(surface) ?? [], surface);
  }
  if (s.kind === 'scene') {
    const o = s.objects.find((x) => inside(x.span, off));
    const scene = a.scenes.get(s.name.name)?.scene;
    if (o && scene) {
      const k = scene.objects.findIndex((x) => x.id === o.name.name);
      const obj = scene.objects[k];
      if (!obj) return null;
      const rel = RELATIONS.map((r) => `${r} of it: ${scene.relations[r][k].map((j) => scene.objects[j].id).join(', ') || '—'}`);
      return [`**${obj.id}**: ${obj.size} ${obj.color} ${obj.material} ${obj.shape}${obj.position ? ` at (${obj.position.join(', ')})` : ''}`, '', ...rel.map((x) => `- ${x}`)];
    }
    return scene ? [`**scene ${scene.name}**: ${scene.objects.length} objects`, ...scene.objects.map((x) => `- ${x.id}: ${x.size} ${x.color} ${x.material} ${x.shape}`)] : null;
  }
  if (s.kind === 'scenes') {
    const set = a.sceneSets.get(s.name.name);
    return set ? [`**scenes ${s.name.name}**: ${set.scenes.length} scenes from \`${s.path.value}\``] : null;
  }
  if (s.kind === 'questions') {
    const set = a.questionSets.get(s.name.name);
    return set ? [`**questions ${s.name.name}**: ${set.questions.length} questions from \`${s.path.value}\``] : null;
  }
  return null;
}

function programSummary(a: Analysis, name: string): string[] {
  const p = a.programs.get(name);
  if (!p) return [];
  const ps = a.programScene.get(name);
  const lines = [`**program ${name}** : ${p.type ? typeToString(p.type) : '?'}`];
  if (ps && p.decl.body) {
    const v = valueText(ps.symTrace.get(p.decl.body), ps.scene, false);
    lines.push(v ? `value on \`${ps.scene.name}\`: ${v}` : `on \`${ps.scene.name}\`: ${ps.error ?? '—'}`);
  }
  return lines;
}

function wordInfo(word: string): string[] {
  const c = canonicalConcept(word);
  if (c) return [`concept **${c}** (${attributeOf(c)})${c !== word ? ` — '${word}' is a synonym` : ''}`];
  if (isAttribute(word)) return [`attribute **${word}**`];
  if (isRelation(word)) return [`relation **${word}**: the objects that are ${word} of the object (0.2 margin)`];
  return [];
}

function entryLines(entries: import('../g2l2/lexicon').LexEntry[], surface: string): string[] {
  if (!entries.length) return [`no lexicon entry for '${surface}'`];
  return [`**"${surface}"** — ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}:`,
    ...entries.map((e) => `- \`${catString(e.category)}\` := \`${e.program ? exprToString(e.program) : '(empty word)'}\` weight ${e.weight} (p = ${Math.exp(e.logProb).toFixed(3)})`)];
}

function sentenceSummary(run: Analysis['sentences'][number]): string[] {
  const r = run.result;
  const lines = [`**"${run.stmt.text.value}"** on \`${run.scene.name}\` using \`${run.lexicon.name}\``, `tokens: ${r.tokens.map((t) => `[${t.text}]`).join(' ')}`];
  const best = r.derivations[0];
  if (!best) {
    lines.push('', ...r.diagnostics);
    return lines;
  }
  lines.push('', `best derivation (log-weight ${best.logWeight.toFixed(4)}, ${r.derivations.length} full parse${r.derivations.length === 1 ? '' : 's'}):`, '```', best.tree, '```',
    `program: \`${best.program}\``, `answer: **${best.answer ?? `INVALID (${best.error})`}**`);
  const ex = r.expected.value;
  if (ex !== null) {
    const txt = typeof ex === 'number' ? ex.toFixed(4) : Object.entries(ex).filter(([, p]) => p > 1e-4).sort((x, y) => y[1] - x[1]).map(([k, p]) => `${k}: ${p.toFixed(4)}`).join(', ');
    lines.push(`CKY-E2 expected answer: **${txt}**`);
  }
  lines.push(`chart: ${r.stats.cells} cells, ${r.stats.nodesWithoutMerging} nodes without merging, ${r.stats.nodesWithMerging} with merging`);
  if (r.derivations.length > 1) {
    lines.push('', 'other derivations:');
    for (const d of r.derivations.slice(1, 6)) lines.push(`- \`${d.program}\` → ${d.answer ?? 'INVALID'} (log-weight ${d.logWeight.toFixed(4)})`);
  }
  return lines;
}

// ---- semantic tokens --------------------------------------------------------------------------
const T = (n: (typeof semanticTokenTypes)[number]) => semanticTokenTypes.indexOf(n);
const M = (n: (typeof semanticTokenModifiers)[number]) => 1 << semanticTokenModifiers.indexOf(n);

export function semanticTokens(doc: TextDocument, a: Analysis): lsp.SemanticTokens {
  const text = doc.getText();
  const lex = clevrLexer.tokenize(text);
  const decls = new Map<number, string>();
  for (const o of a.occurrences) decls.set(o.span.start, o.decl ? 'decl' : 'ref');
  const params = new Set<number>();
  const visitLambda = (e: Expr | undefined) => walkExpr(e, (x) => { if (x.kind === 'lambda') params.add(x.param.span.start); });
  const lambdaVars = new Map<string, boolean>();
  for (const s of a.file.statements) if (s.kind === 'lexicon') for (const e of s.entries) { visitLambda(e.program); walkExpr(e.program, (x) => { if (x.kind === 'lambda') lambdaVars.set(x.param.name, true); }); }
  const items: { off: number; len: number; type: number; mods: number }[] = [];
  const all = [...lex.tokens, ...((lex.groups.comments ?? []) as typeof lex.tokens)].sort((x, y) => x.startOffset - y.startOffset);
  for (let k = 0; k < all.length; k++) {
    const t = all[k];
    const name = t.tokenType.name;
    let type = -1, mods = 0;
    if (name === 'Comment') type = T('comment');
    else if (name === 'String') type = T('string');
    else if (name === 'Number') type = T('number');
    else if (name.startsWith('Kw_')) {
      type = t.image === 'scene' && all[k + 1]?.image === '(' ? T('function') : T('keyword');
      if (type === T('function')) mods = M('defaultLibrary');
    } else if (name === 'Identifier') {
      const d = decls.get(t.startOffset);
      if (d) { type = T('variable'); if (d === 'decl') mods = M('declaration'); }
      else if (params.has(t.startOffset)) { type = T('parameter'); mods = M('declaration'); }
      else if (FUNCTIONS.has(t.image) && all[k + 1]?.image === '(') { type = T('function'); mods = M('defaultLibrary'); }
      else if (canonicalConcept(t.image)) type = T('enumMember');
      else if (isAttribute(t.image)) type = T('property');
      else if (isRelation(t.image)) type = T('enumMember');
      else if (LINGUISTIC_ATOMS.includes(t.image)) type = T('type');
      else if (lambdaVars.has(t.image)) type = T('parameter');
      else type = T('variable');
    } else if (['Slash', 'Backslash', 'Lambda', 'ColonEq', 'Equals'].includes(name)) type = T('operator');
    if (type >= 0) items.push({ off: t.startOffset, len: t.image.length, type, mods });
  }
  const data: number[] = [];
  let prevLine = 0, prevChar = 0;
  for (const it of items) {
    // Tokens never span lines except comments/strings, which the lexer keeps on one line.
    const p = doc.positionAt(it.off);
    const dl = p.line - prevLine;
    data.push(dl, dl === 0 ? p.character - prevChar : p.character, it.len, it.type, it.mods);
    prevLine = p.line; prevChar = p.character;
  }
  return { data };
}

// ---- outline, folding, definition ----------------------------------------------------------------
function symbols(doc: TextDocument, a: Analysis): lsp.DocumentSymbol[] {
  const out: lsp.DocumentSymbol[] = [];
  for (const s of a.file.statements) {
    const r = range(doc, s.span);
    // VS Code rejects a selection range outside the symbol's range (possible after error recovery).
    const within = (outer: Span, sel: Span): Span => (sel.start >= outer.start && sel.end <= outer.end && sel.start >= 0 ? sel : { start: outer.start, end: outer.start });
    const mk = (name: string, kind: lsp.SymbolKind, sel: Span, detail?: string, children?: lsp.DocumentSymbol[]): lsp.DocumentSymbol =>
      ({ name: name || '(unnamed)', kind, range: r, selectionRange: range(doc, within(s.span, sel)), detail, children: children?.filter((c) => inRange(c.range, r)) });
    switch (s.kind) {
      case 'scene': out.push(mk(s.name.name, 2 /* Module */, s.name.span, `${s.objects.length} objects`,
        s.objects.map((o) => ({ name: o.name.name || '?', kind: 19 as lsp.SymbolKind /* Object */, range: range(doc, o.span), selectionRange: range(doc, within(o.span, o.name.span)), detail: o.words.map((w) => w.name).join(' ') })))); break;
      case 'scenes': out.push(mk(s.name.name, 2, s.name.span, `scenes from ${s.path.value}`)); break;
      case 'questions': out.push(mk(s.name.name, 18 /* Array */, s.name.span, `questions from ${s.path.value}`)); break;
      case 'program': out.push(mk(s.name.name, 12 /* Function */, s.name.span, a.programs.get(s.name.name)?.type ? typeToString(a.programs.get(s.name.name)!.type!) : undefined)); break;
      case 'eval': out.push(mk(`eval ${s.target.name}`, 24 /* Event */, s.target.span, s.scene ? `on ${s.scene.name.name}` : undefined)); break;
      case 'lexicon': out.push(mk(s.name.name, 3 /* Namespace */, s.name.span, `${s.entries.length} entries`,
        s.entries.map((e) => ({ name: e.words.value || '?', kind: 14 as lsp.SymbolKind /* Constant */, range: range(doc, e.span), selectionRange: range(doc, within(e.span, e.words.span)), detail: e.category ? catToString(e.category) : undefined })))); break;
      case 'sentence': out.push(mk(`sentence "${s.text.value}"`, 15 /* String */, s.text.span, s.lexicon ? `using ${s.lexicon.name}` : undefined)); break;
    }
  }
  return out;
}

function inRange(inner: lsp.Range, outer: lsp.Range): boolean {
  const le = (a: lsp.Position, b: lsp.Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

function occurrenceAt(a: Analysis, off: number) {
  return a.occurrences.find((o) => inside(o.span, off));
}

function lensesFor(doc: TextDocument, a: Analysis): lsp.CodeLens[] {
  const out: lsp.CodeLens[] = [];
  for (const s of a.file.statements) {
    if (s.kind === 'eval' && s.target.name) {
      out.push({ range: range(doc, s.span), command: { title: 'Run', command: 'theorylab.run', arguments: [doc.uri, s.target.name] } });
    } else if (s.kind === 'sentence') {
      const line = doc.positionAt(s.span.start).line;
      out.push({ range: range(doc, s.span), command: { title: 'Run', command: 'theorylab.run', arguments: [doc.uri, s.text.value] } });
      out.push({ range: range(doc, s.span), command: { title: 'Show chart', command: 'theorylab.showChart', arguments: [{ uri: doc.uri, line }] } });
    }
  }
  return out;
}

const COMPLETION_KEYWORDS = ['scene', 'scenes', 'program', 'eval', 'questions', 'lexicon', 'sentence', 'object', 'from', 'on', 'mode', 'expect', 'using', 'weight', 'at'];

function completion(a: Analysis, doc: TextDocument, off: number): lsp.CompletionItem[] {
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

export const clevrFeatures: LanguageFeatures = {
  languageId: 'clevr',
  async diagnostics(doc, ctx) {
    const a = (await completeAnalysis(doc, ctx)) ?? analysisFor(doc, ctx);
    return a.diagnostics.map((d) => ({ range: range(doc, d.span), severity: SEVERITY[d.severity], message: d.message, source: 'clevr' }));
  },
  async hover(doc, pos, ctx) {
    const a = await analysisSoon(doc, ctx);
    const lines = hover(a, doc.offsetAt(pos));
    return lines && lines.length ? md(lines) : null;
  },
  completion(doc, pos, ctx) { return completion(analysisFor(doc, ctx), doc, doc.offsetAt(pos)); },
  signatureHelp(doc, pos) { return signatureHelp(doc, pos); },
  codeActions(doc, _range, diagnostics) { return codeActions(doc, diagnostics); },
  formatting(doc, options, ctx) { return format(doc, analysisFor(doc, ctx), options); },
  semanticTokens(doc, ctx) { return semanticTokens(doc, analysisFor(doc, ctx)); },
  documentSymbols(doc, ctx) { return symbols(doc, analysisFor(doc, ctx)); },
  foldingRanges(doc, ctx) {
    const a = analysisFor(doc, ctx);
    return [...a.file.statements.map((s) => ({ startLine: doc.positionAt(s.span.start).line, endLine: doc.positionAt(s.span.end).line }))
      .filter((r) => r.endLine > r.startLine), ...commentFolds(doc, a)];
  },
  definition(doc, pos, ctx) {
    const a = analysisFor(doc, ctx);
    const o = occurrenceAt(a, doc.offsetAt(pos));
    if (!o) return sentenceWordDefinition(doc, a, doc.offsetAt(pos));
    const d = a.occurrences.find((x) => x.decl && x.name === o.name);
    return d ? [{ uri: doc.uri, range: range(doc, d.span) }] : null;
  },
  references(doc, pos, includeDeclaration, ctx) {
    const a = analysisFor(doc, ctx);
    const o = occurrenceAt(a, doc.offsetAt(pos));
    if (!o) return entryReferences(doc, a, doc.offsetAt(pos), includeDeclaration) ?? [];
    return a.occurrences.filter((x) => x.name === o.name && (includeDeclaration || !x.decl)).map((x) => ({ uri: doc.uri, range: range(doc, x.span) }));
  },
  prepareRename(doc, pos, ctx) {
    const o = occurrenceAt(analysisFor(doc, ctx), doc.offsetAt(pos));
    return o ? range(doc, o.span) : null;
  },
  rename(doc, pos, newName, ctx) {
    const a = analysisFor(doc, ctx);
    const o = occurrenceAt(a, doc.offsetAt(pos));
    if (!o) return null;
    const refused = renameRefusal(a, o.name, newName);
    if (refused) throw new ResponseError(ErrorCodes.InvalidRequest, `cannot rename '${o.name}' to '${newName}': ${refused}`);
    const edits = a.occurrences.filter((x) => x.name === o.name).map((x) => ({ range: range(doc, x.span), newText: newName }));
    return { changes: { [doc.uri]: edits } };
  },
  codeLenses(doc, ctx) { return lensesFor(doc, analysisFor(doc, ctx)); },
  inlayHints(doc, _range, ctx) {
    const a = analysisFor(doc, ctx);
    const hints: lsp.InlayHint[] = [];
    for (const r of a.evals) {
      const label = r.questions ? (r.questions.accuracy === null ? '' : `accuracy ${(100 * r.questions.accuracy).toFixed(1)}%`)
        : r.runs.map((x) => x.answer ?? (x.error ? 'error' : '')).filter(Boolean).join(', ');
      if (label) hints.push({ position: doc.positionAt(r.stmt.span.end), label: ` → ${label}`, paddingLeft: true });
    }
    for (const r of a.sentences) {
      if (r.result.derivations.length) hints.push({ position: doc.positionAt(r.stmt.span.end), label: ` → ${r.result.best ?? 'INVALID'}`, paddingLeft: true });
    }
    return hints;
  },
  close(uri) { cache.delete(uri); inflight.delete(uri); closeWorker(uri); },
};

/** Handler of `theorylab/chart`: the CKY-E2 chart of the `sentence` statement on that line. */
export async function clevrChart(params: { uri: string; line: number }, ctx: ServerContext, getText: (uri: string) => string | undefined): Promise<ChartData | null> {
  const text = getText(params.uri);
  if (text === undefined) return null;
  const doc = { uri: params.uri, version: -1, getText: () => text } as unknown as TextDocument;
  const a = await completeAnalysis(doc, ctx);
  if (!a) return null;
  const lineOf = (off: number) => { let l = 0; for (let i = 0; i < off && i < text.length; i++) if (text.charCodeAt(i) === 10) l++; return l; };
  const run = a.sentences.find((r) => lineOf(r.stmt.span.start) <= params.line && params.line <= lineOf(r.stmt.span.end));
  if (!run) return null;
  return chartData(run.result, { uri: params.uri, line: lineOf(run.stmt.span.start), sentence: run.stmt.text.value, scene: run.scene, lexicon: run.lexicon.name, lineOf });
}

/**
 * Handler of `theorylab/run` for .clevr documents (the "Run" lens: target = program / question-set
 * name or sentence text; absent = the whole file). Evals and sentences run during analysis, so this
 * re-analyses and summarises the results of the target.
 */
export async function clevrRunTarget(doc: TextDocument, target: string | undefined, ctx: ServerContext): Promise<{ ok: boolean; message: string; nothingToRun?: boolean }> {
  if (!ctx.trusted()) return { ok: false, message: 'this workspace is not trusted: .clevr evals and sentences do not run' };
  cache.delete(doc.uri);
  // An explicit run gets a larger budget than editing.
  const a = await completeAnalysis(doc, ctx, { sentenceMs: 10_000, fileMs: 60_000 });
  if (!a) return { ok: false, message: 'the document changed while running' };
  const lines: string[] = [];
  let ok = true;
  for (const e of a.evals) {
    if (target !== undefined && e.stmt.target.name !== target) continue;
    if (e.questions) lines.push(`${e.stmt.target.name}: accuracy ${e.questions.accuracy === null ? '—' : `${(100 * e.questions.accuracy).toFixed(1)}%`} on ${e.questions.answers.length} questions`);
    else for (const r of e.runs) lines.push(`${e.stmt.target.name} on ${r.scene.name}: ${r.error ?? r.answer ?? '?'}`);
    if (e.passed === false) ok = false;
  }
  for (const s of a.sentences) {
    if (target !== undefined && s.stmt.text.value !== target) continue;
    lines.push(`"${s.stmt.text.value}": ${s.result.derivations.length ? `best ${s.result.best ?? 'INVALID'} (${s.result.derivations.length} derivations)` : 'no full parse'}`);
    if (s.passed === false) ok = false;
  }
  ctx.refresh(doc.uri);
  if (!lines.length) return { ok: false, nothingToRun: true, message: target === undefined ? 'nothing to run in this file' : `no eval or sentence '${target}'` };
  return { ok, message: lines.join('; ') };
}
