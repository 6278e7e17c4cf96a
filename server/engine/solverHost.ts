// Entry of the solver host process, forked by HostRunner (the language server and the CLI): receives
// jobs over IPC, runs them with executeSolve, streams progress, and answers with the result or the
// error. Cancellation is cooperative (the solver's next ctx.checkCancelled throws); the parent kills
// this process if a cancelled job does not stop within its grace period.
import fs from 'node:fs';
import { CancelledError, SolverInputError } from '../solvers/registry';
import { executeSolve } from './execute';
import { getKernels } from './kernels/index';
import { cancelFile } from './hostRunner';
import type { FromHost, ToHost } from './hostProtocol';

const allowSoftwareGpu = process.env.THEORYLAB_ALLOW_SOFTWARE_GPU === '1';
const jobs = new Map<number, AbortController>();

function send(m: FromHost): void {
  process.send?.(m);
}

async function run(id: number, req: Extract<ToHost, { type: 'run' }>['req']): Promise<void> {
  const controller = new AbortController();
  jobs.set(id, controller);
  let lastSent = 0;
  let lastPoll = Date.now();
  const file = cancelFile(process.pid);
  try {
    const result = await executeSolve(req, {
      signal: controller.signal,
      allowSoftwareGpu,
      // Polled from ctx.checkCancelled at most every 20 ms: the parent writes the job id there when
      // the IPC cancel cannot get through a synchronous loop.
      onCheck: () => {
        const now = Date.now();
        if (now - lastPoll < 20) return;
        lastPoll = now;
        try { if (fs.readFileSync(file, 'utf8') === String(id)) controller.abort(); } catch { /* no file */ }
      },
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

if (process.send) {
  process.on('message', (m: ToHost) => {
    if (m.type === 'run') void run(m.id, m.req);
    else if (m.type === 'cancel') jobs.get(m.id)?.abort();
    else if (m.type === 'probe') {
      void getKernels(m.device, { allowSoftware: allowSoftwareGpu }).then(
        (c) => send({ type: 'backend', id: m.id, name: c.kernels.backend.name, warning: c.warning }),
        (e) => send({ type: 'backend', id: m.id, name: 'cpu', warning: String(e) }));
    }
  });
  // The parent going away (a crashed language server) must not leave an orphan computing.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', pid: process.pid });
}
