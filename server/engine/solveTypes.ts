// One solver call as the engine's callers write it (SolveRequest) and what comes back (SolveResult):
// shared by the runners (./runner.ts, ./hostRunner.ts) and the executor (./execute.ts), which would
// otherwise import each other.
import type { Device, Value } from '../solvers/registry';

export interface SolveRequest {
  solver: string;
  params: Record<string, Value>;
  seed?: number;
  device?: Device;
  /** Higher runs first (what the user hovers or sees). */
  priority?: number;
  timeoutMs?: number;
  budget?: 'full' | 'test';
  /** The folder data files may be read from (SolverContext.dataRoot); not part of the cache key (data paths are absolute then). */
  dataRoot?: string;
}

export interface SolveResult {
  outputs: Record<string, Value>;
  /** 'cpu' or 'webgpu:<adapter>' */
  backend: string;
  seconds: number;
  cached?: boolean;
  warnings: string[];
}
