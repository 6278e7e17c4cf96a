// The contract between the LSP connection (server.ts) and each language (tlab/, clevr/). server.ts
// owns the connection and document sync and dispatches every request, the custom theorylab/* ones
// included, to the language of the document; a language implements whatever features it supports.
// All positions are LSP positions.
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ChartData, ChartParams, PlotPayload, RunParams, RunResult } from '../protocol';
import type { SolverRunner } from './engine/runner';
import { DEFAULT_SETTINGS, type TheoryLabSettings } from './settings';

/** Shared semantic-token legend (both languages use the same one; the client learns it at init). */
export const semanticTokenTypes = [
  'keyword',
  'variable',
  'function',
  'parameter',
  'property',
  'number',
  'string',
  'operator',
  'type',
  'enumMember',
  'namespace',
  'comment',
  'macro',
] as const;
export const semanticTokenModifiers = ['declaration', 'readonly', 'defaultLibrary', 'modification'] as const;

export interface ServerContext {
  runner: SolverRunner;
  /** Workspace folders as file-system paths: files outside them are never read. */
  workspaceRoots(): string[];
  /**
   * Reads a workspace file (imports, scene/question JSON). Throws a clear error for a path outside the
   * workspace or a missing file. Prefers an open editor's text over the disk.
   */
  readWorkspaceFile(fromUri: string, relativePath: string): { uri: string; text: string };
  /**
   * Whether the client said the workspace is trusted (absent = untrusted). Untrusted: nothing runs,
   * neither automatically nor on request (server.ts refuses theorylab/run), and .clevr evals wait.
   */
  trusted(): boolean;
  /** The validated `theorylab.*` settings (server/settings.ts), current at the time of the call. */
  settings(): TheoryLabSettings;
  /** The text of an open document (undefined when it is not open). */
  documentText(uri: string): string | undefined;
  /** Sends a (re)computed plot to the client (theorylab/plotUpdated). */
  sendPlot(plot: PlotPayload): void;
  /** A cancellable work-done progress in the client (long runs, cluster jobs). */
  createProgress(): Promise<lsp.WorkDoneProgressServerReporter>;
  /** Asks the client to re-request diagnostics, lenses, hints (results arrived). */
  refresh(uri: string): void;
  /** Asks the client to re-request code lenses only (run progress); throttled by the caller. */
  refreshLenses?(): void;
  log(message: string): void;
  /** Whether cluster runs are configured (theorylab.cluster.backend = slurm): adds "Run on cluster" lenses. */
  clusterEnabled?(): boolean;
  /** Whether the client expands snippets in completions (`$1` placeholders); absent = no. */
  snippets?(): boolean;
}

/** The client-facing part of a ServerContext for one without a client (unit tests, benchmarks): default settings, no documents. */
export function clientlessContext(): Pick<ServerContext, 'settings' | 'documentText' | 'sendPlot' | 'createProgress'> {
  return {
    settings: () => DEFAULT_SETTINGS,
    documentText: () => undefined,
    sendPlot: () => {},
    createProgress: () => Promise.reject(new Error('no client: progress cannot be shown')),
  };
}

export interface LanguageFeatures {
  languageId: string;
  diagnostics(doc: TextDocument, ctx: ServerContext): lsp.Diagnostic[] | Promise<lsp.Diagnostic[]>;
  hover?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Hover | null | Promise<lsp.Hover | null>;
  completion?(
    doc: TextDocument,
    pos: lsp.Position,
    ctx: ServerContext,
  ): lsp.CompletionItem[] | Promise<lsp.CompletionItem[]>;
  signatureHelp?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.SignatureHelp | null;
  semanticTokens?(doc: TextDocument, ctx: ServerContext): lsp.SemanticTokens;
  documentSymbols?(doc: TextDocument, ctx: ServerContext): lsp.DocumentSymbol[];
  foldingRanges?(doc: TextDocument, ctx: ServerContext): lsp.FoldingRange[];
  definition?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Location[] | null;
  references?(doc: TextDocument, pos: lsp.Position, includeDeclaration: boolean, ctx: ServerContext): lsp.Location[];
  prepareRename?(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Range | null;
  rename?(doc: TextDocument, pos: lsp.Position, newName: string, ctx: ServerContext): lsp.WorkspaceEdit | null;
  formatting?(doc: TextDocument, options: lsp.FormattingOptions, ctx: ServerContext): lsp.TextEdit[];
  rangeFormatting?(
    doc: TextDocument,
    range: lsp.Range,
    options: lsp.FormattingOptions,
    ctx: ServerContext,
  ): lsp.TextEdit[];
  codeActions?(
    doc: TextDocument,
    range: lsp.Range,
    diagnostics: lsp.Diagnostic[],
    ctx: ServerContext,
  ): lsp.CodeAction[];
  codeLenses?(doc: TextDocument, ctx: ServerContext): lsp.CodeLens[];
  inlayHints?(doc: TextDocument, range: lsp.Range, ctx: ServerContext): lsp.InlayHint[];
  /** Called when the document closes, to drop caches. */
  close?(uri: string): void;

  // ---- the custom requests of protocol/index.ts; server.ts checks trust before `run` ----
  /** theorylab/run: runs a block (or every block) of an open document. */
  run?(doc: TextDocument, params: RunParams, ctx: ServerContext): Promise<RunResult> | RunResult;
  /** theorylab/cancel: cancels what runs for a block (or the whole file). */
  cancel?(uri: string, target: string | undefined): void;
  /** theorylab/plots: the plots of a block (or of the file). */
  plots?(uri: string, target: string | undefined): PlotPayload[];
  /** theorylab/chart: the CKY chart of the sentence on a line. */
  chart?(params: ChartParams, ctx: ServerContext): Promise<ChartData | null> | ChartData | null;
}
