// The engine API every caller uses (the .tlab runner, the CLI, the language server): one `solve` call
// per solver invocation. `InProcessRunner` runs solvers in the calling process; the solver host
// (a forked process with a job queue, cache and GPU backend) implements the same interface.
import { getSolver } from '../solvers/index';
import { CancelledError, Device, resolveParams, SolverContext, SolverInputError, Value } from '../solvers/registry';

export interface SolveRequest {
  solver: string;
  params: Record<string, Value>;
  seed?: number;
  device?: Device;
  /** Higher runs first (what the user hovers or sees). */
  priority?: number;
  timeoutMs?: number;
  budget?: 'full' | 'test';
}

export interface SolveResult {
  outputs: Record<string, Value>;
  /** 'cpu' or 'webgpu:<adapter>' */
  backend: string;
  seconds: number;
  cached?: boolean;
  warnings: string[];
}

export interface SolveOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number, message?: string): void;
}

export interface SolverRunner {
  solve(req: SolveRequest, opts?: SolveOptions): Promise<SolveResult>;
  dispose?(): void;
}

export class InProcessRunner implements SolverRunner {
  async solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    const def = getSolver(req.solver);
    if (!def) throw new SolverInputError(`unknown solver \`${req.solver}\``);
    const { params, issues } = resolveParams(def, req.params);
    const errors = issues.filter((i) => i.severity !== 'warning');
    if (errors.length) throw new SolverInputError(errors.map((e) => e.message).join('; '), errors[0].param);
    const warnings: string[] = issues.filter((i) => i.severity === 'warning').map((i) => i.message);
    const controller = new AbortController();
    const signal = opts.signal ?? controller.signal;
    const ctx: SolverContext = {
      seed: req.seed ?? 0,
      device: req.device ?? 'cpu',
      backend: { name: 'cpu', kind: 'cpu' },
      budget: req.budget ?? 'full',
      progress: (f, m) => opts.onProgress?.(f, m),
      checkCancelled: () => { if (signal.aborted) throw new CancelledError(); },
      signal,
      warn: (m) => warnings.push(m),
    };
    const t0 = performance.now();
    const outputs = await def.run(params, ctx);
    return { outputs, backend: ctx.backend.name, seconds: (performance.now() - t0) / 1000, warnings };
  }
}
