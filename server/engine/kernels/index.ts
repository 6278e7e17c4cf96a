// Picks the compute backend for `theorylab.device`: 'cpu' always gives the CPU kernels; 'gpu' and
// 'auto' open a WebGPU device. An explicit `gpu` uses whatever adapter there is, software (lavapipe)
// or not, and the backend name says which; only when there is none does it fall back to the CPU, with
// a warning that says why. `auto` accepts only hardware adapters (software rasterisers are slower than
// the CPU kernels) and quietly uses the CPU otherwise, unless `allowSoftware` is given. A software
// adapter chosen for `gpu` comes with a warning, since it is usually slower than the CPU kernels
// (not when the caller allowed software adapters explicitly, as the tests do).
// THEORYLAB_GPU=off (or 0/none) keeps every job on the CPU: for machines whose adapter misbehaves, and
// for the unit tests, whose fixtures say `on gpu` but must not run on a software rasteriser.
import type { Device } from '../../solvers/contract';
import type { KernelApi } from './api';
import { CpuKernels } from './cpuBackend';

export * from './api';
export { CpuKernels } from './cpuBackend';

export interface KernelChoice {
  kernels: KernelApi;
  /** Why the requested device was not used, if it was not. */
  warning?: string;
}

let cpu: CpuKernels | undefined;
const gpuCache = new Map<string, Promise<{ kernels: KernelApi | null; reason?: string }>>();

export function cpuKernels(): CpuKernels {
  return (cpu ??= new CpuKernels());
}

/**
 * Whether a warning is about the device this request asked for ("GPU requested but …"): true of this
 * request only, so the result cache keeps the result without it (a later call without `--device gpu`
 * must not repeat it). Every device-choice warning below starts with these words.
 */
export const isDeviceChoiceWarning = (w: string): boolean => w.startsWith('GPU requested');

/** Opens (once per process and choice) the kernels for a device setting. */
export async function getKernels(device: Device, opts: { allowSoftware?: boolean; retried?: boolean } = {}): Promise<KernelChoice> {
  if (device === 'cpu') return { kernels: cpuKernels() };
  if (/^(off|0|none|false)$/i.test(process.env.THEORYLAB_GPU ?? '')) {
    return { kernels: cpuKernels(), warning: device === 'gpu' ? 'GPU requested but turned off (THEORYLAB_GPU); using the CPU' : undefined };
  }
  const allowSoftware = device === 'gpu' || (opts.allowSoftware ?? false);
  const key = String(allowSoftware);
  let pending = gpuCache.get(key);
  if (!pending) {
    pending = (async () => {
      try {
        // require, not import(): the solver host's worker thread loads TypeScript through tsx's
        // CommonJS hook only (Node 20 applies no ESM loader hooks to workers); still lazy
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createGpuKernels } = require('./gpuBackend') as typeof import('./gpuBackend');
        return await createGpuKernels({ allowSoftware });
      } catch (e) {
        return { kernels: null, reason: (e as Error).message };
      }
    })();
    gpuCache.set(key, pending);
  }
  const got = await pending;
  if (got.kernels && !(got.kernels as { lost?: boolean }).lost) {
    const software = (got.kernels as { software?: boolean }).software === true;
    return {
      kernels: got.kernels,
      warning: software && device === 'gpu' && !opts.allowSoftware
        ? `GPU requested: the only adapter is a software rasteriser (${got.kernels.backend.name}), usually slower than the CPU kernels; \`on cpu\` or theorylab.device = auto uses the CPU`
        : undefined,
    };
  }
  if (got.kernels && !opts.retried) {
    // the device of an earlier job was lost (driver reset): open a fresh one once
    gpuCache.delete(key);
    return getKernels(device, { ...opts, retried: true });
  }
  const reason = got.kernels ? 'the GPU device was lost' : got.reason;
  return { kernels: cpuKernels(), warning: device === 'gpu' ? `GPU requested but not available (${reason}); using the CPU` : undefined };
}

/** Forgets a lost or disposed GPU device so the next getKernels opens a new one. */
export function resetGpu(): void {
  gpuCache.clear();
}
