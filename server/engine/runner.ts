// The engine API every caller uses (the .tlab runner, the CLI, the language server): one `solve` call
// per solver invocation. `InProcessRunner` runs solvers in the calling process; `HostRunner`
// (./hostRunner) runs them in a forked solver host with a job queue, limits and restarts, and
// `createRunner` (./factory) adds the result cache in front of either.
import { CancelledError, Device } from '../solvers/registry';
import { executeSolve, resolveRequest } from './execute';
import { memoryLimitMb } from './limits';
import type { SolveRequest, SolveResult } from './solveTypes';

export type { SolveRequest, SolveResult } from './solveTypes';

export interface SolveOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number, message?: string): void;
  /**
   * Names the call site (e.g. `file:///x.tlab#experiment/3`): the caching runner remembers its last
   * result so `lastResult(tag, req)` can show it at once when the file is reopened, marked stale if
   * the inputs changed since.
   */
  tag?: string;
  /** Called when the job is computed rather than served from the cache (the run log's "run …" line). */
  onStart?(): void;
  /** Called when the job leaves the queue and starts computing (a code lens turns from queued to running). */
  onRun?(): void;
  /** The caller shows this job's progress itself (a block run's one notification): no notification per job. */
  ownProgress?: boolean;
}

export interface LastResult {
  result: SolveResult;
  /** The stored result was computed for other inputs (or another solver version) than `req`. */
  stale: boolean;
}

export interface SolverRunner {
  solve(req: SolveRequest, opts?: SolveOptions): Promise<SolveResult>;
  /** How many solve calls a caller should keep in flight (a cluster runner wants them all at once). */
  preferredConcurrency?: number;
  dispose?(): void;
  /** The cached result for exactly these inputs, without running anything (undefined if none). */
  peek?(req: SolveRequest): Promise<SolveResult | undefined>;
  /** 'cpu' or 'webgpu:<adapter>' that `auto` resolves to, when known. */
  backendName?(): Promise<string>;
  /** The last result solved under `tag` (see SolveOptions.tag), stale when `req` differs from its inputs. */
  lastResult?(tag: string, req?: SolveRequest): Promise<LastResult | undefined>;
}

export interface InProcessOptions {
  /** Used when a request names no device. */
  device?: Device;
  allowSoftwareGpu?: boolean;
  /** Jobs whose `memoryEstimate` exceeds this are refused up front (default: 75% of RAM, as the host). */
  memoryLimitMb?: number;
}

export class InProcessRunner implements SolverRunner {
  constructor(private readonly opts: InProcessOptions = {}) {}

  async solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    const controller = new AbortController();
    const signal = opts.signal ?? controller.signal;
    if (signal.aborted) throw new CancelledError();
    // Absurd sizes are refused before anything is allocated (this process has no memory watchdog).
    resolveRequest(req, memoryLimitMb(this.opts.memoryLimitMb) * 2 ** 20);
    opts.onRun?.();
    return executeSolve({ ...req, device: req.device ?? this.opts.device ?? 'cpu' },
      { signal, onProgress: opts.onProgress, allowSoftwareGpu: this.opts.allowSoftwareGpu });
  }

  /** Nothing to release (kernels are shared per process); present so callers can dispose any runner. */
  dispose(): void { /* nothing held */ }
}
