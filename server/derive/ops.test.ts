// Every built-in's reverse-mode gradient against central finite differences. The scalar objective is
// sum(w ⊙ op(inputs)) with fixed random weights w, so every output entry contributes with its own weight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../numeric/rng';
import { Node, constant, gradient, leaf } from './autodiff';
import * as op from './ops';
import { Tensor, tensor } from './tensor';

const rng = new Rng(20261129);

function randn(shape: number[], f: (x: number) => number = (x) => x): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = f(rng.normal());
  return t;
}
const positive = (shape: number[]) => randn(shape, (x) => Math.exp(0.5 * x));
function spd(n: number): Tensor {
  const b = randn([n, n]);
  const t = tensor([n, n]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let k = 0; k < n; k++) s += b.data[i * n + k] * b.data[j * n + k];
    t.data[i * n + j] = s / n;
  }
  return t;
}

/** Worst relative error between autodiff and central differences over all inputs' entries. */
function gradError(f: (xs: Node[]) => Node, inputs: Tensor[]): number {
  const leaves = inputs.map((t, i) => leaf(t, `x${i}`));
  const out = f(leaves);
  const w = randn(out.shape);
  const objective = (ts: Tensor[]) => {
    const v = f(ts.map((t, i) => leaf(t, `x${i}`))).value.data;
    let s = 0;
    for (let i = 0; i < w.data.length; i++) s += w.data[i] * v[i];
    return s;
  };
  const grads = gradient(op.sum(op.mul(out, constant(w))), leaves);
  let worst = 0;
  inputs.forEach((t, k) => {
    for (let i = 0; i < t.data.length; i++) {
      const h = 1e-5 * Math.max(1, Math.abs(t.data[i]));
      const plus = inputs.map((u) => tensor(u.shape, u.data)), minus = inputs.map((u) => tensor(u.shape, u.data));
      plus[k].data[i] += h; minus[k].data[i] -= h;
      const fd = (objective(plus) - objective(minus)) / (2 * h);
      const ad = grads[k].value.data[i];
      worst = Math.max(worst, Math.abs(fd - ad) / Math.max(Math.abs(fd), Math.abs(ad), 1e-3));
    }
  });
  return worst;
}

const cases: Array<[string, (xs: Node[]) => Node, () => Tensor[]]> = [
  ['+', ([a, b]) => op.add(a, b), () => [randn([3, 2]), randn([3, 2])]],
  ['+ scalar broadcast', ([a, b]) => op.add(a, b), () => [randn([]), randn([4])]],
  ['-', ([a, b]) => op.sub(a, b), () => [randn([4]), randn([])]],
  ['*', ([a, b]) => op.mul(a, b), () => [randn([3, 3]), randn([3, 3])]],
  ['/', ([a, b]) => op.div(a, b), () => [randn([4]), positive([4])]],
  ['^ constant exponent', ([a]) => op.pow(a, op.num(3)), () => [randn([5])]],
  ['^ tensor exponent', ([a, b]) => op.pow(a, b), () => [positive([4]), randn([4])]],
  ['neg', ([a]) => op.neg(a), () => [randn([2, 3])]],
  ['exp', ([a]) => op.exp(a), () => [randn([4])]],
  ['log', ([a]) => op.log(a), () => [positive([4])]],
  ['tanh', ([a]) => op.tanh(a), () => [randn([4])]],
  ['sigmoid', ([a]) => op.sigmoid(a), () => [randn([5], (x) => 3 * x)]],
  ['relu', ([a]) => op.relu(a), () => [randn([6])]],
  ['sqrt', ([a]) => op.sqrt(a), () => [positive([4])]],
  ['abs', ([a]) => op.abs(a), () => [randn([4])]],
  ['sin', ([a]) => op.sin(a), () => [randn([3])]],
  ['cos', ([a]) => op.cos(a), () => [randn([3])]],
  ['max elementwise', ([a, b]) => op.maximum(a, b), () => [randn([5]), randn([5])]],
  ['max with scalar', ([a, b]) => op.maximum(a, b), () => [randn([5]), randn([])]],
  ['min elementwise', ([a, b]) => op.minimum(a, b), () => [randn([2, 2]), randn([2, 2])]],
  ['sum', ([a]) => op.sum(a), () => [randn([3, 4])]],
  ['mean', ([a]) => op.mean(a), () => [randn([5])]],
  ['max reduction', ([a]) => op.maxOf(a), () => [randn([5])]],
  ['min reduction', ([a]) => op.minOf(a), () => [randn([2, 3])]],
  ['logsumexp', ([a]) => op.logsumexp(a), () => [randn([5], (x) => 4 * x)]],
  ['softmax', ([a]) => op.softmax(a), () => [randn([5])]],
  ['@ matrix·matrix', ([a, b]) => op.matmul(a, b), () => [randn([3, 4]), randn([4, 2])]],
  ['@ matrix·vector', ([a, b]) => op.matmul(a, b), () => [randn([3, 4]), randn([4])]],
  ['@ vector·matrix', ([a, b]) => op.matmul(a, b), () => [randn([3]), randn([3, 2])]],
  ['@ vector·vector', ([a, b]) => op.matmul(a, b), () => [randn([4]), randn([4])]],
  ['.T', ([a]) => op.transpose(a), () => [randn([2, 3])]],
  ['outer', ([a, b]) => op.outer(a, b), () => [randn([3]), randn([2])]],
  ['diag of vector', ([a]) => op.diag(a), () => [randn([3])]],
  ['diag of matrix', ([a]) => op.diag(a), () => [randn([3, 4])]],
  ['trace', ([a]) => op.trace(a), () => [randn([3, 3])]],
  ['inv', ([a]) => op.inv(a), () => [spd(4)]],
  ['inv of a non-symmetric matrix', ([a]) => op.inv(a), () => [tensor([2, 2], [2, 0.5, -0.3, 1.5])]],
  ['det', ([a]) => op.det(a), () => [randn([3, 3])]],
  ['logdet', ([a]) => op.logdet(a), () => [spd(4)]],
  ['logdet of a negative-determinant matrix', ([a]) => op.logdet(a), () => [tensor([2, 2], [0, 1, 1, 0.3])]],
  ['index of a vector', ([a]) => op.index(a, 2), () => [randn([4])]],
  ['index of a matrix row', ([a]) => op.index(a, 1), () => [randn([3, 2])]],
];

for (const [name, f, make] of cases) {
  test(`gradient of ${name} matches central differences`, () => {
    const err = gradError(f, make());
    assert.ok(err < 1e-6, `relative error ${err}`);
  });
}

test('second-order: the gradient of a gradient matches finite differences of the gradient', () => {
  // h(x) = sum(grad(sum(tanh(A x)^2), x) * v): differentiates through backward nodes.
  const A = randn([3, 3]), v = randn([3]);
  const f = ([x]: Node[]) => {
    const inner = op.sum(op.pow(op.tanh(op.matmul(constant(A), x)), op.num(2)));
    const [g] = gradient(inner, [x]);
    return op.sum(op.mul(g, constant(v)));
  };
  assert.ok(gradError(f, [randn([3])]) < 1e-6);
});

test('a gradient that catches a wrong rule: finite differences disagree with a deliberately wrong backward', () => {
  // Guards the harness itself: a tanh with the derivative 1 + tanh² must be rejected.
  const wrong = ([a]: Node[]) => {
    const out: Node = new Node(tensor(a.shape, Array.from(a.value.data, Math.tanh)), 'tanh', [a],
      (g) => [op.mul(g, op.add(op.num(1), op.mul(out, out)))]);
    return out;
  };
  assert.ok(gradError(wrong, [randn([4])]) > 1e-2);
});

test('softmax sums to one and logsumexp does not overflow', () => {
  const x = leaf(tensor([3], [1000, 1001, 999]), 'x');
  const s = op.softmax(x);
  assert.ok(Math.abs(s.value.data.reduce((p, q) => p + q, 0) - 1) < 1e-12);
  assert.ok(Math.abs(op.logsumexp(x).value.data[0] - (1001 + Math.log(1 + Math.exp(-1) + Math.exp(-2)))) < 1e-9);
});

test('inv, det and logdet values on a known matrix', () => {
  const a = leaf(tensor([2, 2], [4, 1, 2, 3]), 'a');
  assert.deepEqual(Array.from(op.inv(a).value.data).map((v) => Math.round(v * 1e12) / 1e12), [0.3, -0.1, -0.2, 0.4]);
  assert.ok(Math.abs(op.det(a).value.data[0] - 10) < 1e-12);
  assert.ok(Math.abs(op.logdet(a).value.data[0] - Math.log(10)) < 1e-12);
});
