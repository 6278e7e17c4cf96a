// HostRunner: the SolverRunner that runs solvers in a forked solver host process (solverHost.ts).
// Jobs wait in a priority queue (higher `priority` first, then first come) and run one at a time.
// Cancellation is cooperative first (the host aborts the job's signal); a job that has not stopped
// after the grace period is ended by killing the host, which is restarted for the next job. The same
// path enforces the per-job time limit and the memory limit (V8 heap via --max-old-space-size, the
// whole process via its resident size, polled from /proc). A crashed host fails only the job it was
// running, with a message naming it; queued jobs continue in a fresh host.
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CancelledError, Device, SolverInputError } from '../solvers/registry';
import { killChildGroups } from './childGroups';
import { formatBytes, resolveRequest } from './execute';
import type { FromHost, HostError, ToHost } from './hostProtocol';
import { jobLimitMs, memoryLimitMb, timerMs } from './limits';
import type { SolveOptions, SolveRequest, SolveResult, SolverRunner } from './runner';

export interface HostRunnerOptions {
  /** Device for requests that name none. */
  device?: Device;
  /** Default per-job time limit in seconds (0 or undefined: none). */
  timeoutSeconds?: number;
  /** Where that limit is set, named in the timeout message (the editor's setting unless the CLI's `--timeout`). */
  timeoutOrigin?: string;
  /**
   * Memory limit of the host process in MiB: its resident size (typed arrays and wasm memory
   * included). Default: 75% of the machine's memory.
   */
  memoryLimitMb?: number;
  /** V8 heap limit of the host in MiB (--max-old-space-size; default 4096 or the memory limit if lower). */
  heapLimitMb?: number;
  /** How long a cancelled job may take to stop before the host is killed (default 2000 ms). */
  graceMs?: number;
  /** Accept software WebGPU adapters (tests on lavapipe). */
  allowSoftwareGpu?: boolean;
  /** Where the host's stdout/stderr lines go (never the caller's stdout: the LSP speaks there). */
  log?(line: string): void;
  /** Called whenever the number of running/queued jobs changes. */
  onStatus?(s: { running: number; queued: number }): void;
}

export interface BackendInfo {
  /** 'cpu' or 'webgpu:<adapter>' */
  name: string;
  /** Why this backend, e.g. "auto requested, only a software adapter is present (llvmpipe); CPU used". */
  reason?: string;
}

export class TimeoutError extends Error {
  constructor(message: string) { super(message); this.name = 'TimeoutError'; }
}

interface Job {
  id: number;
  seq: number;
  req: SolveRequest;
  priority: number;
  opts: SolveOptions;
  resolve(r: SolveResult): void;
  reject(e: Error): void;
  /** Set when the engine ends the job (cancel, timeout, memory); wins over what the host answers. */
  endReason?: Error;
  timers: NodeJS.Timeout[];
  onAbort?: () => void;
}

/** The host entry: the bundled dist/solverHost.js, or the TypeScript source under tsx. */
export function hostEntry(): { script: string; execArgv: string[]; cwd?: string } {
  if (__filename.endsWith('.ts')) {
    return { script: path.join(__dirname, 'solverHost.ts'), execArgv: ['--import', 'tsx'], cwd: path.resolve(__dirname, '..', '..') };
  }
  return { script: path.join(__dirname, 'solverHost.js'), execArgv: [] };
}

export class HostRunner implements SolverRunner {
  private child: ChildProcess | undefined;
  private childReady = false;
  private running: Job | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private seq = 0;
  private disposed = false;
  private readonly probes = new Map<number, (b: BackendInfo) => void>();
  /** How many host processes were started (tests check restarts). */
  starts = 0;

  constructor(private readonly opts: HostRunnerOptions = {}) {}

  get memoryLimitBytes(): number { return memoryLimitMb(this.opts.memoryLimitMb) * 2 ** 20; }
  get hostPid(): number | undefined { return this.child?.pid; }

  solve(req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    if (this.disposed) return Promise.reject(new Error('the solver runner was disposed'));
    // Bad input and absurd sizes are refused here, before anything is queued.
    try { resolveRequest(req, this.memoryLimitBytes); } catch (e) { return Promise.reject(e); }
    if (opts.signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<SolveResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++, seq: this.seq++, req: { ...req, device: req.device ?? this.opts.device ?? 'auto' },
        priority: req.priority ?? 0, opts, resolve, reject, timers: [],
      };
      if (opts.signal) {
        job.onAbort = () => this.cancel(job, new CancelledError());
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.queue.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      this.status();
      this.pump();
    });
  }

  /** What `device` resolves to inside the host ('cpu' or 'webgpu:<adapter>'). */
  async backendName(device: Device = this.opts.device ?? 'auto'): Promise<string> {
    return (await this.backendInfo(device)).name;
  }

  /** The backend `device` resolves to inside the host, and why (for the run log). */
  backendInfo(device: Device = this.opts.device ?? 'auto'): Promise<BackendInfo> {
    if (this.disposed) return Promise.resolve({ name: 'cpu', reason: 'the solver runner was disposed' });
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.probes.set(id, resolve);
      child.send({ type: 'probe', id, device } satisfies ToHost);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const j of this.queue.splice(0)) this.finish(j, new CancelledError('the solver runner was disposed'));
    if (this.running) this.running.endReason = new CancelledError('the solver runner was disposed');
    if (this.child) killHost(this.child);
  }

  // ---------------------------------------------------------------------------------------------
  private status(): void {
    this.opts.onStatus?.({ running: this.running ? 1 : 0, queued: this.queue.length });
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const { script, execArgv, cwd } = hostEntry();
    const mem = Math.min(this.opts.heapLimitMb !== undefined ? memoryLimitMb(this.opts.heapLimitMb) : 4096, Math.floor(this.memoryLimitBytes / 2 ** 20));
    const child = fork(script, [], {
      cwd,
      execArgv: [...execArgv, `--max-old-space-size=${mem}`],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, THEORYLAB_ALLOW_SOFTWARE_GPU: this.opts.allowSoftwareGpu ? '1' : '0', THEORYLAB_HEAP_MB: String(mem) },
    });
    this.starts++;
    const log = this.opts.log ?? ((l: string) => process.stderr.write(`[solver host] ${l}\n`));
    for (const s of [child.stdout, child.stderr]) {
      let buf = '';
      s?.setEncoding('utf8');
      s?.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); if (line.trim() && !QUIET.test(line)) log(line); }
      });
    }
    child.on('message', (m: FromHost) => this.onMessage(child, m));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (e) => { log(`solver host error: ${e.message}`); if (this.child === child) killHost(child); });
    this.child = child;
    return child;
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    this.status();
    job.opts.onRun?.();
    const child = this.ensureChild();
    child.send({ type: 'run', id: job.id, req: job.req } satisfies ToHost);
    // A fresh host's start-up (seconds under tsx) does not count against the job's limits.
    if (this.childReady) this.startLimits(job, child);
  }

  private startLimits(job: Job, child: ChildProcess): void {
    // clamped: a limit beyond 2^31-1 ms would overflow Node's timer and fail the job at once
    const limitMs = job.req.timeoutMs !== undefined ? timerMs(job.req.timeoutMs) : jobLimitMs(this.opts.timeoutSeconds);
    if (limitMs > 0) {
      job.timers.push(setTimeout(() => this.cancel(job,
        new TimeoutError(`\`${job.req.solver}\` timed out after ${+(limitMs / 1000).toFixed(3)} s (${job.req.timeoutMs !== undefined ? 'the job\'s own limit' : this.opts.timeoutOrigin ?? 'theorylab.solver.timeoutSeconds'})`)), limitMs));
    }
    if (process.platform === 'linux' && child.pid) {
      const pid = child.pid;
      job.timers.push(setInterval(() => {
        const rss = residentBytes(pid);
        if (rss !== undefined && rss > this.memoryLimitBytes && this.running === job) {
          job.endReason = new Error(`\`${job.req.solver}\` exceeded the solver memory limit of ${formatBytes(this.memoryLimitBytes)} ` +
            `(resident ${formatBytes(rss)}); the solver host was restarted`);
          killHost(child);
        }
      }, 250));
    }
  }

  /** Ends a job early: queued → dropped at once; running → ask the host, then kill after the grace period. */
  private cancel(job: Job, reason: Error): void {
    const qi = this.queue.indexOf(job);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.finish(job, reason);
      this.status();
      return;
    }
    if (this.running !== job || job.endReason) return;
    job.endReason = reason;
    const child = this.child;
    // The host's main thread is never blocked by the solver (it runs on a worker thread), so the
    // message arrives and reaches even a synchronous loop through ctx.checkCancelled.
    child?.send({ type: 'cancel', id: job.id } satisfies ToHost);
    job.timers.push(setTimeout(() => {
      if (this.running === job && this.child === child && child) killHost(child);
    }, timerMs(this.opts.graceMs, 2000)));
  }

  private onMessage(child: ChildProcess, m: FromHost): void {
    if (m.type === 'backend') { this.probes.get(m.id)?.({ name: m.name, reason: m.reason }); this.probes.delete(m.id); return; }
    const job = this.running;
    if (m.type === 'ready') {
      if (child !== this.child) return;
      this.childReady = true;
      if (job) this.startLimits(job, child);
      return;
    }
    if (!job || child !== this.child || m.id !== job.id) return;
    if (m.type === 'progress') { if (!job.endReason) job.opts.onProgress?.(m.fraction, m.message); return; }
    this.running = undefined;
    if (m.type === 'result') this.finish(job, job.endReason, m.result);
    else this.finish(job, job.endReason ?? toError(m.error));
    this.status();
    this.pump();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.childReady = false;
    for (const [id, r] of this.probes) { r({ name: 'cpu', reason: 'the solver host exited before answering' }); this.probes.delete(id); }
    const job = this.running;
    if (job) {
      this.running = undefined;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      this.finish(job, job.endReason ?? new Error(`the solver host crashed while running \`${job.req.solver}\` (${how}); ` +
        'this job failed, other jobs continue in a restarted host'));
      this.status();
    }
    this.pump();
  }

  private finish(job: Job, error: Error | undefined, result?: SolveResult): void {
    for (const t of job.timers) clearTimeout(t);
    job.timers = [];
    if (job.onAbort) job.opts.signal?.removeEventListener('abort', job.onAbort);
    if (error || !result) job.reject(error ?? new Error('no result'));
    else job.resolve(result);
  }
}

/**
 * SIGKILL of the host, after the process groups of the workspace solvers it started (they are
 * detached, so the host's death alone would leave them running; a SIGKILLed host cannot end them).
 */
function killHost(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killChildGroups(child.pid);
  child.kill('SIGKILL');
}

/** Dawn's start-up notices about limits it lowered: harmless, printed by every device creation. */
const QUIET = /artificially reduced from/;

function toError(e: HostError): Error {
  if (e.name === 'CancelledError') return new CancelledError(e.message);
  if (e.name === 'SolverInputError') return new SolverInputError(e.message, e.param);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/** Resident set size of a process from /proc (Linux), or undefined. */
function residentBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
