// createRunner: the one way callers get a SolverRunner. It puts the result cache in front of either
// the solver host (default) or the in-process runner (`inProcess`, for tests and tiny tools).
import type { Device, OutputSpec } from '../solvers/registry';
import { cacheKey, ResultCache } from './cache';
import { resolveRequest } from './execute';
import { isDeviceChoiceWarning } from './kernels/index';
import { BackendInfo, HostRunner, HostRunnerOptions } from './hostRunner';
import { InProcessRunner, LastResult, SolveOptions, SolveRequest, SolveResult, SolverRunner } from './runner';

export interface RunnerOptions {
  device: Device;
  /** Per-job time limit (theorylab.solver.timeoutSeconds); 0 = none. */
  timeoutSeconds: number;
  /** Where the limit was set, for its message (default: the editor setting). */
  timeoutOrigin?: string;
  /** Directory of the on-disk cache; memory only when omitted. */
  cacheDir?: string;
  /** Run solvers in this process instead of a solver host. */
  inProcess?: boolean;
  memoryLimitMb?: number;
  graceMs?: number;
  allowSoftwareGpu?: boolean;
  /** Switch the cache off (e.g. `--no-cache`). */
  noCache?: boolean;
  log?(line: string): void;
  onStatus?: HostRunnerOptions['onStatus'];
}

export class CachedRunner implements SolverRunner {
  constructor(readonly inner: SolverRunner, readonly cache: ResultCache, private readonly log?: (m: string) => void) {}

  private key(req: SolveRequest): { key: string; solver: string; version: string; outputs: readonly OutputSpec[] } {
    const { def, params } = resolveRequest(req);
    return {
      key: cacheKey({ solver: def.id, version: def.version, params, seed: req.seed ?? 0, budget: req.budget ?? 'full' }),
      solver: def.id, version: def.version, outputs: def.outputs,
    };
  }

  async peek(req: SolveRequest): Promise<SolveResult | undefined> {
    try { const k = this.key(req); return this.cache.get(k.key, this.log, k.outputs); } catch { return undefined; }
  }

  async solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    const k = this.key(req); // throws SolverInputError on bad input, before any work
    const notes: string[] = [];
    const hit = this.cache.get(k.key, (m) => { notes.push(m); this.log?.(m); }, k.outputs);
    if (hit) { if (opts.tag) this.cache.setTag(opts.tag, k.key); return hit; }
    opts.onStart?.();
    const result = await this.inner.solve(req, opts);
    const stored = { ...result, warnings: result.warnings.filter((w) => !isDeviceChoiceWarning(w)) };
    const refused = this.cache.set(k.key, stored, { solver: k.solver, version: k.version }, k.outputs);
    if (refused) this.log?.(`\`${k.solver}\` returned outputs that do not match its declaration (${refused}); the result was not cached`);
    else if (opts.tag) this.cache.setTag(opts.tag, k.key);
    return notes.length ? { ...result, warnings: [...result.warnings, ...notes] } : result;
  }

  async lastResult(tag: string, req?: SolveRequest): Promise<LastResult | undefined> {
    const key = this.cache.getTag(tag);
    let outputs: readonly OutputSpec[] | undefined;
    if (req) { try { outputs = this.key(req).outputs; } catch { /* checked below as stale */ } }
    const result = key ? this.cache.get(key, this.log, outputs) : undefined;
    if (!key || !result) return undefined;
    let stale = false;
    if (req) { try { stale = this.key(req).key !== key; } catch { stale = true; } }
    return { result, stale };
  }

  backendName(): Promise<string> {
    return this.inner.backendName?.() ?? Promise.resolve('cpu');
  }

  /** The backend and why it was chosen (the host runner knows; an in-process runner reports its name). */
  async backendInfo(): Promise<BackendInfo> {
    const inner = this.inner as { backendInfo?(): Promise<BackendInfo> };
    return inner.backendInfo ? inner.backendInfo() : { name: await this.backendName() };
  }

  dispose(): void { this.inner.dispose?.(); }
}

class NoCache extends ResultCache {
  override get(): undefined { return undefined; }
  override set(): undefined { return undefined; /* off */ }
  override setTag(): void { /* off */ }
}

export function createRunner(opts: RunnerOptions): CachedRunner {
  const inner: SolverRunner = opts.inProcess
    ? new InProcessRunner({ device: opts.device, allowSoftwareGpu: opts.allowSoftwareGpu, memoryLimitMb: opts.memoryLimitMb })
    : new HostRunner({
      device: opts.device, timeoutSeconds: opts.timeoutSeconds, timeoutOrigin: opts.timeoutOrigin, memoryLimitMb: opts.memoryLimitMb,
      graceMs: opts.graceMs, allowSoftwareGpu: opts.allowSoftwareGpu, log: opts.log, onStatus: opts.onStatus,
    });
  return new CachedRunner(inner, opts.noCache ? new NoCache() : new ResultCache(opts.cacheDir), opts.log);
}
