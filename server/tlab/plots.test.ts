// Plot lines that share a label, or cannot be paired with x: each line keeps its own series (legend
// entry, colour, CSV column) under a unique name with one warning, and a y list of another length than
// x is an error on that line instead of a blank CSV cell. Unit tests of buildPlot, then the same cases
// end to end through `theorylab run --out` (CSV text, Vega-Lite spec, diagnostics with their lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPlot, PlotLine, rowsToCsv } from './plots';
import { runTlabFile } from './cli';
import { InProcessRunner } from '../engine/runner';
import { EvalError, RV } from './values';

const series = (values: RV[]): RV => ({ kind: 'series', idx: values.map((_, i) => i), values });
const line = (axis: 'x' | 'y', label: string, value: RV, extra: Partial<PlotLine> = {}): PlotLine => ({ axis, label, value, ...extra });
type Spec = { data: { values: { x: number; y: number; series: string }[] }; layer: { encoding: { color: { scale: { domain: string[] }; legend: unknown } } }[] };
const seriesOf = (spec: Record<string, unknown>) => (spec as unknown as Spec).data.values.map((d) => [d.x, d.y, d.series]);
const domain = (spec: Record<string, unknown>) => (spec as unknown as Spec).layer[0].encoding.color.scale.domain;

test('two y lines with one label keep their own data and series; one warning names the renamed line', () => {
  const b = series([1, 2, 3]);
  const p = buildPlot('same label', [line('x', 'b', b), line('y', 'f', series([2, 4, 6])), line('y', 'f', series([3, 6, 9]))]);
  assert.equal(rowsToCsv(p.rows), 'b,f,f (2)\r\n1,2,3\r\n2,4,6\r\n3,6,9\r\n');
  assert.deepEqual(seriesOf(p.spec), [[1, 2, 'f'], [2, 4, 'f'], [3, 6, 'f'], [1, 3, 'f (2)'], [2, 6, 'f (2)'], [3, 9, 'f (2)']]);
  assert.deepEqual(domain(p.spec), ['f', 'f (2)']);
  assert.deepEqual(p.warnings, ['two lines are labelled `f`: the second is shown as `f (2)` (legend, tooltip and CSV column); give each line its own `label "…"`']);
});

test('three lines with one label: one warning, and a generated name never takes a label written in the plot', () => {
  const x = [1, 2];
  const p = buildPlot('t', [line('x', 'n', x), line('y', 'f', [1, 1]), line('y', 'f', [2, 2]), line('y', 'f (2)', [3, 3]), line('y', 'f', [4, 4])]);
  assert.equal(rowsToCsv(p.rows), 'n,f,f (3),f (2),f (4)\r\n1,1,2,3,4\r\n2,1,2,3,4\r\n');
  assert.deepEqual(domain(p.spec), ['f', 'f (3)', 'f (2)', 'f (4)']);
  assert.deepEqual(p.warnings, ['3 lines are labelled `f`: the later ones are shown as `f (3)`, `f (4)` (legend, tooltip and CSV column); give each line its own `label "…"`']);
});

test('a y line named like the x line gets its own column, not the x column', () => {
  const b = series([1, 2, 3]);
  const p = buildPlot('xy', [line('x', 'b', b), line('y', 'b', b)]);
  assert.equal(rowsToCsv(p.rows), 'b,b (2)\r\n1,1\r\n2,2\r\n3,3\r\n');
  assert.deepEqual(seriesOf(p.spec), [[1, 1, 'b (2)'], [2, 2, 'b (2)'], [3, 3, 'b (2)']]);
  assert.deepEqual(domain(p.spec), ['b (2)']);
  assert.deepEqual(p.warnings, ['two lines are labelled `b` (the x line and a y line): the y line is shown as `b (2)` (legend, tooltip and CSV column); give each line its own `label "…"`']);
});

test('simulated lines keep their (std) columns apart from other lines', () => {
  const stat = (mean: number): RV => ({ kind: 'stat', mean, std: 0.5, n: 4 });
  const p = buildPlot('sim', [line('x', 'n', [1, 2]), line('y', 's', [stat(1), stat(2)]), line('y', 's (std)', [7, 8]), line('y', 's', [stat(3), stat(4)])]);
  assert.equal(rowsToCsv(p.rows), 'n,s,s (std),s (std) (2),s (2),s (2) (std)\r\n1,1,0.5,7,3,0.5\r\n2,2,0.5,8,4,0.5\r\n');
  assert.deepEqual(domain(p.spec), ['s', 's (std) (2)', 's (2)']);
  assert.equal(p.warnings.length, 2);
  assert.match(p.warnings[0], /^two lines are labelled `s`: the second is shown as `s \(2\)`/);
  assert.match(p.warnings[1], /^the line `s \(std\)` is shown as `s \(std\) \(2\)` .*clash with another column/);
});

test('distinct labels: unchanged, no warning', () => {
  const p = buildPlot('ok', [line('x', 'b', [1, 2]), line('y', 'f', [1, 2]), line('y', 'g', [3, 4])]);
  assert.equal(rowsToCsv(p.rows), 'b,f,g\r\n1,1,3\r\n2,2,4\r\n');
  assert.deepEqual(p.warnings, []);
});

test('a y list of another length than x is an error at that y line; constants and joined series are not', () => {
  const span = { start: 10, end: 20 };
  assert.throws(() => buildPlot('short', [line('x', 'x', [1, 2, 3]), line('y', 'y', [1, 2], { span })]), (e: unknown) => {
    assert.ok(e instanceof EvalError);
    assert.deepEqual(e.span, span);
    assert.equal(e.message, 'the y line `y` has 2 values but the x line `x` has 3 values: each y value is drawn at the x value in the same position, so give both lines the same number of values');
    return true;
  });
  assert.throws(() => buildPlot('long', [line('x', 'x', [1, 2]), line('y', 'y', series([1, 2, 3]))]), /the y line `y` has 3 values but the x line `x` has 2 values/);
  assert.throws(() => buildPlot('const x', [line('x', 'x', 1), line('y', 'y', [1, 2])]), /the y line `y` has 2 values but the x line `x` is one number/);
  // a constant y is drawn across every x; two series join on their common grid points
  assert.equal(rowsToCsv(buildPlot('c', [line('x', 'x', [1, 2]), line('y', 'c', 5)]).rows), 'x,c\r\n1,5\r\n2,5\r\n');
  const sub: RV = { kind: 'series', idx: [0, 2], values: [10, 30] };
  assert.equal(rowsToCsv(buildPlot('s', [line('x', 'x', series([1, 2, 3])), line('y', 'y', sub)]).rows), 'x,y\r\n1,10\r\n2,\r\n3,30\r\n');
});

async function run(source: string): Promise<{ exitCode: number; report: any; out: string; files: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-plot-labels-'));
  const file = path.join(dir, 'p.tlab');
  fs.writeFileSync(file, source);
  const out = path.join(dir, 'out');
  const res = await runTlabFile(file, { json: true, out, runner: new InProcessRunner() });
  return { exitCode: res.exitCode, report: res.report, out, files: fs.existsSync(out) ? fs.readdirSync(out).sort() : [] };
}

test('end to end: repeated labels give separate CSV columns and series, and a warning on the plot line', async () => {
  const r = await run(`experiment e {
  sweep b = [1, 2, 3]
  let f1 = b * 2
  let f2 = b * 3
  plot "same label" {
    x = b  label "b"
    y = f1 label "f"
    y = f2 label "f"
  }
  plot "xy" { x = b  y = b }
  plot "lists" { x = [1, 2]  y = [1, 2]  y = [3, 4] label "b" }
}
`);
  assert.equal(r.exitCode, 0, JSON.stringify(r.report));
  const read = (f: string) => fs.readFileSync(path.join(r.out, f), 'utf8');
  assert.equal(read('e-1-same_label.csv'), 'b,f,f (2)\r\n1,2,3\r\n2,4,6\r\n3,6,9\r\n');
  assert.equal(read('e-2-xy.csv'), 'b,b (2)\r\n1,1\r\n2,2\r\n3,3\r\n');
  assert.equal(read('e-3-lists.csv'), '"[1, 2]","[1, 2] (2)",b\r\n1,1,3\r\n2,2,4\r\n');
  const spec = JSON.parse(read('e-1-same_label.vl.json'));
  assert.deepEqual(seriesOf(spec).map((d) => d[2]), ['f', 'f', 'f', 'f (2)', 'f (2)', 'f (2)']);
  assert.deepEqual(domain(spec), ['f', 'f (2)']);
  assert.deepEqual(domain(JSON.parse(read('e-3-lists.vl.json'))), ['[1, 2] (2)', 'b']);
  const issues = r.report.blocks[0].issues.map((i: any) => [i.line, i.severity, i.message]);
  assert.deepEqual(issues, [
    [5, 'warning', 'two lines are labelled `f`: the second is shown as `f (2)` (legend, tooltip and CSV column); give each line its own `label "…"`'],
    [10, 'warning', 'two lines are labelled `b` (the x line and a y line): the y line is shown as `b (2)` (legend, tooltip and CSV column); give each line its own `label "…"`'],
    [11, 'warning', 'two lines are labelled `[1, 2]` (the x line and a y line): the y line is shown as `[1, 2] (2)` (legend, tooltip and CSV column); give each line its own `label "…"`'],
  ]);
});

test('end to end: a y list shorter than x is an error, not a blank CSV cell', async () => {
  const r = await run('experiment e {\n  plot "short" {\n    x = [1, 2, 3]\n    y = [1, 2]\n  }\n}\n');
  assert.equal(r.exitCode, 2);
  assert.ok(!r.files.some((f) => f.endsWith('.csv')), r.files.join());
  const issues = r.report.blocks[0].issues;
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0].severity, 'error');
  assert.equal(issues[0].message, 'the y line `[1, 2]` has 2 values but the x line `[1, 2, 3]` has 3 values: each y value is drawn at the x value in the same position, so give both lines the same number of values');
  // on the y line once the runner passes each line's span (PlotLine.span), else on the plot statement
  assert.ok([2, 4].includes(issues[0].line), JSON.stringify(issues[0]));
});
