import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTlab } from './checker';
import { parseTlab } from './parser';
import type { ExperimentDecl, ExpectStmt } from './ast';

function diags(text: string, files: Record<string, string> = {}) {
  const readFile = (_from: string, rel: string) => {
    if (!(rel in files)) throw new Error(`file not found: '${rel}'`);
    return { uri: `file:///ws/${rel}`, text: files[rel] };
  };
  const a = checkTlab(text, { uri: 'file:///ws/main.tlab', readFile });
  return a.diagnostics.map((d) => ({ at: text.slice(d.span.start, d.span.end), message: d.message, severity: d.severity, fixes: d.fixes?.map((f) => f.newText) }));
}

test('scopes: experiment → file → imports; block-local names stay local', () => {
  const d = diags('import "lib.tlab"\nlet top = libval + 1\nexperiment a { let local = top + libfn(2) }\nexperiment b { let z = local }', { 'lib.tlab': 'let libval = 1\nlet libfn(x) = 2 * x' });
  assert.deepEqual(d.map((x) => [x.at, x.message]), [['local', 'unknown name `local`']]);
});

test('use before definition and duplicates are errors', () => {
  const d = diags('experiment e {\n  let y = x\n  let x = 1\n  let x = 2\n}');
  assert.deepEqual(d.map((x) => x.at), ['x', 'x']);
  assert.match(d[1].message, /already defined in this scope \(line 3\)/);
});

test('import cycles and broken imports are reported at the import path', () => {
  const d = diags('import "a.tlab"\nimport "missing.tlab"\nimport "bad.tlab"', {
    'a.tlab': 'import "b.tlab"\nlet a = 1', 'b.tlab': 'import "a.tlab"\nlet b = 2', 'bad.tlab': 'let q = (',
  });
  assert.ok(d.some((x) => x.at === '"a.tlab"' && /import cycle: a\.tlab → b\.tlab → a\.tlab/.test(x.message)), JSON.stringify(d));
  assert.ok(d.some((x) => x.at === '"missing.tlab"' && /cannot import 'missing.tlab': file not found/.test(x.message)));
  assert.ok(d.some((x) => x.at === '"bad.tlab"' && /'bad.tlab' has \d+ errors?; the first, line 1: expected an expression/.test(x.message)));
});

test('solver calls: unknown solver/parameter with quick fixes, missing required, types, ranges per grid point', () => {
  const d = diags(`experiment e {
  sweep a = [0.5, 1, 2]
  solve r = demo.quadratik(a = 1)
  solve q = demo.quadratic(a = a - 1, bb = 2, c = "s")
  simulate m = demo.noisy_mean(seeds = 2.5)
  solve bo = scaling.bayes_optimal(d = 10, k = 3, readouts = dens)
  solve ok = demo.noisy_mean(n = 5)
  solve pos = demo.quadratic(1)
}`);
  const by = (re: RegExp) => d.find((x) => re.test(x.message));
  assert.deepEqual(by(/unknown solver/)!.fixes, ['demo.quadratic']);
  assert.equal(by(/unknown solver/)!.at, 'demo.quadratik');
  assert.equal(by(/documented range/)!.at, 'a - 1');
  assert.match(by(/documented range/)!.message, /at the grid point a = 0\.5/);
  assert.deepEqual(by(/no parameter `bb`/)!.fixes, ['b']);
  assert.equal(by(/expects a number, got a string/)!.at, '"s"');
  assert.equal(by(/must be an integer, got 2.5/)!.at, '2.5');
  assert.deepEqual(by(/must be one of power, dense, exp2, got 'dens'/)!.fixes, ['dense']);
  assert.ok(by(/alpha|give alpha or n/i), JSON.stringify(d));
  assert.equal(by(/is stochastic: write `simulate`/)!.severity, 'warning');
  assert.equal(by(/solver arguments are named/)!.at, '1');
});

test('results: unknown outputs suggest the right field; stat fields; selection needs a swept name', () => {
  const d = diags(`experiment e {
  sweep alpha = [1, 2]
  solve q = demo.quadratic(a = alpha)
  simulate m = demo.noisy_mean(n = 10)
  let a = q.x_mn
  let b = m.mean.std + m.mean.sd
  let c = q.x_min[alpa = 1]
  let s = m.mean[alpha = 1]
}`);
  assert.deepEqual(d.find((x) => x.at === 'x_mn')!.fixes, ['x_min']);
  assert.match(d.find((x) => x.at === 'sd')!.message, /mean, std and n/);
  assert.deepEqual(d.find((x) => x.at === 'alpa')!.fixes, ['alpha']);
  assert.match(d.find((x) => x.at === 'm.mean')!.message, /does not vary over `alpha`/);
});

test('expect, where, slope and plot shapes', () => {
  const d = diags(`experiment e {
  sweep a = [1, 2, 3]
  solve q = demo.quadratic(a = a)
  expect q.x_min < 2 within 1
  expect slope(q.x_min, 2) ≈ 1
  expect q.x_min ≈ 0 where 3
  expect q.x_min
  plot { y = q.x_min }
  let u = sum(3)
  sweep b = a
}`);
  const at = d.map((x) => [x.at, x.message]);
  assert.ok(at.some(([a, m]) => a === '1' && /`within` goes with `≈` only/.test(m)));
  assert.ok(at.some(([a, m]) => a === '2' && /slope\(y, x\) needs two series/.test(m)));
  assert.ok(at.some(([a, m]) => a === '3' && /`where` needs a condition/.test(m)));
  assert.ok(at.some(([a, m]) => a === 'q.x_min' && /states a condition/.test(m)));
  assert.ok(at.some(([a, m]) => a === 'plot' && /needs one `x = …` line/.test(m)));
  assert.ok(at.some(([a, m]) => a === '3' && /sum needs a list or a series/.test(m)));
  assert.ok(at.some(([a, m]) => a === 'a' && /cannot depend on another swept name/.test(m)));
});

test('derivation blocks get the derivation engine\'s static diagnostics', () => {
  const d = diags('derivation d {\n  given x: vector(3), A: matrix(2, 2)\n  check A @ x == x\n}');
  assert.ok(d.length >= 1);
  assert.ok(d.every((x) => x.severity === 'error' || x.severity === 'warning'));
});

test('a clean file has no diagnostics', () => {
  assert.deepEqual(diags('let d = 3\nexperiment e {\n  sweep a = linspace(1, 2, 3)\n  solve q = demo.quadratic(a = a * d, b = 1)\n  expect max(q.x_min) < 0\n}'), []);
});

test('`~=` is the ASCII spelling of `≈`: same tree, `within` accepted, no diagnostic', () => {
  const ascii = 'experiment a {\n  solve q = demo.quadratic(a = 1, b = -2)\n  expect q.x_min ~= 1 within 1%\n}\n';
  assert.deepEqual(diags(ascii), []);
  const st = parseTlab(ascii).file.items[0] as ExperimentDecl;
  const e = st.body[1] as ExpectStmt;
  assert.equal(e.condition.kind === 'binary' && e.condition.op, '≈');
  assert.equal(e.percent, true);
});

test('a misspelt statement keyword: one diagnostic with the suggestion and a fix; the statement still parses', () => {
  assert.deepEqual(diags('experimnt a {\n  let x = 1\n}\n'), [
    { at: 'experimnt', message: 'unknown keyword `experimnt` — did you mean `experiment`?', severity: 'error', fixes: ['experiment'] },
  ]);
  // `x` is still defined by the misspelt `let`: no "unknown name" after it
  assert.deepEqual(diags('experiment a {\n  lte x = 1\n  expect x == 1\n}\n').map((d) => d.message), ['unknown keyword `lte` — did you mean `let`?']);
});

test('range(a, b, step = …): the documented named step is accepted, in its place only, and runs', () => {
  assert.deepEqual(diags('let a = range(0, 10, step = 2)\nlet b = range(0, 10, 2)\n'), []);
  const misplaced = diags('let c = range(0, step = 2)\nlet d = linspace(0, 1, n = 3)\n');
  assert.deepEqual(misplaced.map((x) => [x.at, x.message]), [
    ['step', '`step =` must be argument 3 of range(a, b, step = 1)'],
    ['n', 'functions take positional arguments (named arguments are for solver calls)'],
  ]);
  const a = checkTlab('let a = range(1, 8, step = 3)\n', { uri: 'file:///ws/r.tlab', readFile: () => { throw new Error('none'); } });
  const sym = a.symbols.find((s) => s.name === 'a')!;
  assert.deepEqual(sym.value, [1, 4, 7]);
});
