// Messages between the extension (client/plotPanel.ts, client/chartPanel.ts) and the webviews
// (media/*.ts). Typed once here, imported by both sides; like the rest of protocol/, no node and no DOM.
import type { PlotPayload } from './index';

/** A plot in the panel's history. */
export interface PlotEntry extends PlotPayload {
  id: string;
  name: string;
  pinned: boolean;
}

/** What an export writes: a figure (svg, png), its data (csv, json). */
export type PlotExportFormat = 'svg' | 'png' | 'csv' | 'json';

/**
 * How a figure is exported: `screen` as the server drew it; `publication` at a size in inches with a
 * serif font stack and print-sized text (see protocol/publication.ts).
 */
export interface PlotExportStyle { preset: 'screen' | 'publication'; widthIn?: number; heightIn?: number }

export type ToPlotsWebview =
  | { type: 'plots'; plots: PlotPayload[]; reveal: boolean }
  | { type: 'restore'; entries: PlotEntry[]; selected?: string }
  | { type: 'query'; requestId: number }
  /** `target: 'clipboard'` hands the text (SVG, CSV, JSON) back for the clipboard instead of a file. */
  | { type: 'export'; format: PlotExportFormat; target?: 'file' | 'clipboard'; style?: PlotExportStyle }
  /** The history buttons (pin, unpin, rename, delete, select) as a message: commands and tests use it. */
  | { type: 'history'; id: string; action: 'pin' | 'unpin' | 'rename' | 'delete' | 'select'; name?: string };

export interface PlotsPanelInfo {
  entries: { id: string; name: string; pinned: boolean; stale: boolean; title: string; uri: string }[];
  selected?: string;
  /** Rendered SVG elements of the selected plot (marks, axes, legends), for integration tests. */
  svgElementCount: number;
  /** Number of `path`/`symbol`/`line` mark groups drawn from data. */
  markCount: number;
  error?: string;
}

export type FromPlotsWebview =
  | { type: 'ready' }
  | { type: 'state'; entries: PlotEntry[]; selected?: string }
  | { type: 'query-result'; requestId: number; info: PlotsPanelInfo }
  | { type: 'exported'; format: PlotExportFormat; name: string; data: string; target?: 'file' | 'clipboard'; preset?: 'screen' | 'publication' }
  | { type: 'error'; message: string };

import type { ChartData } from './chart';

export type ToChartWebview =
  | { type: 'chart'; chart: ChartData }
  | { type: 'query'; requestId: number };

export interface ChartPanelInfo {
  sentence?: string;
  tokens: number;
  cells: number;
  nodes: number;
  selectedNode?: number;
  /** The derivation tree text shown for the selected node. */
  tree?: string;
}

export type FromChartWebview =
  | { type: 'ready'; uri?: string; line?: number }
  | { type: 'reveal'; uri: string; line: number }
  | { type: 'query-result'; requestId: number; info: ChartPanelInfo };
