// Ctrl-C (SIGINT) and SIGTERM in the CLI: the run is aborted, not just dropped. Without a handler Node
// dies at once and leaves behind what the run started elsewhere: Slurm arrays keep running (docs/
// cluster.md promises `scancel`), and workspace solver processes, which run in their own process
// groups, never hear of it. The handler aborts `interruptSignal` (solver calls made with it are
// cancelled), runs the cleanups the command registered (the runner's cancel and dispose), kills the
// process groups of this process's own children (`theorylab task` runs solvers in process), and exits
// 128 + signal number: 130 for SIGINT, 143 for SIGTERM. A second signal exits at once.
import { killChildGroups } from '../engine/childGroups';
import type { SolveOptions, SolveRequest, SolveResult, SolverRunner } from '../engine/runner';

const controller = new AbortController();
/** Aborted when the CLI is interrupted. */
export const interruptSignal: AbortSignal = controller.signal;

const cleanups = new Set<() => unknown>();
/** How long the cleanups (scancel, a host's exit) may take before the CLI exits anyway. */
const CLEANUP_LIMIT_MS = 10_000;

/** Runs `f` (it may be async) when the CLI is interrupted, before it exits; returns the unregister. */
export function onInterrupt(f: () => unknown): () => void {
  cleanups.add(f);
  return () => { cleanups.delete(f); };
}

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
let installed = false;
let handling = false;

/** Installs the SIGINT/SIGTERM handlers (the CLI entry only: tests calling main() keep Node's defaults). */
export function installInterruptHandlers(report: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      const code = EXIT_CODES[sig];
      if (handling) { killChildGroups(); process.exit(code); }
      handling = true;
      report(`theorylab: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'} (${sig}); cancelling the run`);
      void interrupt().finally(() => process.exit(code));
    });
  }
}

async function interrupt(): Promise<void> {
  controller.abort();
  const all = Promise.allSettled([...cleanups].map(async (f) => f()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => { timer = setTimeout(r, CLEANUP_LIMIT_MS); })]);
  clearTimeout(timer);
  killChildGroups();
}

/**
 * The runner with `interruptSignal` joined to every call's signal: an interrupt cancels each call
 * in flight (a Slurm runner runs `scancel`, the solver host ends the job's process group) and
 * refuses new ones. Everything else (`preferredConcurrency`, `peek`, …) is the runner's own.
 */
export function interruptible<T extends SolverRunner>(runner: T, signal: AbortSignal = interruptSignal): T {
  return new Proxy(runner, {
    get(target, prop) {
      if (prop === 'solve') {
        return (req: SolveRequest, opts: SolveOptions = {}): Promise<SolveResult> =>
          target.solve(req, { ...opts, signal: opts.signal ? AbortSignal.any([opts.signal, signal]) : signal });
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
