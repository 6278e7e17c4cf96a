// Every custom LSP request and notification of Theory Lab, typed once and shared by the client, the
// server and the webviews (in the manner of rust-analyzer's lsp_ext.ts). Add new messages here only.
// This package imports nothing from server/, client/, media/ or node: test/unit/imports.test.ts checks it.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { ChartData } from './chart';

/**
 * Node flags the client starts the language server with. A larger young generation (V8's default
 * semi-space is 16 MB on 64-bit) lets the syntax tree of a 10,000-line file be built without copying
 * it between semi-spaces several times: parse + check of such a file spends ~25 % less time in the
 * collector (bench/tlab-parse.bench.ts runs with these flags too). Costs up to ~64 MB more reserved memory.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** Server → client: the language server's state and the compute backend, for the status bar. */
export interface ServerStatusParams {
  state: 'starting' | 'ready' | 'busy' | 'error';
  /** 'cpu' or 'webgpu:<adapter>' */
  backend: string;
  runningJobs: number;
  message?: string;
  /**
   * false while results may still change (like rust-analyzer's serverStatus.quiescent): an automatic
   * re-run is scheduled, a block or a solver job runs. The server always sets it; absent = unknown.
   */
  quiescent?: boolean;
}
export const serverStatus = new NotificationType<ServerStatusParams>('theorylab/serverStatus');

/** Client → server: run an experiment / derivation / eval / sentence (the "Run" code lens). */
export interface RunParams {
  uri: string;
  /** name of the block; omitted = every block in the file */
  target?: string;
  /** 'slurm' runs the block's solver calls as a Slurm job array (setting theorylab.cluster.*). */
  backend?: 'local' | 'slurm';
  /** Seed of the random points and solver calls; the "Re-check with new seed" lens sends the next one. */
  seed?: number;
}
export interface RunResult {
  ok: boolean; message: string;
  /** The run was cancelled (by the user): not an error. */
  cancelled?: boolean;
  /** Nothing could run (no block in the file): `message` says why. */
  nothingToRun?: boolean;
}
export const runTarget = new RequestType<RunParams, RunResult, void>('theorylab/run');

/** Client → server: cancel what runs for a block (or the whole file). */
export const cancelTarget = new RequestType<RunParams, void, void>('theorylab/cancel');

/** A Vega-Lite plot produced by a `plot` statement, with its provenance. */
export interface PlotPayload {
  uri: string;
  experiment: string;
  title: string;
  /** A complete Vega-Lite v5 spec with inline data. */
  spec: unknown;
  /** The same data as rows, for CSV/JSON export. */
  rows: Record<string, number | string | null>[];
  createdAt: string;
  stale?: boolean;
}
/** Client → server: the plots of a block (the "Plot" code lens). */
export const getPlots = new RequestType<RunParams, PlotPayload[], void>('theorylab/plots');
/** Server → client: a plot was (re)computed. */
export const plotUpdated = new NotificationType<PlotPayload>('theorylab/plotUpdated');

/** Client → server: the CKY chart of a sentence (G2L2): the chart data, or null when no sentence is on that line. */
export interface ChartParams {
  uri: string;
  /** 0-based line of the `sentence` statement */
  line: number;
}
export type { ChartData, ChartCellData, ChartNodeData, ChartDerivationData } from './chart';
export const getChartData = new RequestType<ChartParams, ChartData | null, void>('theorylab/chart');
