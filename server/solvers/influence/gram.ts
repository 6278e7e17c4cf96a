// Gram matrices on the engine's compute backend (WebGPU when selected). The kernel API works in
// float32, so a device Gram matrix carries ~1e-7 relative error: fine for the dual's outputs, not for
// the float64 exactness checks, which is why the CPU path stays float64 and this one is opt-in by
// device.
import type { KernelApi } from '../contract';
import { dense, Dense } from '../../numeric/linalg';

/** A Bᵀ (rows of A against rows of B) computed by the backend and read back as float64. */
export async function gramOnDevice(k: KernelApi, A: Dense, B: Dense): Promise<Dense> {
  const ta = k.tensor(A.data, [A.rows, A.cols]);
  const tb = A === B ? ta : k.tensor(B.data, [B.rows, B.cols]);
  const out = k.zeros([A.rows, B.rows]);
  try {
    k.matmul(ta, tb, out, { transB: true });
    const r = await k.read(out);
    const G = dense(A.rows, B.rows, Float64Array.from(r));
    if (A === B) {
      // symmetrise: the device may sum in a different order for (i, j) and (j, i)
      const n = A.rows;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
        const v = 0.5 * (G.data[i * n + j] + G.data[j * n + i]);
        G.data[i * n + j] = v; G.data[j * n + i] = v;
      }
    }
    return G;
  } finally {
    k.free(ta);
    if (tb !== ta) k.free(tb);
    k.free(out);
  }
}
