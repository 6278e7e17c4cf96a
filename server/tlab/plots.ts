// Turns the evaluated lines of a `plot` statement into a complete Vega-Lite v5 spec with inline data
// (log scales, overlays with a legend, error bars for series that carry a std over seeds) and into
// wide rows for CSV/JSON export.
import { isSeries, isStat, RV, toNumber } from './values';

export interface PlotLine { axis: 'x' | 'y'; label: string; scale?: 'log' | 'linear'; value: RV }

export interface BuiltPlot { spec: Record<string, unknown>; rows: Record<string, number | string | null>[]; warnings: string[] }

interface Point { key: number; v: number; std?: number }

/** One (key, value) per grid point (series) or list entry (lists); keys join x with each y. */
function points(v: RV, label: string): Point[] {
  const one = (x: RV, key: number): Point => (isStat(x) ? { key, v: x.mean, std: x.std } : { key, v: toNumber(x, `plot line '${label}'`) });
  if (isSeries(v)) {
    if (v.values.some(Array.isArray)) throw new Error(`plot line '${label}' has a list at each grid point; plot one entry (e.g. ${label}[0]) or an aggregate`);
    return v.values.map((x, k) => one(x, v.idx[k]));
  }
  if (Array.isArray(v)) return v.map((x, k) => one(x, k));
  return [one(v, -1)];
}

export function buildPlot(title: string, lines: PlotLine[]): BuiltPlot {
  const warnings: string[] = [];
  const xLine = lines.find((l) => l.axis === 'x');
  const yLines = lines.filter((l) => l.axis === 'y');
  if (!xLine) throw new Error('a plot needs an `x = …` line');
  const xs = points(xLine.value, xLine.label);
  const xByKey = new Map(xs.map((p) => [p.key, p.v]));
  const xLog = xLine.scale === 'log';
  const yLog = yLines.some((l) => l.scale === 'log');
  const data: Record<string, number | string | null>[] = [];
  const wide = new Map<number, Record<string, number | string | null>>();
  for (const p of xs) wide.set(p.key, { [xLine.label]: p.v });
  let withStd = false;
  for (const line of yLines) {
    const ys = points(line.value, line.label);
    let hidden = 0;
    for (const p of ys) {
      // A constant (one value) is drawn across every x.
      const keys = p.key === -1 ? xs.map((q) => q.key) : [p.key];
      for (const key of keys) {
        const x = xByKey.get(key);
        if (x === undefined) continue;
        const row = wide.get(key)!;
        row[line.label] = Number.isFinite(p.v) ? p.v : null;
        if (p.std !== undefined) row[`${line.label} (std)`] = p.std;
        if (!Number.isFinite(x) || !Number.isFinite(p.v) || (xLog && x <= 0) || (yLog && p.v <= 0)) { hidden++; continue; }
        const d: Record<string, number | string | null> = { x, y: p.v, series: line.label };
        if (p.std !== undefined && Number.isFinite(p.std)) {
          withStd = true;
          d.lo = p.v - p.std; d.hi = p.v + p.std;
          if (yLog && d.lo <= 0) d.lo = p.v / 10; // keep the bar drawable on a log axis
        }
        data.push(d);
      }
    }
    if (hidden) warnings.push(`${hidden} point${hidden > 1 ? 's' : ''} of '${line.label}' not drawn (not finite${xLog || yLog ? ', or ≤ 0 on a log axis' : ''})`);
  }
  const xEnc = { field: 'x', type: 'quantitative', title: xLine.label, scale: { type: xLog ? 'log' : 'linear', zero: false } };
  const yEnc = { field: 'y', type: 'quantitative', title: yLines.length === 1 ? yLines[0].label : 'value', scale: { type: yLog ? 'log' : 'linear', zero: false } };
  const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } };
  const layer: unknown[] = [
    { mark: { type: 'line', point: true, tooltip: true }, encoding: { x: xEnc, y: yEnc, color } },
  ];
  if (withStd) {
    layer.push({
      transform: [{ filter: 'isValid(datum.lo)' }],
      mark: { type: 'errorbar', ticks: true },
      encoding: { x: xEnc, y: { field: 'lo', type: 'quantitative', scale: yEnc.scale, title: yEnc.title }, y2: { field: 'hi' }, color },
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 480,
    height: 300,
    data: { values: data },
    layer,
  };
  return { spec, rows: [...wide.values()], warnings };
}

/** CSV of export rows (header = union of keys in first-seen order). */
export function rowsToCsv(rows: Record<string, number | string | null>[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.map(cell).join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
