// Entry of the solver host process, forked by HostRunner (the language server and the CLI). Its main
// thread only relays: jobs arrive over IPC and run on one worker thread (solverWorker.ts), so the main
// thread's event loop stays free while a solver spins in a synchronous loop. That is what lets the host
// notice its parent's death (IPC disconnect, or the parent pid changing) and die within a second,
// whatever the solver computes, and lets a cancel reach the solver through shared memory at once.
import { isMainThread, Worker } from 'node:worker_threads';
import { killChildGroups } from './childGroups';
import { CANCEL_SLOTS, FromHost, ToHost } from './hostProtocol';

if (!isMainThread) {
  // The same bundle (dist/solverHost.js) is the worker's entry too.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./solverWorker') as typeof import('./solverWorker')).startWorker();
} else if (process.send) {
  startHost();
}

function startHost(): void {
  const heapMb = Number(process.env.THEORYLAB_HEAP_MB) || undefined;
  // Slot 0: the id of the job to cancel (the worker polls it from ctx.checkCancelled).
  const cancel = new Int32Array(new SharedArrayBuffer(4 * CANCEL_SLOTS));
  let worker: Worker | undefined;
  let runningId: number | undefined;
  let exiting = false;
  let announced = false;

  const send = (m: FromHost, then?: () => void) => {
    try { process.send?.(m, undefined, undefined, then); } catch { then?.(); }
  };
  // Workspace solver processes run in their own process groups (childRunner.ts): nothing reaches
  // them when this process goes, so every way out ends them first. A JavaScript solver spinning in
  // a loop never sees its stdin close; a Python one blocked in native code neither.
  const die = (code: number) => {
    if (exiting) return;
    exiting = true;
    killChildGroups();
    process.exit(code);
  };
  // The parent is gone (or a signal asks us to go): SIGKILL of itself, so a worker stuck in native
  // code (a BLAS call) cannot hold an orderly exit back.
  const orphaned = () => {
    killChildGroups();
    process.kill(process.pid, 'SIGKILL');
  };

  const spawnWorker = (): Worker => {
    const underTsx = __filename.endsWith('.ts');
    const w = underTsx
      // tsx's hooks do not reach a worker by themselves: load them, then this file
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, {
        eval: true, workerData: { cancel }, resourceLimits: heapMb ? { maxOldGenerationSizeMb: heapMb } : undefined,
      })
      : new Worker(__filename, { workerData: { cancel }, resourceLimits: heapMb ? { maxOldGenerationSizeMb: heapMb } : undefined });
    w.on('message', (m: FromHost) => {
      // The host is ready once its worker is: the worker's start-up (loading the solvers) must not
      // count against the first job's time limit.
      if (m.type === 'ready') { if (!announced) { announced = true; send({ type: 'ready', pid: process.pid }); } return; }
      if ((m.type === 'result' || m.type === 'error') && m.id === runningId) runningId = undefined;
      send(m);
    });
    let failed = false;
    w.on('error', (e: Error & { code?: string }) => {
      // The worker is gone (out of heap, or an error outside the solver's own handling): the job
      // fails with the reason and the next job gets a fresh worker; the process stays.
      failed = true;
      if (worker === w) worker = undefined;
      if (runningId === undefined) return;
      const id = runningId;
      runningId = undefined;
      const message = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `the solver ran out of its JavaScript heap (${heapMb ?? 'default'} MiB); its state was discarded`
        : `the solver failed outside its own error handling: ${e.message}`;
      send({ type: 'error', id, error: { name: 'Error', message } });
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      // A solver that ended its thread (process.exit in a solver) crashes the host as before: the
      // parent reports the job as crashed with this exit code and restarts the host.
      if (!failed) die(code);
    });
    return w;
  };

  process.on('message', (m: ToHost) => {
    if (m.type === 'cancel') {
      Atomics.store(cancel, 0, m.id);
      worker?.postMessage(m);
      return;
    }
    if (m.type === 'run') runningId = m.id;
    worker ??= spawnWorker();
    worker.postMessage(m);
  });

  // The parent going away (a killed or exited language server) must not leave an orphan computing.
  process.on('disconnect', orphaned);
  // Ctrl-C in a terminal reaches the CLI and this host (one process group), not the solver groups.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, orphaned);
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) orphaned(); }, 200).unref();
  worker = spawnWorker();
}
