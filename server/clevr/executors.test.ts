// Symbolic semantics (CLEVR's reference executor), the soft executor's reference values (math spec §6)
// and symbolic–soft agreement on generated programs covering every function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../numeric/rng';
import { parseClevr } from './parser';
import { checkProgram } from './checker';
import { ExecError } from './evaluate';
import { FUNCTIONS } from './functions';
import { randomQuestionProgram, randomScene } from './generate';
import { relationsFromPositions, Scene } from './scene';
import { runSoft, softAnswer, SoftValue } from './soft';
import { runSymbolic, symAnswer } from './symbolic';
import { mergeSoftValues } from '../g2l2/merge';
import { walkExpr, Expr, exprToString } from './ast';
import * as K from './kernels';

function prog(src: string): Expr {
  const f = parseClevr(`program p = ${src}`);
  assert.deepEqual(f.errors, []);
  const s = f.statements[0];
  assert.ok(s.kind === 'program' && s.body);
  const r = checkProgram(s.body!);
  assert.deepEqual(r.issues, []);
  return s.body!;
}

// Math spec §6 worked example: 0 = large red metal cube (x = −2), 1 = small blue rubber sphere (x = 0),
// 2 = small red rubber cylinder (x = 2).
const objects = [
  { id: '0', size: 'large', color: 'red', material: 'metal', shape: 'cube', position: [-2, 0] as [number, number] },
  { id: '1', size: 'small', color: 'blue', material: 'rubber', shape: 'sphere', position: [0, 0] as [number, number] },
  { id: '2', size: 'small', color: 'red', material: 'rubber', shape: 'cylinder', position: [2, 0] as [number, number] },
];
const worked: Scene = { name: 'worked', objects, relations: relationsFromPositions(objects.map((o) => o.position)) };

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('relationships follow CLEVR: left = [[], [0], [0, 1]], right = [[1, 2], [2], []]', () => {
  assert.deepEqual(worked.relations.left, [[], [0], [0, 1]]);
  assert.deepEqual(worked.relations.right, [[1, 2], [2], []]);
});

test('worked example (C3): soft values match the reference to 1e-6', () => {
  const red = runSoft(prog('filter(scene(), red)'), worked) as Extract<SoftValue, { t: 'set' }>;
  assert.deepEqual([...red.logits], [10, -10, 10]);
  close((runSoft(prog('count(filter(scene(), red))'), worked) as { n: number }).n, 1.9999546, 1e-6, 'count');
  close((runSoft(prog('exist(filter(scene(), blue))'), worked) as { logit: number }).logit, 10, 1e-9, 'exist');
  const u = runSoft(prog('unique(filter(scene(), sphere))'), worked) as { p: Float64Array };
  close(u.p[0], 2.0612e-9, 1e-12, 'unique[0]'); close(u.p[1], 1 - 4.1e-9, 1e-10, 'unique[1]');
  const rel = runSoft(prog('relate(unique(filter(scene(), sphere)), left)'), worked) as { logits: Float64Array };
  close(rel.logits[0], 9.99999996, 1e-6); close(rel.logits[1], -9.99999996, 1e-6); close(rel.logits[2], -10, 1e-6);
  const q = runSoft(prog('query(unique(filter(scene(), cube)), color)'), worked) as { dist: Float64Array };
  close(q.dist[1], 1 - 2.06e-9, 1e-6, 'P(red)'); // C3 tolerance; exactly 1 − 7·e^−20/(1 + 7·e^−20) with 8 colours
  const cg = runSoft(prog('count_greater(filter(scene(), red), filter(scene(), sphere))'), worked) as { logit: number };
  close(cg.logit, 1.9996368, 1e-6, 'count_greater'); close(K.sigmoid(cg.logit), 0.8807589, 1e-6, 'σ');
  const ce = runSoft(prog('count_equal(filter(scene(), red), filter(scene(), sphere))'), worked) as { logit: number };
  close(ce.logit, -3.9992736, 1e-6, 'count_equal');
});

test('merge example (L5): probability-space mixture, weight log 0.5, expected count kept, exist not', () => {
  const s = (p: number[]): SoftValue => ({ t: 'set', logits: Float64Array.from(p.map((x) => Math.log(x / (1 - x)))) });
  const m = mergeSoftValues([s([0.9, 0.1, 0.5]), s([0.2, 0.8, 0.5])], [Math.log(0.35), Math.log(0.15)]) as { logits: Float64Array };
  const probs = [...m.logits].map(K.sigmoid);
  [0.69, 0.31, 0.5].forEach((p, i) => close(probs[i], p, 1e-9));
  close(K.logsumexp([Math.log(0.35), Math.log(0.15)]), -0.6931472, 1e-7);
  close(probs.reduce((x, y) => x + y, 0), 1.5, 1e-9, 'expected count');
  close(Math.max(...probs), 0.69, 1e-9); // exist after merging, against 0.7·0.9 + 0.3·0.8 = 0.87
});

test('symbolic: same_* excludes the object itself; equal_* and query_attribute_equal do not', () => {
  assert.equal(symAnswer(runSymbolic(prog('count(same_color(unique(filter(scene(), cube))))'), worked)), '1');
  assert.equal(symAnswer(runSymbolic(prog('count(relate_attribute_equal(unique(filter(scene(), cylinder)), size))'), worked)), '1');
  assert.equal(symAnswer(runSymbolic(prog('query_attribute_equal(unique(filter(scene(), cube)), unique(filter(scene(), cube)), color)'), worked)), 'yes');
  assert.equal(symAnswer(runSymbolic(prog('equal_color(query_color(unique(filter(scene(), cube))), query_color(unique(filter(scene(), cylinder))))'), worked)), 'yes');
  assert.equal(symAnswer(runSymbolic(prog('equal_object(unique(filter(scene(), cube)), unique(filter(scene(), metal)))'), worked)), 'yes');
  assert.equal(symAnswer(runSymbolic(prog('less_than(count(filter(scene(), blue)), count(filter(scene(), red)))'), worked)), 'yes');
});

test('symbolic: unique on 0 or 2 objects is an ExecError naming the objects, not a crash', () => {
  assert.throws(() => runSymbolic(prog('unique(filter(scene(), small))'), worked), (e: unknown) => e instanceof ExecError && e.message === 'unique: 2 objects match: 1, 2');
  assert.throws(() => runSymbolic(prog('unique(filter(scene(), green))'), worked), (e: unknown) => e instanceof ExecError && /no object/.test(e.message));
});

test('symbolic and soft (oracle) answers agree on generated programs covering every function', () => {
  const rng = new Rng(11);
  const used = new Set<string>();
  let compared = 0, invalid = 0;
  for (let s = 0; s < 40; s++) {
    const scene = randomScene(rng, 3 + rng.int(8), s);
    for (let q = 0; q < 40; q++) {
      const p = randomQuestionProgram(rng, 1 + rng.int(4), (['clevr', 'compact', 'both'] as const)[q % 3]);
      assert.deepEqual(checkProgram(p).issues, [], exprToString(p));
      walkExpr(p, (x) => { if (x.kind === 'call') used.add(x.fn.name); });
      let sym: string | undefined;
      try { sym = symAnswer(runSymbolic(p, scene)); } catch (e) { assert.ok(e instanceof ExecError); invalid++; continue; }
      const soft = softAnswer(runSoft(p, scene));
      assert.equal(soft, sym, `${exprToString(p)} on ${JSON.stringify(scene.objects)}`);
      compared++;
    }
  }
  assert.ok(compared > 300, `compared ${compared}`);
  assert.ok(invalid > 0);
  assert.deepEqual([...FUNCTIONS.keys()].filter((f) => !used.has(f)), [], 'every function is exercised');
});
