// The plots panel (a webview): shows the Vega-Lite plots the language server computes, keeps a
// history per workspace (restored after a reload through a WebviewPanelSerializer and
// workspaceState), and saves exported figures and data into the workspace.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { getPlots, plotUpdated, PlotPayload } from '../protocol';
import type { FromPlotsWebview, PlotEntry, PlotsPanelInfo, ToPlotsWebview } from '../protocol/webviewMessages';
import { webviewHtml, webviewOptions } from './webviewHtml';

const VIEW_TYPE = 'theorylab.plots';
const STATE_KEY = 'theorylab.plots.history';
const SELECTED_KEY = 'theorylab.plots.selected';

export class PlotPanel {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: ToPlotsWebview[] = [];
  private queries = new Map<number, (info: PlotsPanelInfo) => void>();
  private nextQuery = 1;
  /** Documents whose plots the panel has shown: their edits mark those plots stale (see watchEdits). */
  readonly shownUris = new Set<string>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.OutputChannel) {}

  /** Opens (or reveals) the panel and shows `plots`. */
  show(plots: PlotPayload[] = [], reveal = true): void {
    if (!this.panel) this.attach(vscode.window.createWebviewPanel(VIEW_TYPE, 'Theory Lab Plots', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.context.extensionUri)));
    else if (reveal) this.panel.reveal(undefined, true);
    for (const p of plots) this.shownUris.add(p.uri);
    if (plots.length) this.post({ type: 'plots', plots, reveal });
  }

  /** A plot recomputed by the server: into the open panel, else into the stored history. */
  update(plot: PlotPayload): void {
    this.shownUris.add(plot.uri);
    if (this.panel) { this.post({ type: 'plots', plots: [plot], reveal: false }); return; }
    const entries = this.context.workspaceState.get<PlotEntry[]>(STATE_KEY, []);
    const i = entries.findIndex((e) => !e.pinned && e.uri === plot.uri && e.experiment === plot.experiment && e.title === plot.title);
    if (i >= 0) {
      entries[i] = { ...entries[i], ...plot };
      void this.context.workspaceState.update(STATE_KEY, entries);
    }
  }

  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = webviewOptions(this.context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.context.extensionUri, {
      title: 'Theory Lab Plots', script: 'plots.js', style: 'plots.css',
      body: `<div id="sidebar"><h2>History</h2><ul id="history"></ul></div>
<div id="main"><div id="toolbar">
<button id="export-svg" title="save the figure as SVG in the workspace">SVG</button>
<button id="export-png" title="save the figure as PNG in the workspace">PNG</button>
<button id="export-csv" title="save the data as CSV in the workspace">CSV</button>
<button id="export-json" title="save the data as JSON in the workspace">JSON</button>
</div><div id="caption"></div><div id="figure"></div></div>`,
    });
    panel.webview.onDidReceiveMessage((m: FromPlotsWebview) => this.receive(m), undefined, this.context.subscriptions);
    panel.onDidDispose(() => { this.panel = undefined; this.ready = false; }, undefined, this.context.subscriptions);
  }

  private post(m: ToPlotsWebview): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  private async receive(m: FromPlotsWebview): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const entries = this.context.workspaceState.get<PlotEntry[]>(STATE_KEY, []);
        const selected = this.context.workspaceState.get<string>(SELECTED_KEY);
        if (entries.length) void this.panel?.webview.postMessage({ type: 'restore', entries, selected } satisfies ToPlotsWebview);
        for (const q of this.queue.splice(0)) void this.panel?.webview.postMessage(q);
        break;
      }
      case 'state':
        await this.context.workspaceState.update(STATE_KEY, m.entries);
        await this.context.workspaceState.update(SELECTED_KEY, m.selected);
        break;
      case 'query-result':
        this.queries.get(m.requestId)?.(m.info);
        this.queries.delete(m.requestId);
        break;
      case 'exported': {
        const settle = this.exportWaiter;
        this.exportWaiter = undefined;
        try {
          const saved = await this.save(m.format, m.name, m.data);
          settle?.({ uri: saved });
        } catch (e) {
          const message = `could not save the ${m.format.toUpperCase()} export: ${(e as Error)?.message ?? e}`;
          this.output.appendLine(`[plots] ${message}`);
          if (settle) settle({ error: message }); else void vscode.window.showErrorMessage(`Theory Lab: ${message}`);
        }
        break;
      }
      case 'error':
        this.output.appendLine(`[plots] ${m.message}`);
        this.exportWaiter?.({ error: m.message });
        this.exportWaiter = undefined;
        break;
    }
  }

  /** Saves an export under the workspace (default folder `plots/`), asking for the file name. */
  private async save(format: 'svg' | 'png' | 'csv' | 'json', name: string, data: string): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'plot';
    const suggested = folder ? vscode.Uri.joinPath(folder, 'plots', `${safe}.${format}`) : undefined;
    const target = this.autoSave ? suggested : await vscode.window.showSaveDialog({ defaultUri: suggested, filters: { [format.toUpperCase()]: [format] } });
    if (!target) return undefined;
    const bytes = format === 'png'
      ? Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64')
      : Buffer.from(data, 'utf8');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await vscode.workspace.fs.writeFile(target, bytes);
    this.lastSaved = target;
    if (!this.autoSave) void vscode.window.showInformationMessage(`Theory Lab: saved ${vscode.workspace.asRelativePath(target)}`);
    return target;
  }

  /** Test hook (as Lean's infoview exposes one): export without a dialog, to `plots/<name>.<ext>`. */
  autoSave = false;
  lastSaved: vscode.Uri | undefined;
  private exportWaiter: ((r: { uri?: vscode.Uri; error?: string }) => void) | undefined;

  /**
   * Test hook: exports the selected plot to `plots/<name>.<ext>` without a dialog and resolves with the
   * saved file, or rejects with the webview's or the file system's error.
   */
  async exportToWorkspace(format: 'svg' | 'png' | 'csv' | 'json', timeoutMs = 60_000): Promise<vscode.Uri> {
    if (!this.panel) throw new Error('the plots panel is not open');
    this.exportWaiter?.({ error: 'superseded by another export' });
    const result = new Promise<{ uri?: vscode.Uri; error?: string }>((resolve) => {
      const timer = setTimeout(() => { this.exportWaiter = undefined; resolve({ error: `no ${format} export after ${timeoutMs} ms` }); }, timeoutMs);
      this.exportWaiter = (r) => { clearTimeout(timer); resolve(r); };
    });
    this.autoSave = true;
    try {
      this.requestExport(format);
      const r = await result;
      if (!r.uri) throw new Error(r.error ?? 'the export was not saved');
      return r.uri;
    } finally {
      this.autoSave = false;
    }
  }

  /** Test hook: the history buttons (pin, unpin, rename, delete, select) of one entry. */
  history(id: string, action: 'pin' | 'unpin' | 'rename' | 'delete' | 'select', name?: string): void {
    this.post({ type: 'history', id, action, name });
  }

  /** Test hook: what the webview shows (history, rendered SVG element counts). */
  query(timeoutMs = 10000): Promise<PlotsPanelInfo | undefined> {
    if (!this.panel) return Promise.resolve(undefined);
    const requestId = this.nextQuery++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.queries.delete(requestId); resolve(undefined); }, timeoutMs);
      this.queries.set(requestId, (info) => { clearTimeout(timer); resolve(info); });
      this.post({ type: 'query', requestId });
    });
  }

  requestExport(format: 'svg' | 'png' | 'csv' | 'json'): void { this.post({ type: 'export', format }); }
}

/** Registers the panel, its commands, its serializer and the server's plot notifications. */
export function registerPlotPanel(context: vscode.ExtensionContext, output: vscode.OutputChannel, client: () => LanguageClient | undefined): PlotPanel {
  const panel = new PlotPanel(context, output);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(webview: vscode.WebviewPanel) { panel.attach(webview); },
    }),
    watchEdits(panel, client, output),
    vscode.commands.registerCommand('theorylab.showPlots', async (arg1?: unknown, arg2?: unknown) => {
      const { uri, target } = runArgs(arg1, arg2);
      const c = client();
      let plots: PlotPayload[] = [];
      if (c && uri) {
        try { plots = await c.sendRequest(getPlots, { uri, target }); } catch (e) { output.appendLine(`[plots] ${e}`); }
      }
      panel.show(plots, true);
      return plots.length;
    }),
    vscode.commands.registerCommand('theorylab.exportPlot', async (format?: string) => {
      const f = (format ?? await vscode.window.showQuickPick(['svg', 'png', 'csv', 'json'], { placeHolder: 'Export the selected plot as' })) as 'svg' | 'png' | 'csv' | 'json' | undefined;
      if (f) panel.requestExport(f);
    }),
    vscode.commands.registerCommand('theorylab.test.plotPanelInfo', () => panel.query()),
    vscode.commands.registerCommand('theorylab.test.exportPlot', async (format: 'svg' | 'png' | 'csv' | 'json') => (await panel.exportToWorkspace(format)).toString()),
    vscode.commands.registerCommand('theorylab.test.plotHistory', (id: string, action: 'pin' | 'unpin' | 'rename' | 'delete' | 'select', name?: string) => panel.history(id, action, name)),
  );
  return panel;
}

/**
 * Stale plots: when a document whose plots the panel shows changes, the server's copy of those plots
 * (getPlots marks the ones whose inputs changed `stale`) replaces the panel's, ~400 ms after typing
 * stops; a re-run then replaces them with fresh ones through plotUpdated. The webview skips payloads
 * it already shows, so unchanged plots are not redrawn.
 */
function watchEdits(panel: PlotPanel, client: () => LanguageClient | undefined, output: vscode.OutputChannel): vscode.Disposable {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    const uri = e.document.uri.toString();
    if (!e.contentChanges.length || !panel.shownUris.has(uri)) return;
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(async () => {
      timers.delete(uri);
      const c = client();
      if (!c) return;
      try {
        for (const p of await c.sendRequest(getPlots, { uri })) panel.update(p);
      } catch (err) { output.appendLine(`[plots] ${err}`); }
    }, 400));
  });
  return { dispose: () => { sub.dispose(); for (const t of timers.values()) clearTimeout(t); } };
}

/** Routes the server's plot notifications of a (re)started client into the panel. */
export function listenForPlots(client: LanguageClient, panel: PlotPanel): void {
  client.onNotification(plotUpdated, (p) => panel.update(p));
}

/** Commands are called from code lenses as (uri, target) or ({uri, target}), and from the palette with nothing. */
export function runArgs(arg1?: unknown, arg2?: unknown): { uri?: string; target?: string; backend?: 'local' | 'slurm'; seed?: number } {
  if (arg1 && typeof arg1 === 'object' && 'uri' in (arg1 as object)) {
    const o = arg1 as { uri?: unknown; target?: unknown; backend?: unknown; seed?: unknown };
    return {
      uri: String(o.uri), target: typeof o.target === 'string' ? o.target : undefined,
      backend: o.backend === 'slurm' ? 'slurm' : undefined, seed: typeof o.seed === 'number' ? o.seed : undefined,
    };
  }
  const uri = typeof arg1 === 'string' ? arg1 : ((arg1 as unknown) instanceof vscode.Uri ? (arg1 as vscode.Uri).toString() : vscode.window.activeTextEditor?.document.uri.toString());
  return { uri, target: typeof arg2 === 'string' ? arg2 : undefined };
}
