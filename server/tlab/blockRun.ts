// Runs the experiments and derivations of an analysed .tlab file: evaluates lets, builds the sweep
// grid, dispatches solver calls through a SolverRunner (one call per grid point when the arguments vary
// over the sweep, a few at a time), evaluates expectations (with `where`, `≈ within`, selections) and
// builds the plots. Used by the language server (hovers, diagnostics, plots) and by `theorylab run`.
import * as path from 'node:path';
import type { DerivationDecl, ExperimentDecl, ExpectStmt, Expr, LetStmt, PlotStmt, SolveStmt, Span } from './ast';
import type { Analysis } from './checker';
import { spanKey } from './checker';
import { buildGrid, Env, evalExpr, EvalContext, makeFunction, restrictValue, Unknown } from './evaluator';
import { lowerSolveArgs, pointParams, toParamValue } from './solveArgs';
import { commonPoints, EvalError, fmt, fromSolverValue, isSeries, RV, show, toNumber, ResultV, SeriesV } from './values';
import { buildPlot, PlotLine } from './plots';
import type { SolverRunner } from '../engine/runner';
import type { JobEvent } from './runStatus';
import { getSolver } from '../solvers/index';
import { CancelledError, Device, Value } from '../solvers/registry';
import { runDerivation, derivationLets, CheckOutcome } from '../derive/index';
import type { PlotPayload } from '../../protocol';

export interface TlabRunOptions {
  runner: SolverRunner;
  /** 'test' lets stochastic solvers shrink their budget (test suites). */
  budget?: 'full' | 'test';
  /** Device for statements without `on …`. */
  device?: Device;
  seed?: number;
  signal?: AbortSignal;
  /** Solver calls in flight at once (grid points). */
  concurrency?: number;
  /** Per derivation, in ms. */
  derivationTimeoutMs?: number;
  onProgress?(message: string): void;
  /** The folder data files may be read from (the document's workspace folder; the CLI's project root). */
  dataRoot?: string;
  /** A block starts (the ones after it are still queued). */
  onBlockStart?(name: string): void;
  /** A block has finished (or was cancelled); later blocks may still run. */
  onBlockEnd?(result: BlockResult): void;
  /** A solver call of a block waits, runs (with the solver's progress) or ends (code lenses show it). */
  onJob?(block: string, e: JobEvent): void;
  /** Blocks not to run (the editor's blocks with static errors: their lens says "not run"). */
  skip?: ReadonlySet<string>;
}

export interface ExpectOutcome {
  span: Span;
  passed: boolean;
  /** true when it could not be evaluated (the message says why) */
  error?: boolean;
  message: string;
  left?: string;
  right?: string;
  /** the comparison of a two-sided expectation (`==`, `≈`, `<`…), for the values shown inline */
  op?: string;
}

export interface RunIssue { span: Span; message: string; severity: 'error' | 'warning' }

export interface BlockResult {
  kind: 'experiment' | 'derivation';
  name: string;
  span: Span;
  expects: ExpectOutcome[];
  checks: CheckOutcome[];
  plots: PlotPayload[];
  issues: RunIssue[];
  /** value of every evaluated expression, by `start:end` span */
  values: Map<string, RV>;
  /** value of each defined name (let, sweep, solve), by the span of its defining name */
  defined: { name: string; span: Span; stmtSpan: Span; value: RV; literal?: boolean }[];
  /** derivation hover values */
  derivationValueAt?(offset: number): { span: Span; text: string; /** "at the first point", "at draw 7, where this check fails" */ where?: string } | undefined;
  seconds: number;
  cancelled?: boolean;
  /** Solver calls made by the run and how many of them the result cache answered. */
  calls?: { total: number; cached: number };
}

export interface RunReport { uri: string; blocks: BlockResult[]; seconds: number }

/** true when every expectation and check passed and nothing failed to run. */
export function blockPassed(b: BlockResult): boolean {
  return !b.cancelled && b.issues.every((i) => i.severity !== 'error') && b.expects.every((e) => e.passed) && b.checks.every((c) => c.passed);
}

class Cancelled extends Error {}

export async function runTlab(analysis: Analysis, opts: TlabRunOptions, target?: string): Promise<RunReport> {
  const t0 = performance.now();
  const blocks: BlockResult[] = [];
  for (const item of analysis.parse.file.items) {
    if (item.kind !== 'experiment' && item.kind !== 'derivation') continue;
    if (target && item.name.name !== target) continue;
    if (opts.skip?.has(item.name.name)) continue;
    if (opts.signal?.aborted) break;
    opts.onProgress?.(`${item.kind} ${item.name.name}`);
    opts.onBlockStart?.(item.name.name);
    const b = item.kind === 'experiment' ? await runExperiment(analysis, item, opts) : runDerivationBlock(analysis, item, opts);
    blocks.push(b);
    opts.onBlockEnd?.(b);
  }
  return { uri: analysis.uri, blocks, seconds: (performance.now() - t0) / 1000 };
}

function runDerivationBlock(analysis: Analysis, decl: DerivationDecl, opts: TlabRunOptions): BlockResult {
  const t0 = performance.now();
  const res: BlockResult = { kind: 'derivation', name: decl.name.name, span: decl.span, expects: [], checks: [], plots: [], issues: [], values: new Map(), defined: [], seconds: 0 };
  try {
    const lets = derivationLets(analysis.fileLets, analysis.uri);
    const run = runDerivation(decl, lets, { seed: opts.seed, timeoutMs: opts.derivationTimeoutMs });
    res.checks = run.checks;
    for (const d of run.diagnostics) if (d.severity !== 'info') res.issues.push({ span: d.span, message: d.message, severity: d.severity === 'error' ? 'error' : 'warning' });
    res.derivationValueAt = (offset) => { const v = run.valueAtOffset(offset); return v ? { span: v.span, text: v.value.text, where: v.where } : undefined; };
  } catch (e) {
    res.issues.push({ span: decl.name.span, message: `derivation failed to run: ${(e as Error).message}`, severity: 'error' });
  }
  res.seconds = (performance.now() - t0) / 1000;
  return res;
}

/** A small pool: at most `limit` promises in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const out: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try { out[i] = { status: 'fulfilled', value: await tasks[i]() }; } catch (e) { out[i] = { status: 'rejected', reason: e }; }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return out;
}

/** A value passed to a solver at run time: anything that is not a parameter value is an error. */
function toSolverValue(v: RV, what: string): Value {
  const x = toParamValue(v);
  if (x === undefined) throw new EvalError(`${what}: cannot pass ${show(v)} to a solver`);
  return x;
}

async function runExperiment(analysis: Analysis, decl: ExperimentDecl, opts: TlabRunOptions): Promise<BlockResult> {
  const t0 = performance.now();
  const res: BlockResult = { kind: 'experiment', name: decl.name.name, span: decl.span, expects: [], checks: [], plots: [], issues: [], values: new Map(), defined: [], seconds: 0 };
  const text = analysis.text;
  const record = (span: Span, v: RV) => res.values.set(spanKey(span), v);
  const failed = new Set<string>();
  const issue = (span: Span, message: string, severity: 'error' | 'warning' = 'error') => res.issues.push({ span, message, severity });
  const explain = (e: unknown, span: Span): string => {
    if (e instanceof Unknown) return failed.has(e.name) ? `\`${e.name}\` has no value (its statement failed)` : `unknown name \`${e.name}\``;
    return (e as Error)?.message ?? String(e);
  };
  const spanOf = (e: unknown, span: Span): Span => (e instanceof EvalError && e.span ? e.span : span);

  // File-level lets (imports first). Their failures are reported once, on the let.
  const fileEnv = new Env();
  const emptyGrid = buildGrid([]);
  for (const { stmt, uri } of analysis.fileLets) {
    try { bindLet(stmt, fileEnv, { grid: emptyGrid, text }); } catch (e) {
      failed.add(stmt.name.name);
      if (uri === analysis.uri) issue(spanOf(e, stmt.value.span), explain(e, stmt.span));
    }
  }

  // Pass 1: the grid (sweep values may use lets defined before them).
  const pre = new Env(fileEnv);
  const sweeps: { name: string; values: number[] }[] = [];
  for (const st of decl.body) {
    if (st.kind === 'let') { try { bindLet(st, pre, { grid: emptyGrid, text }); } catch { /* reported in pass 2 */ } }
    if (st.kind === 'sweep') {
      try {
        const v = evalExpr(st.values, pre, { grid: emptyGrid, text });
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new EvalError('sweep values must be a list of finite numbers', st.values.span);
        if (!v.length) throw new EvalError('a sweep needs at least one value', st.values.span);
        sweeps.push({ name: st.name.name, values: v as number[] });
      } catch (e) {
        issue(spanOf(e, st.values.span), explain(e, st.values.span));
        res.seconds = (performance.now() - t0) / 1000;
        return res; // without its grid nothing in the experiment means anything
      }
    }
  }
  const grid = buildGrid(sweeps);
  const ctx: EvalContext = { grid, text, record };
  const env = new Env(fileEnv);
  const allPoints = Array.from({ length: grid.size }, (_, i) => i);

  try {
    for (const st of decl.body) {
      if (opts.signal?.aborted) throw new Cancelled();
      try {
        switch (st.kind) {
          case 'let': {
            const v = bindLet(st, env, ctx);
            // a hint that repeats the literal on its own line (`let c = 1` → `= 1`) says nothing
            res.defined.push({ name: st.name.name, span: st.name.span, stmtSpan: st.span, value: v, literal: isLiteral(st.value) });
            break;
          }
          case 'sweep': {
            const v: RV = { kind: 'series', idx: allPoints, values: grid.coords[st.name.name] };
            env.set(st.name.name, v);
            record(st.values.span, sweeps.find((s) => s.name === st.name.name)?.values ?? null);
            res.defined.push({ name: st.name.name, span: st.name.span, stmtSpan: st.span, value: v });
            break;
          }
          case 'solve': {
            const v = await solve(st, env, ctx, { ...opts, block: res }, text, analysis.dataFiles);
            env.set(st.name.name, v);
            record(st.name.span, v);
            res.defined.push({ name: st.name.name, span: st.name.span, stmtSpan: st.span, value: v });
            break;
          }
          case 'expect': res.expects.push(expect(st, env, ctx, text)); break;
          case 'plot': {
            const p = plot(st, env, ctx, text, analysis.uri, decl.name.name);
            res.plots.push(p.payload);
            for (const w of p.warnings) issue(st.span.start === st.span.end ? st.span : { start: st.span.start, end: st.span.start + 4 }, w, 'warning');
            break;
          }
        }
      } catch (e) {
        // a solver call cancelled on its own (its progress notification) cancels the block: not a failure
        if (e instanceof Cancelled || e instanceof CancelledError || opts.signal?.aborted) throw new Cancelled();
        if (st.kind === 'let' || st.kind === 'solve' || st.kind === 'sweep') failed.add(st.name.name);
        const span = st.kind === 'solve' ? st.solver.span : st.kind === 'let' ? spanOf(e, st.value.span) : spanOf(e, st.span);
        // A statement that only failed because an earlier one did is not a new error.
        if (e instanceof Unknown && failed.has(e.name)) issue(span, explain(e, span), 'warning');
        else issue(span, explain(e, span));
      }
    }
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    res.cancelled = true;
  }
  res.seconds = (performance.now() - t0) / 1000;
  return res;
}

function bindLet(st: LetStmt, env: Env, ctx: EvalContext): RV {
  if (st.params) {
    const f = makeFunction(st.name.name, st.params.map((p) => p.name), st.value, env, ctx);
    env.set(st.name.name, f);
    return f;
  }
  const v = evalExpr(st.value, env, ctx);
  env.set(st.name.name, v);
  return v;
}

/** A confined absolute path as the solver host reads it: relative to its working directory when inside it. */
let nextJob = 1;

async function solve(st: SolveStmt, env: Env, ctx: EvalContext, opts: TlabRunOptions & { block: BlockResult }, text: string, dataFiles: Map<string, string>): Promise<RV> {
  const def = getSolver(st.solver.name);
  if (!def) throw new EvalError(`unknown solver \`${st.solver.name}\``, st.solver.span);
  for (const arg of st.args) if (!arg.name) throw new EvalError('solver arguments are named: `name = value`', arg.span);
  const lowered = lowerSolveArgs(st, def, text, { isBound: (n) => env.has(n), value: (arg) => evalExpr(arg.value, env, ctx), convert: toSolverValue });
  // Data files were resolved against this .tlab file and confined by the checker: the solver gets the
  // absolute path and the document's data root, inside which it confines the path once more.
  let dataRoot: string | undefined;
  for (const arg of st.args) {
    const abs = arg.name && dataFiles.get(spanKey(arg.value.span));
    if (abs && typeof lowered.fixed[arg.name!] === 'string') {
      lowered.fixed[arg.name!] = abs;
      dataRoot = opts.dataRoot ?? path.dirname(abs);
    }
  }
  const device: Device = st.device?.value ?? opts.device ?? 'auto';
  const block = opts.block;
  const calls = (block.calls ??= { total: 0, cached: 0 });
  // What the solver or the engine remarked (test budget, a removed linear part, a software GPU, a
  // corrupt cache file): once per distinct remark, on the solver name, however many grid points ran.
  const warnings = new Set<string>();
  const remark = () => { for (const w of warnings) block.issues.push({ span: st.solver.span, message: `${def.id}: ${w}`, severity: 'warning' }); };
  const call = async (params: Record<string, Value>) => {
    const id = nextJob++;
    const report = (e: JobEvent) => opts.onJob?.(block.name, e);
    report({ id, state: 'waiting' });
    try {
      const r = await opts.runner.solve(
        { solver: def.id, params, seed: opts.seed ?? 0, device, budget: opts.budget ?? 'full', ...(dataRoot ? { dataRoot } : {}) },
        {
          signal: opts.signal, ownProgress: !!opts.onJob,
          onRun: () => report({ id, state: 'running' }),
          onProgress: (fraction, message) => report({ id, state: 'running', fraction, message }),
        },
      );
      calls.total++;
      if (r.cached) calls.cached++;
      for (const w of r.warnings) warnings.add(w);
      report({ id, state: 'done', cached: r.cached });
      return r;
    } catch (e) {
      report({ id, state: 'done' });
      throw e;
    }
  };
  const wrap = (outputs: Record<string, Value>): ResultV => ({
    kind: 'result', solver: def.id, outputs: Object.fromEntries(Object.entries(outputs).map(([k, x]) => [k, fromSolverValue(x)])),
  });
  if (!lowered.varying.length) {
    const r = await call(lowered.fixed);
    remark();
    return wrap(r.outputs);
  }
  // One call per grid point the arguments vary over; identical parameter sets run once.
  const sets = pointParams(lowered, toSolverValue)!;
  const idx = sets.map((x) => x.point);
  const byKey = new Map<string, () => Promise<ResultV>>();
  const keys: string[] = [];
  for (const { params } of sets) {
    const key = JSON.stringify(params);
    keys.push(key);
    if (!byKey.has(key)) byKey.set(key, async () => wrap((await call(params)).outputs));
  }
  const uniq = [...byKey.keys()];
  const settled = await pool(uniq.map((k) => byKey.get(k)!), opts.concurrency ?? opts.runner.preferredConcurrency ?? 4);
  remark();
  const results = new Map<string, ResultV>();
  for (let i = 0; i < uniq.length; i++) {
    const s = settled[i];
    if (s.status === 'rejected') {
      if (s.reason instanceof CancelledError) throw s.reason;
      const p = idx[keys.indexOf(uniq[i])];
      const at = ctx.grid.names.map((n) => `${n} = ${fmt(ctx.grid.coords[n][p])}`).join(', ');
      throw new EvalError(`${def.id} failed at ${at}: ${(s.reason as Error)?.message ?? s.reason}`, st.solver.span);
    }
    results.set(uniq[i], s.value);
  }
  return { kind: 'series', idx, values: keys.map((k) => results.get(k)!) };
}

function expect(st: ExpectStmt, env: Env, ctx: EvalContext, text: string): ExpectOutcome {
  const src = (e: Expr) => text.slice(e.span.start, e.span.end);
  const fail = (message: string): ExpectOutcome => ({ span: st.span, passed: false, error: true, message });
  try {
    let scope = env;
    if (st.where) {
      const w = evalExpr(st.where, env, ctx);
      const keep = new Set<number>();
      if (isSeries(w)) w.idx.forEach((p, k) => { if (w.values[k] === true || (typeof w.values[k] === 'number' && w.values[k] !== 0)) keep.add(p); });
      else if (w === true) for (let p = 0; p < ctx.grid.size; p++) keep.add(p);
      if (!keep.size) return fail(`\`where ${src(st.where)}\` keeps no grid point`);
      scope = env.restrict(keep);
    }
    const c = st.condition;
    if (c.kind !== 'binary' || !['==', '!=', '<', '<=', '>', '>=', '≈'].includes(c.op)) {
      const v = evalExpr(c, scope, ctx);
      const ok = isSeries(v) ? v.values.every((x) => x === true) : v === true;
      return { span: st.span, passed: ok, message: ok ? `${src(c)}` : `expected ${src(c)} to hold, got ${show(v)}`, left: show(v) };
    }
    const a = evalExpr(c.left, scope, ctx), b = evalExpr(c.right, scope, ctx);
    let tol = 1e-6, relative = true;
    if (st.tolerance) {
      tol = toNumber(evalExpr(st.tolerance, scope, ctx), 'the tolerance');
      relative = !!st.percent;
    }
    const failures: string[] = [];
    let compared = 0;
    // the first failing pair is what the inline hint shows (the whole series would not say where it failed)
    let first: { left: string; right: string; at: string } | undefined;
    const cmp = (x: RV, y: RV, point?: number) => {
      compared++;
      const ok = compareSides(c.op, x, y, tol, relative);
      if (!ok.pass) {
        const at = point !== undefined && ctx.grid.names.length ? `${ctx.grid.names.map((n) => `${n} = ${fmt(ctx.grid.coords[n][point])}`).join(', ')}: ` : '';
        first ??= { left: show(x), right: show(y), at };
        failures.push(`${at}${show(x)} ${c.op} ${show(y)} is false${ok.detail ? ` (${ok.detail})` : ''}`);
      }
    };
    if (isSeries(a) || isSeries(b)) {
      const sa = isSeries(a) ? a : undefined, sb = isSeries(b) ? b : undefined;
      const both = [sa, sb].filter((x): x is SeriesV => !!x);
      const { idx, pos } = commonPoints(both);
      const at = (v: RV, p: number) => (isSeries(v) ? v.values[pos[both.indexOf(v)].get(p)!] : v);
      if (!idx.length) return fail(`nothing to compare: ${src(c.left)} and ${src(c.right)} share no grid point`);
      for (const p of idx) cmp(at(a, p), at(b, p), p);
    } else cmp(a, b);
    const tolText = st.tolerance ? ` within ${text.slice(st.tolerance.span.start, st.tolerance.span.end)}` : '';
    if (!failures.length) {
      return { span: st.span, passed: true, message: `${src(c.left)} ${c.op} ${src(c.right)}${tolText}: ${show(a)} ${c.op} ${show(b)}`, left: show(a), right: show(b), op: c.op };
    }
    const head = compared > 1 ? `fails at ${failures.length} of ${compared} grid points: ` : '';
    return {
      span: st.span, passed: false,
      message: `expectation failed: ${head}${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; …' : ''}`,
      left: first ? `${first.at}${first.left}` : show(a), right: first?.right ?? show(b), op: c.op,
    };
  } catch (e) {
    if (e instanceof Unknown) return fail(`cannot evaluate: \`${e.name}\` has no value`);
    return fail((e as Error).message);
  }
}

/** A number or string written out (`1`, `-6`, `2.5e-3`, `"adam"`): its value is its text. */
function isLiteral(e: Expr): boolean {
  if (e.kind === 'num' || e.kind === 'str') return true;
  return e.kind === 'unary' && (e.op === '-' || e.op === '+') && e.operand.kind === 'num';
}

/**
 * Both sides of an expectation at one grid point. Lists compare entry by entry (a number against every
 * entry of a list; lists of lists likewise), the way a series compares point by point: the expectation
 * holds when it holds for every entry, and a failure names the first entry that fails.
 */
function compareSides(op: string, x: RV, y: RV, tol: number, relative: boolean): { pass: boolean; detail?: string } {
  const xs = Array.isArray(x) ? x : undefined, ys = Array.isArray(y) ? y : undefined;
  if (!xs && !ys) return compare(op, x, y, tol, relative);
  if (xs && ys && xs.length !== ys.length) return { pass: false, detail: `the sides have ${xs.length} and ${ys.length} entries` };
  const n = (xs ?? ys)!.length;
  let bad = 0, first = -1, firstDetail: string | undefined;
  for (let i = 0; i < n; i++) {
    const r = compareSides(op, xs ? xs[i] : x, ys ? ys[i] : y, tol, relative);
    if (!r.pass) { bad++; if (first < 0) { first = i; firstDetail = r.detail; } }
  }
  if (!bad) return { pass: true };
  const at = `${show(xs ? xs[first] : x)} ${op} ${show(ys ? ys[first] : y)}`;
  return { pass: false, detail: `${bad} of ${n} entries fail, the first at [${first}]: ${at}${firstDetail ? `, ${firstDetail}` : ''}` };
}

function compare(op: string, x: RV, y: RV, tol: number, relative: boolean): { pass: boolean; detail?: string } {
  if (op === '==' || op === '!=') {
    if (typeof x === 'string' || typeof y === 'string' || typeof x === 'boolean' || typeof y === 'boolean') {
      return { pass: op === '==' ? x === y : x !== y };
    }
  }
  const a = toNumber(x, 'the left side'), b = toNumber(y, 'the right side');
  if (Number.isNaN(a) || Number.isNaN(b)) return { pass: false, detail: 'not a number' };
  const diff = Math.abs(a - b);
  switch (op) {
    case '==': return { pass: a === b || diff <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) };
    case '!=': return { pass: !(a === b || diff <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))) };
    case '<': return { pass: a < b };
    case '<=': return { pass: a <= b };
    case '>': return { pass: a > b };
    case '>=': return { pass: a >= b };
    case '≈': {
      if (relative) {
        const rel = b === 0 ? (a === 0 ? 0 : Infinity) : diff / Math.abs(b);
        return { pass: rel <= tol, detail: `relative difference ${fmtPct(rel)} > ${fmtPct(tol)}` };
      }
      return { pass: diff <= tol, detail: `difference ${fmt(diff)} > ${fmt(tol)}` };
    }
  }
  return { pass: false };
}

const fmtPct = (r: number) => (Number.isFinite(r) ? `${fmt(r * 100)}%` : '∞');

function plot(st: PlotStmt, env: Env, ctx: EvalContext, text: string, uri: string, experiment: string): { payload: PlotPayload; warnings: string[] } {
  const lines: PlotLine[] = st.series.map((s) => ({
    axis: s.axis,
    span: s.span,
    label: s.label?.value ?? text.slice(s.value.span.start, s.value.span.end),
    scale: s.scale?.value,
    unit: s.unit?.value,
    value: evalExpr(s.value, env, ctx),
  }));
  const title = st.title?.value ?? `${experiment}: ${lines.filter((l) => l.axis !== 'x').map((l) => l.label).join(', ')}`;
  const built = buildPlot(title, lines, { xlabel: st.xlabel?.value, ylabel: st.ylabel?.value });
  return { payload: { uri, experiment, title, spec: built.spec, rows: built.rows, createdAt: new Date().toISOString() }, warnings: built.warnings };
}

export { restrictValue };
