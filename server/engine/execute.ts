// Runs one solve request against the registry in the current process: resolves and checks the
// parameters, builds the SolverContext (with the kernels of the chosen backend), runs the solver, and
// reports NaN/Inf outputs as a warning. Shared by InProcessRunner and the solver host process.
import { getSolver } from '../solvers/index';
import {
  CancelledError, resolveParams, SolverContext, SolverDef, SolverInputError, Value,
} from '../solvers/registry';
import { cpuKernels, DeviceLostError, getKernels, KernelApi } from './kernels/index';
import type { SolveRequest, SolveResult } from './solveTypes';
// workspace solvers declared by the language server reach this process through a sync file
import '../workspace-solvers/hostSync';

export interface ResolvedRequest {
  def: SolverDef;
  params: Record<string, Value>;
  warnings: string[];
}

/**
 * Solvers added at run time from a module named by `THEORYLAB_EXTRA_SOLVERS` (or by a caller): the
 * engine's tests use it for solvers that spin, crash or allocate; it also lets a user try a solver
 * without touching the registry.
 */
const extra = new Map<string, SolverDef>();
export function registerExtraSolvers(defs: SolverDef[]): void {
  for (const d of defs) extra.set(d.id, d);
}
export function loadExtraSolvers(modulePath: string | undefined): void {
  if (!modulePath) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registerExtraSolvers((require(modulePath) as { solvers: SolverDef[] }).solvers);
}
loadExtraSolvers(process.env.THEORYLAB_EXTRA_SOLVERS);

/** Refuses a job whose declared memory need exceeds the limit, with the estimate in the message. */
export function checkMemory(def: SolverDef, params: Record<string, Value>, limitBytes: number): void {
  if (!def.memoryEstimate) return;
  const need = def.memoryEstimate(params);
  if (need > limitBytes) {
    throw new SolverInputError(`\`${def.id}\` would need about ${formatBytes(need)} of memory for these parameters, ` +
      `more than the solver limit of ${formatBytes(limitBytes)}; reduce the sizes`);
  }
}

/** Looks the solver up and fills/validates its parameters; throws SolverInputError on bad input. */
export function resolveRequest(req: SolveRequest, memoryLimitBytes?: number): ResolvedRequest {
  const def = extra.get(req.solver) ?? getSolver(req.solver);
  if (!def) throw new SolverInputError(`unknown solver \`${req.solver}\``);
  const { params, issues } = resolveParams(def, req.params);
  const errors = issues.filter((i) => i.severity !== 'warning');
  if (errors.length) throw new SolverInputError(errors.map((e) => e.message).join('; '), errors[0].param);
  if (memoryLimitBytes !== undefined) checkMemory(def, params, memoryLimitBytes);
  return { def, params, warnings: issues.filter((i) => i.severity === 'warning').map((i) => i.message) };
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(0)} MiB`;
  return `${Math.ceil(b / 1024)} KiB`;
}

/** Paths of every NaN/±Inf number inside the outputs (e.g. `curve[3]`, `mean.std`). */
export function nonFiniteFields(outputs: Record<string, Value>): string[] {
  const found: string[] = [];
  const walk = (v: Value, path: string) => {
    if (typeof v === 'number') { if (!Number.isFinite(v)) found.push(path); return; }
    if (Array.isArray(v)) {
      const before = found.length;
      v.forEach((x, i) => { if (found.length - before < 3) walk(x, `${path}[${i}]`); });
      return;
    }
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  for (const [k, v] of Object.entries(outputs)) walk(v, k);
  return found;
}

export interface ExecuteOptions {
  signal: AbortSignal;
  onProgress?(fraction: number, message?: string): void;
  /** Lets the host check its memory limit from inside the solver's loops. */
  onCheck?(): void;
  /** Accept software WebGPU adapters (tests). */
  allowSoftwareGpu?: boolean;
}

export async function executeSolve(req: SolveRequest, opts: ExecuteOptions): Promise<SolveResult> {
  const { def, params, warnings } = resolveRequest(req);
  const device = req.device ?? 'cpu';
  const choice = await getKernels(device, { allowSoftware: opts.allowSoftwareGpu });
  if (choice.warning) warnings.push(choice.warning);
  const t0 = performance.now();
  let outputs: Record<string, Value>;
  let backend: string;
  try {
    ({ outputs, backend } = await runWith(def, params, req, opts, choice.kernels, warnings));
  } catch (e) {
    if (!(e instanceof DeviceLostError) && !(choice.kernels as { lost?: boolean }).lost) throw e;
    warnings.push(`${(e as Error).message}; the job was rerun on the CPU`);
    ({ outputs, backend } = await runWith(def, params, req, opts, cpuKernels(), warnings));
  }
  const bad = nonFiniteFields(outputs);
  if (bad.length) warnings.push(`non-finite values (NaN or ±Inf) in the outputs: ${bad.join(', ')}`);
  // the same remark from the engine and from a solver (e.g. the GPU fallback) is shown once
  return { outputs, backend, seconds: (performance.now() - t0) / 1000, warnings: [...new Set(warnings)] };
}

async function runWith(def: SolverDef, params: Record<string, Value>, req: SolveRequest, opts: ExecuteOptions,
  kernels: KernelApi, warnings: string[]): Promise<{ outputs: Record<string, Value>; backend: string }> {
  let used = false;
  const signal = opts.signal;
  const ctx: SolverContext = {
    seed: req.seed ?? 0,
    device: req.device ?? 'cpu',
    backend: kernels.backend,
    budget: req.budget ?? 'full',
    progress: (f, m) => opts.onProgress?.(f, m),
    checkCancelled: () => {
      opts.onCheck?.();
      if (signal.aborted) throw new CancelledError();
    },
    signal,
    warn: (m) => warnings.push(m),
    dataRoot: req.dataRoot,
    // The backend is reported only when the solver actually used the kernels.
    get kernels() { used = true; return kernels; },
  };
  const outputs = await def.run(params, ctx);
  return { outputs, backend: used ? kernels.backend.name : 'cpu' };
}

export { DeviceLostError };
