// Renders a Vega-Lite spec to an SVG string in Node (the CLI's `--out DIR`), with the same Vega the
// webview bundles. No canvas is needed: Vega estimates text widths when none is available, and
// expressions go through vega-interpreter (no code generation), as in the webview. Vega's and
// Vega-Lite's warnings go to `onWarning` (the CLI prints them only with --verbose), never to stderr.
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';

export async function renderPlotSvg(spec: unknown, onWarning: (message: string) => void = () => {}): Promise<string> {
  const logger = collectingLogger(onWarning);
  const vgSpec = compile(spec as TopLevelSpec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(vgSpec, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter as never,
    logger: logger as never,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A Vega logger that routes warnings to a callback and throws nothing away silently but info/debug. */
function collectingLogger(onWarning: (message: string) => void) {
  let level = vega.Warn;
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = {
    level(l?: number) { if (l === undefined) return level; level = l; return logger; },
    error(...args: unknown[]) { onWarning(`error: ${text(args)}`); return logger; },
    warn(...args: unknown[]) { onWarning(text(args)); return logger; },
    info() { return logger; },
    debug() { return logger; },
  };
  return logger;
}
