import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearParseCache, parseTlab } from './parser';
import { Rng } from '../numeric/rng';
import type { ExperimentDecl, DerivationDecl, Expr, LetStmt, SolveStmt, ExpectStmt, PlotStmt, CheckStmt, GivenStmt } from './ast';

const fixtures = path.join(__dirname, '..', '..', 'test', 'fixtures', 'tlab');
const read = (f: string) => fs.readFileSync(path.join(fixtures, f), 'utf8');

test('the spec experiment and derivation examples parse without errors', () => {
  for (const f of ['experiments.tlab', 'derivations.tlab']) {
    const r = parseTlab(read(f));
    assert.deepEqual(r.errors, [], f);
    assert.equal(r.file.items.length, 2, f);
  }
});

test('the schematic top-level example only fails on its … placeholders', () => {
  const text = read('top-level.tlab');
  const r = parseTlab(text);
  assert.ok(r.errors.length >= 1);
  for (const e of r.errors) assert.equal(text.slice(e.span.start, e.span.end), '…');
  assert.deepEqual(r.file.items.map((i) => i.kind), ['import', 'let', 'let', 'experiment', 'derivation']);
  const relu = r.file.items[2] as LetStmt;
  assert.deepEqual(relu.params?.map((p) => p.name), ['x']);
});

test('bo_scaling: solve, simulate on gpu, plot labels and scales, selection, ≈ within %', () => {
  const text = read('experiments.tlab');
  const exp = parseTlab(text).file.items[0] as ExperimentDecl;
  assert.equal(exp.name.name, 'bo_scaling');
  assert.equal(exp.title?.value, 'Bayes-optimal error vs data, beta = 1');
  const kinds = exp.body.map((s) => s.kind);
  assert.deepEqual(kinds, ['let', 'let', 'let', 'let', 'sweep', 'solve', 'solve', 'plot', 'expect', 'expect']);
  const sim = exp.body[6] as SolveStmt;
  assert.equal(sim.stochastic, true);
  assert.equal(sim.solver.name, 'scaling.adam_student');
  assert.equal(text.slice(sim.solver.span.start, sim.solver.span.end), 'scaling.adam_student');
  assert.equal(sim.device?.value, 'gpu');
  assert.deepEqual(sim.args.map((a) => a.name), ['d', 'k', 'beta', 'delta', 'alpha', 'width', 'lr', 'epochs', 'seeds']);
  const plot = exp.body[7] as PlotStmt;
  assert.equal(plot.title?.value, 'error vs n/(kd)');
  assert.deepEqual(plot.series.map((s) => [s.axis, s.label?.value, s.scale?.value]), [
    ['x', 'n / (k d)', 'log'], ['y', 'ε_BO (theory)', 'log'], ['y', 'Adam, width k_c', undefined]]);
  const e2 = exp.body[9] as ExpectStmt;
  assert.equal(e2.percent, true);
  assert.equal(e2.tolerance?.kind === 'num' && e2.tolerance.value, 0.01);
  const cond = e2.condition as Extract<Expr, { kind: 'binary' }>;
  assert.equal(cond.op, '≈');
  assert.equal(cond.left.kind, 'select');
  assert.equal(text.slice(e2.span.start, e2.span.end), 'expect bo.eps[alpha = 2] ≈ 0.002422 within 1%');
});

test('two_laws: slope with where and and/comparisons', () => {
  const exp = parseTlab(read('experiments.tlab')).file.items[1] as ExperimentDecl;
  const ex = exp.body[5] as ExpectStmt;
  assert.equal(ex.percent, undefined);
  assert.equal(ex.tolerance?.kind === 'num' && ex.tolerance.value, 0.05);
  assert.equal(ex.where?.kind === 'binary' && ex.where.op, 'and');
  const cond = ex.condition as Extract<Expr, { kind: 'binary' }>;
  assert.equal(cond.left.kind, 'call');
  // 1/(2*beta) - 1 is (1/(2*beta)) - 1
  assert.equal(cond.right.kind === 'binary' && cond.right.op, '-');
});

test('derivations: given shapes and domains, f\', .T, @, check within/at', () => {
  const [pcn, wood] = parseTlab(read('derivations.tlab')).file.items as DerivationDecl[];
  const g = pcn.body[0] as GivenStmt;
  assert.deepEqual(g.vars.map((v) => [v.name.name, v.shape]), [['x0', { kind: 'vector', n: 6 }], ['x1', { kind: 'vector', n: 4 }], ['x2', { kind: 'vector', n: 3 }]]);
  const c = pcn.body[6] as CheckStmt;
  const right = c.right as Extract<Expr, { kind: 'binary' }>;
  assert.equal(right.op, '-');
  const g2 = wood.body[0] as GivenStmt;
  assert.deepEqual(g2.vars.map((v) => v.domain), ['spd', 'real', 'spd', 'real']);
  const ch = wood.body[1] as CheckStmt;
  assert.equal(ch.tolerance?.kind === 'num' && ch.tolerance.value, 1e-9);
  assert.equal(ch.points?.kind === 'num' && ch.points.value, 20);
  const src = read('derivations.tlab');
  assert.ok(src.slice(pcn.body[6].span.start, pcn.body[6].span.end).includes("f'(x1)"));
});

test('numbers: exponents and percent keep their text', () => {
  const r = parseTlab('let a = 1e-3\nlet b = 2.5%\nlet c = .5');
  const vals = r.file.items.map((i) => (i as LetStmt).value);
  assert.deepEqual(vals.map((v) => v.kind === 'num' && [v.value, v.text]), [[0.001, '1e-3'], [0.025, '2.5%'], [0.5, '.5']]);
});

test('Greek identifiers, comments, strings and operator precedence', () => {
  const r = parseTlab('/* block\n comment */ let α = 2 // end\nlet β2 = -α^2 + 3 * α @ α == 1 or not α < 2');
  assert.deepEqual(r.errors, []);
  const b = (r.file.items[1] as LetStmt).value as any;
  assert.equal(b.op, 'or');
  assert.equal(b.left.op, '==');
  assert.equal(b.left.left.op, '+');
  assert.equal(b.left.left.left.kind, 'unary'); // -(α^2)
  assert.equal(b.left.left.left.operand.op, '^');
  assert.equal(b.right.kind, 'unary');
  assert.equal(r.comments.length, 2);
});

test('one syntax error does not hide the rest of the file', () => {
  const text = 'experiment e {\n  let a = (1 +\n  let b = 2\n  sweep x = ) 3\n  let c = b +* 2\n}\nexperiment f { let z = 1 }\nlet q = ';
  const r = parseTlab(text);
  assert.ok(r.errors.length >= 4, JSON.stringify(r.errors));
  const [e, f, q] = r.file.items as [ExperimentDecl, ExperimentDecl, LetStmt];
  assert.deepEqual(e.body.map((s) => (s as LetStmt).name.name), ['a', 'b', 'x', 'c']);
  assert.equal(f.kind, 'experiment');
  assert.equal(f.body.length, 1);
  assert.equal(q.name.name, 'q');
  // the first error points at the dangling `+`, not at the next line
  assert.equal(text.slice(r.errors[0].span.start, r.errors[0].span.end), '+');
});

test('misplaced statements, bad shapes and unknown devices are reported at their words', () => {
  const text = 'sweep a = [1]\nexperiment e { given x: vector(3) solve r = demo.quadratic() on tpu }\nderivation d { given A: matrix(3), y: foo }';
  const r = parseTlab(text);
  const at = r.errors.map((e) => text.slice(e.span.start, e.span.end));
  assert.ok(at.includes('sweep'), at.join('|'));
  assert.ok(at.includes('given'), at.join('|'));
  assert.ok(at.includes('tpu'), at.join('|'));
  assert.ok(at.includes('matrix(3)'), at.join('|'));
  assert.ok(at.includes('foo'), at.join('|'));
});

test('unterminated strings and comments are errors, not crashes', () => {
  const r1 = parseTlab('let s = "abc\nlet t = 1');
  assert.equal(r1.errors.length, 1);
  assert.equal(r1.file.items.length, 2);
  const r2 = parseTlab('let a = 1 /* never closed\nlet b = 2');
  assert.equal(r2.errors.length, 1);
  assert.match(r2.errors[0].message, /unterminated comment/);
});

test('selection, index, member chains, named and positional args, trailing comma', () => {
  const r = parseTlab('experiment e { expect bo.q[0] == f(1, x = 2,)[alpha = 2] }');
  assert.deepEqual(r.errors, []);
  const c = ((r.file.items[0] as ExperimentDecl).body[0] as ExpectStmt).condition as any;
  assert.equal(c.left.kind, 'index');
  assert.equal(c.left.object.kind, 'member');
  assert.equal(c.right.kind, 'select');
  assert.equal(c.right.object.args.length, 2);
  assert.equal(c.right.object.args[1].name, 'x');
});

test('re-parsing after edits reuses unchanged blocks and gives the same result as a fresh parse', () => {
  let text = read('experiments.tlab') + '\n' + read('derivations.tlab') + '\nlet tail = 1\n';
  const rng = new Rng(42);
  for (let i = 0; i < 150; i++) {
    const at = rng.int(text.length);
    text = i % 3 === 2 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ['x', ' ', '\n', '(', '}', '1'][rng.int(6)] + text.slice(at);
    const cached = parseTlab(text);
    clearParseCache();
    const fresh = parseTlab(text);
    assert.deepEqual(cached.file, fresh.file, `edit ${i}`);
    assert.deepEqual(cached.errors, fresh.errors, `edit ${i}`);
  }
});
