// The language server's runner: createRunner's host runner + cache, configured with the engine
// settings (device, per-job time limit: from the `settings` callback, which server/settings.ts provides
// already validated, else read here with workspace/configuration on the first job and again when they
// change), reporting every job longer than half a second as LSP work-done progress (cancellable from
// the notification), its status (jobs, backend) through a plain `onStatus` callback, and every run in
// the run log (runLog.ts). One solver host per runner: after a settings change the old host ends as
// soon as its last job does.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { serverStatus, ServerStatusParams } from '../../../protocol';
import type { Device } from '../../solvers/registry';
import { CachedRunner, createRunner } from '../factory';
import type { BackendInfo } from '../hostRunner';
import type { LastResult, SolveOptions, SolveRequest, SolveResult, SolverRunner } from '../runner';
import { doneLine, failLine, startLine } from './runLog';

export interface EngineSettings { device: Device; timeoutSeconds: number }

export const ENGINE_DEFAULTS: EngineSettings = { device: 'auto', timeoutSeconds: 300 };

/** What LspRunner needs from the connection: progress, logging, and (without `settings`) configuration. */
export type RunnerConnection = Pick<Connection, 'window' | 'console'> & Partial<Pick<Connection, 'workspace' | 'sendNotification'>>;

export interface LspRunnerOptions {
  /** The current engine settings, validated by the caller; default: read `theorylab` with workspace/configuration. */
  settings?(): EngineSettings | Promise<EngineSettings>;
  /** Receives every status change (default: a theorylab/serverStatus notification on the connection). */
  onStatus?(p: ServerStatusParams): void;
}

/** Results of a workspace live outside it, in the user cache, one folder per workspace root. */
export function workspaceCacheDir(root: string | undefined): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const id = createHash('sha1').update(root ?? 'no-workspace').digest('hex').slice(0, 16);
  return path.join(base, 'theorylab', 'results', id);
}

/** The engine settings from a raw `theorylab` configuration object; anything malformed → the default. */
export function engineSettingsFrom(conf: Record<string, unknown> | null | undefined): EngineSettings {
  const device = conf?.device;
  const timeout = (conf?.solver as { timeoutSeconds?: unknown } | undefined)?.timeoutSeconds;
  return {
    device: device === 'cpu' || device === 'gpu' || device === 'auto' ? device : ENGINE_DEFAULTS.device,
    // huge values are kept here and clamped where they reach a timer (engine/limits.ts)
    timeoutSeconds: typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0 ? timeout : ENGINE_DEFAULTS.timeoutSeconds,
  };
}

export class LspRunner implements SolverRunner {
  private inner: CachedRunner | undefined;
  private settings: EngineSettings | undefined;
  /** Jobs in flight per runner: a runner replaced by a settings change is disposed when its count reaches 0. */
  private readonly inFlight = new Map<CachedRunner, number>();
  private running = 0;
  private backend: BackendInfo = { name: 'cpu' };
  private disposed = false;

  constructor(private readonly connection: RunnerConnection, private readonly roots: () => string[], private readonly opts: LspRunnerOptions = {}) {}

  private log(line: string): void { this.connection.console.log(line); }

  private async readSettings(): Promise<EngineSettings> {
    if (this.opts.settings) return this.opts.settings();
    try {
      const conf = await Promise.race([
        this.connection.workspace!.getConfiguration('theorylab') as Promise<Record<string, unknown> | null>,
        new Promise<null>((r) => setTimeout(() => r(null), 1000).unref()),
      ]);
      return engineSettingsFrom(conf);
    } catch {
      return ENGINE_DEFAULTS; // a client without workspace/configuration
    }
  }

  /** The runner for the current settings; `reserve` counts a job on it in the same tick (so it is not retired under the job). */
  private async runner(reserve = false): Promise<CachedRunner> {
    const s = await this.readSettings();
    const r = this.pick(s);
    if (reserve) this.inFlight.set(r, (this.inFlight.get(r) ?? 0) + 1);
    return r;
  }

  private pick(s: EngineSettings): CachedRunner {
    if (this.inner && this.settings && s.device === this.settings.device && s.timeoutSeconds === this.settings.timeoutSeconds) return this.inner;
    // Settings changed: a new host for new jobs; jobs already running finish in the old one, which is
    // disposed with its last job (or now, when it has none), so no idle host is left behind.
    const old = this.inner;
    this.settings = s;
    this.inner = createRunner({
      device: s.device, timeoutSeconds: s.timeoutSeconds, cacheDir: workspaceCacheDir(this.roots()[0]),
      log: (line) => this.log(`[solver host] ${line}`),
    });
    if (old) this.retireIfIdle(old);
    if (old) this.log(`settings changed (device ${s.device}, time limit ${s.timeoutSeconds || 'none'} s): new jobs go to a new solver host`);
    const fresh = this.inner;
    void fresh.backendInfo().then((b) => {
      if (this.inner !== fresh) return;
      this.backend = b;
      this.log(`compute backend: ${b.name}${b.reason ? ` (${b.reason})` : ''}`);
      this.status();
    }, () => {});
    return this.inner;
  }

  private retireIfIdle(r: CachedRunner): void {
    if (r !== this.inner && !this.inFlight.get(r)) { this.inFlight.delete(r); r.dispose(); }
  }

  private status(message?: string): void {
    const p: ServerStatusParams = { state: this.running ? 'busy' : 'ready', backend: this.backend.name, runningJobs: this.running, message };
    if (this.opts.onStatus) { this.opts.onStatus(p); return; }
    void this.connection.sendNotification?.(serverStatus, p)?.catch?.(() => {});
  }

  /**
   * Reports the backend `theorylab.device` resolves to before the first job: `cpu` at once without a
   * host; `auto`/`gpu` start the solver host (the first job needs it anyway) and report its adapter probe.
   */
  async announceBackend(): Promise<void> {
    if (this.inner) return;
    const s = await this.readSettings();
    if (s.device === 'cpu') { this.backend = { name: 'cpu', reason: 'theorylab.device is cpu' }; this.status(); return; }
    await this.runner();
  }

  async peek(req: SolveRequest): Promise<SolveResult | undefined> {
    return (this.inner ?? (await this.runner())).peek(req);
  }

  async lastResult(tag: string, req?: SolveRequest): Promise<LastResult | undefined> {
    return (this.inner ?? (await this.runner())).lastResult(tag, req);
  }

  async solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    if (this.disposed) throw new Error('the solver runner was disposed');
    const inner = await this.runner(true);
    const controller = new AbortController();
    const outer = opts.signal;
    const onOuter = () => controller.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    if (outer?.aborted) controller.abort();
    let progress: { report(p: number, m?: string): void; done(): void } | undefined;
    let last = { f: 0, m: undefined as string | undefined };
    let done = false;
    // Only jobs that last show a progress notification (no flicker for cache hits and quick solves);
    // none when the caller shows one for the whole run (a block run: one notification, not one per job).
    const timer = opts.ownProgress ? undefined : setTimeout(() => {
      void this.connection.window.createWorkDoneProgress().then((reporter) => {
        if (controller.signal.aborted || done) { reporter.done(); return; }
        reporter.begin(`Theory Lab: ${req.solver}`, Math.round(last.f * 100), last.m, true);
        reporter.token.onCancellationRequested(() => controller.abort());
        progress = { report: (p, m) => reporter.report(Math.round(p * 100), m ?? ''), done: () => reporter.done() };
      }, () => {});
    }, 500);
    this.running++;
    this.status();
    const t0 = performance.now();
    const device = this.settings?.device ?? ENGINE_DEFAULTS.device;
    const backend = (req.device ?? device) === device ? this.backend : undefined;
    try {
      const res = await inner.solve(req, {
        signal: controller.signal,
        tag: opts.tag,
        onProgress: (f, m) => { last = { f, m }; progress?.report(f, m); opts.onProgress?.(f, m); },
        onStart: () => this.log(startLine(req, device, backend)),
        onRun: opts.onRun,
      });
      this.log(doneLine(req, res, (performance.now() - t0) / 1000));
      return res;
    } catch (e) {
      this.log(failLine(req, e, (performance.now() - t0) / 1000));
      throw e;
    } finally {
      done = true;
      clearTimeout(timer);
      progress?.done();
      outer?.removeEventListener('abort', onOuter);
      this.running--;
      this.inFlight.set(inner, (this.inFlight.get(inner) ?? 1) - 1);
      this.retireIfIdle(inner);
      this.status();
    }
  }

  /** How many solver runners (each with at most one host) this runner holds: 1 after any settings change, once jobs end. */
  get liveRunners(): number { return new Set([...this.inFlight.keys(), ...(this.inner ? [this.inner] : [])]).size; }

  dispose(): void {
    this.disposed = true;
    this.inner?.dispose();
    for (const r of this.inFlight.keys()) r.dispose();
    this.inFlight.clear();
    this.inner = undefined;
  }
}

export function createLspRunner(connection: RunnerConnection, roots: () => string[], opts: LspRunnerOptions = {}): LspRunner {
  return new LspRunner(connection, roots, opts);
}
