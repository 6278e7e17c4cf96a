// The shipped examples/derivations/*.tlab: each parses without errors, type-checks without diagnostics,
// every check passes except those whose comment line says WRONG, and those fail (decisively, not as
// inconclusive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeDerivation, runDerivation } from './index';
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
  assert.ok(pcn.includes(`derivation pcn_inference "PCN: gradient of the energy w.r.t. a hidden layer" {
  given x0: vector(6), x1: vector(4), x2: vector(3)
  given th1: matrix(6, 4), th2: matrix(4, 3)
  let f(u) = tanh(u)
  let mu0 = th1 @ f(x1)
  let mu1 = th2 @ f(x2)
  let E = 0.5 * sum((x0 - mu0)^2) + 0.5 * sum((x1 - mu1)^2)

  check grad(E, x1) == (x1 - mu1) - f'(x1) * (th1.T @ (x0 - mu0))
  check grad(E, th2) == -outer(x1 - mu1, f(x2))
}`));
  assert.ok(wood.includes(`derivation woodbury {
  given A: matrix(5, 5) spd, U: matrix(5, 2), C: matrix(2, 2) spd, V: matrix(2, 5)
  check inv(A + U @ C @ V) == inv(A) - inv(A) @ U @ inv(inv(C) + V @ inv(A) @ U) @ V @ inv(A) within 1e-9 at 20 points
}`));
});
