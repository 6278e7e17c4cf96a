// The batched numeric primitives of soft execution, on plain typed arrays. They are isolated here so
// the engine (server/engine) can route them to a GPU backend: every soft operation reduces to these
// (elementwise min/max over object masks, matrix–vector products, reductions).

export type Vec = Float64Array;

export function full(n: number, v: number): Vec { return new Float64Array(n).fill(v); }

export function minVec(a: Vec, b: Vec): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] < b[i] ? a[i] : b[i];
  return out;
}

export function maxVec(a: Vec, b: Vec): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] > b[i] ? a[i] : b[i];
  return out;
}

/** out_j = Σ_i o_i M[i][j]  (oᵀM, M row-major N×N): relate and same-attribute. */
export function vecMat(o: Vec, m: Vec, n: number): Vec {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const oi = o[i];
    if (oi === 0) continue;
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] += oi * m[row + j];
  }
  return out;
}

/** out_i = Σ_k F[i][k] e_k  (F row-major N×D): concept scores against object features. */
export function matVec(f: Vec, e: Vec, n: number, d: number): Vec {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * d;
    for (let k = 0; k < d; k++) s += f[row + k] * e[k];
    out[i] = s;
  }
  return out;
}

/** Σ_{i,j} a_i M[i][j] b_j. */
export function bilinear(a: Vec, m: Vec, b: Vec, n: number): number {
  const t = vecMat(a, m, n);
  return dot(t, b);
}

export function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxOf(a: Vec): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

export function sigmoidSum(a: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += sigmoid(a[i]);
  return s;
}

export function softmax(a: Vec): Vec {
  const out = new Float64Array(a.length);
  if (a.length === 0) return out;
  const m = maxOf(a);
  let z = 0;
  for (let i = 0; i < a.length; i++) { out[i] = Math.exp(a[i] - m); z += out[i]; }
  for (let i = 0; i < a.length; i++) out[i] /= z;
  return out;
}

export function logsumexp(xs: number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

export function scaleShift(a: Vec, scale: number, shift: number): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = scale * a[i] + shift;
  return out;
}
