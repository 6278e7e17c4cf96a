// Float64 tensors of rank 0–2 (scalar, vector, matrix), stored row-major. Derivation checks only ever
// need these three ranks, so shapes are plain arrays: [] scalar, [n] vector, [rows, cols] matrix.

export type Shape = number[];

export interface Tensor { shape: Shape; data: Float64Array }

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(shape: Shape, data?: ArrayLike<number>): Tensor {
  const out = new Float64Array(sizeOf(shape));
  if (data) out.set(data);
  return { shape: [...shape], data: out };
}

export function scalar(v: number): Tensor { return { shape: [], data: Float64Array.of(v) }; }

export function filled(shape: Shape, v: number): Tensor {
  const t = tensor(shape);
  t.data.fill(v);
  return t;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** "scalar", "(6)", "(6×4)" — the notation every shape diagnostic uses. */
export function shapeText(shape: Shape): string {
  return shape.length === 0 ? 'scalar' : `(${shape.join('×')})`;
}

export function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) { const a = Math.abs(v); if (a > m || Number.isNaN(a)) m = a; }
  return m;
}

export function allFinite(t: Tensor): boolean {
  for (const v of t.data) if (!Number.isFinite(v)) return false;
  return true;
}

/** Four significant digits, switching to exponent form for very large or small magnitudes. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

/**
 * Compact rendering for hovers and messages: long vectors and big matrices are elided with "…" so a
 * rendering stays on a few short lines whatever the size.
 */
export function renderTensor(t: Tensor, maxItems = 6, maxRows = 4): string {
  if (t.shape.length === 0) return formatNumber(t.data[0]);
  const row = (offset: number, n: number) => {
    const items: string[] = [];
    const shown = n <= maxItems ? n : maxItems - 1;
    for (let i = 0; i < shown; i++) items.push(formatNumber(t.data[offset + i]));
    if (shown < n) items.push('…', formatNumber(t.data[offset + n - 1]));
    return `[${items.join(', ')}]`;
  };
  if (t.shape.length === 1) return row(0, t.shape[0]);
  const [r, c] = t.shape;
  const rows: string[] = [];
  const shown = r <= maxRows ? r : maxRows - 1;
  for (let i = 0; i < shown; i++) rows.push(row(i * c, c));
  if (shown < r) rows.push('…', row((r - 1) * c, c));
  return `[${rows.join(', ')}]`;
}

/** Values with more entries than this are summarised (shape, norm, extreme entries), not printed. */
export const LARGE_ENTRIES = 24;

export const isLarge = (t: Tensor): boolean => t.shape.length > 0 && t.data.length > LARGE_ENTRIES;

/** The 0-based index of flat entry `k` as the language writes it: `[3]` or `[3, 7]`. */
export function indexText(shape: Shape, k: number): string {
  return shape.length === 2 ? `[${Math.floor(k / shape[1])}, ${k % shape[1]}]` : `[${k}]`;
}

/** Frobenius (Euclidean) norm. */
export function norm(t: Tensor): number {
  let s = 0;
  for (const v of t.data) s += v * v;
  return Math.sqrt(s);
}

/**
 * A value for hovers and messages: small ones rendered entry by entry, large ones summarised as
 * "(20×20), ‖·‖ = 12.3, largest |entry| 4.1 at [3, 7], entries in [-4.1, 3.9]" instead of a wall of
 * elided rows that hides where anything is.
 */
export function describeTensor(t: Tensor): string {
  if (!isLarge(t)) return renderTensor(t);
  let k = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (Math.abs(v) > Math.abs(t.data[k]) || (Number.isNaN(v) && !Number.isNaN(t.data[k]))) k = i;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return `${shapeText(t.shape)}, ‖·‖ = ${formatNumber(norm(t))}, largest |entry| ${formatNumber(Math.abs(t.data[k]))} at ${indexText(t.shape, k)}, ` +
    `entries in [${formatNumber(lo)}, ${formatNumber(hi)}]`;
}

/** The `count` entries where two same-shaped values differ most: "[3, 7]: 1.234 vs 1.567". */
export function largestDifferences(a: Tensor, b: Tensor, count = 3): string[] {
  const order = Array.from(a.data.keys())
    .map((i) => ({ i, d: Math.abs(a.data[i] - b.data[i]) }))
    .sort((x, y) => (Number.isNaN(y.d) ? Infinity : y.d) - (Number.isNaN(x.d) ? Infinity : x.d))
    .slice(0, count)
    .filter((x) => x.d !== 0);
  return order.map(({ i }) => `${indexText(a.shape, i)}: ${formatNumber(a.data[i])} vs ${formatNumber(b.data[i])}`);
}
