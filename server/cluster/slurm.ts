// Runs solver calls as Slurm job arrays. The .tlab runner issues one solve() per grid point and seed;
// this runner gathers the calls made in the same tick into one array job (one task per call), writes
// a job script and one task file per call into a shared folder, submits with `sbatch`, tracks the
// array with `squeue` (and `sacct` when accounting is enabled), and resolves each call from its
// task's JSON result. Results are keyed by the request (requestKey), so re-running reads finished
// tasks back, re-attaches to tasks still queued or running, and submits only what is missing or failed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CancelledError } from '../solvers/registry';
import type { SolveOptions, SolveRequest, SolveResult, SolverRunner } from '../engine/runner';
import { requestKey } from './taskKey';

const run = promisify(execFile);

export interface SlurmOptions {
  /** Shared results folder (must be visible from the compute nodes). */
  dir: string;
  partition?: string;
  account?: string;
  /** `%N` of `--array=0-K%N`: how many tasks run at once. */
  arrayLimit?: number;
  /** `--time HH:MM:SS` per task. */
  time?: string;
  gpusPerTask?: number;
  cpusPerTask?: number;
  /** Extra lines for the job script (e.g. `module load nodejs`), inserted before the task command. */
  preamble?: string[];
  /** Command that runs the Theory Lab CLI on a compute node (default: this Node and this CLI bundle). */
  cliCommand?: string;
  pollMs?: number;
  /** Reported as tasks change state. */
  onStatus?(s: ArrayStatus): void;
  /** Environment for sbatch/squeue/scancel (e.g. SLURM_CONF). */
  env?: NodeJS.ProcessEnv;
}

export interface ArrayStatus { pending: number; running: number; done: number; failed: number; jobIds: string[] }

export interface TaskFailure { key: string; jobId: string; taskId: number; log: string; message: string }

interface TaskFile { key: string; request: SolveRequest }

interface Waiter {
  key: string;
  request: SolveRequest;
  resolve(r: SolveResult): void;
  reject(e: Error): void;
  opts: SolveOptions;
}

interface Submitted { jobId: string; keys: string[] }

export class SlurmTaskError extends Error {
  constructor(readonly failure: TaskFailure) {
    super(`Slurm task ${failure.jobId}_${failure.taskId} failed: ${failure.message} (log: ${failure.log})`);
    this.name = 'SlurmTaskError';
  }
}

/** A failed sbatch (or task-folder write) as the error of every call it was to run: sbatch's own words. */
function submissionError(e: unknown): Error {
  const x = e as { stderr?: string; code?: number | string; message?: string };
  const stderr = typeof x?.stderr === 'string' ? x.stderr.trim() : '';
  if (x?.code === 'ENOENT') return new Error('cannot submit to Slurm: `sbatch` was not found on PATH');
  if (stderr || typeof x?.code === 'number') {
    return new Error(`sbatch failed${typeof x.code === 'number' ? ` (exit code ${x.code})` : ''}: ${stderr || x.message}`);
  }
  return new Error(`cannot submit to Slurm: ${x?.message ?? String(e)}`);
}

export class SlurmRunner implements SolverRunner {
  /** Every grid point of a solve statement at once, so that they form one array. */
  readonly preferredConcurrency = 100000;
  private queue: Waiter[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private active = new Map<string, Waiter[]>();           // key → waiters for a submitted task
  private location = new Map<string, { jobId: string; taskId: number }>();
  private poller: NodeJS.Timeout | undefined;
  readonly failures: TaskFailure[] = [];
  private readonly dir: string;
  /** The flush in progress (sbatch may be running): a cancel waits for it, then cancels its array too. */
  private flushing: Promise<void> = Promise.resolve();
  private cancelled = false;
  private cancelling: Promise<void> | undefined;

  constructor(private readonly opts: SlurmOptions) {
    this.dir = path.resolve(opts.dir);
    for (const sub of ['tasks', 'results', 'logs', 'jobs']) fs.mkdirSync(path.join(this.dir, sub), { recursive: true });
  }

  solve(request: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> {
    const key = requestKey(request);
    const done = this.readResult(key);
    if (done) return Promise.resolve({ ...done, cached: true });
    // an abort listener added to an aborted signal never fires: a call after Ctrl-C submits nothing
    if (opts.signal?.aborted || this.cancelled) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const w: Waiter = { key, request, resolve, reject, opts };
      opts.signal?.addEventListener('abort', () => { void this.cancelAll(); reject(new CancelledError()); }, { once: true });
      this.queue.push(w);
      clearTimeout(this.flushTimer);
      // Calls issued together (one per grid point) become one array.
      this.flushTimer = setTimeout(() => {
        const before = this.flushing;
        const now = this.flush();
        this.flushing = Promise.all([before, now]).then(() => undefined);
      }, 50);
    });
  }

  private resultPath(key: string): string { return path.join(this.dir, 'results', `${key}.json`); }
  private errorPath(key: string): string { return path.join(this.dir, 'results', `${key}.error.json`); }

  private readResult(key: string): SolveResult | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.resultPath(key), 'utf8')) as SolveResult;
    } catch { return undefined; }
  }

  /** Tasks of earlier submissions (this run or a previous one) that Slurm still holds. */
  private async liveTasks(): Promise<Map<string, { jobId: string; taskId: number; state: string }>> {
    const out = new Map<string, { jobId: string; taskId: number; state: string }>();
    const submitted = this.submittedJobs();
    if (!submitted.length) return out;
    const states = await this.queueStates(submitted.map((s) => s.jobId));
    for (const s of submitted) {
      s.keys.forEach((key, taskId) => {
        const st = states.get(`${s.jobId}_${taskId}`) ?? states.get(`${s.jobId}_*`);
        if (st && (st === 'PENDING' || st === 'RUNNING' || st === 'CONFIGURING' || st === 'COMPLETING')) out.set(key, { jobId: s.jobId, taskId, state: st });
      });
    }
    return out;
  }

  private submittedJobs(): Submitted[] {
    const dir = path.join(this.dir, 'jobs');
    return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((f) => {
      try { return [JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Submitted]; } catch { return []; }
    });
  }

  /**
   * Submits the queued calls. Never throws: a call whose task could not be submitted (sbatch failed,
   * the folder is not writable) is rejected with the reason, with every other call waiting on the same
   * task. (The batch has left the queue by then, so rejecting "the queue" would reach nobody and the
   * run would end with its calls unsettled: nothing printed, exit 0.)
   */
  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    if (!batch.length) return;
    try {
      if (this.cancelled) throw new CancelledError();
      const live = await this.liveTasks();
      const fresh: Waiter[] = [];
      for (const w of batch) {
        const r = this.readResult(w.key);
        if (r) { w.resolve({ ...r, cached: true }); continue; }
        const list = this.active.get(w.key);
        if (list) { list.push(w); continue; }
        this.active.set(w.key, [w]);
        const l = live.get(w.key);
        if (l) this.location.set(w.key, { jobId: l.jobId, taskId: l.taskId });   // re-attach, no resubmission
        else fresh.push(w);
      }
      if (fresh.length) await this.submit(fresh);
    } catch (e) {
      const err = e instanceof CancelledError ? e : submissionError(e);
      // keys with a location are tracked by the poller; the rest were never submitted
      const failed = new Set(batch.map((w) => w.key).filter((k) => !this.location.has(k)));
      for (const w of batch) if (failed.has(w.key)) w.reject(err);   // a settled promise ignores this
      for (const k of failed) { for (const w of this.active.get(k) ?? []) w.reject(err); this.active.delete(k); }
    }
    if (this.active.size) this.startPolling();
  }

  private async submit(waiters: Waiter[]): Promise<void> {
    const keys = waiters.map((w) => w.key);
    const batchId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const taskDir = path.join(this.dir, 'tasks', batchId);
    fs.mkdirSync(taskDir, { recursive: true });
    waiters.forEach((w, i) => {
      fs.rmSync(this.errorPath(w.key), { force: true });   // a resubmitted failure starts clean
      const t: TaskFile = { key: w.key, request: w.request };
      fs.writeFileSync(path.join(taskDir, `${i}.json`), JSON.stringify(t));
    });
    const script = path.join(taskDir, 'job.sh');
    fs.writeFileSync(script, this.jobScript(batchId, waiters.length), { mode: 0o755 });
    const { stdout } = await run('sbatch', ['--parsable', script], { env: this.env(), cwd: this.dir });
    const jobId = stdout.trim().split(';')[0];
    if (!/^\d+$/.test(jobId)) throw new Error(`sbatch did not return a job id: '${stdout.trim()}'`);
    const sub: Submitted = { jobId, keys };
    fs.writeFileSync(path.join(this.dir, 'jobs', `${jobId}.json`), JSON.stringify(sub));
    // (cancelled while sbatch ran: cancelAll waits for this flush, so this array is cancelled too)
    keys.forEach((key, taskId) => this.location.set(key, { jobId, taskId }));
  }

  jobScript(batchId: string, count: number): string {
    const o = this.opts;
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cli = o.cliCommand ?? `${q(process.execPath)} ${q(path.resolve(__dirname, 'cli.js'))}`;
    const lines = [
      '#!/bin/bash',
      '#SBATCH --job-name=theorylab',
      `#SBATCH --array=0-${count - 1}${o.arrayLimit ? `%${o.arrayLimit}` : ''}`,
      `#SBATCH --output=${path.join(this.dir, 'logs', '%A_%a.out')}`,
      ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
      ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
      ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
      ...(o.gpusPerTask ? [`#SBATCH --gpus-per-task=${o.gpusPerTask}`] : []),
      `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 1}`,
      ...(o.preamble ?? []),
      `exec ${cli} task --file ${q(path.join(this.dir, 'tasks', batchId))}/$SLURM_ARRAY_TASK_ID.json --results ${q(path.join(this.dir, 'results'))}`,
      '',
    ];
    return lines.join('\n');
  }

  private env(): NodeJS.ProcessEnv { return { ...process.env, ...this.opts.env }; }

  /** squeue states of array tasks, keyed `JOB_TASK` (and `JOB_*` for a pending array not yet split). */
  private async queueStates(jobIds: string[]): Promise<Map<string, string>> {
    const states = new Map<string, string>();
    if (!jobIds.length) return states;
    try {
      const { stdout } = await run('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i %T'], { env: this.env() });
      for (const line of stdout.split('\n')) {
        const [id, state] = line.trim().split(/\s+/);
        if (id && state) states.set(id.replace(/\[.*\]$/, '*'), state);
      }
    } catch { /* an unknown (long finished) job id makes squeue fail: nothing is live */ }
    return states;
  }

  private startPolling(): void {
    if (this.poller) return;
    const tick = async () => {
      this.poller = undefined;
      try { await this.poll(); } catch (e) { for (const ws of this.active.values()) for (const w of ws) w.reject(e as Error); this.active.clear(); }
      if (this.active.size) this.poller = setTimeout(tick, this.opts.pollMs ?? 1000);
    };
    this.poller = setTimeout(tick, this.opts.pollMs ?? 1000);
  }

  private async poll(): Promise<void> {
    const jobIds = [...new Set([...this.location.values()].map((l) => l.jobId))];
    const states = await this.queueStates(jobIds);
    let pending = 0, running = 0, failed = 0;
    for (const [key, waiters] of [...this.active]) {
      const loc = this.location.get(key);
      if (!loc) continue;   // its submission (a concurrent flush) is still under way
      const r = this.readResult(key);
      if (r) {
        this.active.delete(key);
        for (const w of waiters) w.resolve(r);
        continue;
      }
      const state = states.get(`${loc.jobId}_${loc.taskId}`) ?? states.get(`${loc.jobId}_*`);
      if (state === 'RUNNING' || state === 'COMPLETING' || state === 'CONFIGURING') { running++; continue; }
      if (state === 'PENDING') { pending++; continue; }
      // Gone from the queue without a result: read the task's own error report, or point at its log.
      // (The result may land a moment after the task leaves the queue: check once more.)
      await new Promise((res) => setTimeout(res, 200));
      const late = this.readResult(key);
      if (late) { this.active.delete(key); for (const w of waiters) w.resolve(late); continue; }
      let message = state ? `ended in state ${state}` : 'left the queue without a result';
      try { message = (JSON.parse(fs.readFileSync(this.errorPath(key), 'utf8')) as { message: string }).message; } catch { /* no report */ }
      const failure: TaskFailure = { key, jobId: loc.jobId, taskId: loc.taskId, log: path.join(this.dir, 'logs', `${loc.jobId}_${loc.taskId}.out`), message };
      this.failures.push(failure);
      failed++;
      this.active.delete(key);
      for (const w of waiters) w.reject(new SlurmTaskError(failure));
    }
    const done = fs.readdirSync(path.join(this.dir, 'results')).filter((f) => f.endsWith('.json') && !f.endsWith('.error.json')).length;
    this.opts.onStatus?.({ pending, running, done, failed: this.failures.length, jobIds });
    for (const ws of this.active.values()) for (const w of ws) w.opts.onProgress?.(0, pending ? 'queued on Slurm' : 'running on Slurm');
    void failed;
  }

  /**
   * Cancels every array this runner submitted or attached to (`scancel`), once: every aborted call
   * and the CLI's Ctrl-C handler ask, and all wait for the same scancel. A submission under way is
   * waited for, so its array is cancelled too; nothing is submitted afterwards.
   */
  cancelAll(): Promise<void> {
    this.cancelled = true;
    clearTimeout(this.flushTimer);
    this.cancelling ??= (async () => {
      await this.flushing;
      const jobIds = this.submittedJobIds();
      if (jobIds.length) await run('scancel', jobIds, { env: this.env() }).catch(() => undefined);
      // what still waits will not get a result: settle it (a waiter with a signal already was)
      clearTimeout(this.poller);
      this.poller = undefined;
      for (const ws of this.active.values()) for (const w of ws) w.reject(new CancelledError());
      this.active.clear();
      for (const w of this.queue.splice(0)) w.reject(new CancelledError());
    })();
    return this.cancelling;
  }

  /** Job ids of the arrays this runner submitted or attached to. */
  submittedJobIds(): string[] { return [...new Set([...this.location.values()].map((l) => l.jobId))]; }

  dispose(): void {
    clearTimeout(this.flushTimer);
    clearTimeout(this.poller);
  }
}
