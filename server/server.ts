// The language server process: one LSP connection with incremental document sync, dispatching every
// request to the language of the document (server/tlab, server/clevr) through LanguageFeatures.
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, InitializeResult,
  Diagnostic, DiagnosticSeverity,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { InProcessRunner, SolverRunner } from './engine/runner';
import { LanguageFeatures, semanticTokenModifiers, semanticTokenTypes, ServerContext } from './languageService';
import { cancelTarget, getPlots, plotUpdated, runTarget, serverStatus } from '../protocol';
import * as tlab from './tlab/service';
import { AutoRunner, LiveStatus, routeRunnerStatus } from './tlab/autoRun';
import { CodeLensRefreshRequest } from 'vscode-languageserver/node';
import { readWorkspaceFile, uriToPath } from './workspaceFiles';
import { languages } from './languages';
import { getChartData } from '../protocol';
import { clevrChart, clevrRunTarget } from './clevr/service';
import { SlurmRunner } from './cluster/slurm';
import { clusterSettings, configureCluster, slurmOptionsFromSettings } from './cluster/settings';
import { configurePersistence } from './tlab/persist';
import * as path from 'node:path';
import { installWorkspaceSolvers } from './workspace-solvers/lsp';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let roots: string[] = [];
let trusted = true;
// One serverStatus stream (solver jobs + block runs + scheduled auto-runs, with `quiescent`): server/tlab/autoRun.ts
const live = new LiveStatus((p) => void connection.sendNotification(serverStatus, p));
const runner: SolverRunner = (require('./engine/lspRunner') as typeof import('./engine/lspRunner')).createLspRunner(routeRunnerStatus(connection, live), () => roots); // solver host + cache + progress (server/engine/lspRunner.ts)

const ctx: ServerContext = {
  runner,
  workspaceRoots: () => roots,
  readWorkspaceFile: (from, rel) => readWorkspaceFile(from, rel, roots, (u) => documents.get(u)?.getText()),
  trusted: () => trusted,
  refresh: (uri) => { scheduleDiagnostics(uri, 0); void connection.languages.inlayHint.refresh().catch(() => {}); void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {}); },
  log: (m) => connection.console.log(m),
  clusterEnabled: () => clusterSettings().backend === 'slurm',
};

// `*.solver.toml` declarations: diagnostics on the manifest, registry merge, sync to the solver host
const workspaceSolvers = installWorkspaceSolvers({
  connection, documents, roots: () => roots, trusted: () => trusted,
  recheck: () => { for (const d of documents.all()) scheduleDiagnostics(d.uri, 0); },
});

function featuresFor(doc: TextDocument | undefined): LanguageFeatures | undefined {
  if (!doc) return undefined;
  return languages.find((l) => l.languageId === doc.languageId)
    ?? languages.find((l) => doc.uri.endsWith('.' + l.languageId));
}

/** Runs a feature and turns an exception into a log line: a bug in one feature never kills the server. */
async function guarded<T>(what: string, fallback: T, f: () => T | Promise<T>): Promise<T> {
  try { return await f(); } catch (e) {
    connection.console.error(`${what} failed: ${(e as Error)?.stack ?? e}`);
    return fallback;
  }
}

connection.onInitialize((params): InitializeResult => {
  roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
  if (!roots.length && params.rootUri) roots = [uriToPath(params.rootUri)];
  const opts = params.initializationOptions as { trusted?: boolean } | undefined;
  if (opts && typeof opts.trusted === 'boolean') trusted = opts.trusted;
  autoRun.configure((opts as { settings?: unknown } | undefined)?.settings);
  configureCluster((opts as { settings?: unknown } | undefined)?.settings);
  workspaceSolvers.configure((opts as { settings?: unknown } | undefined)?.settings);
  // Last block results of each document, shown at once on reopen (server/tlab/persist.ts): in the
  // client's workspace storage, else next to the solver result cache in the user cache.
  const storageDir = (opts as { storageDir?: unknown } | undefined)?.storageDir;
  configurePersistence({
    dir: typeof storageDir === 'string' && storageDir ? path.join(storageDir, 'tlab-results')
      : path.join((require('./engine/lspRunner') as typeof import('./engine/lspRunner')).workspaceCacheDir(roots[0]), 'blocks'),
    log: (m) => connection.console.log(m),
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', '(', ',', ' ', '"'] },
      signatureHelpProvider: { triggerCharacters: ['(', ','] },
      semanticTokensProvider: { legend: { tokenTypes: [...semanticTokenTypes], tokenModifiers: [...semanticTokenModifiers] }, full: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
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
  // the real compute backend in the status bar before the first job (server/engine/lspRunner.ts)
  void (runner as { announceBackend?(): Promise<void> }).announceBackend?.().catch(() => {});
});

// Diagnostics are recomputed a short while after the last edit of a document.
const pending = new Map<string, NodeJS.Timeout>();
function scheduleDiagnostics(uri: string, delayMs = 150): void {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => { pending.delete(uri); void publishDiagnostics(uri); }, delayMs));
}
async function publishDiagnostics(uri: string): Promise<void> {
  const doc = documents.get(uri);
  const lang = featuresFor(doc);
  if (!doc || !lang) return;
  const version = doc.version;
  const diagnostics = await guarded<Diagnostic[]>('diagnostics', [
    { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error,
      message: 'Theory Lab: internal error while checking this file (see the output channel)', source: 'theorylab' },
  ], () => lang.diagnostics(doc, ctx));
  if (documents.get(uri)?.version !== version) return; // a newer edit will publish its own
  connection.sendDiagnostics({ uri, version, diagnostics });
}

documents.onDidOpen((e) => scheduleDiagnostics(e.document.uri, 0));
documents.onDidChangeContent((e) => scheduleDiagnostics(e.document.uri));
// Live theory: cheap blocks whose text changed re-run ~300 ms after typing stops (server/tlab/autoRun.ts).
const autoRun = new AutoRunner({ ctx, live, document: (u) => documents.get(u), run: (d, target, signal) => tlab.runTarget(d, target, ctx, { onPlot: (plot) => void connection.sendNotification(plotUpdated, plot), signal }) });
documents.onDidChangeContent((e) => autoRun.changed(e.document));
connection.onDidChangeConfiguration((p) => { autoRun.configure(p.settings); configureCluster(p.settings); workspaceSolvers.configure(p.settings); void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {}); });
documents.onDidClose((e) => {
  autoRun.closed(e.document.uri);
  featuresFor(e.document)?.close?.(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

const doc = (uri: string) => documents.get(uri);
connection.onHover((p) => guarded('hover', null, () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.hover?.(d!, p.position, ctx) ?? null; }));
connection.onCompletion((p) => guarded('completion', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.completion?.(d!, p.position, ctx) ?? []; }));
connection.onSignatureHelp((p) => guarded('signatureHelp', null, () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.signatureHelp?.(d!, p.position, ctx) ?? null; }));
connection.languages.semanticTokens.on((p) => guarded('semanticTokens', { data: [] }, () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.semanticTokens?.(d!, ctx) ?? { data: [] }; }));
connection.onDocumentSymbol((p) => guarded('documentSymbol', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.documentSymbols?.(d!, ctx) ?? []; }));
connection.onFoldingRanges((p) => guarded('foldingRanges', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.foldingRanges?.(d!, ctx) ?? []; }));
connection.onDefinition((p) => guarded('definition', null, () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.definition?.(d!, p.position, ctx) ?? null; }));
connection.onReferences((p) => guarded('references', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.references?.(d!, p.position, p.context.includeDeclaration, ctx) ?? []; }));
connection.onPrepareRename((p) => guarded('prepareRename', null, () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.prepareRename?.(d!, p.position, ctx) ?? null; }));
connection.onRenameRequest((p) => guarded('rename', null, () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.rename?.(d!, p.position, p.newName, ctx) ?? null; }));
connection.onDocumentFormatting((p) => guarded('formatting', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.formatting?.(d!, p.options, ctx) ?? []; }));
connection.onCodeAction((p) => guarded('codeAction', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.codeActions?.(d!, p.range, p.context.diagnostics, ctx) ?? []; }));
connection.onCodeLens((p) => guarded('codeLens', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.codeLenses?.(d!, ctx) ?? []; }));
connection.languages.inlayHint.on((p) => guarded('inlayHint', [], () => { const d = doc(p.textDocument.uri); return featuresFor(d)?.inlayHints?.(d!, p.range, ctx) ?? []; }));

connection.onRequest(getChartData, (p) => guarded('chart', null, () => clevrChart(p, ctx, (u) => documents.get(u)?.getText())));

// Custom requests: run / cancel a block (code lenses) and fetch its plots.
connection.onRequest(runTarget, async (p) => {
  const d = doc(p.uri);
  if (!d) return { ok: false, message: `document not open: ${p.uri}` };
  if (featuresFor(d)?.languageId === 'clevr') {
    // .clevr evals and sentences run in the checker's pass; a run re-executes them and refreshes.
    const r = await guarded('run', { ok: false, message: 'internal error (see the output channel)' }, () => clevrRunTarget(d, p.target, ctx));
    ctx.refresh(d.uri);
    return r;
  }
  if (featuresFor(d)?.languageId !== 'tlab') return { ok: false, message: 'running is not supported for this language' };
  if (p.backend === 'slurm') return guarded('cluster run', { ok: false, message: 'internal error (see the output channel)' }, () => live.track(() => runOnCluster(d, p.target)));
  return guarded('run', { ok: false, message: 'internal error (see the output channel)' }, () =>
    live.track(() => tlab.runTarget(d, p.target, ctx, { onPlot: (plot) => void connection.sendNotification(plotUpdated, plot), seed: p.seed })));
});
connection.onRequest(cancelTarget, (p) => { tlab.cancelTarget(p.uri, p.target); });

/**
 * "Run on cluster": the block's solver calls become Slurm array tasks (server/cluster/slurm.ts); the
 * progress notification counts tasks pending/running/done/failed and its Cancel button scancels.
 */
async function runOnCluster(d: TextDocument, target: string | undefined) {
  if (!trusted) return { ok: false, message: 'cluster runs are disabled in an untrusted workspace' };
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin(`Theory Lab: ${target ?? 'file'} on Slurm`, 0, 'submitting', true);
  const controller = new AbortController();
  progress.token.onCancellationRequested(() => { tlab.cancelTarget(d.uri, target); controller.abort(); });
  const slurm = new SlurmRunner({
    ...slurmOptionsFromSettings(clusterSettings(), roots[0]),
    onStatus: (st) => {
      const total = st.pending + st.running + st.done + st.failed;
      progress.report(total ? Math.round((100 * st.done) / total) : 0, `${st.pending} pending, ${st.running} running, ${st.done} done, ${st.failed} failed`);
    },
  });
  try {
    const r = await tlab.runTarget(d, target, { ...ctx, runner: slurm }, { onPlot: (plot) => void connection.sendNotification(plotUpdated, plot), signal: controller.signal });
    const failures = slurm.failures.map((f) => `task ${f.jobId}_${f.taskId}: ${f.message} (log ${f.log})`);
    return failures.length ? { ok: false, message: `${r.message}; failed Slurm tasks: ${failures.join('; ')}` } : r;
  } finally {
    slurm.dispose();
    progress.done();
  }
}
connection.onRequest(getPlots, (p) => guarded('plots', [], () => tlab.plotsFor(p.uri, p.target)));

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

documents.listen(connection);
connection.listen();
