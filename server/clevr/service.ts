// LSP features of the .clevr language, one table (clevrFeatures): the analysis cache (quick parse and
// check here, complete runs on the document's worker), diagnostics, folding, definition, references,
// rename, inlay hints with answers, the chart request and Run. Hover is in serviceHover.ts, completion
// in serviceCompletion.ts, semantic tokens, outline and lenses in serviceOutline.ts.
import type * as lsp from 'vscode-languageserver';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ChartData } from '../../protocol/chart';
import type { LanguageFeatures, ServerContext } from '../languageService';
import { chartData } from '../g2l2/parse';
import { analyse, type Analysis } from './analysis';
import { analyseInWorker, closeWorker, importedPaths } from './analysisHost';
import { codeActions, commentFolds, entryReferences, format, renameRefusal, sentenceWordDefinition, signatureHelp } from './editing';
import { inside, range } from './lspSpans';
import { completion } from './serviceCompletion';
import { hover } from './serviceHover';
import { lensesFor, semanticTokens, symbols } from './serviceOutline';

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

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

function md(lines: string[]): lsp.Hover { return { contents: { kind: 'markdown', value: lines.join('\n') } }; }

function occurrenceAt(a: Analysis, off: number) {
  return a.occurrences.find((o) => inside(o.span, off));
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
