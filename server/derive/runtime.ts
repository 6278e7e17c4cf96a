// Per-evaluation bookkeeping shared by every op: the deadline (so a runaway check is cancelled between
// ops, not only between points) and the worst condition number met by inv/det/logdet (so a point near
// a singular matrix is re-drawn instead of being reported as a failure). Evaluation is synchronous and
// single-threaded, so one module-level record is enough; the runner resets it around each point.

export class TimeoutError extends Error {
  constructor(public readonly limitMs: number) { super(`time limit of ${limitMs / 1000} s exceeded`); }
}

export const runtime = {
  deadline: Infinity,
  limitMs: Infinity,
  /** Largest κ₁ seen since the last reset, and which op saw it. */
  worstCondition: 1,
  worstConditionOp: '',
  workSinceCheck: 0,
};

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
