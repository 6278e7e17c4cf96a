import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlotSvg } from './renderSvg';

test('a Vega-Lite spec with log axes and two overlaid series renders to SVG in Node', async () => {
  const values = [1, 2, 4, 8, 16].flatMap((x) => [
    { x, y: 1 / x, series: 'theory' },
    { x, y: 1.1 / x, series: 'simulation' },
  ]);
  const svg = await renderPlotSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { type: 'log' } },
      y: { field: 'y', type: 'quantitative', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal' },
    },
  });
  assert.match(svg, /^<svg/);
  // one line per series, and one point symbol per data row
  assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2);
  const symbols = svg.slice(svg.indexOf('class="mark-symbol role-mark'));
  assert.equal((symbols.slice(0, symbols.indexOf('</g>')).match(/<path/g) ?? []).length, 10);
  assert.match(svg, /simulation/);
});

test('an invalid spec is an error, not a crash', async () => {
  await assert.rejects(renderPlotSvg({ mark: 'nonsense-mark', data: { values: [] } }));
});
