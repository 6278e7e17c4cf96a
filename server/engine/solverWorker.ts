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

  /** The backend a device setting gets here, and why the CPU when a GPU was asked for (the run log says it). */
  async function probe(device: 'auto' | 'cpu' | 'gpu'): Promise<{ name: string; warning?: string; reason?: string }> {
    const c = await getKernels(device, { allowSoftware: allowSoftwareGpu });
    const name = c.kernels.backend.name;
    if (device === 'cpu') return { name, reason: 'theorylab.device is cpu' };
    if (!/^cpu(:|$)/.test(name)) return { name, warning: c.warning, reason: `${device} found ${name}` };
    // `auto` falls back quietly; the same probe as `gpu` (cached, no second device) gives the cause
    const why = c.warning ?? (await getKernels('gpu', { allowSoftware: allowSoftwareGpu })).warning;
    const cause = /\((.*)\)/.exec(why ?? '')?.[1] ?? 'no usable GPU adapter';
    return { name, warning: c.warning, reason: `${device === 'gpu' ? 'GPU' : 'auto'} requested, ${cause}; CPU used` };
  }

  port.on('message', (m: ToHost) => {
    if (m.type === 'run') void run(m.id, m.req);
    else if (m.type === 'cancel') jobs.get(m.id)?.abort();
    else if (m.type === 'probe') {
      void probe(m.device).then(
        (b) => send({ type: 'backend', id: m.id, ...b }),
        (e) => send({ type: 'backend', id: m.id, name: 'cpu', warning: String(e), reason: String(e) }));
    }
  });
  send({ type: 'ready', pid: process.pid });
}
