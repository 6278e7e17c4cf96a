// The shipped examples/derivations/*.tlab: each parses without errors, type-checks without diagnostics,
// every check passes except those whose comment line says WRONG, and those fail (decisively, not as
// inconclusive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { CheckStmt, LetStmt } from '../tlab/ast';
import { analyzeDerivation, runDerivation } from './index';
import { samplePoint } from './domains';
import { PointEvaluator } from './evaluate';
import { finiteDifference, findGrad, relativeError } from './checkRun';
import { Tensor, tensor } from './tensor';
import { parseDerivations } from './testing';

const dir = path.resolve(__dirname, '../../examples/derivations');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tlab')).sort();

/** A check is marked wrong when the line holding it, or the line just above, contains "WRONG". */
function markedWrong(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const lineEnd = text.indexOf('\n', offset);
  return /WRONG/.test(text.slice(prevStart, lineEnd < 0 ? text.length : lineEnd));
}

test('the five example files are shipped', () => {
  assert.deepEqual(files, ['bayeslime.tlab', 'bype_vae.tlab', 'influence.tlab', 'pcn.tlab', 'woodbury.tlab']);
});

for (const file of files) {
  test(`examples/derivations/${file}: correct checks pass, the marked wrong one fails`, () => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const { derivations, fileLets, errors } = parseDerivations(text);
    assert.deepEqual(errors, []);
    assert.ok(derivations.length > 0);
    let wrong = 0, right = 0;
    for (const d of derivations) {
      assert.deepEqual(analyzeDerivation(d, fileLets), [], d.name.name);
      const run = runDerivation(d, fileLets);
      assert.deepEqual(run.diagnostics, []);
      const stmts = d.body.filter((s) => s.kind === 'check');
      assert.equal(run.checks.length, stmts.length);
      run.checks.forEach((c, i) => {
        const line = text.slice(stmts[i].span.start, stmts[i].span.end);
        if (markedWrong(text, stmts[i].span.start)) {
          wrong++;
          assert.equal(c.passed, false, `${d.name.name}: the wrong check passed: ${line}`);
          assert.ok(!c.inconclusive, c.message);
          assert.ok(c.worstRelError > 1e-3, `${line}: ${c.message}`);
        } else {
          right++;
          assert.ok(c.passed, `${d.name.name}: ${line}\n${c.message}`);
        }
      });
    }
    assert.equal(wrong, 1, 'exactly one deliberately wrong check per file');
    assert.ok(right >= 2);
  });
}

test('the spec examples are in the shipped files verbatim', () => {
  const pcn = fs.readFileSync(path.join(dir, 'pcn.tlab'), 'utf8');
  const wood = fs.readFileSync(path.join(dir, 'woodbury.tlab'), 'utf8');
  // the spec's examples, verbatim (test/fixtures/tlab/derivations.tlab): one block per shipped file
  const spec = fs.readFileSync(path.resolve(__dirname, '../../test/fixtures/tlab/derivations.tlab'), 'utf8');
  const blocks = spec.split(/\n(?=derivation )/).map((x) => x.trim());
  assert.equal(blocks.length, 2);
  assert.ok(pcn.includes(blocks[0]), 'pcn.tlab holds pcn_inference verbatim');
  assert.ok(wood.includes(blocks[1]), 'woodbury.tlab holds woodbury verbatim');
});

test('bype_vae.tlab reproduces the conjugate reference values of bype-vae.md §6', () => {
  // Evaluate the shipped derivation's own lets at the spec's fixed inputs instead of random draws.
  const text = fs.readFileSync(path.join(dir, 'bype_vae.tlab'), 'utf8');
  const { derivations, fileLets } = parseDerivations(text);
  const d = derivations[0];
  const point = new Map([
    ['A', tensor([3, 2], [1.0, 0.5, -0.3, 0.8, 0.2, -0.4])],
    ['X', tensor([5, 3], [0.5, 1.0, -0.2, 1.2, -0.3, 0.4, -0.7, 0.6, 0.1, 0.3, 0.2, -0.5, 0.9, 1.1, 0.0])],
    ['U', tensor([2, 3], [0.4, 0.5, 0.0, -0.2, 0.3, 0.3])],
    ['w', tensor([2], [1.5, 2.0])],
    ['s2', tensor([], [0.5])],
  ]);
  const ev = new PointEvaluator(d, fileLets, point);
  const letOf = (name: string) => ev.letValue(d.body.find((s): s is LetStmt => s.kind === 'let' && s.name.name === name)!).value.data;
  const close = (got: ArrayLike<number>, want: number[], tol: number) =>
    want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < tol, `${Array.from(got)} vs ${want}`));
  close(letOf('mX'), [0.1447362709, 0.5443021489], 1e-9);
  close(letOf('mw'), [-0.0520292978, 0.2330008282], 1e-9);
  close(letOf('Sw'), [0.1146806316, -0.0173051013, -0.0173051013, 0.1223717877], 1e-9);
  close(letOf('KL'), [0.962907852114351], 1e-12);
  const checks = d.body.filter((s): s is CheckStmt => s.kind === 'check');
  // (G4) and (G5) — the right sides of the first two checks — and the autodiff left sides
  for (const side of [checks[0].left, checks[0].right]) close(ev.eval(side, new Map()).value.data, [-0.5548174783, 0.2065900311], 1e-9);
  const gU = [-1.465968779, -0.7852797712, 0.3515801415, -1.9546250387, -1.0470396949, 0.468773522];
  for (const side of [checks[1].left, checks[1].right]) close(ev.eval(side, new Map()).value.data, gU, 1e-8);
});

test('bayeslime.tlab, resized to the 8-point example of bayeslime.md §6, gives its φ̂ and V_φ', () => {
  const original = fs.readFileSync(path.join(dir, 'bayeslime.tlab'), 'utf8');
  const text = original.replace('matrix(12, 4)', 'matrix(8, 3)').replace(/vector\(12\)/g, 'vector(8)')
    .replace(/vector\(4\)/g, 'vector(3)').replace(/eye\(4\)/g, 'eye(3)').replace('let N = 12', 'let N = 8');
  assert.notEqual(text, original);
  const { derivations, fileLets } = parseDerivations(text);
  const d = derivations[0];
  assert.deepEqual(analyzeDerivation(d, fileLets), []);
  const z = [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0]];
  const point = new Map([
    ['Z', tensor([8, 3], z.flatMap((r) => [1, ...r]))],
    ['Y', tensor([8], [0.9, 0.2, 1.0, 0.1, 0.8, 0.3, 1.1, 0])],
    ['pi', tensor([8], [1, 1, 0.5, 0.5, 1, 1, 0.5, 0.5])],
    ['phi', tensor([3], [0.1, 0.2, 0.3])], ['v', tensor([3], [1, 0, 0])], ['s2', tensor([], [1])],
  ]);
  const ev = new PointEvaluator(d, fileLets, point);
  const letOf = (name: string) => ev.letValue(d.body.find((s): s is LetStmt => s.kind === 'let' && s.name.name === name)!).value.data;
  const close = (got: ArrayLike<number>, want: number[]) =>
    want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-6, `${Array.from(got)} vs ${want}`));
  close(letOf('phihat'), [0.211765, 0.502941, 0.102941]);
  close(letOf('V'), [0.294118, -0.176471, -0.176471, -0.176471, 0.372549, 0.039216, -0.176471, 0.039216, 0.372549]);
  // s² (B5) = J(φ̂)/N
  const J = d.body.find((s): s is LetStmt => s.kind === 'let' && s.name.name === 'J')!;
  const phihat = ev.letValue(d.body.find((s): s is LetStmt => s.kind === 'let' && s.name.name === 'phihat')!);
  const Jhat = ev.eval(J.value, new Map([['p', phihat]])).value.data[0];
  close([Jhat / 8], [0.0560662]);
});

test('every grad(…) in the shipped checks agrees with central differences through the whole evaluator', () => {
  let compared = 0;
  for (const file of files) {
    const { derivations, fileLets } = parseDerivations(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const d of derivations) {
      const givens = d.body.flatMap((s) => (s.kind === 'given' ? s.vars : []));
      const point = samplePoint(givens, 11, 0);
      for (const c of d.body.filter((s): s is CheckStmt => s.kind === 'check')) {
        for (const side of [c.left, c.right]) {
          const g = findGrad(side, d);
          if (!g) continue;
          const rec = new Map<string, Tensor>();
          const ev = new PointEvaluator(d, fileLets, point, rec);
          ev.eval(side, new Map());
          const autodiff = rec.get(`${g.span.start}:${g.span.end}`)!;
          const fd = finiteDifference(d, fileLets, point, g, 5000)!;
          const err = relativeError(autodiff, fd, 0);
          assert.ok(err < 1e-6, `${file} ${d.name.name}: autodiff vs central differences ${err}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared >= 15, `only ${compared} gradients compared`);
});
