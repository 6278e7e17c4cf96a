// Proximity weights π(z) of a perturbation z ∈ {0,1}^d (bayeslime.md B12, B13).

export type KernelName = 'lime' | 'shap';

/** LIME: exp(−D²/(2w²)) with D² = number of zeros of z and width w = 0.75 √d. */
export function limeWeight(zeros: number, d: number): number {
  const w = 0.75 * Math.sqrt(d);
  return Math.exp(-zeros / (2 * w * w));
}

/** log C(n, k), exact enough for the d ≤ a few hundred used here. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/**
 * SHAP: (M − 1) / (C(M, |z|) |z| (M − |z|)) for 0 < |z| < M, and 1.0 at the empty and full coalitions
 * (KernelSHAP's weight is infinite there; the reference uses 1).
 */
export function shapWeight(ones: number, M: number): number {
  if (ones <= 0 || ones >= M) return 1;
  return Math.exp(Math.log(M - 1) - logChoose(M, ones) - Math.log(ones) - Math.log(M - ones));
}

export function proximity(kernel: KernelName, z: ArrayLike<number>, offset: number, d: number): number {
  let ones = 0;
  for (let j = 0; j < d; j++) ones += z[offset + j];
  return kernel === 'lime' ? limeWeight(d - ones, d) : shapWeight(ones, d);
}
