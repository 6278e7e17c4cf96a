// Renders a Vega-Lite spec to an SVG string in Node (the CLI's `--out DIR`), with the same Vega the
// webview bundles. No canvas is needed: Vega estimates text widths when none is available, and
// expressions go through vega-interpreter (no code generation), as in the webview.
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';

export async function renderPlotSvg(spec: unknown): Promise<string> {
  const vgSpec = compile(spec as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vgSpec, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter as never,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
