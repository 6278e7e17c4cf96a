// The engine API every caller uses (the .tlab runner, the CLI, the language server): one `solve` call
// per solver invocation. `InProcessRunner` runs solvers in the calling process; `HostRunner`
// (./hostRunner) runs them in a forked solver host with a job queue, limits and restarts, and
// `createRunner` (./factory) adds the result cache in front of either.
import { CancelledError, Device, Value } from '../solvers/registry';
import { executeSolve } from './execute';

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
  /** The cached result for exactly these inputs, without running anything (undefined if none). */
  peek?(req: SolveRequest): Promise<SolveResult | undefined>;
  /** 'cpu' or 'webgpu:<adapter>' that `auto` resolves to, when known. */
  backendName?(): Promise<string>;
}

export interface InProcessOptions {
  /** Used when a request names no device. */
  device?: Device;
  allowSoftwareGpu?: boolean;
}

export class InProcessRunner implements SolverRunner {
  constructor(private readonly opts: InProcessOptions = {}) {}

  async solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    const controller = new AbortController();
    const signal = opts.signal ?? controller.signal;
    if (signal.aborted) throw new CancelledError();
    return executeSolve({ ...req, device: req.device ?? this.opts.device ?? 'cpu' },
      { signal, onProgress: opts.onProgress, allowSoftwareGpu: this.opts.allowSoftwareGpu });
  }
}
