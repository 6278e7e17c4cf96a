// Runs .clevr analyses off the language server's main thread: one worker thread per open document
// (at most MAX_WORKERS, least recently used ones end), a new edit of a document terminates the
// worker still busy with its previous version (cancellation), and a hard time and memory limit ends
// a runaway analysis with one diagnostic. The main thread only reads the imported files (inside the
// workspace) and keeps the latest analysis of each document for hover, completion, symbols, etc.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analysis, AnalyseOptions } from './analysis';
import { relationsFromPositions } from './scene';
import type { WorkerReply, WorkerRequest } from './analysisWorker';
import { scenesOf } from './analysisWorker';

export const MAX_WORKERS = 4;
/** A worker that has not answered by then is ended (the budgets inside make this a last resort). */
export const HARD_LIMIT_MS = 30_000;
const WORKER_HEAP_MB = 1536;

type Files = WorkerRequest['files'];
interface Job { id: number; version: number; resolve: (r: Analysis | { error: string } | undefined) => void; timer: NodeJS.Timeout }
interface Slot { worker: Worker; job?: Job; used: number }

const slots = new Map<string, Slot>();
let nextId = 1;

/** The `scenes … from` / `questions … from` paths of a document, found without parsing it. */
export function importedPaths(text: string): string[] {
  const out = new Set<string>();
  const re = /^[ \t]*(?:scenes|questions)[ \t]+[A-Za-z_]\w*[ \t]+from[ \t]+("(?:[^"\\\n]|\\.)*")/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) { try { out.add(JSON.parse(m[1])); } catch { out.add(m[1].slice(1, -1)); } }
  return [...out];
}

function workerScript(): { file: string; eval?: boolean } {
  // Bundled: dist/clevrWorker.js next to dist/server.js. From sources (tests under tsx): the .ts entry,
  // loaded through tsx's CommonJS hook (the ESM `--import tsx` hook does not reach worker threads here).
  if (__filename.endsWith('.ts')) return { file: `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'analysisWorker.ts'))});`, eval: true };
  return { file: path.join(__dirname, 'clevrWorker.js') };
}

function spawn(uri: string): Slot {
  if (slots.size >= MAX_WORKERS) {
    const idle = [...slots].filter(([, s]) => !s.job).sort((a, b) => a[1].used - b[1].used)[0]
      ?? [...slots].sort((a, b) => a[1].used - b[1].used)[0];
    if (idle) end(idle[0], 'too many open .clevr documents');
  }
  const { file, eval: isEval } = workerScript();
  const worker = new Worker(file, { eval: isEval, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
  const slot: Slot = { worker, used: Date.now() };
  worker.unref();
  worker.on('message', (m: WorkerReply) => {
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    slot.job = undefined;
    clearTimeout(job.timer);
    if ('error' in m) job.resolve({ error: m.error });
    else { restore(m.analysis); job.resolve(m.analysis); }
  });
  const fail = (why: string) => {
    const job = slot.job;
    slot.job = undefined;
    if (slots.get(uri) === slot) slots.delete(uri);
    if (job) { clearTimeout(job.timer); job.resolve({ error: why }); }
  };
  worker.on('error', (e) => fail(/heap|memory/i.test(String(e)) ? `the checker ran out of memory (limit ${WORKER_HEAP_MB} MB)` : `the checker failed: ${e.message}`));
  worker.on('exit', (code) => fail(`the checker stopped (exit code ${code})`));
  slots.set(uri, slot);
  return slot;
}

/** Relations derived from positions do not cross threads: rebuild them (lazily) on this side. */
function restore(a: Analysis): void {
  for (const s of scenesOf(a)) if (!s.relations) s.relations = relationsFromPositions(s.objects.map((o) => o.position));
}

function end(uri: string, why: string): void {
  const slot = slots.get(uri);
  if (!slot) return;
  slots.delete(uri);
  const job = slot.job;
  slot.job = undefined;
  if (job) { clearTimeout(job.timer); job.resolve(undefined); }
  void slot.worker.terminate().catch(() => {});
  void why;
}

/**
 * Analyses one version of a document in its worker. Resolves to the analysis, to `{ error }` when the
 * worker failed or ran past HARD_LIMIT_MS, or to undefined when a newer version superseded it.
 */
export function analyseInWorker(uri: string, version: number, text: string, files: Files, opts: AnalyseOptions): Promise<Analysis | { error: string } | undefined> {
  let slot = slots.get(uri);
  if (slot?.job) {
    // Cancellation: the previous version's work is useless now; ending the thread is the only way
    // to stop a synchronous parse.
    end(uri, 'superseded');
    slot = undefined;
  }
  slot ??= spawn(uri);
  const s = slot;
  s.used = Date.now();
  return new Promise((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      if (s.job?.id !== id) return;
      end(uri, 'hard limit');
      resolve({ error: `checking this file took longer than ${HARD_LIMIT_MS / 1000} s and was stopped` });
    }, HARD_LIMIT_MS);
    timer.unref();
    s.job = { id, version, resolve, timer };
    s.worker.postMessage({ id, text, files, opts } satisfies WorkerRequest);
  });
}

/** Ends the worker of a closed document. */
export function closeWorker(uri: string): void { end(uri, 'closed'); }

/** Ends every worker (tests, shutdown). */
export function closeAllWorkers(): void { for (const uri of [...slots.keys()]) end(uri, 'shutdown'); }
