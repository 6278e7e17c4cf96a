// Runs one workspace solver job in a child process of the solver host (Python through
// solver-runtime/theorylab_solver.py, JavaScript through solver-runtime/theorylab-js-child.cjs):
// its own process group, request on stdin, protocol lines on fd 3, stdout/stderr to the log.
// Cancellation, the time limit (the host aborts the signal) and the memory limit (resident size of
// the child polled from /proc) end the whole group with SIGTERM, then SIGKILL after a short grace.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { CancelledError, Value } from '../solvers/registry';
import type { WorkspaceSolverDecl } from './manifest';

/** Folder of the helpers that ship with the extension (next to dist/ or to the sources). */
export function runtimeDir(): string {
  for (const c of [path.resolve(__dirname, '..', 'solver-runtime'), path.resolve(__dirname, '..', '..', 'solver-runtime')]) {
    if (fs.existsSync(path.join(c, 'theorylab_solver.py'))) return c;
  }
  throw new Error('the Theory Lab solver runtime (solver-runtime/) is missing from this installation');
}

export interface Frame { file: string; line: number; function: string }

/** A solver's own exception, with its traceback; `where` is the innermost frame in the user's files. */
export class WorkspaceSolverCrash extends Error {
  constructor(message: string, readonly traceback: string, readonly where?: Frame) {
    super(message);
    this.name = 'WorkspaceSolverCrash';
  }
}

export interface ChildJob {
  decl: WorkspaceSolverDecl;
  /** Interpreter for Python solvers. */
  python: string;
  params: Record<string, Value>;
  seed: number;
  budget: 'full' | 'test';
  signal: AbortSignal;
  progress(fraction: number, message?: string): void;
  warn(message: string): void;
  log(line: string): void;
  /** Resident-size limit of the child; exceeded → the group is killed and the job fails. */
  memoryLimitBytes: number;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** Called with the child's pid once it runs (tests watch it disappear). */
  onSpawn?(pid: number): void;
}

interface ProtocolMessage {
  type: 'progress' | 'result' | 'error';
  fraction?: number; message?: string;
  outputs?: Record<string, Value>; warnings?: string[];
  error_type?: string; frames?: Frame[]; traceback?: string;
}

/** NaN/±Inf travel tagged (JSON has no such numbers); this undoes the tagging. */
export function decodeNonFinite(v: unknown): Value {
  if (Array.isArray(v)) return v.map(decodeNonFinite);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$nonfinite') return o.$nonfinite === 'nan' ? NaN : o.$nonfinite === '-inf' ? -Infinity : Infinity;
    return Object.fromEntries(keys.map((k) => [k, decodeNonFinite(o[k])]));
  }
  return v as Value;
}

function command(job: ChildJob): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const rt = runtimeDir();
  const { entryFile, entryName } = job.decl;
  if (job.decl.language === 'python') {
    const pyPath = [rt, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    return {
      cmd: job.python,
      args: ['-u', '-c', 'import sys, theorylab_solver; theorylab_solver._serve(sys.argv[1], sys.argv[2])', entryFile, entryName],
      env: { ...process.env, PYTHONPATH: pyPath, PYTHONUNBUFFERED: '1' },
    };
  }
  return { cmd: process.execPath, args: [path.join(rt, 'theorylab-js-child.cjs'), entryFile, entryName], env: { ...process.env } };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
}

function residentBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

function lines(stream: Readable | null | undefined, onLine: (l: string) => void): void {
  let buf = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  stream?.on('end', () => { if (buf) onLine(buf); buf = ''; });
}

/** Runs the job; resolves with the raw (decoded, not yet validated) outputs. */
export function runChild(job: ChildJob): Promise<Record<string, Value>> {
  if (job.signal.aborted) return Promise.reject(new CancelledError());
  const { cmd, args, env } = command(job);
  const tag = `[${job.decl.id}]`;
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { cwd: path.dirname(job.decl.manifest), env, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    } catch (e) { reject(new Error(`cannot start ${cmd}: ${(e as Error).message}`)); return; }
    let settled: Error | Record<string, Value> | undefined;
    let reason: Error | undefined;   // why we killed it
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: Error) => {
      if (reason) return;
      reason = why;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), job.graceMs ?? 300);
    };
    const onAbort = () => stop(new CancelledError());
    job.signal.addEventListener('abort', onAbort);
    const memPoll = setInterval(() => {
      if (child.pid === undefined) return;
      const rss = residentBytes(child.pid);
      if (rss > job.memoryLimitBytes) {
        stop(new Error(`\`${job.decl.id}\` used ${(rss / 2 ** 20).toFixed(0)} MiB, more than the solver memory limit of ` +
          `${(job.memoryLimitBytes / 2 ** 20).toFixed(0)} MiB; the process was stopped`));
      }
    }, 100);
    child.on('spawn', () => { if (child.pid !== undefined) job.onSpawn?.(child.pid); });
    child.on('error', (e) => {
      const hint = job.decl.language === 'python' ? ' (set theorylab.python, or THEORYLAB_PYTHON for the CLI, to a Python 3 interpreter)' : '';
      stop(new Error(`cannot start ${cmd} for \`${job.decl.id}\`: ${e.message}${hint}`));
    });
    lines(child.stdout, (l) => job.log(`${tag} ${l}`));
    lines(child.stderr, (l) => job.log(`${tag} ${l}`));
    lines(child.stdio[3] as Readable, (l) => {
      if (!l.trim()) return;
      let m: ProtocolMessage;
      try { m = JSON.parse(l) as ProtocolMessage; } catch { job.log(`${tag} (protocol) ${l}`); return; }
      if (m.type === 'progress' && typeof m.fraction === 'number') job.progress(m.fraction, m.message ?? undefined);
      else if (m.type === 'result' && !settled) {
        for (const w of m.warnings ?? []) job.warn(w);
        settled = decodeNonFinite(m.outputs ?? {}) as Record<string, Value>;
      } else if (m.type === 'error' && !settled) settled = crashFrom(job.decl, m);
    });
    child.stdin?.on('error', () => { /* the child exited before reading */ });
    child.stdin?.write(JSON.stringify({ params: job.params, seed: job.seed, budget: job.budget }) + '\n');
    // a process the solver started and left behind is stopped with the group
    child.on('exit', () => { try { if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); } catch { /* group gone */ } });
    child.on('close', (code, signal) => {
      clearInterval(memPoll);
      clearTimeout(killTimer);
      job.signal.removeEventListener('abort', onAbort);
      if (reason) reject(reason);
      else if (settled instanceof Error) reject(settled);
      else if (settled) resolve(settled);
      else reject(new Error(`\`${job.decl.id}\`: ${cmd} exited (${signal ?? `code ${code}`}) without a result; see the output channel`));
    });
  });
}

function crashFrom(decl: WorkspaceSolverDecl, m: ProtocolMessage): WorkspaceSolverCrash {
  const dir = path.dirname(decl.manifest);
  // a pseudo-file (`<frozen importlib._bootstrap>`, `<string>`) is nobody's file, however its path reads
  const inUser = (m.frames ?? []).filter((f) => {
    if (typeof f.file !== 'string' || !path.isAbsolute(f.file) || path.basename(f.file).startsWith('<')) return false;
    const r = path.relative(dir, f.file);
    return !r.startsWith('..') && !path.isAbsolute(r);
  });
  const where = inUser[inUser.length - 1];
  const at = where ? ` (${path.relative(dir, where.file)}:${where.line}, in ${where.function})` : '';
  const tb = m.traceback ?? '';
  return new WorkspaceSolverCrash(`\`${decl.id}\` raised ${m.error_type ?? 'an error'}: ${m.message ?? ''}${at}\n${tb.trimEnd()}`, tb, where);
}
