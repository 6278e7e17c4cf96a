// Matrix- and image-valued outputs as pictures: `heatmap = M` draws a matrix as coloured cells
// (viridis, or red–blue centred at 0 for signed data, with a colour bar), `image = v` draws a pattern in greys (a vector of n² entries becomes
// an n×n picture). Several such lines in one plot sit side by side; the images share one grey scale
// so stored, corrupted and retrieved patterns compare by eye. Large matrices are mean-pooled to at
// most MAX_SIDE cells a side so the SVG stays small. Also gives the long-form rows for CSV export.

export interface MatrixPanel { kind: 'heatmap' | 'image'; label: string; matrix: number[][] }

const MAX_SIDE = 160;
const PANEL_PX = 220;

/** A number[][] from a matrix or vector value; `image` reshapes a perfect-square vector. */
export function toMatrix(v: unknown, kind: 'heatmap' | 'image', label: string): number[][] {
  const num = (x: unknown): number => {
    if (typeof x === 'number') return x;
    if (x === null) return NaN;
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (x && typeof x === 'object' && (x as { kind?: string }).kind === 'stat') return (x as { mean: number }).mean;
    throw new Error(`${kind} '${label}' needs numbers, got ${Array.isArray(x) ? 'a nested list' : typeof x}`);
  };
  if (v && typeof v === 'object' && !Array.isArray(v) && (v as { kind?: string }).kind === 'series') {
    throw new Error(`${kind} '${label}' has one matrix per grid point; pick one, e.g. ${label}[alpha = …]`);
  }
  if (!Array.isArray(v) || !v.length) throw new Error(`${kind} '${label}' needs a matrix (a list of rows) or a vector`);
  if (v.every(Array.isArray)) {
    const rows = (v as unknown[][]).map((r) => r.map(num));
    const width = rows[0].length;
    if (!width || rows.some((r) => r.length !== width)) throw new Error(`${kind} '${label}': the rows have different lengths`);
    return rows;
  }
  const flat = v.map(num);
  const side = Math.round(Math.sqrt(flat.length));
  if (kind === 'image' && side * side === flat.length && side > 1) {
    return Array.from({ length: side }, (_, i) => flat.slice(i * side, (i + 1) * side));
  }
  return [flat];
}

/** Mean-pools a matrix so that neither side exceeds `maxSide` cells (NaN cells are skipped). */
export function pool(m: number[][], maxSide = MAX_SIDE): number[][] {
  const fr = Math.ceil(m.length / maxSide), fc = Math.ceil(m[0].length / maxSide);
  if (fr === 1 && fc === 1) return m;
  const out: number[][] = [];
  for (let i = 0; i < m.length; i += fr) {
    const row: number[] = [];
    for (let j = 0; j < m[0].length; j += fc) {
      let s = 0, n = 0;
      for (let a = i; a < Math.min(i + fr, m.length); a++) for (let b = j; b < Math.min(j + fc, m[0].length); b++) {
        if (Number.isFinite(m[a][b])) { s += m[a][b]; n++; }
      }
      row.push(n ? s / n : NaN);
    }
    out.push(row);
  }
  return out;
}

/** A Vega-Lite spec with one panel per matrix, side by side. */
export function matrixSpec(title: string, panels: MatrixPanel[]): { spec: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = [];
  const views = panels.map((p) => {
    const m = pool(p.matrix);
    if (m !== p.matrix) warnings.push(`${p.kind} '${p.label}' (${p.matrix.length}×${p.matrix[0].length}) drawn mean-pooled to ${m.length}×${m[0].length}`);
    const rows = m.length, cols = m[0].length;
    const cell = Math.max(1, Math.min(32, Math.floor(PANEL_PX / Math.max(rows, cols))));
    const values = m.flatMap((r, i) => r.map((v, j) => ({ row: i, col: j, value: Number.isFinite(v) ? v : null })));
    const axis = (n: number) => ({ labels: n <= 24, ticks: n <= 24, title: null, domain: false, labelFontSize: 9, labelAngle: 0 });
    const image = p.kind === 'image';
    return {
      title: { text: p.label, fontSize: 11, fontWeight: 'normal' },
      data: { values },
      width: cols * cell,
      height: rows * cell,
      mark: { type: 'rect', tooltip: !image || rows * cols <= 4096 },
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: image ? null : axis(cols), scale: { paddingInner: 0 } },
        y: { field: 'row', type: 'ordinal', axis: image ? null : axis(rows), scale: { paddingInner: 0 } },
        color: {
          field: 'value', type: 'quantitative', title: image ? 'value' : p.label,
          // Signed data (a change, a difference) on a diverging scale centred at 0; else viridis.
          scale: image ? { range: ['#000000', '#ffffff'] } : signed(m) ? { scheme: 'redblue', reverse: true, domainMid: 0 } : { scheme: 'viridis' },
          legend: image ? null : { orient: 'right', gradientLength: Math.max(60, rows * cell), title: null, format: '.3~g' },
        },
        tooltip: [
          { field: 'row', type: 'ordinal', title: 'row' },
          { field: 'col', type: 'ordinal', title: 'column' },
          { field: 'value', type: 'quantitative', title: p.label, format: '.4~g' },
        ],
      },
    };
  });
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    hconcat: views,
    spacing: 16,
    // Images share one grey scale (comparable patterns); heatmaps of different quantities keep their own.
    resolve: { scale: { color: panels.every((p) => p.kind === 'image') ? 'shared' : 'independent' } },
  };
  return { spec, warnings };
}

function signed(m: number[][]): boolean {
  let lo = Infinity, hi = -Infinity;
  for (const r of m) for (const v of r) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return lo < 0 && hi > 0;
}

/** Long-form rows (one per cell) for CSV/JSON export. */
export function matrixRows(panels: MatrixPanel[]): Record<string, number | string | null>[] {
  return panels.flatMap((p) => p.matrix.flatMap((r, i) => r.map((v, j) => ({ panel: p.label, row: i, col: j, value: Number.isFinite(v) ? v : null }))));
}
