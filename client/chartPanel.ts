// The G2L2 chart panel (a webview): the CKY-E2 chart of a `sentence`, fetched from the server with
// the `theorylab/chart` request; restored after a reload by a serializer (the webview keeps its state
// and asks the server again for the fresh chart).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { getChartData } from '../protocol';
import type { ChartData } from '../protocol/chart';
import type { ChartPanelInfo, FromChartWebview, ToChartWebview } from '../protocol/webviewMessages';
import { WebviewPanelHost } from './webviewPanelHost';

const VIEW_TYPE = 'theorylab.chart';

export class ChartPanel extends WebviewPanelHost<ToChartWebview, FromChartWebview, ChartPanelInfo> {
  /** The sentence shown, so that edits of its file refresh the chart. */
  private shown: { uri: string; line: number } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(context: vscode.ExtensionContext, private readonly client: () => LanguageClient | undefined, private readonly output: vscode.OutputChannel) {
    super(context, VIEW_TYPE, {
      title: 'G2L2 Chart', script: 'chart.js', style: 'chart.css',
      body: '<div id="header"></div><div id="chart"></div><div id="details"></div><div id="parses"></div>',
    });
    // The chart follows edits of its .clevr file (lexicon, scene, sentence) shortly after typing stops.
    context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
      if (!this.panel || !this.shown || e.document.uri.toString() !== this.shown.uri) return;
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(async () => {
        if (!this.shown) return;
        const chart = await this.fetch(this.shown.uri, this.shown.line, true);
        if (chart) this.post({ type: 'chart', chart });
      }, 500);
    }));
  }

  async open(uri: string, line: number): Promise<ChartData | undefined> {
    const chart = await this.fetch(uri, line);
    // off a sentence there is no chart: say so instead of opening an empty panel
    if (!chart) {
      if (this.client()) void vscode.window.showWarningMessage(`Theory Lab: line ${line + 1} is not a \`sentence\`: put the cursor on a sentence line to show its chart.`);
      return undefined;
    }
    this.shown = { uri, line };
    this.openBeside();
    if (chart) this.post({ type: 'chart', chart });
    return chart;
  }

  private async fetch(uri: string, line: number, quiet = false): Promise<ChartData | undefined> {
    const c = this.client();
    if (!c) return undefined;
    try {
      return (await c.sendRequest(getChartData, { uri, line })) ?? undefined;
    } catch (e) {
      this.output.appendLine(`[chart] ${e}`);
      // while typing the sentence may not parse for a moment: no pop-up then
      if (!quiet) void vscode.window.showErrorMessage(`Theory Lab: no chart for this sentence (${(e as Error)?.message ?? e})`);
      return undefined;
    }
  }

  protected async afterReady(m: FromChartWebview): Promise<void> {
    // After a reload the webview shows its saved chart; refresh it from the current text.
    if (m.type === 'ready' && m.uri !== undefined && m.line !== undefined) {
      this.shown ??= { uri: m.uri, line: m.line };
      const fresh = await this.fetch(m.uri, m.line);
      if (fresh) this.post({ type: 'chart', chart: fresh });
    }
  }

  protected async receive(m: FromChartWebview): Promise<void> {
    if (m.type === 'reveal') {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
      const pos = new vscode.Position(m.line, 0);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
    }
  }
}

export function registerChartPanel(context: vscode.ExtensionContext, output: vscode.OutputChannel, client: () => LanguageClient | undefined): ChartPanel {
  const panel = new ChartPanel(context, client, output);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { async deserializeWebviewPanel(p: vscode.WebviewPanel) { panel.attach(p); } }),
    vscode.commands.registerCommand('theorylab.showChart', async (arg1?: unknown, arg2?: unknown) => {
      let uri: string | undefined, line: number | undefined;
      if (arg1 && typeof arg1 === 'object' && 'uri' in (arg1 as object)) ({ uri, line } = arg1 as { uri: string; line: number });
      else { uri = typeof arg1 === 'string' ? arg1 : undefined; line = typeof arg2 === 'number' ? arg2 : undefined; }
      const ed = vscode.window.activeTextEditor;
      uri ??= ed?.document.uri.toString();
      line ??= ed?.selection.active.line;
      if (!uri || line === undefined) { void vscode.window.showWarningMessage('Theory Lab: put the cursor on a `sentence` line first.'); return undefined; }
      const chart = await panel.open(uri, line);
      return chart ? { cells: chart.cells.length, nodes: chart.stats.nodesWithMerging } : undefined;
    }),
    vscode.commands.registerCommand('theorylab.test.chartPanelInfo', () => panel.query()),
  );
  return panel;
}
