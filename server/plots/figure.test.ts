// Figures end to end: a `.tlab` plot block through the checker, the runner, the Vega-Lite spec
// builder and the Node SVG renderer of `theorylab run --out`. Asserts what a reader of the figure
// sees: axis titles from labels and units, power-of-ten log ticks, theory as a line and simulation as
// markers with error bars, the legend in declaration order, one seed without "± 0", heatmaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTlabFile, checkTlabFile } from '../tlab/cli';
import { InProcessRunner } from '../engine/runner';
import { parseCsv } from '../../protocol/csv';
import { publicationSpec, svgInInches } from '../../protocol/publication';
import { renderPlotSvg } from './renderSvg';

async function figure(source: string): Promise<{ svg: string; csv: string[][]; spec: Record<string, unknown> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-fig-'));
  const file = path.join(dir, 'f.tlab');
  fs.writeFileSync(file, source);
  const out = path.join(dir, 'out');
  const res = await runTlabFile(file, { json: true, out, runner: new InProcessRunner() });
  assert.equal(res.exitCode, 0, JSON.stringify(res.report));
  const files = fs.readdirSync(out);
  const read = (ext: string) => fs.readFileSync(path.join(out, files.find((f) => f.endsWith(ext))!), 'utf8');
  return { svg: read('.svg'), csv: parseCsv(read('.csv')), spec: JSON.parse(read('.json')) };
}

/** The texts of the SVG's <text> elements (multi-line ones joined with a space), in document order. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*?(?:\/>|>([\s\S]*?)<\/text>)/g)].map((m) => (m[1] ?? '').replace(/<tspan[^>]*>/g, ' ').replace(/<\/tspan>/g, '').trim());
}

/** Number of drawn items in all mark groups of a class (`mark-symbol`, `mark-rule` …). */
function marks(svg: string, cls: string): number {
  let n = 0;
  for (let at = svg.indexOf(`class="${cls} role-mark`); at >= 0; at = svg.indexOf(`class="${cls} role-mark`, at + 1)) {
    n += (svg.slice(at, svg.indexOf('</g>', at)).match(/<path|<line/g) ?? []).length;
  }
  return n;
}

const SIM = `experiment noisy {
  sweep n = [10, 30, 100, 300, 1000]
  simulate s = demo.noisy_mean(mu = 1, sigma = 1, n = n, seeds = SEEDS)
  plot "sample mean vs n" {
    x = n                 label "samples" unit "draws"  scale log
    y = 1 + s.stderr      label "1 + σ/√n (theory)"
    y = s.mean            label "sample mean, SEEDS seeds"
    ylabel "sample mean"
  }
}
`;

test('a simulate series is drawn as markers with ±std error bars, the theory as a line, titled from the labels', async () => {
  const { svg, csv } = await figure(SIM.replace(/SEEDS/g, '4'));
  const t = texts(svg);
  assert.ok(t.includes('samples (draws)'), `x title from label and unit: ${t.join(' | ')}`);
  assert.ok(t.includes('sample mean'), 'y title from the plot’s ylabel');
  assert.ok(!t.includes('value') && !t.includes('x') && !t.includes('y'), 'no generic axis titles');
  for (const p of ['10¹', '10²', '10³']) assert.ok(t.includes(p), `log tick label ${p}: ${t.join(' | ')}`);
  assert.ok(!t.includes('20') && !t.includes('200'), 'minor log ticks are unlabelled');
  assert.equal(marks(svg, 'mark-symbol'), 5 + 5, 'transparent hover points of the theory line and one marker per simulated grid point');
  assert.equal(marks(svg, 'mark-rule'), 5, 'one error bar per simulated point');
  assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 1, 'one line: the theory');
  // legend in declaration order
  const a = t.indexOf('1 + σ/√n (theory)'), b = t.indexOf('sample mean, 4 seeds');
  assert.ok(a >= 0 && b > a, `legend order: ${t.join(' | ')}`);
  // CSV: quoted header with commas, equal-length rows, a std column for the simulation only
  assert.deepEqual(csv[0], ['samples', '1 + σ/√n (theory)', 'sample mean, 4 seeds', 'sample mean, 4 seeds (std)']);
  assert.equal(csv.length, 6);
  assert.ok(csv.every((r) => r.length === 4));
  const stds = csv.slice(1).map((r) => Number(r[3]));
  // the std over seeds of a mean of n draws is about 1/√n: it shrinks as n grows
  assert.ok(stds[0] > stds[4] && stds.every((s) => s > 0), stds.join(','));
});

test('one seed: markers without error bars and no (std) column', async () => {
  const { svg, csv, spec } = await figure(SIM.replace(/SEEDS/g, '1'));
  assert.equal(marks(svg, 'mark-rule'), 0, 'no error bars of zero length');
  assert.ok(marks(svg, 'mark-symbol') >= 5);
  assert.ok(!csv[0].some((h) => h.includes('(std)')), csv[0].join(','));
  assert.ok(!JSON.stringify(spec).includes('std over seeds'), 'no std in the tooltip');
});

test('a log y axis fits the data: data 0.03–0.3 is not drawn on 0.01–1', async () => {
  const { spec, svg } = await figure(`experiment e {
  sweep n = [10, 30, 100, 300, 1000]
  solve s = demo.noisy_mean(n = n, seeds = 2)
  plot { x = n  y = s.stderr label "σ/√n" scale log }
}
`);
  const layer = (spec.layer as { encoding: { y: { scale: { type: string; domain: number[] } } } }[])[0];
  assert.equal(layer.encoding.y.scale.type, 'log');
  const [lo, hi] = layer.encoding.y.scale.domain;
  assert.ok(lo > 0.025 && lo < 0.0316 && hi > 0.316 && hi < 0.4, `${lo} ${hi}`);
  assert.ok(texts(svg).includes('σ/√n'), 'a single y line titles the y axis');
  assert.ok(texts(svg).includes('10⁻¹'));
});

test('heatmap and image lines render matrices as cells, images reshaped from square vectors', async () => {
  const { svg, csv } = await figure(`experiment pics {
  let m = [[1, 2, 3], [4, 5, 6]]
  plot "pictures" {
    heatmap = m                       label "overlaps"
    image = [1, -1, -1, 1]            label "pattern"
  }
}
`);
  assert.equal(marks(svg, 'mark-rect'), 6 + 4, 'one cell per matrix entry');
  const t = texts(svg);
  assert.ok(t.includes('overlaps') && t.includes('pattern'), t.join(' | '));
  const rects = [...svg.matchAll(/class="mark-rect role-mark[\s\S]*?<\/g>/g)];
  assert.equal(rects.length, 2);
  assert.equal((rects[1][0].match(/<path/g) ?? []).length, 4, 'a 4-vector image is a 2×2 picture');
  assert.deepEqual(csv[0], ['panel', 'row', 'col', 'value']);
  assert.equal(csv.length, 1 + 6 + 4);
});

test('a heatmap plot with x/y lines, or a heatmap of a series, is a diagnostic at the line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-fig-'));
  const file = path.join(dir, 'bad.tlab');
  fs.writeFileSync(file, `experiment e {
  sweep a = [1, 2]
  solve q = demo.quadratic(a = a)
  plot {
    heatmap = [[1, 2]]
    y = q.f_min
  }
  plot { heatmap = q.f_min }
}
`);
  const msgs = checkTlabFile(file).diagnostics.map((d) => `${d.line}: ${d.message}`);
  assert.ok(msgs.some((m) => m.startsWith('6: a plot with `heatmap =`')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('8: `heatmap =` needs a matrix or a vector')), msgs.join('\n'));
});

test('the publication preset sizes the SVG in inches with serif fonts, keeping the drawing', async () => {
  const { spec } = await figure(SIM.replace(/SEEDS/g, '3'));
  const pub = publicationSpec(spec, 3.5, 2.6);
  const svg = svgInInches(await renderPlotSvg(pub), 'sample mean vs n');
  const root = svg.match(/^<svg[^>]*>/)![0];
  const w = Number(root.match(/width="([\d.]+)in"/)![1]), h = Number(root.match(/height="([\d.]+)in"/)![1]);
  assert.ok(Math.abs(w - 3.5) < 0.6 && Math.abs(h - 2.6) < 0.6, `${w} × ${h} in`);
  assert.match(root, /viewBox="0 0 [\d.]+ [\d.]+"/);
  assert.match(svg, /font-family="Times New Roman, Times/);
  assert.ok(svg.includes('<title>sample mean vs n</title>'));
  assert.equal(marks(svg, 'mark-rule'), 5, 'the same error bars as on screen');
});
