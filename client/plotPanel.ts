// The plots panel (a webview): shows the Vega-Lite plots the language server computes, keeps a
// history per workspace (restored after a reload through a WebviewPanelSerializer and
// workspaceState), and saves exported figures and data into the workspace.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { getPlots, plotUpdated, PlotPayload } from '../protocol';
import type { FromPlotsWebview, PlotEntry, PlotExportFormat, PlotExportStyle, PlotsPanelInfo, ToPlotsWebview } from '../protocol/webviewMessages';
import { WebviewPanelHost } from './webviewPanelHost';

const VIEW_TYPE = 'theorylab.plots';
const STATE_KEY = 'theorylab.plots.history';
const SELECTED_KEY = 'theorylab.plots.selected';

export class PlotPanel extends WebviewPanelHost<ToPlotsWebview, FromPlotsWebview, PlotsPanelInfo> {
  /** Documents whose plots the panel has shown: their edits mark those plots stale (see watchEdits). */
  readonly shownUris = new Set<string>();

  constructor(context: vscode.ExtensionContext, private readonly output: vscode.OutputChannel) {
    super(context, VIEW_TYPE, {
      title: 'Theory Lab Plots', script: 'plots.js', style: 'plots.css',
      body: `<div id="sidebar"><h2>History</h2><ul id="history"></ul></div>
<div id="main"><div id="toolbar">
<button id="export-svg" title="save the figure as SVG in plots/">SVG</button>
<button id="export-png" title="save the figure as PNG in plots/">PNG</button>
<button id="export-publication" title="save a publication figure (3.5 × 2.6 in, serif fonts) as SVG in plots/">Publication SVG</button>
<button id="copy-svg" title="copy the figure to the clipboard as SVG">Copy SVG</button>
<span class="sep"></span>
<button id="export-csv" title="save the data as CSV in plots/">CSV</button>
<button id="export-json" title="save the data as JSON in plots/">JSON</button>
</div><div id="caption"></div><div id="figure"></div></div>`,
    });
  }

  /** Opens the panel beside the code (or reveals it) and shows `plots`. */
  show(plots: PlotPayload[] = [], reveal = true): void {
    if (!this.isOpen || reveal) this.openBeside();
    for (const p of plots) this.shownUris.add(p.uri);
    if (plots.length) this.post({ type: 'plots', plots, reveal });
  }

  /** A plot recomputed by the server: into the open panel, else into the stored history. */
  update(plot: PlotPayload): void {
    this.shownUris.add(plot.uri);
    if (this.isOpen) { this.post({ type: 'plots', plots: [plot], reveal: false }); return; }
    const entries = this.context.workspaceState.get<PlotEntry[]>(STATE_KEY, []);
    const i = entries.findIndex((e) => !e.pinned && e.uri === plot.uri && e.experiment === plot.experiment && e.title === plot.title);
    if (i >= 0) {
      entries[i] = { ...entries[i], ...plot };
      void this.context.workspaceState.update(STATE_KEY, entries);
    }
  }

  protected async onReady(): Promise<void> {
    // The stored history goes first; queued plots then replace their entries in it.
    const entries = this.context.workspaceState.get<PlotEntry[]>(STATE_KEY, []);
    const selected = this.context.workspaceState.get<string>(SELECTED_KEY);
    if (entries.length) this.postNow({ type: 'restore', entries, selected });
  }

  protected async receive(m: FromPlotsWebview): Promise<void> {
    switch (m.type) {
      case 'state':
        await this.context.workspaceState.update(STATE_KEY, m.entries);
        await this.context.workspaceState.update(SELECTED_KEY, m.selected);
        break;
      case 'exported': {
        const settle = this.exportWaiter;
        this.exportWaiter = undefined;
        try {
          if (m.target === 'clipboard') {
            await vscode.env.clipboard.writeText(m.data);
            this.output.appendLine(`[plots] copied '${m.name}' to the clipboard as ${m.format.toUpperCase()}`);
            if (settle) settle({ clipboard: true }); else void vscode.window.showInformationMessage(`Theory Lab: copied "${m.name}" as ${m.format.toUpperCase()}`);
            break;
          }
          const saved = await this.save(m.format, m.preset === 'publication' ? `${m.name}.publication` : m.name, m.data);
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
        if (this.exportWaiter) { this.exportWaiter({ error: m.message }); this.exportWaiter = undefined; }
        else void vscode.window.showWarningMessage(`Theory Lab: ${m.message}`);
        break;
    }
  }

  /**
   * Saves an export as `plots/<name>.<ext>` in the first workspace folder (the folder is made when
   * missing), then offers to open or reveal it. Without a workspace folder it asks where to save.
   */
  private async save(format: PlotExportFormat, name: string, data: string): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'plot';
    const target = folder
      ? vscode.Uri.joinPath(folder, 'plots', `${safe}.${format}`)
      : await vscode.window.showSaveDialog({ filters: { [format.toUpperCase()]: [format] } });
    if (!target) return undefined;
    const bytes = format === 'png'
      ? Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64')
      : Buffer.from(data, 'utf8');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await vscode.workspace.fs.writeFile(target, bytes);
    this.lastSaved = target;
    this.output.appendLine(`[plots] saved ${target.fsPath}`);
    if (!this.exportWaiter && !this.quietExports) void this.offerSaved(target);
    return target;
  }

  private async offerSaved(target: vscode.Uri): Promise<void> {
    const choice = await vscode.window.showInformationMessage(`Theory Lab: saved ${vscode.workspace.asRelativePath(target)}`, 'Open', 'Reveal');
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', target, { viewColumn: vscode.ViewColumn.Beside });
    else if (choice === 'Reveal') await vscode.commands.executeCommand('revealInExplorer', target);
  }

  /** Test hook: no "saved" notification while a test exports. */
  private quietExports = false;
  lastSaved: vscode.Uri | undefined;
  private exportWaiter: ((r: { uri?: vscode.Uri; clipboard?: boolean; error?: string }) => void) | undefined;

  /**
   * Test hook: exports the selected plot to `plots/<name>.<ext>` (or the clipboard) and resolves with
   * the saved file ('clipboard' for the clipboard), or rejects with the webview's or the file system's error.
   */
  async exportToWorkspace(format: PlotExportFormat, timeoutMs = 60_000, target: 'file' | 'clipboard' = 'file', style?: PlotExportStyle): Promise<vscode.Uri | 'clipboard'> {
    if (!this.isOpen) throw new Error('the plots panel is not open');
    this.exportWaiter?.({ error: 'superseded by another export' });
    const result = new Promise<{ uri?: vscode.Uri; clipboard?: boolean; error?: string }>((resolve) => {
      const timer = setTimeout(() => { this.exportWaiter = undefined; resolve({ error: `no ${format} export after ${timeoutMs} ms` }); }, timeoutMs);
      this.exportWaiter = (r) => { clearTimeout(timer); resolve(r); };
    });
    this.quietExports = true;
    try {
      this.requestExport(format, target, style);
      const r = await result;
      if (r.clipboard) return 'clipboard';
      if (!r.uri) throw new Error(r.error ?? 'the export was not saved');
      return r.uri;
    } finally {
      this.quietExports = false;
    }
  }

  /** Test hook: the history buttons (pin, unpin, rename, delete, select) of one entry. */
  history(id: string, action: 'pin' | 'unpin' | 'rename' | 'delete' | 'select', name?: string): void {
    this.post({ type: 'history', id, action, name });
  }

  requestExport(format: PlotExportFormat, target: 'file' | 'clipboard' = 'file', style?: PlotExportStyle): void {
    if (!this.isOpen) { void vscode.window.showWarningMessage('Theory Lab: open a plot first (the "Plot" lens of an experiment), then export it.'); return; }
    this.post({ type: 'export', format, target, style });
  }
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
      const f = (format ?? await vscode.window.showQuickPick(['svg', 'png', 'csv', 'json'], { placeHolder: 'Export the selected plot as' })) as PlotExportFormat | undefined;
      if (f) panel.requestExport(f);
    }),
    vscode.commands.registerCommand('theorylab.copyPlotSvg', () => panel.requestExport('svg', 'clipboard')),
    vscode.commands.registerCommand('theorylab.exportPlotPublication', async (widthIn?: number, heightIn?: number) => {
      // From the palette: ask for the size; from code (or a keybinding with args): use the given one.
      let w = widthIn, h = heightIn;
      if (w === undefined) {
        const size = await vscode.window.showInputBox({
          prompt: 'Figure size in inches (width × height)', value: '3.5 x 2.6',
          validateInput: (v) => (parseSize(v) ? undefined : 'two positive numbers, e.g. 3.5 x 2.6 (one column) or 7 x 3 (two columns)'),
        });
        if (!size) return;
        [w, h] = parseSize(size)!;
      }
      panel.requestExport('svg', 'file', { preset: 'publication', widthIn: w, heightIn: h });
    }),
    vscode.commands.registerCommand('theorylab.test.plotPanelInfo', () => panel.query()),
    vscode.commands.registerCommand('theorylab.test.exportPlot', async (format: PlotExportFormat, target?: 'file' | 'clipboard', style?: PlotExportStyle) => (await panel.exportToWorkspace(format, 60_000, target, style)).toString()),
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

/** "3.5 x 2.6", "3.5×2.6", "7 3" → [width, height] in inches. */
function parseSize(text: string): [number, number] | undefined {
  const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*(?:[x×,]|\s)\s*(\d+(?:\.\d+)?)$/i);
  if (!m) return undefined;
  const w = Number(m[1]), h = Number(m[2]);
  return w > 0 && h > 0 && w <= 40 && h <= 40 ? [w, h] : undefined;
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
