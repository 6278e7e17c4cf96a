// The language server's runner: createRunner's host runner + cache, configured from the client's
// `theorylab` settings (device, solver.timeoutSeconds, read with workspace/configuration on the first
// job and again when they change), reporting every job longer than half a second as LSP work-done
// progress (cancellable from the notification) and the compute backend through theorylab/serverStatus.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { serverStatus } from '../../protocol';
import type { Device } from '../solvers/registry';
import { CachedRunner, createRunner } from './factory';
import type { LastResult, SolveOptions, SolveRequest, SolveResult, SolverRunner } from './runner';

interface EngineSettings { device: Device; timeoutSeconds: number }

const DEFAULTS: EngineSettings = { device: 'auto', timeoutSeconds: 300 };

/** Results of a workspace live outside it, in the user cache, one folder per workspace root. */
export function workspaceCacheDir(root: string | undefined): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const id = createHash('sha1').update(root ?? 'no-workspace').digest('hex').slice(0, 16);
  return path.join(base, 'theorylab', 'results', id);
}

export class LspRunner implements SolverRunner {
  private inner: CachedRunner | undefined;
  private settings: EngineSettings | undefined;
  private running = 0;
  private backend = 'cpu';

  constructor(private readonly connection: Connection, private readonly roots: () => string[]) {}

  private async readSettings(): Promise<EngineSettings> {
    try {
      const conf = await Promise.race([
        this.connection.workspace.getConfiguration('theorylab') as Promise<Record<string, unknown> | null>,
        new Promise<null>((r) => setTimeout(() => r(null), 1000).unref()),
      ]);
      const device = conf?.device;
      const timeout = (conf?.solver as { timeoutSeconds?: unknown } | undefined)?.timeoutSeconds;
      return {
        device: device === 'cpu' || device === 'gpu' || device === 'auto' ? device : DEFAULTS.device,
        timeoutSeconds: typeof timeout === 'number' && timeout >= 0 ? timeout : DEFAULTS.timeoutSeconds,
      };
    } catch {
      return DEFAULTS; // a client without workspace/configuration
    }
  }

  private async runner(): Promise<CachedRunner> {
    const s = await this.readSettings();
    if (this.inner && this.settings && s.device === this.settings.device && s.timeoutSeconds === this.settings.timeoutSeconds) return this.inner;
    // settings changed: a new host for new jobs; jobs already running finish in the old one
    const old = this.inner;
    this.settings = s;
    this.inner = createRunner({
      device: s.device, timeoutSeconds: s.timeoutSeconds, cacheDir: workspaceCacheDir(this.roots()[0]),
      log: (line) => this.connection.console.log(`[solver host] ${line}`),
    });
    if (old && this.running === 0) old.dispose();
    void this.inner.backendName().then((b) => { this.backend = b; this.status(); }, () => {});
    return this.inner;
  }

  private status(message?: string): void {
    void this.connection.sendNotification(serverStatus, {
      state: this.running ? 'busy' : 'ready', backend: this.backend, runningJobs: this.running, message,
    }).catch?.(() => {});
  }

  /**
   * Reports the backend `theorylab.device` resolves to before the first job: `cpu` at once without a
   * host; `auto`/`gpu` start the solver host (the first job needs it anyway) and report its adapter probe.
   */
  async announceBackend(): Promise<void> {
    if (this.inner) return;
    const s = await this.readSettings();
    if (s.device === 'cpu') { this.backend = 'cpu'; this.status(); return; }
    await this.runner();
  }

  async peek(req: SolveRequest): Promise<SolveResult | undefined> {
    return (this.inner ?? (await this.runner())).peek(req);
  }

  async lastResult(tag: string, req?: SolveRequest): Promise<LastResult | undefined> {
    return (this.inner ?? (await this.runner())).lastResult(tag, req);
  }

  async solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    const inner = await this.runner();
    const controller = new AbortController();
    const outer = opts.signal;
    const onOuter = () => controller.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    if (outer?.aborted) controller.abort();
    let progress: { report(p: number, m?: string): void; done(): void } | undefined;
    let last = { f: 0, m: undefined as string | undefined };
    // Only jobs that last show a progress notification (no flicker for cache hits and quick solves).
    const timer = setTimeout(() => {
      void this.connection.window.createWorkDoneProgress().then((reporter) => {
        if (controller.signal.aborted || done) { reporter.done(); return; }
        reporter.begin(`Theory Lab: ${req.solver}`, Math.round(last.f * 100), last.m, true);
        reporter.token.onCancellationRequested(() => controller.abort());
        progress = { report: (p, m) => reporter.report(Math.round(p * 100), m ?? ''), done: () => reporter.done() };
      }, () => {});
    }, 500);
    let done = false;
    this.running++;
    this.status();
    try {
      const res = await inner.solve(req, {
        signal: controller.signal,
        tag: opts.tag,
        onProgress: (f, m) => { last = { f, m }; progress?.report(f, m); opts.onProgress?.(f, m); },
      });
      return res;
    } finally {
      done = true;
      clearTimeout(timer);
      progress?.done();
      outer?.removeEventListener('abort', onOuter);
      this.running--;
      this.status();
    }
  }

  dispose(): void { this.inner?.dispose(); }
}

export function createLspRunner(connection: Connection, roots: () => string[]): LspRunner {
  return new LspRunner(connection, roots);
}
