// The evaluator's two entry points agree: evalStatic returns the Unknown that evalExpr throws (the same
// first unknown name, the same values recorded before it), and the same value or EvalError otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentDecl, LetStmt } from './ast';
import { buildGrid, Env, evalExpr, EvalContext, evalStatic, makeFunction, Unknown } from './evaluator';
import { parseTlab } from './parser';
import type { RV } from './values';

const exprs = [
  '1 + 2 * 3', '-x + 1', 'q.m / (-b / (2 * a))', 'b + q.m', 'q.m + b', '[1, x, q.m, 4]', '[1, 2] + [1, 2, 3] + q.m',
  'q.m + [1, 2] + [1, 2, 3]', 'f(q.m)', 'f(2)', 'g(3)', 'nosuch(1, 2)', 'nosuch(q.m)', 'sqrt(x) + log(a)', 'max(a, q.m)',
  's[a = 2]', 's[a = q.m]', 'q.m[a = 1]', 's[a = 7]', 'not (x > 1)', 'x > 1 and q.m', 'q.m or y', '-q.m', 'q.m.T',
  'l[1]', 'l[q.m]', 'q.m[0]', 'l[9]', 'x + "s"', 'sum(s) / mean(s)', 'slope(s, a)',
];

function setup(): { env: Env; ctx: EvalContext; log: string[] } {
  const src = 'experiment e { let b = 3\n let x = 2\n let y = 0\n let l = [1, 2, 3]\n let f(u) = u * b\n let g(u) = u + zz\n sweep a = [1, 2, 4] }';
  const body = (parseTlab(src).file.items[0] as ExperimentDecl).body;
  const lets = body.filter((s): s is LetStmt => s.kind === 'let');
  const grid = buildGrid([{ name: 'a', values: [1, 2, 4] }]);
  const log: string[] = [];
  const ctx: EvalContext = { grid, text: src, record: (span, v) => log.push(`${span.start}:${span.end}=${JSON.stringify(v)}`) };
  const env = new Env();
  for (const st of lets) {
    if (st.params) env.set(st.name.name, makeFunction(st.name.name, st.params.map((p) => p.name), st.value, env, ctx));
    else env.set(st.name.name, evalExpr(st.value, env, ctx));
  }
  const a: RV = { kind: 'series', idx: [0, 1, 2], values: [1, 2, 4] };
  env.set('a', a);
  env.set('s', { kind: 'series', idx: [0, 1, 2], values: [3, 5, 9] });
  log.length = 0;
  return { env, ctx, log };
}

function outcome(f: () => RV | Unknown): string {
  try {
    const v = f();
    return v instanceof Unknown ? `unknown ${v.name}` : `value ${JSON.stringify(v)}`;
  } catch (e) {
    return e instanceof Unknown ? `unknown ${e.name}` : `error ${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

test('evalStatic returns what evalExpr throws or returns, with the same values recorded', () => {
  for (const src of exprs) {
    const e = (parseTlab(`let z = ${src}`).file.items[0] as LetStmt).value;
    const s1 = setup(), s2 = setup();
    const thrown = outcome(() => evalExpr(e, s1.env, s1.ctx));
    const returned = outcome(() => evalStatic(e, s2.env, s2.ctx));
    assert.equal(returned, thrown, src);
    assert.deepEqual(s2.log, s1.log, src);
  }
});
