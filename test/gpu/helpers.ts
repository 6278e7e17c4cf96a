// Shared by the GPU tests: one lavapipe (or hardware) device per test file, random inputs from the
// project RNG, and the relative error used for every GPU-vs-CPU comparison.
import { Rng } from '../../server/numeric/rng';
import { createGpuKernels, GpuKernels } from '../../server/engine/kernels/gpuBackend';

let pending: Promise<GpuKernels> | undefined;
export function gpu(): Promise<GpuKernels> {
  pending ??= createGpuKernels({ allowSoftware: true }).then(({ kernels, reason }) => {
    if (!kernels) throw new Error(`no WebGPU adapter: ${reason}. Install lavapipe: sudo bash scripts/setup-system.sh`);
    return kernels;
  });
  return pending;
}

export function randn(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/** ‖a − b‖ / ‖b‖ over all entries. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) { e += (a[i] - b[i]) ** 2; s += b[i] ** 2; }
  return Math.sqrt(e / Math.max(s, 1e-30));
}

export const TOL = 1e-4;
