// Whole-file analysis of a .clevr document: parse, resolve names (scenes, scene files, programs,
// question files, lexicons), type-check, execute every `eval` and `sentence`, and collect diagnostics.
// The language service, the CLI (`theorylab check`/`run`) and the chart request all read this.
import type { ClevrFile, Expr, Ident, SceneRef, Span, Statement } from './ast';
import { checkProgram } from './checker';
import { ExecError, Val } from './evaluate';
import { JsonError, offsetToLineCol } from './json';
import { parseClevr } from './parser';
import { parseQuestionsFile, Question } from './questions';
import { evaluateQuestions, QuestionsRun, questionsSummary } from './questionEval';
import { MAX_SCENE_OBJECTS, parseScenesFile, relationsFromPositions, Scene, sceneByImageIndex, SceneObject } from './scene';
import { runSoft, softAnswer, SoftValue } from './soft';
import { runSymbolic, symAnswer, SymValue } from './symbolic';
import type { SemType } from './types';
import { attributeOf, canonicalConcept, normaliseAnswer, VALUES, conceptWords, Attribute, suggest } from './vocab';
import { buildLexicon, Lexicon } from '../g2l2/lexicon';
import { parseSentence, SentenceResult } from '../g2l2/parse';

/** Kept here too: the benchmark and older callers import it from the analysis. */
export { evaluateQuestions };

export interface Diag {
  span: Span; severity: 'error' | 'warning' | 'info'; message: string;
  /** 'run' for results of running (runtime errors, failed expectations): `theorylab run` exits 1, not 2. */
  phase?: 'run';
}

export type FileReader = (relativePath: string) => { uri: string; text: string };

export type SymbolKind = 'scene' | 'scenes' | 'program' | 'questions' | 'lexicon';
export interface Occurrence { name: string; kind: SymbolKind; span: Span; decl: boolean }

export interface EvalRun {
  stmt: Extract<Statement, { kind: 'eval' }>;
  mode: 'symbolic' | 'soft';
  /** Program evals: one run per scene. */
  runs: { scene: Scene; answer?: string; value?: SymValue | SoftValue; error?: string; symTrace?: Map<Expr, Val<SymValue>>; softTrace?: Map<Expr, Val<SoftValue>> }[];
  /** Question-set evals. */
  questions?: QuestionsRun;
  passed?: boolean;
}

export interface SentenceRun {
  stmt: Extract<Statement, { kind: 'sentence' }>;
  scene: Scene;
  lexicon: Lexicon;
  result: SentenceResult;
  passed?: boolean;
}

export interface Analysis {
  text: string;
  file: ClevrFile;
  diagnostics: Diag[];
  scenes: Map<string, { decl: Statement; scene?: Scene }>;
  sceneSets: Map<string, { decl: Statement; scenes: Scene[] }>;
  programs: Map<string, { decl: Extract<Statement, { kind: 'program' }>; type?: SemType; types: Map<Expr, SemType>; ok: boolean }>;
  questionSets: Map<string, { decl: Statement; questions: Question[] }>;
  lexicons: Map<string, { decl: Extract<Statement, { kind: 'lexicon' }>; lexicon: Lexicon }>;
  evals: EvalRun[];
  sentences: SentenceRun[];
  occurrences: Occurrence[];
  /** The scene a program without an eval is shown on (the first inline scene). */
  defaultScene?: Scene;
  /** Scene used for hovers inside each program: that of its first eval, else the default scene. */
  programScene: Map<string, { scene: Scene; symTrace: Map<Expr, Val<SymValue>>; softTrace?: Map<Expr, Val<SoftValue>>; error?: string }>;
}

export interface AnalyseOptions {
  /** false: parse, resolve and type-check only; no eval, sentence or program runs (untrusted, or a quick pass). */
  execute?: boolean;
  /** Time for all evals and sentences of the file together; later ones are skipped with a diagnostic. */
  fileBudgetMs?: number;
  runSentences?: boolean;
  /**
   * false: `eval` statements and the default-scene runs of programs are checked but not executed (an
   * untrusted workspace); each eval gets an info diagnostic saying so. Default true.
   */
  runEvals?: boolean;
  k?: number;
  /** Time for enumerating the derivations of one sentence (CKY-E2 always completes). */
  sentenceBudgetMs?: number;
}

function jsonDiag(e: JsonError, what: string, fileText: string, at: Span): Diag {
  const lc = offsetToLineCol(fileText, e.offset);
  return { span: at, severity: 'error', message: `${what}: ${e.message} (line ${lc.line + 1}, column ${lc.column + 1})` };
}

export function analyse(text: string, read: FileReader, opts: AnalyseOptions = {}): Analysis {
  const file = parseClevr(text);
  const diagnostics: Diag[] = file.errors.map((e) => ({ span: e.span, severity: 'error' as const, message: e.message }));
  const a: Analysis = {
    text, file, diagnostics, scenes: new Map(), sceneSets: new Map(), programs: new Map(), questionSets: new Map(),
    lexicons: new Map(), evals: [], sentences: [], occurrences: [], programScene: new Map(),
  };
  const declared = new Map<string, Ident>();
  const declare = (name: Ident, kind: SymbolKind) => {
    if (!name.name) return false;
    const prev = declared.get(name.name);
    if (prev) { diagnostics.push({ span: name.span, severity: 'error', message: `'${name.name}' is already defined` }); return false; }
    declared.set(name.name, name);
    a.occurrences.push({ name: name.name, kind, span: name.span, decl: true });
    return true;
  };

  // Declarations first, so that uses may precede them.
  for (const s of file.statements) {
    switch (s.kind) {
      case 'scene': {
        if (!declare(s.name, 'scene')) break;
        const scene = inlineScene(s, diagnostics);
        a.scenes.set(s.name.name, { decl: s, scene });
        a.defaultScene ??= scene;
        break;
      }
      case 'scenes': {
        if (!declare(s.name, 'scenes')) break;
        let scenes: Scene[] = [];
        try {
          const f = read(s.path.value);
          const r = cachedParse(`scenes:${s.name.name}`, f, (t) => parseScenesFile(t, s.name.name));
          scenes = r.scenes;
          for (const e of r.errors.slice(0, 20)) diagnostics.push(jsonDiag(e, `malformed scene in '${s.path.value}'`, f.text, s.path.span));
          for (const e of r.truncated.slice(0, 20)) diagnostics.push(jsonDiag(e, `in '${s.path.value}'`, f.text, s.path.span));
        } catch (e) {
          diagnostics.push(e instanceof JsonError ? jsonDiag(e, `malformed JSON in '${s.path.value}'`, safeRead(read, s.path.value), s.path.span)
            : { span: s.path.span, severity: 'error', message: (e as Error).message });
        }
        a.sceneSets.set(s.name.name, { decl: s, scenes });
        break;
      }
      case 'questions': {
        if (!declare(s.name, 'questions')) break;
        let questions: Question[] = [];
        try {
          const f = read(s.path.value);
          const r = cachedParse('questions', f, parseQuestionsFile);
          questions = r.questions;
          for (const e of r.errors.slice(0, 20)) diagnostics.push(jsonDiag(e, `malformed question in '${s.path.value}'`, f.text, s.path.span));
          if (r.errors.length > 20) diagnostics.push({ span: s.path.span, severity: 'error', message: `${r.errors.length - 20} more malformed questions` });
        } catch (e) {
          diagnostics.push(e instanceof JsonError ? jsonDiag(e, `malformed JSON in '${s.path.value}'`, safeRead(read, s.path.value), s.path.span)
            : { span: s.path.span, severity: 'error', message: (e as Error).message });
        }
        a.questionSets.set(s.name.name, { decl: s, questions });
        break;
      }
      case 'program': {
        if (!declare(s.name, 'program') || !s.body) break;
        const r = checkProgram(s.body);
        for (const i of r.issues) diagnostics.push(i);
        a.programs.set(s.name.name, { decl: s, type: r.type, types: r.types, ok: !r.issues.some((i) => i.severity === 'error') && !!r.type });
        break;
      }
      case 'lexicon': {
        if (!declare(s.name, 'lexicon')) break;
        const { lexicon, issues } = buildLexicon(s.name.name, s.entries, (sp) => file.errors.some((e) => e.span.start >= sp.start && e.span.start <= sp.end));
        for (const i of issues) {
          const inEntry = i.incompleteIn;
          // The parser already stopped at the half-typed category: say what is missing there, once.
          const syntax = inEntry && diagnostics.find((d) => d.span.start >= inEntry.start && d.span.start <= inEntry.end && file.errors.some((e) => e.span === d.span));
          if (syntax) syntax.message = `${i.message} (${syntax.message})`;
          else diagnostics.push({ span: i.span, severity: i.severity, message: i.message });
        }
        a.lexicons.set(s.name.name, { decl: s, lexicon });
        break;
      }
      default: break;
    }
  }

  const resolveScenes = (ref: SceneRef | undefined, forQuestions: boolean): Scene[] | undefined => {
    if (!ref || !ref.name.name) return undefined;
    const single = a.scenes.get(ref.name.name);
    if (single) {
      a.occurrences.push({ name: ref.name.name, kind: 'scene', span: ref.name.span, decl: false });
      if (ref.index) diagnostics.push({ span: ref.index.span, severity: 'error', message: `'${ref.name.name}' is a single scene; only a scenes file takes an index` });
      return single.scene ? [single.scene] : [];
    }
    const set = a.sceneSets.get(ref.name.name);
    if (set) {
      a.occurrences.push({ name: ref.name.name, kind: 'scenes', span: ref.name.span, decl: false });
      if (!ref.index) return forQuestions || set.scenes.length ? set.scenes : [];
      // By image index only: a position would silently pick another image's scene.
      const byIndex = sceneByImageIndex(ref.name.name, set.scenes, ref.index.value);
      if (typeof byIndex === 'string') {
        diagnostics.push({ span: ref.index.span, severity: 'error', message: byIndex });
        return undefined;
      }
      return [byIndex];
    }
    const s = suggest(ref.name.name, [...a.scenes.keys(), ...a.sceneSets.keys()]);
    diagnostics.push({ span: ref.name.span, severity: 'error', message: `unknown scene '${ref.name.name}'${s ? ` — did you mean '${s}'?` : ''}` });
    return undefined;
  };

  const execute = opts.execute !== false;
  const runEvals = opts.runEvals !== false;
  const fileDeadline = Date.now() + (opts.fileBudgetMs ?? Infinity);
  let skipped = 0;
  for (const s of file.statements) {
    if (s.kind !== 'eval' && s.kind !== 'sentence') continue;
    if (execute && Date.now() > fileDeadline) { skipped++; diagnostics.push({ span: s.kind === 'eval' ? s.target.span : s.text.span, severity: 'info', message: `not run: this file's time budget (${opts.fileBudgetMs} ms) is used up; run it from the Run lens or the CLI` }); continue; }
    if (s.kind === 'eval' && !runEvals) { diagnostics.push({ span: s.target.span, severity: 'info', message: 'not run: the workspace is not trusted (trust it to run evals)' }); continue; }
    if (s.kind === 'eval') runEval(s);
    else runSentence(s);
  }
  void skipped;

  // Programs without an eval run on the default scene, so hovers and runtime problems still show.
  for (const [name, p] of a.programs) {
    if (!execute || !runEvals || a.programScene.has(name) || !p.ok || !a.defaultScene || !p.decl.body) continue;
    const symTrace = new Map<Expr, Val<SymValue>>();
    const softTrace = new Map<Expr, Val<SoftValue>>();
    let error: string | undefined;
    try { runSymbolic(p.decl.body, a.defaultScene, symTrace); } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      error = e.message;
      diagnostics.push({ span: e.span && e.span.start >= 0 ? e.span : p.decl.name.span, severity: 'warning', message: `on scene ${a.defaultScene.name}: ${e.message}` });
    }
    try { runSoft(p.decl.body, a.defaultScene, softTrace); } catch { /* shown through the symbolic error */ }
    a.programScene.set(name, { scene: a.defaultScene, symTrace, softTrace, error });
  }
  for (const d of diagnostics) d.message = shortenQuoted(d.message);
  return a;

  function runEval(s: Extract<Statement, { kind: 'eval' }>) {
    let mode: 'symbolic' | 'soft' = 'symbolic';
    if (s.mode) {
      if (s.mode.name === 'soft' || s.mode.name === 'symbolic') mode = s.mode.name;
      else diagnostics.push({ span: s.mode.span, severity: 'error', message: `unknown mode '${s.mode.name}' (symbolic or soft)` });
    }
    const run: EvalRun = { stmt: s, mode, runs: [] };
    a.evals.push(run);
    const name = s.target.name;
    if (!name) return;
    const prog = a.programs.get(name);
    const qs = a.questionSets.get(name);
    if (prog) a.occurrences.push({ name, kind: 'program', span: s.target.span, decl: false });
    if (qs) a.occurrences.push({ name, kind: 'questions', span: s.target.span, decl: false });
    if (!prog && !qs) {
      const sug = suggest(name, [...a.programs.keys(), ...a.questionSets.keys()]);
      diagnostics.push({ span: s.target.span, severity: 'error', message: `unknown program or question set '${name}'${sug ? ` — did you mean '${sug}'?` : ''}` });
      resolveScenes(s.scene, false);
      return;
    }
    const scenes = resolveScenes(s.scene, !!qs);
    if (!scenes || !execute) return;
    if (prog) {
      if (!prog.ok || !prog.decl.body) return;
      const expected = s.expect ? normaliseAnswer(s.expect.text) : undefined;
      if (s.expect && expected !== undefined) {
        checkAnswerWord(s.expect.text, s.expect.span);
        const t = prog.type;
        const kind = expected === 'yes' || expected === 'no' ? 'Bool' : /^\d+$/.test(expected) ? 'Integer' : canonicalConcept(expected) ? 'Concept' : undefined;
        if (t && t.kind === 'base' && kind && t.type !== kind) {
          diagnostics.push({ span: s.expect.span, severity: 'warning', message: `'${name}' returns ${t.type}${t.attr ? `[${t.attr}]` : ''}; '${s.expect.text}' is ${kind === 'Bool' ? 'a yes/no answer' : kind === 'Integer' ? 'a count' : 'an attribute value'}` });
        } else if (t && t.kind === 'base' && t.attr && kind === 'Concept' && attributeOf(canonicalConcept(expected)!) !== t.attr) {
          diagnostics.push({ span: s.expect.span, severity: 'warning', message: `'${name}' returns a ${t.attr}; '${s.expect.text}' is a ${attributeOf(canonicalConcept(expected)!)}` });
        }
      }
      let allPass = true;
      for (const scene of scenes) {
        const symTrace = new Map<Expr, Val<SymValue>>();
        const softTrace = new Map<Expr, Val<SoftValue>>();
        const r: EvalRun['runs'][number] = { scene, symTrace, softTrace };
        try {
          const sv = runSymbolic(prog.decl.body, scene, symTrace);
          if (mode === 'symbolic') { r.value = sv; r.answer = symAnswer(sv); }
        } catch (e) {
          if (!(e instanceof ExecError)) throw e;
          if (mode === 'symbolic') r.error = e.message;
        }
        try {
          const soft = runSoft(prog.decl.body, scene, softTrace);
          if (mode === 'soft') { r.value = soft; r.answer = softAnswer(soft); }
        } catch (e) {
          if (!(e instanceof ExecError)) throw e;
          if (mode === 'soft') r.error = e.message;
        }
        run.runs.push(r);
        if (!a.programScene.has(name)) a.programScene.set(name, { scene, symTrace, softTrace, error: r.error });
        if (r.error) {
          allPass = false;
          diagnostics.push({ span: s.target.span, severity: 'error', message: `${name} on ${scene.name}: ${r.error}`, phase: 'run' });
        } else if (expected !== undefined && r.answer !== expected) {
          allPass = false;
          diagnostics.push({ span: s.expect!.span, severity: 'error', phase: 'run', message: `expected ${expected}, got ${r.answer ?? 'no answer (the program returns ' + (r.value ? r.value.t : '?') + ')'}${scenes.length > 1 ? ` on ${scene.name}` : ''}` });
        }
      }
      run.passed = allPass;
    } else if (qs) {
      const picked = !!s.scene?.index && !a.scenes.has(s.scene.name.name);
      const res = evaluateQuestions(qs.questions, scenes, mode, { cache: true, picked });
      run.questions = res;
      const where = s.scene ? `${s.scene.name.name}${s.scene.index ? `[${s.scene.index.value}]` : ''}` : '?';
      diagnostics.push({ span: s.target.span, severity: 'info', message: `${name} on ${where}: ${questionsSummary(res)}` });
      if (res.noScenes) diagnostics.push({ span: s.scene?.span ?? s.target.span, severity: 'warning', message: `'${where}' holds no scenes: none of the ${res.answers.length} questions of '${name}' was answered` });
      for (const m of res.noScene.slice(0, 20)) {
        const q = qs.questions[m.k];
        diagnostics.push({ span: s.target.span, severity: 'warning', message: `question ${q.index} (${q.path}) not answered: ${m.why}` });
      }
      if (res.noScene.length > 20) diagnostics.push({ span: s.target.span, severity: 'warning', message: `${res.noScene.length - 20} more questions not answered (no scene)` });
      run.passed = true;
      if (s.expect) {
        const num = s.expect.text.trim().replace(/%$/, '');
        const want = num === '' ? NaN : Number(num) / (s.expect.text.trim().endsWith('%') ? 100 : 1);
        if (!Number.isFinite(want)) diagnostics.push({ span: s.expect.span, severity: 'error', message: 'a question set expects an accuracy (a number such as 1.0 or 100%)' });
        else if (res.accuracy === null || res.accuracy + 1e-12 < want) {
          run.passed = false;
          diagnostics.push({ span: s.expect.span, severity: 'error', phase: 'run', message: `expected accuracy ≥ ${want}, got ${res.accuracy ?? 'none'}` });
        }
      }
    }
  }

  function checkAnswerWord(text: string, span: Span) {
    const t = text.toLowerCase();
    if (t === 'yes' || t === 'no' || t === 'true' || t === 'false' || /^\d+$/.test(t) || canonicalConcept(t)) return;
    const sug = suggest(t, ['yes', 'no', ...conceptWords()]);
    diagnostics.push({ span, severity: 'warning', message: `'${text}' is not a CLEVR answer (yes/no, a count, or an attribute value)${sug ? ` — did you mean '${sug}'?` : ''}` });
  }

  function runSentence(s: Extract<Statement, { kind: 'sentence' }>) {
    const lexName = s.lexicon?.name;
    if (s.missingUsing) {
      const sug = a.lexicons.size === 1 ? ` (e.g. using ${[...a.lexicons.keys()][0]})` : '';
      diagnostics.push({ span: s.missingUsing, severity: 'error', message: `expected \`using LEXICON\`${s.missingBefore ? ` before \`${s.missingBefore}\`` : ' after the scene'}${sug}` });
    }
    const scenes = resolveScenes(s.scene, false);
    let lex: Lexicon | undefined;
    if (lexName) {
      const l = a.lexicons.get(lexName);
      if (l) { lex = l.lexicon; a.occurrences.push({ name: lexName, kind: 'lexicon', span: s.lexicon!.span, decl: false }); }
      else {
        const sug = suggest(lexName, a.lexicons.keys());
        diagnostics.push({ span: s.lexicon!.span, severity: 'error', message: `unknown lexicon '${lexName}'${sug ? ` — did you mean '${sug}'?` : ''}` });
      }
    }
    if (!lex || !scenes || scenes.length !== 1) {
      if (scenes && scenes.length > 1 && s.scene) diagnostics.push({ span: s.scene.span, severity: 'error', message: 'a sentence runs on one scene: pick one with an index, e.g. val[0]' });
      return;
    }
    if (opts.runSentences === false || !execute) return;
    const scene = scenes[0];
    const result = parseSentence(s.text.value, lex, scene, { k: opts.k, timeBudgetMs: opts.sentenceBudgetMs, maxPerCell: 2000, where: (sp) => `line ${offsetToLineCol(text, sp.start).line + 1}` });
    const run: SentenceRun = { stmt: s, scene, lexicon: lex, result };
    a.sentences.push(run);
    const span = s.text.span;
    for (const d of result.diagnostics) diagnostics.push({ span, severity: result.derivations.length ? 'warning' : 'error', message: d, phase: 'run' });
    const distinct = new Map<string, string[]>();
    for (const d of result.derivations) {
      const key = d.answer ?? `INVALID (${d.error ?? '?'})`;
      distinct.set(key, [...(distinct.get(key) ?? []), `${d.program} (log-weight ${d.logWeight.toFixed(3)})`]);
    }
    if (distinct.size > 1) {
      diagnostics.push({ span, severity: 'warning', message: `ambiguous: ${result.derivations.length} derivations with different answers — ${[...distinct].map(([ans, ps]) => `${ans}: ${ps[0]}${ps.length > 1 ? ` (+${ps.length - 1})` : ''}`).join('; ')}` });
    }
    const best = result.derivations[0];
    if (best && best.answer === null && best.error) diagnostics.push({ span, severity: 'warning', message: `the best derivation fails on ${scene.name}: ${best.error}` });
    // Over budget there is no answer, even with some derivations listed.
    run.passed = result.derivations.length > 0 && !result.budgetExceeded;
    if (s.expect) {
      checkAnswerWord(s.expect.text, s.expect.span);
      const want = normaliseAnswer(s.expect.text);
      if (result.derivations.length && result.best !== want) {
        run.passed = false;
        diagnostics.push({ span: s.expect.span, severity: 'error', phase: 'run', message: `expected ${want}, got ${result.best ?? 'no answer'}` });
      }
    }
  }
}

/** Long quoted text inside a message (a sentence, a word, a path) is cut: a diagnostic never repeats megabytes. */
export function shortenQuoted(message: string, max = 120): string {
  if (message.length <= 2 * max) return message;
  const cut = message.replace(/(["'`])([^"'`\n]{120,}?)\1/g, (_m, q: string, body: string) => `${q}${body.slice(0, max / 2)}… (${body.length} characters)${q}`);
  return cut.length > 8 * max ? `${cut.slice(0, 8 * max)}… (${message.length} characters)` : cut;
}

// Parsed scene / question files by URI and text, so editing a .clevr file does not re-parse (or
// re-evaluate) a large CLEVR file on every keystroke. Small LRU: a few files per workspace.
const parsedFiles = new Map<string, { text: string; value: unknown }>();
function cachedParse<T>(kind: string, file: { uri: string; text: string }, parse: (text: string) => T): T {
  const key = `${kind}|${file.uri}`;
  const hit = parsedFiles.get(key);
  if (hit && hit.text === file.text) return hit.value as T;
  const value = parse(file.text);
  parsedFiles.delete(key);
  parsedFiles.set(key, { text: file.text, value });
  while (parsedFiles.size > 8) parsedFiles.delete(parsedFiles.keys().next().value!);
  return value;
}

function safeRead(read: FileReader, p: string): string {
  try { return read(p).text; } catch { return ''; }
}

function inlineScene(s: Extract<Statement, { kind: 'scene' }>, diagnostics: Diag[]): Scene {
  const objects: SceneObject[] = [];
  const ids = new Set<string>();
  if (s.objects.length > MAX_SCENE_OBJECTS) {
    const first = s.objects[MAX_SCENE_OBJECTS];
    diagnostics.push({ span: s.name.span.start >= 0 ? s.name.span : first.span, severity: 'error', message: `scene ${s.name.name} has ${s.objects.length} objects; a scene has at most ${MAX_SCENE_OBJECTS} — objects from '${first.name.name}' on are ignored` });
  }
  for (const o of s.objects.slice(0, MAX_SCENE_OBJECTS)) {
    if (!o.name.name) continue;
    if (ids.has(o.name.name)) diagnostics.push({ span: o.name.span, severity: 'error', message: `object '${o.name.name}' is already defined in scene ${s.name.name}` });
    ids.add(o.name.name);
    const vals: Partial<Record<Attribute, string>> = {};
    for (const w of o.words) {
      const c = canonicalConcept(w.name);
      const at = c ? attributeOf(c) : undefined;
      if (!c || !at) {
        const sug = suggest(w.name, conceptWords());
        diagnostics.push({ span: w.span, severity: 'error', message: `unknown concept '${w.name}'${sug ? ` — did you mean '${sug}'?` : ''}` });
        continue;
      }
      if (vals[at] && vals[at] !== c) diagnostics.push({ span: w.span, severity: 'error', message: `object '${o.name.name}' has two ${at}s: ${vals[at]} and ${c}` });
      vals[at] = c;
    }
    const missing = (['size', 'color', 'material', 'shape'] as Attribute[]).filter((x) => !vals[x]);
    if (missing.length && o.words.length) {
      diagnostics.push({ span: o.name.span, severity: 'error', message: `object '${o.name.name}' has no ${missing.join(', ')} (one of ${missing.map((m) => VALUES[m].join('/')).join('; ')})` });
    }
    if (!o.position) diagnostics.push({ span: o.name.span, severity: 'warning', message: `object '${o.name.name}' has no position (at (x, y)): it takes part in no relation` });
    objects.push({ id: o.name.name, size: vals.size ?? '?', color: vals.color ?? '?', material: vals.material ?? '?', shape: vals.shape ?? '?', position: o.position });
  }
  return { name: s.name.name, objects, relations: relationsFromPositions(objects.map((o) => o.position)) };
}
