// Axis arithmetic for the figures, in the manner of matplotlib's defaults: data-fitted domains with a
// small margin (in log space on a log axis), power-of-ten labels on log axes (10⁻³) with unlabelled
// minor ticks, number formatting to ~4 significant digits, and wrapping of long legend labels.
// Pure functions: the Vega-Lite spec builder (server/tlab/plots.ts) turns their results into axis
// `values`, `labelExpr` and conditional tick sizes, so the webview, `--out` and exports agree.

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/** 10 to an integer power, written with superscripts: -3 → "10⁻³". */
export function powerOfTen(exponent: number): string {
  return '10' + String(exponent).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');
}

/** A number to `digits` significant digits without trailing zeros (0.0024219 → "0.002422", 1e-7 → "1e-7"). */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(digits)));
  const [m, e] = v.toExponential(digits - 1).split('e');
  return `${String(Number(m))}e${Number(e)}`;
}

/**
 * The [lo, hi] a scale should span so that every value is inside with a 5% margin, as matplotlib's
 * autoscaling does: in log10 space on a log axis (values ≤ 0 ignored there), linear otherwise. A
 * single value gets a margin of its own size (a factor of 2 on a log axis). Undefined without data.
 */
export function fittedDomain(values: number[], log: boolean, margin = 0.05): [number, number] | undefined {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!usable.length) return undefined;
  const t = log ? usable.map(Math.log10) : usable;
  let lo = Math.min(...t), hi = Math.max(...t);
  if (hi === lo) {
    const pad = log ? Math.log10(2) : lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad; hi += pad;
  } else {
    const pad = (hi - lo) * margin;
    lo -= pad; hi += pad;
  }
  return log ? [10 ** lo, 10 ** hi] : [lo, hi];
}

export interface LogTicks {
  /** Every tick position inside the domain, ascending. */
  values: number[];
  /** The positions that get a long tick (the powers of ten). */
  major: number[];
  /** Tick label by position (String(value) → text); positions not listed stay unlabelled. */
  labels: Record<string, string>;
}

/**
 * Ticks of a log axis over [lo, hi]: majors at powers of ten, labelled 10ᵉ (every n-th decade when
 * there are many), minors at 2…9 × 10ᵉ, unlabelled. A domain that holds fewer than two powers of ten
 * (e.g. data 15–60) has its minor ticks labelled instead, so the axis is still readable.
 */
export function logTicks(lo: number, hi: number): LogTicks {
  const values: number[] = [], major: number[] = [];
  const labels: Record<string, string> = {};
  if (!(lo > 0) || !(hi > lo)) return { values, major, labels };
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
  const decades = e1 - e0;
  const inside = (v: number) => v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12);
  const step = Math.max(1, Math.ceil(decades / 8)); // at most ~8 labelled powers of ten
  const withMinors = decades <= 8;
  const decade = (e: number) => Number(`1e${e}`); // exact, unlike 10 ** e for negative e
  for (let e = e0; e <= e1; e++) {
    const p = decade(e);
    if (inside(p) && e % step === 0) { values.push(p); major.push(p); labels[String(p)] = powerOfTen(e); }
    else if (inside(p)) values.push(p);
    if (!withMinors) continue;
    for (let k = 2; k <= 9; k++) {
      const v = Number(`${k}e${e}`);
      if (inside(v)) values.push(v);
    }
  }
  if (major.length < 2) {
    // Less than a decade and a bit: label the minor ticks (plain numbers), keeping at most ~6 labels.
    const minors = values.filter((v) => !major.includes(v));
    const every = Math.max(1, Math.ceil(minors.length / 6));
    minors.forEach((v, i) => { if (i % every === 0) labels[String(v)] = formatTick(v); });
  }
  return { values, major, labels };
}

/** A tick label of a minor log tick shown when there are too few decades: 20, 0.03, 4×10⁻⁶. */
function formatTick(v: number): string {
  if (v >= 1e-3 && v < 1e5) return formatNumber(v, 3);
  const e = Math.floor(Math.log10(v));
  return `${formatNumber(v / Number(`1e${e}`), 2)}×${powerOfTen(e)}`;
}

/** Splits a label into lines of at most `width` characters at spaces (a long word stays whole). */
export function wrapLabel(label: string, width = 28): string[] {
  const words = label.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [label];
}

/** A Vega expression literal for a JSON value (objects and arrays of strings/numbers). */
export function exprLiteral(v: unknown): string {
  return JSON.stringify(v);
}
