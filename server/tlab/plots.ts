// Turns the evaluated lines of a `plot` statement into a complete Vega-Lite v5 spec with inline data,
// styled like a matplotlib figure (framed axes, outward ticks, tab10 colours, no grid): axis titles
// from the lines' labels and units, data-fitted domains, power-of-ten log ticks, a legend in the order
// the lines are declared, theory (`solve`, plain numbers) as lines and simulations (values with a mean
// and std over seeds) as markers with ±std error bars, none when there is only one seed. `heatmap` and
// `image` lines become pictures (server/plots/heatmap.ts). Also gives wide rows for CSV/JSON export.
// Every line keeps its own series and CSV column even when labels repeat (the repeats are renamed
// `f (2)`, … with a warning), and a y line that cannot be paired with x value by value is an error.
import type { Span } from './ast';
import { EvalError, isSeries, isStat, RV, toNumber } from './values';
import { exprLiteral, fittedDomain, logTicks, wrapLabel } from '../plots/axes';
import { matrixRows, matrixSpec, MatrixPanel, toMatrix } from '../plots/heatmap';
export { rowsToCsv } from '../../protocol/csv';

export interface PlotLine {
  axis: 'x' | 'y' | 'heatmap' | 'image';
  label: string;
  scale?: 'log' | 'linear';
  /** Unit of the quantity, shown in the axis title as "label (unit)". */
  unit?: string;
  value: RV;
  /** Where the line is written: a y line that cannot be paired with x is reported there. */
  span?: Span;
}

/** Plot-level axis titles (`xlabel "…"`, `ylabel "…"` in the plot block) override the derived ones. */
export interface PlotAxisTitles { xlabel?: string; ylabel?: string }

export interface BuiltPlot { spec: Record<string, unknown>; rows: Record<string, number | string | null>[]; warnings: string[] }

interface Point { key: number; v: number; std?: number; n?: number }

/** matplotlib's default colour cycle (tab10). */
export const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The look shared by the panel, the exports and `--out` (the panel overrides only the colours). */
export const FIGURE_CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: '#000000', strokeWidth: 0.8 },
  axis: {
    grid: false, domain: false, tickColor: '#000000', tickWidth: 0.8, tickSize: 3.5,
    labelFontSize: 10, labelColor: '#000000', titleFontSize: 11, titleFontWeight: 'normal', titleColor: '#000000', labelFlush: false,
  },
  legend: { labelFontSize: 10, symbolStrokeWidth: 1.5, labelLimit: 0, rowPadding: 4, columnPadding: 14 },
  title: { fontSize: 12, fontWeight: 'normal', anchor: 'middle' },
  line: { strokeWidth: 1.5 },
};

/** One (key, value) per grid point (series) or list entry (lists); keys join x with each y. */
function points(v: RV, label: string): Point[] {
  const one = (x: RV, key: number): Point => (isStat(x)
    ? { key, v: x.mean, ...(x.n > 1 && Number.isFinite(x.std) ? { std: x.std, n: x.n } : { n: x.n }) }
    : { key, v: toNumber(x, `plot line '${label}'`) });
  if (isSeries(v)) {
    if (v.values.some(Array.isArray)) throw new Error(`plot line '${label}' has a list at each grid point; plot one entry (e.g. ${label}[0]) or an aggregate, or draw it with \`heatmap =\``);
    return v.values.map((x, k) => one(x, v.idx[k]));
  }
  if (Array.isArray(v)) return v.map((x, k) => one(x, k));
  return [one(v, -1)];
}

/** A value is a simulation (markers) when it carries a mean over seeds; otherwise theory (a line). */
function isSimulated(v: RV): boolean {
  if (isStat(v)) return true;
  if (isSeries(v)) return v.values.some(isStat);
  return Array.isArray(v) && v.some(isStat);
}

const titled = (label: string, unit?: string) => (unit ? `${label} (${unit})` : label);

/** How many values a line has: one per grid point or list entry; null for a constant (drawn across every x). */
function count(v: RV): number | null {
  if (isSeries(v)) return v.values.length;
  return Array.isArray(v) ? v.length : null;
}

const values = (n: number) => `${n} value${n === 1 ? '' : 's'}`;

/**
 * A y line is paired with x position by position (lists) or grid point by grid point (series). Two
 * series join on their common grid points, but a list (or a constant x) of another length has no
 * partner for some values: an error, as for arithmetic on lists of different lengths, rather than a
 * blank CSV cell and silently missing points.
 */
function checkPairing(x: PlotLine, y: PlotLine): void {
  const nx = count(x.value), ny = count(y.value);
  if (ny === null || nx === ny || (isSeries(x.value) && isSeries(y.value))) return;
  const xHas = nx === null ? 'is one number' : `has ${values(nx)}`;
  throw new EvalError(`the y line \`${y.label}\` has ${values(ny)} but the x line \`${x.label}\` ${xHas}: each y value is drawn at the x value in the same position, so give both lines the same number of values`, y.span);
}

/**
 * The name of each y line's series (legend entry, `series` field, CSV column): its label, made unique.
 * The CSV rows and the colour scale are keyed by these names, so two lines with one name would
 * overwrite each other's column and draw as one zig-zag series. The x column keeps its label; a later
 * line whose label is taken becomes `label (2)`, `label (3)` … (never a label written elsewhere in the
 * plot), and a simulated line also needs its `label (std)` column free. One warning per shared label.
 */
function seriesKeys(xLine: PlotLine, yLines: PlotLine[], simulated: boolean[]): { keys: string[]; warnings: string[] } {
  const written = new Set([xLine.label, ...yLines.map((l) => l.label)]);
  const taken = new Set([xLine.label]);
  const ok = (k: string, label: string, sim: boolean) => !taken.has(k) && !(sim && taken.has(`${k} (std)`)) && (k === label || !written.has(k));
  const keys = yLines.map((l, i) => {
    let key = l.label;
    for (let n = 2; !ok(key, l.label, simulated[i]); n++) key = `${l.label} (${n})`;
    taken.add(key);
    if (simulated[i]) taken.add(`${key} (std)`);
    return key;
  });
  const warnings: string[] = [];
  const where = '(legend, tooltip and CSV column)';
  for (const label of new Set(yLines.map((l) => l.label))) {
    const ys = yLines.flatMap((l, i) => (l.label === label ? [i] : []));
    const renamed = ys.filter((i) => keys[i] !== label).map((i) => `\`${keys[i]}\``);
    if (!renamed.length) continue;
    const withX = xLine.label === label;
    const n = ys.length + (withX ? 1 : 0);
    if (n === 1) {
      warnings.push(`the line \`${label}\` is shown as ${renamed[0]} ${where}: its name or its \`(std)\` column would clash with another column of this plot; give it another \`label "…"\``);
    } else {
      const who = withX ? ` (the x line and ${n === 2 ? 'a y line' : 'y lines'})` : '';
      const shown = n === 2 ? `the ${withX ? 'y line' : 'second'} is shown as ${renamed[0]}` : `the ${withX ? 'y lines are' : 'later ones are'} shown as ${renamed.join(', ')}`;
      warnings.push(`${n === 2 ? 'two' : n} lines are labelled \`${label}\`${who}: ${shown} ${where}; give each line its own \`label "…"\``);
    }
  }
  return { keys, warnings };
}

export function buildPlot(title: string, lines: PlotLine[], titles: PlotAxisTitles = {}): BuiltPlot {
  const pictures = lines.filter((l) => l.axis === 'heatmap' || l.axis === 'image');
  if (pictures.length) {
    if (pictures.length !== lines.length) throw new Error('a plot with `heatmap =` or `image =` lines has no `x =`/`y =` lines; put the curves in a plot of their own');
    const panels: MatrixPanel[] = pictures.map((l) => ({ kind: l.axis as 'heatmap' | 'image', label: l.label, matrix: toMatrix(l.value, l.axis as 'heatmap' | 'image', l.label) }));
    const { spec, warnings } = matrixSpec(title, panels);
    return { spec: { ...spec, config: FIGURE_CONFIG }, rows: matrixRows(panels), warnings };
  }
  const xLine = lines.find((l) => l.axis === 'x');
  const yLines = lines.filter((l) => l.axis === 'y');
  if (!xLine) throw new Error('a plot needs an `x = …` line');
  for (const line of yLines) checkPairing(xLine, line);
  const isSim = yLines.map((l) => isSimulated(l.value));
  // Series and CSV columns are keyed by unique names, not labels; axis titles still use the labels.
  const { keys, warnings } = seriesKeys(xLine, yLines, isSim);
  const xs = points(xLine.value, xLine.label);
  const xByKey = new Map(xs.map((p) => [p.key, p.v]));
  const xLog = xLine.scale === 'log';
  const yLog = yLines.some((l) => l.scale === 'log');
  const data: Record<string, number | string | null>[] = [];
  const wide = new Map<number, Record<string, number | string | null>>();
  for (const p of xs) wide.set(p.key, { [xLine.label]: p.v });
  const simulated = new Set<string>();
  let seeds = 0;
  for (const [i, line] of yLines.entries()) {
    const ys = points(line.value, line.label);
    const sim = isSim[i], name = keys[i];
    if (sim) simulated.add(name);
    let hidden = 0;
    for (const p of ys) {
      // A constant (one value) is drawn across every x.
      const at = p.key === -1 ? xs.map((q) => q.key) : [p.key];
      for (const key of at) {
        const x = xByKey.get(key);
        if (x === undefined) continue;
        const row = wide.get(key)!;
        row[name] = Number.isFinite(p.v) ? p.v : null;
        // One seed has no spread: no "(std)" column of zeros.
        if (p.std !== undefined) row[`${name} (std)`] = p.std;
        if (!Number.isFinite(x) || !Number.isFinite(p.v) || (xLog && x <= 0) || (yLog && p.v <= 0)) { hidden++; continue; }
        const d: Record<string, number | string | null> = { x, y: p.v, series: name, kind: sim ? 'simulation' : 'theory' };
        if (p.std !== undefined) {
          d.std = p.std; d.n = p.n ?? null; d.lo = p.v - p.std; d.hi = p.v + p.std;
          seeds = Math.max(seeds, p.n ?? 0);
        }
        data.push(d);
      }
    }
    if (hidden) warnings.push(`${hidden} point${hidden > 1 ? 's' : ''} of '${name}' not drawn (not finite${xLog || yLog ? ', or ≤ 0 on a log axis' : ''})`);
  }
  const xDomain = fittedDomain(data.map((d) => d.x as number), xLog);
  const yDomain = fittedDomain(data.flatMap((d) => [d.y as number, ...(d.lo !== undefined ? [d.lo as number, d.hi as number] : [])]), yLog);
  // An error bar reaching below zero on a log axis is cut at the bottom of the plot.
  if (yLog && yDomain) for (const d of data) if (d.lo !== undefined && (d.lo as number) <= 0) d.lo = yDomain[0];

  const xTitle = titles.xlabel ?? titled(xLine.label, xLine.unit);
  const units = [...new Set(yLines.map((l) => l.unit))];
  const yTitle = titles.ylabel
    ?? (yLines.length === 1 ? titled(yLines[0].label, yLines[0].unit) : units.length === 1 && units[0] ? units[0] : null);
  const xEnc = { field: 'x', type: 'quantitative', title: xTitle, scale: scaleOf(xLog, xDomain), axis: axisOf(xLog, xDomain) };
  const yEnc = { field: 'y', type: 'quantitative', title: yTitle, scale: scaleOf(yLog, yDomain), axis: axisOf(yLog, yDomain) };
  const order = keys;
  const color = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: order, range: order.map((_, i) => TAB10[i % TAB10.length]) },
    legend: yLines.length > 1 ? legendOf(order, [...simulated]) : null,
  };
  const fmt = '.4~g';
  const tipX = { field: 'x', type: 'quantitative', title: xTitle, format: fmt };
  const tipY = { field: 'y', type: 'quantitative', title: 'value', format: fmt };
  const tipSeries = { field: 'series', type: 'nominal', title: 'series' };
  const layer: unknown[] = [];
  if (keys.some((k) => !simulated.has(k))) {
    layer.push({
      transform: [{ filter: "datum.kind === 'theory'" }],
      mark: { type: 'line', point: xs.length > 1 ? 'transparent' : { filled: true, size: 30 }, clip: true },
      encoding: { x: xEnc, y: yEnc, color, tooltip: [tipSeries, tipX, tipY] },
    });
  }
  if (simulated.size) {
    if (data.some((d) => d.lo !== undefined)) {
      layer.push({
        transform: [{ filter: "datum.kind === 'simulation' && isValid(datum.lo)" }],
        mark: { type: 'errorbar', ticks: { size: 6 }, thickness: 1, clip: true },
        encoding: { x: xEnc, y: { field: 'lo', type: 'quantitative', scale: yEnc.scale, axis: yEnc.axis, title: yTitle }, y2: { field: 'hi' }, color },
      });
    }
    layer.push({
      transform: [{ filter: "datum.kind === 'simulation'" }],
      mark: { type: 'point', filled: true, size: 36, opacity: 1, clip: true },
      encoding: {
        x: xEnc, y: yEnc, color,
        tooltip: [tipSeries, tipX, tipY, ...(seeds > 1 ? [
          { field: 'std', type: 'quantitative', title: `std over seeds`, format: fmt },
          { field: 'n', type: 'quantitative', title: 'seeds' },
        ] : [])],
      },
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 480,
    height: 320,
    data: { values: data },
    layer,
    config: FIGURE_CONFIG,
  };
  return { spec, rows: [...wide.values()], warnings };
}

function scaleOf(log: boolean, domain: [number, number] | undefined): Record<string, unknown> {
  // (no `zero` on a log scale: Vega-Lite would warn that it drops it)
  return { type: log ? 'log' : 'linear', ...(log ? {} : { zero: false }), nice: false, ...(domain ? { domain } : {}) };
}

/** Log axes get explicit ticks: long labelled ones at powers of ten, short unlabelled ones between. */
function axisOf(log: boolean, domain: [number, number] | undefined): Record<string, unknown> {
  if (!log || !domain) return { tickCount: 6 };
  const t = logTicks(domain[0], domain[1]);
  return {
    values: t.values,
    labelExpr: `${exprLiteral(t.labels)}[datum.value] || ''`,
    tickSize: { condition: { test: `indexof(${exprLiteral(t.major)}, datum.value) >= 0`, value: 3.5 }, value: 2 },
    labelOverlap: false,
  };
}

/** The legend in declaration order, long labels wrapped onto several lines instead of cut off. */
function legendOf(order: string[], simulated: string[]): Record<string, unknown> {
  const wrapped: Record<string, string[]> = {};
  for (const l of order) { const w = wrapLabel(l); if (w.length > 1) wrapped[l] = w; }
  // Theory entries show a line, simulation entries a filled marker, as in the plot.
  const sim = `indexof(${exprLiteral(simulated)}, datum.value) >= 0`;
  return {
    // Side by side while the entries fit the plot's width (~70 characters), else one per row. (The
    // widest line by reduce, not Math.max(...lines): a huge label wraps to more lines than arguments fit.)
    orient: 'bottom', direction: 'horizontal',
    columns: order.reduce((n, l) => n + wrapLabel(l).reduce((m, w) => Math.max(m, w.length), 0) + 6, 0) <= 75 ? Math.min(order.length, 4) : 1,
    encode: {
      symbols: {
        update: {
          shape: { signal: `${sim} ? 'circle' : 'stroke'` },
          size: { signal: `${sim} ? 36 : 200` },
          fillOpacity: { signal: `${sim} ? 1 : 0` },
        },
      },
    },
    ...(Object.keys(wrapped).length ? { labelExpr: `${exprLiteral(wrapped)}[datum.label] || datum.label` } : {}),
  };
}
