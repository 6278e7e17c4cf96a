// The teacher of the Adam protocol (math spec A6): k orthonormal rows w0_i ∈ R^d (Gram–Schmidt on a
// Gaussian matrix, i.e. the Q of a QR factorisation), known readouts v0, labels
// y = Σ_i v0_i σ(x·w0_i) + √Δ ξ with x ~ N(0, I_d). Unit rows without 1/√d is the equivalent of
// ‖w_i‖² = d with a 1/√d pre-activation.
import { Rng } from '../../numeric/rng';

export interface Teacher {
  d: number;
  k: number;
  /** Row-major k×d, orthonormal rows. */
  W0: Float64Array;
  v0: Float64Array;
}

/** k ≤ d orthonormal rows by modified Gram–Schmidt (re-orthogonalised once for accuracy). */
export function orthonormalRows(k: number, d: number, rng: Rng): Float64Array {
  const W = rng.normals(k * d);
  for (let i = 0; i < k; i++) {
    const wi = W.subarray(i * d, (i + 1) * d);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const wj = W.subarray(j * d, (j + 1) * d);
        let dot = 0;
        for (let c = 0; c < d; c++) dot += wi[c] * wj[c];
        for (let c = 0; c < d; c++) wi[c] -= dot * wj[c];
      }
    }
    let n2 = 0;
    for (let c = 0; c < d; c++) n2 += wi[c] * wi[c];
    const inv = 1 / Math.sqrt(n2);
    for (let c = 0; c < d; c++) wi[c] *= inv;
  }
  return W;
}

export interface Dataset { X: Float32Array; y: Float64Array; n: number }

/** n samples x ~ N(0, I_d) stored as float32 (memory), labels computed from the stored values. */
export function sampleData(t: Teacher, n: number, noiseVar: number, sigma: (u: number) => number, rng: Rng,
  checkCancelled: () => void = () => {}): Dataset {
  const { d, k, W0, v0 } = t;
  const X = new Float32Array(n * d);
  const y = new Float64Array(n);
  const row = new Float64Array(d);
  const sd = Math.sqrt(noiseVar);
  for (let r = 0; r < n; r++) {
    if ((r & 4095) === 0) checkCancelled();
    const off = r * d;
    for (let c = 0; c < d; c++) { const z = Math.fround(rng.normal()); X[off + c] = z; row[c] = z; }
    let f = 0;
    for (let i = 0; i < k; i++) {
      const wo = i * d;
      let u = 0;
      for (let c = 0; c < d; c++) u += row[c] * W0[wo + c];
      f += v0[i] * sigma(u);
    }
    y[r] = noiseVar > 0 ? f + sd * rng.normal() : f;
  }
  return { X, y, n };
}
