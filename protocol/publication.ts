// The publication preset of a figure export: the plot at a given size in inches (default 3.5 × 2.6,
// a one-column figure), a serif font stack at print sizes (8–9 pt), thinner frame and ticks, and an
// SVG whose width/height are in inches so that LaTeX, Inkscape or Word place it at its real size.
// Pure: the plots webview and the tests apply it to the server's spec, then to the rendered SVG.

export const SERIF = 'Times New Roman, Times, Nimbus Roman, DejaVu Serif, serif';
export const DEFAULT_SIZE_IN = { width: 3.5, height: 2.6 };
/** CSS pixels per inch: Vega lays the figure out in px; the SVG then says how large a px is. */
const PX_PER_IN = 96;
/** 1 pt = 1/72 in, in px. */
const pt = (v: number) => (v * PX_PER_IN) / 72;

/** The spec restyled for print: its plot area sized so the whole figure is about `widthIn` × `heightIn`. */
export function publicationSpec(spec: Record<string, unknown>, widthIn = DEFAULT_SIZE_IN.width, heightIn = DEFAULT_SIZE_IN.height): Record<string, unknown> {
  const base = (spec.config ?? {}) as Record<string, Record<string, unknown> | string | undefined>;
  const merge = (k: string, v: Record<string, unknown>) => ({ ...((base[k] as Record<string, unknown>) ?? {}), ...v });
  const config = {
    ...base,
    font: SERIF,
    background: 'white',
    view: merge('view', { strokeWidth: 0.6 }),
    axis: merge('axis', { labelFontSize: pt(8), titleFontSize: pt(9), tickWidth: 0.6, titlePadding: 3, labelPadding: 2 }),
    legend: merge('legend', { labelFontSize: pt(8), symbolSize: 40 }),
    title: merge('title', { fontSize: pt(9) }),
    line: merge('line', { strokeWidth: 1.2 }),
  };
  const out: Record<string, unknown> = { ...spec, config, background: 'white' };
  if ('layer' in spec || 'mark' in spec) {
    // The whole figure (axes, title, legend included) is fitted to the size, as Vega's `fit` does.
    out.width = Math.round(widthIn * PX_PER_IN);
    out.height = Math.round(heightIn * PX_PER_IN);
    out.autosize = { type: 'fit', contains: 'padding' };
    // A one-column figure has no room for legend entries side by side: one entry per row.
    if (Array.isArray(spec.layer)) out.layer = (spec.layer as Record<string, unknown>[]).map(oneColumnLegend);
  }
  return out;
}

function oneColumnLegend(layer: Record<string, unknown>): Record<string, unknown> {
  const enc = layer.encoding as Record<string, Record<string, unknown>> | undefined;
  const legend = enc?.color?.legend as Record<string, unknown> | null | undefined;
  if (!enc || !legend) return layer;
  return { ...layer, encoding: { ...enc, color: { ...enc.color, legend: { ...legend, columns: 1 } } } };
}

/**
 * Gives a rendered SVG its size in inches (keeping its px viewBox, so the drawing scales exactly) and
 * a title element for accessibility. The SVG must be Vega's (a root with width, height, viewBox).
 */
export function svgInInches(svg: string, title?: string): string {
  const head = svg.match(/^<svg\b[^>]*>/);
  if (!head) throw new Error('not an SVG document');
  const w = Number(head[0].match(/\swidth="([\d.]+)"/)?.[1]);
  const h = Number(head[0].match(/\sheight="([\d.]+)"/)?.[1]);
  if (!(w > 0 && h > 0)) throw new Error('the SVG has no pixel size');
  let root = head[0].replace(/\swidth="[\d.]+"/, ` width="${(w / PX_PER_IN).toFixed(3)}in"`).replace(/\sheight="[\d.]+"/, ` height="${(h / PX_PER_IN).toFixed(3)}in"`);
  if (!/\sviewBox=/.test(root)) root = root.replace(/>$/, ` viewBox="0 0 ${w} ${h}">`);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return root + (title ? `<title>${esc(title)}</title>` : '') + svg.slice(head[0].length);
}
