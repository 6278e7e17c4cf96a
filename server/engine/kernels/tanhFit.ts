// The rational fit behind the float32 tanh of the CPU kernels (cpu.ts tanhF32, wasmTanh.ts):
// tanh(v) ≈ v·P(v²)/Q(v²) for |v| ≤ TANH_CLAMP, P and Q of degree 5 in v², Q(0) = 1. Made for this
// project by a Lawson-weighted least-squares fit of the relative error on [0, 9.1] (max relative
// error 4e-11 in float64 arithmetic), so after rounding to float32 the result is within 1 ulp of the
// correctly rounded tanh. Beyond the clamp tanh(v) rounds to ±1 in float32.

/** Coefficients of P, lowest power of v² first. */
export const TANH_P = [
  0.9999999999595979, 0.1409633404273321, 0.00442211404704106,
  4.217467316807101e-05, 1.1060496293953207e-07, 3.638606420511534e-11,
] as const;

/** Coefficients of Q, lowest power of v² first. */
export const TANH_Q = [
  1, 0.47429667331715464, 0.029187672623390667,
  0.0005000957646200464, 2.5946335607684777e-06, 2.9299522967264233e-09,
] as const;

export const TANH_CLAMP = 9.1;
