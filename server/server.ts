// The language server process: one LSP connection with incremental document sync. Every request,
// standard or theorylab/*, is registered from one table below and dispatched to the language of the
// document (server/languages.ts) through LanguageFeatures; settings come from server/settings.ts.
// Workspace Trust is enforced here: untrusted unless the client says trusted, and then nothing runs.
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver';
import {
  CodeLensRefreshRequest,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  ResponseError,
  type InitializeResult,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  cancelTarget,
  getChartData,
  getPlots,
  plotUpdated,
  type RunResult,
  runTarget,
  serverStatus,
} from '../protocol';
import { configureCluster } from './cluster/settings';
import { LiveStatus } from './engine/lsp/liveStatus';
import { createLspRunner, workspaceCacheDir } from './engine/lsp/lspRunner';
import type { SolverRunner } from './engine/runner';
import {
  type LanguageFeatures,
  type ServerContext,
  semanticTokenModifiers,
  semanticTokenTypes,
} from './languageService';
import { languages } from './languages';
import { SettingsStore } from './settings';
import { AutoRunner } from './tlab/autoRun';
import { configurePersistence } from './tlab/persist';
import * as tlab from './tlab/service';
import { installWorkspaceSolvers } from './workspace-solvers/lsp';
import { readWorkspaceFile, uriToPath } from './workspaceFiles';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let roots: string[] = [];
/** Set only by an explicit `trusted: true` from the client: a client that says nothing gets no runs. */
let trusted = false;
let canPullConfiguration = false;
/** Whether the client expands snippet completions (a solver id then inserts a call template). */
let snippetSupport = false;

const UNTRUSTED_RUN =
  'this workspace is not trusted: Theory Lab runs no solver, eval or derivation check in it ' +
  '(trust the workspace to run; checking, hovers and completion keep working)';
const INTERNAL_ERROR: RunResult = { ok: false, message: 'internal error (see the output channel)' };

const settings = new SettingsStore({
  pull: () => (canPullConfiguration ? connection.workspace.getConfiguration('theorylab') : Promise.resolve(undefined)),
  apply: (s) => {
    autoRun.configure({ autoRunMaxSeconds: s.autoRunMaxSeconds });
    configureCluster({ cluster: s.cluster });
    workspaceSolvers.configure({ python: s.python });
  },
  log: (m) => connection.console.warn(m),
});

// One serverStatus stream (solver jobs + block runs + scheduled auto-runs, with `quiescent`): server/tlab/autoRun.ts
const live = new LiveStatus((p) => void connection.sendNotification(serverStatus, p));
// solver host + cache + progress + run log (server/engine/lsp/), configured from the settings object;
// its status merges into `live`
const runner: SolverRunner = createLspRunner(connection, () => roots, {
  onStatus: (p) => live.fromRunner(p),
  settings: () => {
    const s = settings.current();
    return { device: s.device, timeoutSeconds: s.solverTimeoutSeconds };
  },
});

const ctx: ServerContext = {
  runner,
  workspaceRoots: () => roots,
  readWorkspaceFile: (from, rel) => readWorkspaceFile(from, rel, roots, (u) => documents.get(u)?.getText()),
  trusted: () => trusted,
  settings: () => settings.current(),
  documentText: (uri) => documents.get(uri)?.getText(),
  sendPlot: (plot) => void connection.sendNotification(plotUpdated, plot),
  createProgress: () => connection.window.createWorkDoneProgress(),
  refresh: (uri) => {
    scheduleDiagnostics(uri, 0);
    void connection.languages.inlayHint.refresh().catch(() => {});
    void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {});
  },
  refreshLenses: () => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {}),
  log: (m) => connection.console.log(m),
  clusterEnabled: () => settings.current().cluster.backend === 'slurm',
  snippets: () => snippetSupport,
};

// `*.solver.toml` declarations: diagnostics on the manifest, registry merge, sync to the solver host
const workspaceSolvers = installWorkspaceSolvers({
  connection,
  documents,
  roots: () => roots,
  trusted: () => trusted,
  recheck: () => {
    for (const d of documents.all()) scheduleDiagnostics(d.uri, 0);
  },
});

function featuresFor(doc: TextDocument | undefined): LanguageFeatures | undefined {
  if (!doc) return undefined;
  return (
    languages.find((l) => l.languageId === doc.languageId) ??
    languages.find((l) => doc.uri.endsWith(`.${l.languageId}`))
  );
}
const featuresForUri = (uri: string) =>
  featuresFor(documents.get(uri)) ?? languages.find((l) => uri.endsWith(`.${l.languageId}`));

/** Runs a feature and turns an exception into a log line: a bug in one feature never kills the server. */
async function guarded<T>(what: string, fallback: T, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ResponseError) throw e; // a refusal the user must see (e.g. rename onto an existing name)
    connection.console.error(`${what} failed: ${(e as Error)?.stack ?? e}`);
    return fallback;
  }
}

connection.onInitialize((params): InitializeResult => {
  roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
  if (!roots.length && params.rootUri) roots = [uriToPath(params.rootUri)];
  const opts = (params.initializationOptions ?? {}) as { trusted?: unknown; settings?: unknown; storageDir?: unknown };
  trusted = opts.trusted === true;
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  settings.set(opts.settings); // until `initialized` pulls the section
  // Last block results of each document, shown at once on reopen (server/tlab/persist.ts): in the
  // client's workspace storage, else next to the solver result cache in the user cache.
  configurePersistence({
    dir:
      typeof opts.storageDir === 'string' && opts.storageDir
        ? path.join(opts.storageDir, 'tlab-results')
        : path.join(workspaceCacheDir(roots[0]), 'blocks'),
    log: (m) => connection.console.log(m),
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '(', ',', ' ', '"'] },
      signatureHelpProvider: { triggerCharacters: ['(', ','] },
      semanticTokensProvider: {
        legend: { tokenTypes: [...semanticTokenTypes], tokenModifiers: [...semanticTokenModifiers] },
        full: true,
      },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      codeActionProvider: true,
      codeLensProvider: { resolveProvider: false },
      inlayHintProvider: true,
    },
    serverInfo: { name: 'theorylab-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  live.publish(true); // ready, quiescent
  workspaceSolvers.start();
  void settings.refresh().finally(() => {
    // the real compute backend in the status bar before the first job (server/engine/lsp/lspRunner.ts)
    void (runner as { announceBackend?(): Promise<void> }).announceBackend?.().catch(() => {});
  });
});

// Diagnostics are recomputed a short while after the last edit of a document.
const pending = new Map<string, NodeJS.Timeout>();
function scheduleDiagnostics(uri: string, delayMs = 150): void {
  clearTimeout(pending.get(uri));
  pending.set(
    uri,
    setTimeout(() => {
      pending.delete(uri);
      void publishDiagnostics(uri);
    }, delayMs),
  );
}
async function publishDiagnostics(uri: string): Promise<void> {
  const doc = documents.get(uri);
  const lang = featuresFor(doc);
  if (!doc || !lang) return;
  const version = doc.version;
  const diagnostics = await guarded<Diagnostic[]>(
    'diagnostics',
    [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Error,
        message: 'Theory Lab: internal error while checking this file (see the output channel)',
        source: 'theorylab',
      },
    ],
    () => lang.diagnostics(doc, ctx),
  );
  if (documents.get(uri)?.version !== version) return; // a newer edit will publish its own
  connection.sendDiagnostics({ uri, version, diagnostics });
}

documents.onDidOpen((e) => scheduleDiagnostics(e.document.uri, 0));
documents.onDidChangeContent((e) => scheduleDiagnostics(e.document.uri));
// Live theory: cheap blocks whose text changed re-run ~300 ms after typing stops (server/tlab/autoRun.ts);
// AutoRunner itself never runs in an untrusted workspace (ctx.trusted()).
const autoRun = new AutoRunner({
  ctx,
  live,
  document: (u) => documents.get(u),
  run: (d, target, signal) => tlab.runTarget(d, target, ctx, { onPlot: (plot) => ctx.sendPlot(plot), signal }),
});
documents.onDidChangeContent((e) => autoRun.changed(e.document));
connection.onDidChangeConfiguration((p) => {
  void settings
    .refresh(p.settings)
    .finally(() => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {}));
});
documents.onDidClose((e) => {
  autoRun.closed(e.document.uri);
  featuresFor(e.document)?.close?.(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

// ---- the request table: one row per document request, dispatched to the document's language ----
type Result<R> = R | undefined | Promise<R | undefined>;
interface Row {
  name: string;
  register(): void;
}
/** A row: how to register the handler, what to answer without a language or on error, and the call. */
function row<P extends { textDocument: { uri: string } }, R>(
  name: string,
  register: (handler: (p: P) => Promise<R>) => unknown,
  fallback: R,
  call: (f: LanguageFeatures, d: TextDocument, p: P) => Result<R>,
): Row {
  return {
    name,
    register: () =>
      register((p) =>
        guarded(name, fallback, async () => {
          const d = documents.get(p.textDocument.uri);
          const f = featuresFor(d);
          return (f && d ? await call(f, d, p) : undefined) ?? fallback;
        }),
      ),
  };
}
const table: Row[] = [
  row<lsp.HoverParams, lsp.Hover | null>(
    'hover',
    (h) => connection.onHover(h),
    null,
    (f, d, p) => f.hover?.(d, p.position, ctx),
  ),
  row<lsp.CompletionParams, lsp.CompletionItem[]>(
    'completion',
    (h) => connection.onCompletion(h),
    [],
    (f, d, p) => f.completion?.(d, p.position, ctx),
  ),
  row<lsp.SignatureHelpParams, lsp.SignatureHelp | null>(
    'signatureHelp',
    (h) => connection.onSignatureHelp(h),
    null,
    (f, d, p) => f.signatureHelp?.(d, p.position, ctx),
  ),
  row<lsp.SemanticTokensParams, lsp.SemanticTokens>(
    'semanticTokens',
    (h) => connection.languages.semanticTokens.on(h),
    { data: [] },
    (f, d) => f.semanticTokens?.(d, ctx),
  ),
  row<lsp.DocumentSymbolParams, lsp.DocumentSymbol[]>(
    'documentSymbol',
    (h) => connection.onDocumentSymbol(h),
    [],
    (f, d) => f.documentSymbols?.(d, ctx),
  ),
  row<lsp.FoldingRangeParams, lsp.FoldingRange[]>(
    'foldingRanges',
    (h) => connection.onFoldingRanges(h),
    [],
    (f, d) => f.foldingRanges?.(d, ctx),
  ),
  row<lsp.DefinitionParams, lsp.Location[] | null>(
    'definition',
    (h) => connection.onDefinition(h),
    null,
    (f, d, p) => f.definition?.(d, p.position, ctx),
  ),
  row<lsp.ReferenceParams, lsp.Location[]>(
    'references',
    (h) => connection.onReferences(h),
    [],
    (f, d, p) => f.references?.(d, p.position, p.context.includeDeclaration, ctx),
  ),
  row<lsp.PrepareRenameParams, lsp.Range | null>(
    'prepareRename',
    (h) => connection.onPrepareRename(h),
    null,
    (f, d, p) => f.prepareRename?.(d, p.position, ctx),
  ),
  row<lsp.RenameParams, lsp.WorkspaceEdit | null>(
    'rename',
    (h) => connection.onRenameRequest(h),
    null,
    (f, d, p) => f.rename?.(d, p.position, p.newName, ctx),
  ),
  row<lsp.DocumentFormattingParams, lsp.TextEdit[]>(
    'formatting',
    (h) => connection.onDocumentFormatting(h),
    [],
    (f, d, p) => f.formatting?.(d, p.options, ctx),
  ),
  row<lsp.DocumentRangeFormattingParams, lsp.TextEdit[]>(
    'rangeFormatting',
    (h) => connection.onDocumentRangeFormatting(h),
    [],
    (f, d, p) => f.rangeFormatting?.(d, p.range, p.options, ctx),
  ),
  row<lsp.CodeActionParams, lsp.CodeAction[]>(
    'codeAction',
    (h) => connection.onCodeAction(h),
    [],
    (f, d, p) => f.codeActions?.(d, p.range, p.context.diagnostics, ctx),
  ),
  row<lsp.CodeLensParams, lsp.CodeLens[]>(
    'codeLens',
    (h) => connection.onCodeLens(h),
    [],
    (f, d) => f.codeLenses?.(d, ctx),
  ),
  row<lsp.InlayHintParams, lsp.InlayHint[]>(
    'inlayHint',
    (h) => connection.languages.inlayHint.on(h),
    [],
    (f, d, p) => f.inlayHints?.(d, p.range, ctx),
  ),
];
for (const r of table) r.register();

// ---- the custom requests (protocol/index.ts), also through the document's language ----
connection.onRequest(runTarget, async (p) => {
  const d = documents.get(p.uri);
  if (!d) return { ok: false, message: `document not open: ${p.uri}` };
  const f = featuresFor(d);
  if (!f?.run) return { ok: false, message: 'running is not supported for this language' };
  if (!trusted) return { ok: false, message: UNTRUSTED_RUN };
  return guarded('run', INTERNAL_ERROR, () => live.track(async () => f.run!(d, p, ctx)));
});
connection.onRequest(cancelTarget, (p) => {
  featuresForUri(p.uri)?.cancel?.(p.uri, p.target);
});
connection.onRequest(getPlots, (p) =>
  guarded('plots', [], () => featuresForUri(p.uri)?.plots?.(p.uri, p.target) ?? []),
);
connection.onRequest(getChartData, (p) => guarded('chart', null, () => featuresForUri(p.uri)?.chart?.(p, ctx) ?? null));

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

documents.listen(connection);
connection.listen();
