import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTlabFile } from '../tlab/cli';
import { InProcessRunner } from '../engine/runner';

test('theorylab run --out DIR writes each plot as Vega-Lite JSON, CSV and a rendered SVG', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-out-'));
  const file = path.join(dir, 'p.tlab');
  fs.writeFileSync(file, `experiment curve {
  sweep b = linspace(-2, 2, 5)
  solve q = demo.quadratic(a = 1, b = b)
  plot "minimum" {
    x = b         label "b"
    y = q.f_min   label "f min"
  }
}
`);
  const out = path.join(dir, 'out');
  const res = await runTlabFile(file, { json: true, out, runner: new InProcessRunner() });
  assert.equal(res.exitCode, 0);
  const files = fs.readdirSync(out).sort();
  assert.deepEqual(files.map((f) => f.replace(/^.*\./, '')), ['csv', 'svg', 'json']);
  const svg = fs.readFileSync(path.join(out, files.find((f) => f.endsWith('.svg'))!), 'utf8');
  assert.match(svg, /^<svg/);
  const symbols = svg.slice(svg.indexOf('mark-symbol'));
  assert.equal((symbols.slice(0, symbols.indexOf('</g>')).match(/<path/g) ?? []).length, 5, 'one point per grid value');
  const csv = fs.readFileSync(path.join(out, files.find((f) => f.endsWith('.csv'))!), 'utf8').trim().split('\n');
  assert.equal(csv.length, 6);
});
