// WGSL compute kernels of the WebGPU backend. Each kernel binds its storage buffers first and its
// uniform parameter block last; elementwise kernels use 256-thread workgroups over a 2-D grid (so more
// than 65535·256 elements fit), row kernels one 256-thread workgroup per row.

const common = /* wgsl */ `
fn tanh_safe(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoid_safe(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
const NEG_BIG: f32 = -3.4028234e38;
`;

const flat = `let i = gid.x + gid.y * nwg.x * 256u;`;
const flatArgs = `@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>`;
const rowArgs = `@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>`;

/** Tree reduction of sh[0..255] (sum or max) — every thread must call it. */
const treeReduce = `
var<workgroup> sh: array<f32, 256>;
fn tree(t: u32, v: f32, isMax: bool) -> f32 {
  sh[t] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (t < s) {
      let o = sh[t + s];
      sh[t] = select(sh[t] + o, max(sh[t], o), isMax);
    }
    workgroupBarrier();
  }
  let r = sh[0];
  workgroupBarrier();
  return r;
}
`;

export const unaryOpCode: Record<string, number> = {
  copy: 0, neg: 1, exp: 2, log: 3, tanh: 4, relu: 5, relu_grad: 6, sigmoid: 7, square: 8, sqrt: 9, abs: 10, tanh_grad: 11, one_minus_square: 12,
};
export const binaryOpCode: Record<string, number> = { add: 0, sub: 1, mul: 2, div: 3, min: 4, max: 5 };
export const reduceOpCode: Record<string, number> = { sum: 0, max: 1, logsumexp: 2, sumsq: 3 };

const applyUnary = `
fn apply_unary(op: u32, v: f32) -> f32 {
  switch op {
    case 0u: { return v; }
    case 1u: { return -v; }
    case 2u: { return exp(v); }
    case 3u: { return log(v); }
    case 4u: { return tanh_safe(v); }
    case 5u: { return max(v, 0.0); }
    case 6u: { return select(0.0, 1.0, v > 0.0); }
    case 7u: { return sigmoid_safe(v); }
    case 8u: { return v * v; }
    case 9u: { return sqrt(v); }
    case 10u: { return abs(v); }
    case 11u: { let t = tanh_safe(v); return 1.0 - t * t; }
    case 12u: { return 1.0 - v * v; }
    default: { return v; }
  }
}
`;

export interface KernelSource {
  code: string;
  /** Binding indices written by the kernel (the rest are read-only). */
  writes: number[];
}

export const kernels: Record<string, KernelSource> = {
  unary: {
    writes: [1],
    code: common + applyUnary + `
struct P { n: u32, op: u32, alpha: f32, pad: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.n) { return; }
  out[i] = apply_unary(p.op, p.alpha * x[i]);
}`,
  },

  binary: {
    writes: [2],
    code: `
struct P { n: u32, op: u32, offA: u32, offB: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.n) { return; }
  let u = a[p.offA + i]; let v = b[p.offB + i];
  var r: f32;
  switch p.op {
    case 0u: { r = u + v; }
    case 1u: { r = u - v; }
    case 2u: { r = u * v; }
    case 3u: { r = u / v; }
    case 4u: { r = min(u, v); }
    default: { r = max(u, v); }
  }
  out[i] = r;
}`,
  },

  axpby: {
    writes: [2],
    code: `
struct P { n: u32, alpha: f32, beta: f32, pad: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.n) { return; }
  out[i] = p.alpha * x[i] + p.beta * y[i];
}`,
  },

  // 64×64 output tile per workgroup, 4×4 per thread, k in steps of 16 through workgroup memory.
  // Optional transposed operands, element offsets (a batch of rows inside a larger buffer),
  // accumulation into C and a fused tanh(alpha·) epilogue.
  matmul: {
    writes: [2],
    code: common + `
struct P { M: u32, N: u32, K: u32, transA: u32, transB: u32, offA: u32, offB: u32, epi: u32, alpha: f32, accumulate: u32, kChunk: u32, split: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;
fn loadA(i: u32, k: u32, kEnd: u32) -> f32 {
  if (i >= p.M || k >= kEnd) { return 0.0; }
  if (p.transA == 1u) { return a[p.offA + k * p.M + i]; }
  return a[p.offA + i * p.K + k];
}
fn loadB(k: u32, j: u32, kEnd: u32) -> f32 {
  if (k >= kEnd || j >= p.N) { return 0.0; }
  if (p.transB == 1u) { return b[p.offB + j * p.K + k]; }
  return b[p.offB + k * p.N + j];
}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let tid = lid.y * 16u + lid.x;
  // split-K: workgroup z covers k in [z·kChunk, (z+1)·kChunk) and writes a partial product
  let kStart = wg.z * p.kChunk;
  let kEnd = min(p.K, kStart + p.kChunk);
  var acc: array<f32, 16>;
  for (var e = 0u; e < 16u; e++) { acc[e] = 0.0; }
  for (var k0 = kStart; k0 < kEnd; k0 += 16u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = tid + e * 256u;
      let ii = idx / 16u; let kk = idx % 16u;
      As[kk * 64u + ii] = loadA(row0 + ii, k0 + kk, kEnd);
      let kb = idx / 64u; let jj = idx % 64u;
      Bs[kb * 64u + jj] = loadB(k0 + kb, col0 + jj, kEnd);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) {
        av[r] = As[kk * 64u + lid.y * 4u + r];
        bv[r] = Bs[kk * 64u + lid.x * 4u + r];
      }
      for (var r = 0u; r < 4u; r++) {
        for (var s = 0u; s < 4u; s++) { acc[r * 4u + s] = acc[r * 4u + s] + av[r] * bv[s]; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    for (var s = 0u; s < 4u; s++) {
      let i = row0 + lid.y * 4u + r;
      let j = col0 + lid.x * 4u + s;
      if (i < p.M && j < p.N) {
        var v = acc[r * 4u + s];
        if (p.split == 1u) {
          c[wg.z * p.M * p.N + i * p.N + j] = v;
        } else {
          if (p.accumulate == 1u) { v = v + c[i * p.N + j]; }
          if (p.epi == 1u) { v = tanh_safe(p.alpha * v); }
          c[i * p.N + j] = v;
        }
      }
    }
  }
}`,
  },

  // Sums the split-K partial products into C, then the matmul's accumulate / tanh epilogue.
  splitSum: {
    writes: [1],
    code: common + `
struct P { n: u32, splits: u32, accumulate: u32, epi: u32, alpha: f32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.n) { return; }
  var v = 0.0;
  for (var z = 0u; z < p.splits; z++) { v = v + part[z * p.n + i]; }
  if (p.accumulate == 1u) { v = v + c[i]; }
  if (p.epi == 1u) { v = tanh_safe(p.alpha * v); }
  c[i] = v;
}`,
  },

  // One workgroup per row: sum / max / logsumexp / sum of squares, written to out[outOffset + row].
  reduceRows: {
    writes: [1],
    code: common + treeReduce + `
struct P { rows: u32, cols: u32, op: u32, outOffset: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${rowArgs}) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.rows) { return; }
  let base = row * p.cols;
  let t = lid.x;
  let isMax = p.op == 1u || p.op == 2u;
  var v = select(0.0, NEG_BIG, isMax);
  for (var j = t; j < p.cols; j += 256u) {
    let u = x[base + j];
    if (isMax) { v = max(v, u); } else if (p.op == 3u) { v = v + u * u; } else { v = v + u; }
  }
  var r = tree(t, v, isMax);
  if (p.op == 2u) {
    let m = r;
    var s = 0.0;
    for (var j = t; j < p.cols; j += 256u) { s = s + exp(x[base + j] - m); }
    r = m + log(tree(t, s, false));
  }
  if (t == 0u) { out[p.outOffset + row] = r; }
}`,
  },

  softmaxRows: {
    writes: [1],
    code: common + treeReduce + `
struct P { rows: u32, cols: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${rowArgs}) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.rows) { return; }
  let base = row * p.cols;
  let t = lid.x;
  var m = NEG_BIG;
  for (var j = t; j < p.cols; j += 256u) { m = max(m, x[base + j]); }
  m = tree(t, m, true);
  var s = 0.0;
  for (var j = t; j < p.cols; j += 256u) { s = s + exp(x[base + j] - m); }
  s = tree(t, s, false);
  let inv = 1.0 / s;
  for (var j = t; j < p.cols; j += 256u) { out[base + j] = exp(x[base + j] - m) * inv; }
}`,
  },

  batchedMatvec: {
    writes: [2],
    code: `
struct P { batch: u32, n: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> o: array<f32>;
@group(0) @binding(1) var<storage, read> r: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.batch * p.n) { return; }
  let b = i / p.n; let j = i % p.n;
  var s = 0.0;
  for (var k = 0u; k < p.n; k++) { s = s + o[b * p.n + k] * r[(b * p.n + k) * p.n + j]; }
  out[i] = s;
}`,
  },

  // out[r, c] = alpha · rs[r] · cs[c] · f(x[r, c]) (e.g. the tanh backward pass of a dense layer).
  scaleRowsCols: {
    writes: [3],
    code: common + applyUnary + `
struct P { n: u32, cols: u32, op: u32, alpha: f32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> rs: array<f32>;
@group(0) @binding(2) var<storage, read> cs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.n) { return; }
  out[i] = p.alpha * rs[i / p.cols] * cs[i % p.cols] * apply_unary(p.op, x[i]);
}`,
  },

  // torch.optim.Adam without weight decay; stepSize = lr / (1 − β1^t), bc2 = √(1 − β2^t).
  adam: {
    writes: [0, 2, 3],
    code: `
struct P { n: u32, stepSize: f32, bc2: f32, b1: f32, b2: f32, eps: f32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${flatArgs}) {
  ${flat}
  if (i >= p.n) { return; }
  let gi = g[i];
  let mi = p.b1 * m[i] + (1.0 - p.b1) * gi;
  let vi = p.b2 * v[i] + (1.0 - p.b2) * gi * gi;
  m[i] = mi; v[i] = vi;
  w[i] = w[i] - p.stepSize * mi / (sqrt(vi) / p.bc2 + p.eps);
}`,
  },

  // Each row of W (rows × cols) scaled to unit norm; one workgroup per row.
  renormRows: {
    writes: [0],
    code: treeReduce + `
struct P { rows: u32, cols: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<uniform> p: P;
@compute @workgroup_size(256)
fn main(${rowArgs}) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.rows) { return; }
  var s = 0.0;
  for (var j = lid.x; j < p.cols; j += 256u) { let u = w[row * p.cols + j]; s = s + u * u; }
  let tot = tree(lid.x, s, false);
  let inv = select(0.0, inverseSqrt(tot), tot > 0.0);
  for (var j = lid.x; j < p.cols; j += 256u) { w[row * p.cols + j] = w[row * p.cols + j] * inv; }
}`,
  },
};
