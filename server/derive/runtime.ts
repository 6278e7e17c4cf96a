// Per-evaluation bookkeeping shared by every op: the deadline (so a runaway check is cancelled between
// ops, not only between points), the number of graph nodes made for the current point (so an
// expression that expands to millions of operations stops before it fills the memory) and the worst
// condition number met by inv/det/logdet (so a point near a singular matrix is re-drawn instead of
// being reported as a failure). Evaluation is synchronous and single-threaded, so one module-level
// record is enough; the runner resets it around each point.

export class TimeoutError extends Error {
  constructor(public readonly limitMs: number) { super(`time limit of ${limitMs / 1000} s exceeded`); }
}

/**
 * Operations (autodiff nodes, ~500 bytes each) one point may make. Hand-written checks make hundreds;
 * millions come from user functions that call the one below twice with new arguments (`f0(u) *
 * f0(u + 1)`, doubling per level), which would otherwise grow the graph for the whole time limit.
 */
export const MAX_POINT_NODES = 250000;

export class SizeLimitError extends Error {
  constructor() { super(`more than ${MAX_POINT_NODES} operations at one point, too many for a derivation check (at most ${MAX_POINT_NODES}; a user function calling another twice with new arguments doubles them per level)`); }
}

export const runtime = {
  deadline: Infinity,
  limitMs: Infinity,
  /** Autodiff nodes made since the current point's evaluation began. */
  nodes: 0,
  /** Largest κ₁ seen since the last reset, and which op saw it. */
  worstCondition: 1,
  worstConditionOp: '',
  workSinceCheck: 0,
};

/** Called for every autodiff node made. */
export function countNode(): void {
  if (++runtime.nodes > MAX_POINT_NODES) throw new SizeLimitError();
}

export function resetConditioning(): void { runtime.worstCondition = 1; runtime.worstConditionOp = ''; }

export function noteCondition(kappa: number, op: string): void {
  if (!(kappa <= runtime.worstCondition)) { runtime.worstCondition = kappa; runtime.worstConditionOp = op; }
}

/**
 * Called by every op with its rough cost in flops; reading the clock is cheap but not free, so it is
 * read only once enough work has accumulated (a single big matrix product reads it at once).
 */
export function tick(cost = 1): void {
  runtime.workSinceCheck += cost;
  if (runtime.workSinceCheck < 20000) return;
  runtime.workSinceCheck = 0;
  if (Date.now() > runtime.deadline) throw new TimeoutError(runtime.limitMs);
}

export function withDeadline<T>(limitMs: number, body: () => T): T {
  const saved = { deadline: runtime.deadline, limitMs: runtime.limitMs };
  runtime.deadline = Date.now() + limitMs; runtime.limitMs = limitMs; runtime.workSinceCheck = 0;
  try { return body(); } finally { runtime.deadline = saved.deadline; runtime.limitMs = saved.limitMs; }
}
