// The built-in tensor operations as autodiff nodes. Each op evaluates eagerly and records a backward
// closure written with the same ops, so every gradient is differentiable again (see autodiff.ts).
// Shapes are assumed valid here: the static checker (shapes.ts) rejects mismatches before evaluation,
// and an op still throws a plain Error if it is ever reached with bad shapes.
import { Node, constant } from './autodiff';
import { Shape, Tensor, filled, sameShape, scalar, shapeText, sizeOf, tensor } from './tensor';
import { conditionNumber, determinant, inverse, logAbsDeterminant } from './linalg';
import { noteCondition, tick } from './runtime';

export function num(v: number): Node { return constant(scalar(v), 'num'); }

function map(t: Tensor, f: (x: number, i: number) => number): Tensor {
  const out = tensor(t.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(t.data[i], i);
  tick(out.data.length);
  return out;
}

function zip(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const out = tensor(a.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(a.data[i], b.data[i]);
  tick(out.data.length);
  return out;
}

// ---------------------------------------------------------------- broadcasting

/** Repeats a scalar to `shape`; tensors of other shapes never broadcast (see docs/derivations.md). */
export function broadcastTo(a: Node, shape: Shape): Node {
  if (sameShape(a.shape, shape)) return a;
  if (a.shape.length !== 0) throw new Error(`cannot broadcast ${shapeText(a.shape)} to ${shapeText(shape)}`);
  return new Node(filled(shape, a.value.data[0]), 'broadcast', [a], (g) => [sum(g)]);
}

/** The common shape of an elementwise op: equal shapes, or a scalar against anything. */
export function broadcastShape(a: Shape, b: Shape): Shape | undefined {
  if (sameShape(a, b)) return a;
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return undefined;
}

function elementwise(a: Node, b: Node, op: string): [Node, Node] {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) throw new Error(`\`${op}\`: ${shapeText(a.shape)} ${op} ${shapeText(b.shape)} — shapes differ`);
  return [broadcastTo(a, shape), broadcastTo(b, shape)];
}

// ---------------------------------------------------------------- elementwise binary

export function add(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, '+');
  return new Node(zip(a.value, b.value, (p, q) => p + q), '+', [a, b], (g) => [g, g]);
}

export function sub(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, '-');
  return new Node(zip(a.value, b.value, (p, q) => p - q), '-', [a, b], (g, need) => [g, need[1] ? neg(g) : null]);
}

export function mul(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, '*');
  return new Node(zip(a.value, b.value, (p, q) => p * q), '*', [a, b],
    (g, need) => [need[0] ? mul(g, b) : null, need[1] ? mul(g, a) : null]);
}

export function div(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, '/');
  const out: Node = new Node(zip(a.value, b.value, (p, q) => p / q), '/', [a, b],
    (g, need) => [need[0] ? div(g, b) : null, need[1] ? neg(div(mul(g, out), b)) : null]);
  return out;
}

export function pow(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, '^');
  const out: Node = new Node(zip(a.value, b.value, Math.pow), '^', [a, b], (g, need) => [
    // d/da a^b = b a^(b-1); written with a^(b-1) rather than out/a so a = 0 stays finite.
    need[0] ? mul(g, mul(b, pow(a, sub(b, num(1))))) : null,
    need[1] ? mul(g, mul(out, log(a))) : null,
  ]);
  return out;
}

export function maximum(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, 'max');
  // Ties send the gradient to the first argument (a subgradient; kinks are measure-zero for random points).
  const pick = constant(zip(a.value, b.value, (p, q) => (p >= q ? 1 : 0)), 'mask');
  return new Node(zip(a.value, b.value, Math.max), 'max', [a, b],
    (g, need) => [need[0] ? mul(g, pick) : null, need[1] ? mul(g, sub(num(1), pick)) : null]);
}

export function minimum(x: Node, y: Node): Node {
  const [a, b] = elementwise(x, y, 'min');
  const pick = constant(zip(a.value, b.value, (p, q) => (p <= q ? 1 : 0)), 'mask');
  return new Node(zip(a.value, b.value, Math.min), 'min', [a, b],
    (g, need) => [need[0] ? mul(g, pick) : null, need[1] ? mul(g, sub(num(1), pick)) : null]);
}

// ---------------------------------------------------------------- elementwise unary

export function neg(a: Node): Node {
  return new Node(map(a.value, (v) => -v), 'neg', [a], (g) => [neg(g)]);
}

export function exp(a: Node): Node {
  const out: Node = new Node(map(a.value, Math.exp), 'exp', [a], (g) => [mul(g, out)]);
  return out;
}

export function log(a: Node): Node {
  return new Node(map(a.value, Math.log), 'log', [a], (g) => [div(g, a)]);
}

export function tanh(a: Node): Node {
  const out: Node = new Node(map(a.value, Math.tanh), 'tanh', [a], (g) => [mul(g, sub(num(1), mul(out, out)))]);
  return out;
}

export function sigmoid(a: Node): Node {
  const s = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  const out: Node = new Node(map(a.value, s), 'sigmoid', [a], (g) => [mul(g, mul(out, sub(num(1), out)))]);
  return out;
}

export function relu(a: Node): Node {
  const step = constant(map(a.value, (v) => (v > 0 ? 1 : 0)), 'mask');
  return new Node(map(a.value, (v) => (v > 0 ? v : 0)), 'relu', [a], (g) => [mul(g, step)]);
}

export function sqrt(a: Node): Node {
  const out: Node = new Node(map(a.value, Math.sqrt), 'sqrt', [a], (g) => [div(g, mul(num(2), out))]);
  return out;
}

export function abs(a: Node): Node {
  const sign = constant(map(a.value, Math.sign), 'mask');
  return new Node(map(a.value, Math.abs), 'abs', [a], (g) => [mul(g, sign)]);
}

export function sin(a: Node): Node { return new Node(map(a.value, Math.sin), 'sin', [a], (g) => [mul(g, cos(a))]); }
export function cos(a: Node): Node { return new Node(map(a.value, Math.cos), 'cos', [a], (g) => [neg(mul(g, sin(a)))]); }

// ---------------------------------------------------------------- reductions

export function sum(a: Node): Node {
  if (a.shape.length === 0) return a;
  let s = 0;
  for (const v of a.value.data) s += v;
  tick(a.value.data.length);
  return new Node(scalar(s), 'sum', [a], (g) => [broadcastTo(g, a.shape)]);
}

export function mean(a: Node): Node { return div(sum(a), num(sizeOf(a.shape))); }

function extremum(a: Node, op: 'max' | 'min'): Node {
  if (a.shape.length === 0) return a;
  let best = 0;
  for (let i = 1; i < a.value.data.length; i++) {
    const v = a.value.data[i], b = a.value.data[best];
    if (op === 'max' ? v > b : v < b) best = i;
  }
  const onehot = constant(map(a.value, (_, i) => (i === best ? 1 : 0)), 'mask');
  return new Node(scalar(a.value.data[best]), op, [a], (g) => [mul(broadcastTo(g, a.shape), onehot)]);
}
export const maxOf = (a: Node) => extremum(a, 'max');
export const minOf = (a: Node) => extremum(a, 'min');

/** log Σ exp(a) over all entries, shifted by the maximum so it never overflows. */
export function logsumexp(a: Node): Node {
  let m = -Infinity;
  for (const v of a.value.data) m = Math.max(m, v);
  if (!Number.isFinite(m)) m = 0;
  let s = 0;
  for (const v of a.value.data) s += Math.exp(v - m);
  tick(a.value.data.length);
  const out: Node = new Node(scalar(m + Math.log(s)), 'logsumexp', [a],
    (g) => [mul(broadcastTo(g, a.shape), exp(sub(a, broadcastTo(out, a.shape))))]);
  return out;
}

/** exp(a − logsumexp(a)): composite, so its gradient comes from the ops it is made of. */
export function softmax(a: Node): Node { return exp(sub(a, broadcastTo(logsumexp(a), a.shape))); }

// ---------------------------------------------------------------- linear algebra

export function transpose(a: Node): Node {
  if (a.shape.length < 2) return a; // a vector has no orientation (docs/derivations.md)
  const [r, c] = a.shape;
  const out = tensor([c, r]);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.data[j * r + i] = a.value.data[i * c + j];
  tick(r * c);
  return new Node(out, '.T', [a], (g) => [transpose(g)]);
}

/** Raw product of (r×k)(k×c) row-major buffers. */
function gemm(a: Float64Array, b: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j] += aip * b[p * c + j];
    }
  }
  tick(r * k * c);
  return out;
}

/** `@`: matrix·matrix, matrix·vector, vector·matrix and vector·vector (a dot product, giving a scalar). */
export function matmul(a: Node, b: Node): Node {
  const ra = a.shape.length, rb = b.shape.length;
  const k = ra === 2 ? a.shape[1] : a.shape[0];
  const kb = b.shape[0];
  if (ra === 0 || rb === 0 || k !== kb) throw new Error(`\`@\`: ${shapeText(a.shape)} @ ${shapeText(b.shape)} — inner sizes differ`);
  const r = ra === 2 ? a.shape[0] : 1;
  const c = rb === 2 ? b.shape[1] : 1;
  const shape = [...(ra === 2 ? [r] : []), ...(rb === 2 ? [c] : [])];
  const value: Tensor = { shape, data: gemm(a.value.data, b.value.data, r, k, c) };
  return new Node(value, '@', [a, b], (g, need) => {
    if (ra === 2 && rb === 2) return [need[0] ? matmul(g, transpose(b)) : null, need[1] ? matmul(transpose(a), g) : null];
    if (ra === 2) return [need[0] ? outer(g, b) : null, need[1] ? matmul(transpose(a), g) : null];
    if (rb === 2) return [need[0] ? matmul(b, g) : null, need[1] ? outer(a, g) : null];
    return [need[0] ? mul(broadcastTo(g, a.shape), b) : null, need[1] ? mul(broadcastTo(g, b.shape), a) : null];
  });
}

export function outer(a: Node, b: Node): Node {
  const m = a.shape[0], n = b.shape[0];
  return new Node({ shape: [m, n], data: gemm(a.value.data, b.value.data, m, 1, n) }, 'outer', [a, b],
    (g, need) => [need[0] ? matmul(g, b) : null, need[1] ? matmul(transpose(g), a) : null]);
}

/** diag(v) builds a diagonal matrix; diag(M) reads the main diagonal (numpy's convention). */
export function diag(a: Node): Node {
  if (a.shape.length === 1) {
    const n = a.shape[0];
    const out = tensor([n, n]);
    for (let i = 0; i < n; i++) out.data[i * n + i] = a.value.data[i];
    return new Node(out, 'diag', [a], (g) => [diag(g)]);
  }
  const [r, c] = a.shape;
  const n = Math.min(r, c);
  const out = tensor([n]);
  for (let i = 0; i < n; i++) out.data[i] = a.value.data[i * c + i];
  return new Node(out, 'diag', [a], (g) => [embedDiagonal(g, r, c)]);
}

function embedDiagonal(v: Node, r: number, c: number): Node {
  const out = tensor([r, c]);
  for (let i = 0; i < v.shape[0]; i++) out.data[i * c + i] = v.value.data[i];
  return new Node(out, 'diag', [v], (g) => [diag(g)]);
}

export function eye(n: number): Node {
  const out = tensor([n, n]);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return constant(out, 'eye');
}

export function ones(n: number): Node { return constant(filled([n], 1), 'ones'); }

export function trace(a: Node): Node { return sum(diag(a)); }

export function inv(a: Node): Node {
  const value = inverse(a.value);
  tick(a.shape[0] ** 3);
  noteCondition(conditionNumber(a.value, value), 'inv');
  const out: Node = new Node(value, 'inv', [a], (g) => {
    const t = transpose(out);
    return [neg(matmul(matmul(t, g), t))];
  });
  return out;
}

export function det(a: Node): Node {
  const d = determinant(a.value);
  tick(a.shape[0] ** 3);
  noteCondition(conditionNumber(a.value, inverse(a.value)), 'det');
  // d det/dA = det · A⁻ᵀ
  const out: Node = new Node(scalar(d), 'det', [a],
    (g) => [mul(broadcastTo(mul(g, out), a.shape), transpose(inv(a)))]);
  return out;
}

/** log|det A| (equal to log det A for the positive determinants of spd matrices). */
export function logdet(a: Node): Node {
  const value = logAbsDeterminant(a.value);
  tick(a.shape[0] ** 3);
  noteCondition(conditionNumber(a.value, inverse(a.value)), 'logdet');
  return new Node(scalar(value), 'logdet', [a], (g) => [mul(broadcastTo(g, a.shape), transpose(inv(a)))]);
}

/** v[i] of a vector (a scalar) or M[i] of a matrix (its row i, a vector); i is 0-based. */
export function index(a: Node, i: number): Node {
  if (a.shape.length === 1) {
    const onehot = tensor(a.shape); onehot.data[i] = 1;
    return new Node(scalar(a.value.data[i]), 'index', [a], (g) => [mul(broadcastTo(g, a.shape), constant(onehot, 'mask'))]);
  }
  const [r, c] = a.shape;
  const row = tensor([c], a.value.data.subarray(i * c, (i + 1) * c));
  const e = tensor([r]); e.data[i] = 1;
  return new Node(row, 'index', [a], (g) => [outer(constant(e, 'mask'), g)]);
}
