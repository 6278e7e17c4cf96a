// Runs the checks of one derivation: draws seeded points, evaluates both sides, and reports the worst
// relative error. Points where a matrix being inverted is near-singular are skipped and re-drawn (they
// would make a correct identity look wrong); each check has its own time limit.
import type { CheckStmt, DerivationDecl, Expr, GivenVar, LetStmt, Span } from '../tlab/ast';
import { Node } from './autodiff';
import { samplePoint } from './domains';
import { PointEvaluator, spanKey } from './evaluate';
import { resetConditioning, runtime, SizeLimitError, TimeoutError, withDeadline } from './runtime';
import { CheckInfo, DeriveDiagnostic, ShapeChecker } from './shapes';
import { Tensor, allFinite, describeTensor, formatNumber, isLarge, largestDifferences, maxAbs, norm, shapeText } from './tensor';

export interface TensorSummary { shape: number[]; text: string }

export interface CheckOutcome {
  span: Span;
  passed: boolean;
  message: string;
  worstRelError: number;
  points: number;
  worstPoint?: Record<string, TensorSummary>;
  left?: TensorSummary; right?: TensorSummary; autodiff?: TensorSummary;
  /** When a side is grad(S, X): central differences of S in X at the worst point, to tell a wrong formula from a wrong gradient. */
  finiteDifference?: TensorSummary;
  /** Index (0-based, in draw order) of the worst point. */
  worstPointIndex?: number;
  /** How many of the `points` draws failed the tolerance. */
  failedPoints?: number;
  /** Points skipped because a matrix was near-singular there. */
  redrawn?: number;
  /** True when the check could not be decided (time limit, no well-conditioned point): not a verdict on the math. */
  inconclusive?: boolean;
}

export interface DerivationRun {
  checks: CheckOutcome[];
  diagnostics: DeriveDiagnostic[];
  valueAt(span: Span): TensorSummary | undefined;
  /**
   * The value of the smallest evaluated sub-expression containing `offset` (for hovers), and at which
   * draw: the first one when every check passes, else the failing draw ("at draw 7, where this check
   * fails"), so that what the hover shows is what the failure was about.
   */
  valueAtOffset(offset: number): { span: Span; value: TensorSummary; where: string } | undefined;
  seconds: number;
}

export interface RunOptions {
  seed?: number;
  /** Time limit of each check (and of the hover pass), in ms. */
  timeoutMs?: number;
  /** Time limit of the whole run, in ms: checks after it are cancelled unrun. Default 6 × timeoutMs. */
  totalTimeoutMs?: number;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_TIMEOUT_MS = 5000;
/**
 * Rounding in a solve or inverse perturbs results by about κ·ε (ε = 2.2e-16), so a point whose κ₁
 * exceeds tolerance·1e14 (κ·ε ≤ tolerance/45) could fail a correct identity: such points are re-drawn.
 */
export function maxCondition(tolerance: number): number { return Math.min(1e12, tolerance * 1e14); }
const kappaText = (k: number) => (Number.isFinite(k) ? `condition number up to ${k.toExponential(0)}` : 'singular');

export function summarize(t: Tensor): TensorSummary { return { shape: [...t.shape], text: describeTensor(t) }; }

/**
 * Relative error ‖a − b‖∞ / max(‖a‖∞, ‖b‖∞, 1e-9·m), where m is the largest magnitude of any value computed
 * on the way to either side. The floor keeps an identity whose sides are both ≈ 0 (after cancellation of
 * terms of size m, with rounding error ≈ 1e-16·m) from being judged on noise.
 */
export function relativeError(a: Tensor, b: Tensor, m: number): number {
  if (!allFinite(a) || !allFinite(b)) return Infinity;
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
  if (diff === 0) return 0;
  return diff / Math.max(maxAbs(a), maxAbs(b), 1e-9 * m, Number.MIN_VALUE);
}

/** The op of a non-finite node all of whose inputs are finite: where NaN or ∞ entered the computation. */
function firstNonFinite(root: Node): string | undefined {
  const seen = new Set<Node>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || allFinite(n.value)) continue;
    seen.add(n);
    const bad = n.inputs.filter((i) => !allFinite(i.value));
    if (bad.length === 0) return n.op;
    for (const b of bad) stack.push(b); // not push(...bad): no argument-count limit
  }
  return undefined;
}

/** Largest |entry| over every node that `roots` depend on. */
function magnitude(roots: Node[]): number {
  const seen = new Set<Node>();
  const stack = [...roots];
  let m = 0;
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const v = maxAbs(n.value);
    if (Number.isFinite(v)) m = Math.max(m, v);
    for (const i of n.inputs) stack.push(i);
  }
  return m;
}

const isGrad = (e: Expr) => e.kind === 'call' && e.callee.kind === 'name' && e.callee.name === 'grad';

/** The first grad(…) call in an expression, following names of the derivation's lets (not function bodies). */
export function findGrad(e: Expr, decl: DerivationDecl, seen = new Set<string>()): Extract<Expr, { kind: 'call' }> | undefined {
  switch (e.kind) {
    case 'call':
      if (isGrad(e)) return e as Extract<Expr, { kind: 'call' }>;
      for (const a of e.args) { const g = findGrad(a.value, decl, seen); if (g) return g; }
      return undefined;
    case 'name': {
      if (seen.has(e.name)) return undefined;
      seen.add(e.name);
      const l = decl.body.find((s): s is LetStmt => s.kind === 'let' && !s.params && s.name.name === e.name);
      return l ? findGrad(l.value, decl, seen) : undefined;
    }
    case 'binary': return findGrad(e.left, decl, seen) ?? findGrad(e.right, decl, seen);
    case 'unary': case 'transpose': return findGrad(e.operand, decl, seen);
    case 'index': return findGrad(e.object, decl, seen);
    default: return undefined;
  }
}

export function runDerivation(decl: DerivationDecl, fileLets: LetStmt[], opts: RunOptions = {}): DerivationRun {
  const t0 = Date.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalMs = opts.totalTimeoutMs ?? 6 * timeoutMs;
  const analysis = new ShapeChecker(decl, fileLets).analyze();
  const diagnostics = [...analysis.diagnostics];
  const givens: GivenVar[] = decl.body.flatMap((s) => (s.kind === 'given' ? s.vars : []));
  const checkStmts = decl.body.filter((s): s is CheckStmt => s.kind === 'check');
  const values = new Map<string, Tensor>();
  const checks: CheckOutcome[] = [];
  const ran: { stmt: CheckStmt; outcome: CheckOutcome }[] = [];

  // An error in a given or a let leaves nothing safe to evaluate; an error inside one check only skips
  // that check (its diagnostic already says why), so the other checks still report.
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const within = (s: Span) => errors.some((d) => d.span.start >= s.start && d.span.end <= s.end);
  const blocked = errors.some((d) => !checkStmts.some((c) => d.span.start >= c.span.start && d.span.end <= c.span.end));
  if (!blocked) {
    const runnable = new Set(checkStmts.filter((c) => !within(c.span)));
    recordPoint(decl, fileLets, givens, seed, 0, () => Math.min(timeoutMs, totalMs - (Date.now() - t0)), runnable, values, diagnostics);
    checkStmts.forEach((stmt, i) => {
      if (!runnable.has(stmt)) return;
      const left = totalMs - (Date.now() - t0);
      if (left <= 0) {
        checks.push({
          span: stmt.span, passed: false, inconclusive: true, points: 0, worstRelError: NaN,
          message: `check not run: the derivation used up its total time limit of ${formatNumber(totalMs / 1000)} s`,
        });
      } else {
        const outcome = runCheck(decl, fileLets, givens, stmt, analysis.checks[i], seed, Math.min(timeoutMs, left), left < timeoutMs ? totalMs : undefined);
        checks.push(outcome);
        ran.push({ stmt, outcome });
      }
    });
  }

  // Hovers show the failing draw: every value at the failing draw of the first failed check, and the
  // sub-expressions of each other failed check at its own failing draw.
  const failing = ran.filter((r) => !r.outcome.passed && !r.outcome.inconclusive && r.outcome.worstPointIndex !== undefined);
  let hoverDraw = 0;
  const ownDraw: { span: Span; draw: number; values: Map<string, Tensor> }[] = [];
  const limit = () => Math.max(1, Math.min(timeoutMs, totalMs - (Date.now() - t0)));
  if (failing.length) {
    const runnable = new Set(ran.map((r) => r.stmt));
    hoverDraw = failing[0].outcome.worstPointIndex!;
    const atFail = new Map<string, Tensor>();
    recordPoint(decl, fileLets, givens, seed, hoverDraw, limit, runnable, atFail, []);
    values.clear();
    for (const [k, v] of atFail) values.set(k, v);
    ownDraw.push({ span: failing[0].stmt.span, draw: hoverDraw, values });
    for (const f of failing.slice(1)) {
      const m = new Map<string, Tensor>();
      recordPoint(decl, fileLets, givens, seed, f.outcome.worstPointIndex!, limit, new Set([f.stmt]), m, []);
      ownDraw.push({ span: f.stmt.span, draw: f.outcome.worstPointIndex!, values: m });
    }
  }
  const smallest = (m: Map<string, Tensor>, offset: number, inside?: Span) => {
    let best: { span: Span; t: Tensor } | undefined;
    for (const [k, t] of m) {
      const [start, end] = k.split(':').map(Number);
      if (inside && (start < inside.start || end > inside.end)) continue;
      if (start <= offset && offset <= end && (!best || end - start < best.span.end - best.span.start)) best = { span: { start, end }, t };
    }
    return best;
  };

  return {
    checks,
    diagnostics,
    seconds: (Date.now() - t0) / 1000,
    valueAt: (span) => { const v = values.get(spanKey(span)); return v && summarize(v); },
    valueAtOffset: (offset) => {
      const own = ownDraw.find((o) => o.span.start <= offset && offset <= o.span.end);
      const hit = own ? smallest(own.values, offset, own.span) : undefined;
      if (own && hit) return { span: hit.span, value: summarize(hit.t), where: `at draw ${own.draw + 1}, where this check fails` };
      const best = smallest(values, offset);
      if (!best) return undefined;
      const where = failing.length ? `at draw ${hoverDraw + 1}, the failing draw of the first failed check` : 'at the first point';
      return { span: best.span, value: summarize(best.t), where };
    },
  };
}

/** Evaluates every let and both sides of every runnable check at one draw, keeping each sub-expression's value for hovers. */
function recordPoint(decl: DerivationDecl, fileLets: LetStmt[], givens: GivenVar[], seed: number, draw: number, limitMs: () => number,
  runnable: Set<CheckStmt>, values: Map<string, Tensor>, diagnostics: DeriveDiagnostic[]): void {
  resetConditioning();
  const ev = new PointEvaluator(decl, fileLets, samplePoint(givens, seed, draw), values);
  for (const s of decl.body) {
    try {
      withDeadline(Math.max(1, limitMs()), () => {
        if (s.kind === 'let' && !s.params) ev.letValue(s);
        if (s.kind === 'check' && runnable.has(s)) { ev.eval(s.left, new Map()); ev.eval(s.right, new Map()); }
      });
    } catch (err) {
      if (s.kind !== 'given') diagnostics.push({ span: s.span, severity: 'warning', message: err instanceof TimeoutError || err instanceof SizeLimitError ? `evaluation stopped: ${err.message}` : `evaluation failed: ${(err as Error).message}` });
    }
  }
}

function runCheck(decl: DerivationDecl, fileLets: LetStmt[], givens: GivenVar[], stmt: CheckStmt, info: CheckInfo,
  seed: number, timeoutMs: number, cutByTotalMs?: number): CheckOutcome {
  const wanted = info.points;
  const maxDraws = wanted * 5 + 20;
  let done = 0, drawn = 0, redrawn = 0, worstKappa = 0, kappaOp = '', failedDraws = 0;
  let worst: { err: number; k: number; point: Map<string, Tensor>; left: Tensor; right: Tensor; nodes: [Node, Node] } | undefined;
  const base = { span: stmt.span, points: 0, worstRelError: NaN };
  try {
    withDeadline(timeoutMs, () => {
      while (done < wanted && drawn < maxDraws) {
        const k = drawn++;
        const point = samplePoint(givens, seed, k);
        resetConditioning();
        const ev = new PointEvaluator(decl, fileLets, point);
        const left = ev.eval(stmt.left, new Map());
        const right = ev.eval(stmt.right, new Map());
        if (runtime.worstCondition > maxCondition(info.tolerance)) {
          redrawn++;
          if (runtime.worstCondition > worstKappa) { worstKappa = runtime.worstCondition; kappaOp = runtime.worstConditionOp; }
          continue;
        }
        const err = relativeError(left.value, right.value, magnitude([left, right]));
        done++;
        if (!(err <= info.tolerance)) failedDraws++;
        if (!worst || !(err <= worst.err)) worst = { err, k, point, left: left.value, right: right.value, nodes: [left, right] };
      }
    });
  } catch (err) {
    if (err instanceof SizeLimitError) return { ...base, passed: false, inconclusive: true, points: done, message: `check cancelled: ${err.message}` };
    if (!(err instanceof TimeoutError)) {
      return { ...base, passed: false, inconclusive: true, points: done, message: `evaluation failed: ${(err as Error).message}` };
    }
    return {
      ...base, passed: false, inconclusive: true, points: done, redrawn,
      worstRelError: worst?.err ?? NaN,
      message: `check cancelled: it ran past the ${cutByTotalMs ? `derivation's total time limit of ${formatNumber(cutByTotalMs / 1000)}` : `time limit of ${formatNumber(timeoutMs / 1000)}`} s after ${done} of ${wanted} points` +
        (worst ? ` (worst relative error so far ${worst.err.toExponential(1)})` : ''),
    };
  }
  const redrawNote = redrawn ? `; ${redrawn} near-singular point${redrawn === 1 ? '' : 's'} re-drawn (${kappaOp}: ${kappaText(worstKappa)})` : '';
  if (!worst) {
    return {
      ...base, passed: false, inconclusive: true, redrawn,
      message: `no well-conditioned point found in ${drawn} draws (${kappaOp}: ${kappaText(worstKappa)}): the matrix is singular for these domains`,
    };
  }
  const tol = info.tolerance;
  const passed = worst.err <= tol;
  const outcome: CheckOutcome = { ...base, message: '', passed, points: done, worstRelError: worst.err, redrawn, worstPointIndex: worst.k, failedPoints: failedDraws };
  if (passed) {
    outcome.message = `✓ ${done} point${done === 1 ? '' : 's'}, worst relative error ${worst.err === 0 ? '0' : worst.err.toExponential(1)}${redrawNote}`;
    return outcome;
  }
  outcome.worstPoint = Object.fromEntries([...worst.point].map(([n, t]) => [n, summarize(t)]));
  outcome.left = summarize(worst.left);
  outcome.right = summarize(worst.right);
  // The autodiff value: the first grad(…) in either side (looking through the lets it names), taken
  // at the worst point, with central differences as an independent estimate of the same gradient.
  const gradCall = findGrad(stmt.left, decl) ?? findGrad(stmt.right, decl);
  let gradNote = '';
  if (gradCall) {
    const rec = new Map<string, Tensor>();
    let autodiff: Tensor | undefined;
    try {
      withDeadline(timeoutMs, () => {
        const ev = new PointEvaluator(decl, fileLets, worst!.point, rec);
        ev.eval(stmt.left, new Map()); ev.eval(stmt.right, new Map());
      });
      autodiff = rec.get(spanKey(gradCall.span));
    } catch { /* leave the autodiff value out */ }
    if (autodiff) {
      outcome.autodiff = summarize(autodiff);
      const target = gradCall.args[1].value.kind === 'name' ? gradCall.args[1].value.name : '…';
      const side = gradCall === stmt.left ? 'the left side' : gradCall === stmt.right ? 'the right side' : outcome.autodiff.text;
      gradNote = `; autodiff grad(·, ${target}) = ${side}`;
      const fd = finiteDifference(decl, fileLets, worst.point, gradCall, timeoutMs);
      if (fd) {
        outcome.finiteDifference = summarize(fd);
        gradNote += relativeError(fd, autodiff, 0) < 1e-5
          ? ', and central differences agree with it, so the hand-derived expression is what differs'
          : `, but central differences give ${outcome.finiteDifference.text}`;
      }
    }
  }
  const errText = Number.isFinite(worst.err) ? worst.err.toExponential(1) : 'not finite';
  const badSide: 0 | 1 | -1 = !allFinite(worst.left) ? 0 : !allFinite(worst.right) ? 1 : -1;
  const origin = badSide === -1 ? undefined : firstNonFinite(worst.nodes[badSide]);
  const nonFinite = badSide < 0 ? '' : `the ${badSide === 0 ? 'left' : 'right'} side is not finite` +
    (origin ? ` (\`${origin}\` is the first operation to give NaN or ∞ — check the domains of the givens)` : '') + '; ';
  const pointText = [...worst.point].map(([n, t]) => `${n} = ${describeTensor(t)}`).join(', ');
  // large sides: where they differ (indices as the language writes them), not two walls of numbers
  const sides = isLarge(worst.left) && worst.left.data.length === worst.right.data.length
    ? `left and right ${shapeText(worst.left.shape)} differ most at ${largestDifferences(worst.left, worst.right).join(', ')}` +
      ` (‖left − right‖ = ${formatNumber(norm(difference(worst.left, worst.right)))}, ‖left‖ = ${formatNumber(norm(worst.left))}, ‖right‖ = ${formatNumber(norm(worst.right))})`
    : `left ${shapeText(worst.left.shape)} = ${outcome.left.text}, right = ${outcome.right.text}`;
  outcome.message = `✗ ${failedDraws} of ${done} draws fail: relative error ${errText} > ${formatNumber(tol)} at draw ${worst.k + 1} (the worst): ${nonFinite}` +
    `${sides}${gradNote}; at ${pointText}${redrawNote}`;
  return outcome;
}

function difference(a: Tensor, b: Tensor): Tensor {
  return { shape: [...a.shape], data: a.data.map((v, i) => v - b.data[i]) };
}

/**
 * Central differences of S in X for a side grad(S, X), at one point: an independent estimate of the
 * gradient that needs no autodiff. Skipped for large X (2·size evaluations) or on any failure.
 */
export function finiteDifference(decl: DerivationDecl, fileLets: LetStmt[], point: Map<string, Tensor>,
  gradExpr: Extract<Expr, { kind: 'call' }>, timeoutMs: number): Tensor | undefined {
  const target = gradExpr.args[1].value;
  if (target.kind !== 'name') return undefined;
  const x = point.get(target.name);
  if (!x || x.data.length > 400) return undefined;
  const at = (i: number, delta: number) => {
    const moved = new Map(point);
    const t = { shape: x.shape, data: Float64Array.from(x.data) };
    t.data[i] += delta;
    moved.set(target.name, t);
    return new PointEvaluator(decl, fileLets, moved).eval(gradExpr.args[0].value, new Map()).value.data[0];
  };
  try {
    return withDeadline(timeoutMs, () => {
      const out = { shape: [...x.shape], data: new Float64Array(x.data.length) };
      for (let i = 0; i < x.data.length; i++) {
        const h = 1e-5 * Math.max(1, Math.abs(x.data[i]));
        out.data[i] = (at(i, h) - at(i, -h)) / (2 * h);
      }
      return out;
    });
  } catch {
    return undefined;
  }
}
