// The solver host's worker thread: runs one job at a time with executeSolve, streams progress and
// answers with the result or the error. It may block in a synchronous loop for minutes; the host's
// main thread (solverHost.ts) stays responsive meanwhile. A cancel arrives twice: as a message (aborts
// the signal of an awaiting solver) and as the job id in shared memory (read by ctx.checkCancelled,
// so a synchronous loop sees it without yielding).
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, SolverInputError } from '../solvers/registry';
import { executeSolve } from './execute';
import type { FromHost, ToHost } from './hostProtocol';
import { getKernels } from './kernels/index';

export function startWorker(): void {
  const port = parentPort!;
  const cancel = (workerData as { cancel: Int32Array }).cancel;
  const allowSoftwareGpu = process.env.THEORYLAB_ALLOW_SOFTWARE_GPU === '1';
  const jobs = new Map<number, AbortController>();
  const send = (m: FromHost) => port.postMessage(m);

  async function run(id: number, req: Extract<ToHost, { type: 'run' }>['req']): Promise<void> {
    const controller = new AbortController();
    jobs.set(id, controller);
    let lastSent = 0;
    try {
      const result = await executeSolve(req, {
        signal: controller.signal,
        allowSoftwareGpu,
        onCheck: () => { if (Atomics.load(cancel, 0) === id) controller.abort(); },
        onProgress: (fraction, message) => {
          // at most ~20 messages a second, but always the final one
          const now = Date.now();
          if (now - lastSent < 50 && fraction < 1) return;
          lastSent = now;
          send({ type: 'progress', id, fraction, message });
        },
      });
      send({ type: 'result', id, result });
    } catch (e) {
      const err = e as Error;
      const name = e instanceof CancelledError ? 'CancelledError' : e instanceof SolverInputError ? 'SolverInputError' : err?.name ?? 'Error';
      send({ type: 'error', id, error: { name, message: err?.message ?? String(e), param: (e as SolverInputError).param } });
    } finally {
      jobs.delete(id);
    }
  }

  port.on('message', (m: ToHost) => {
    if (m.type === 'run') void run(m.id, m.req);
    else if (m.type === 'cancel') jobs.get(m.id)?.abort();
    else if (m.type === 'probe') {
      void getKernels(m.device, { allowSoftware: allowSoftwareGpu }).then(
        (c) => send({ type: 'backend', id: m.id, name: c.kernels.backend.name, warning: c.warning }),
        (e) => send({ type: 'backend', id: m.id, name: 'cpu', warning: String(e) }));
    }
  });
  send({ type: 'ready', pid: process.pid });
}
