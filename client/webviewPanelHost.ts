// The plumbing the plots and chart panels share: one webview panel opened beside the code (never over
// it), its HTML, the queue of messages posted before the webview says `ready`, and the request/reply
// `query` test hook. Subclasses handle their own messages in `receive` and add what they show.
import * as vscode from 'vscode';
import { webviewHtml, webviewOptions } from './webviewHtml';

export interface WebviewPage { title: string; script: string; style: string; body: string }

/** A message from a webview that answers a `query` (every panel's webview sends this shape). */
interface QueryResult<Info> { type: 'query-result'; requestId: number; info: Info }

export abstract class WebviewPanelHost<ToWebview extends { type: string }, FromWebview extends { type: string }, Info> {
  protected panel: vscode.WebviewPanel | undefined;
  protected ready = false;
  private queue: ToWebview[] = [];
  private queries = new Map<number, (info: Info) => void>();
  private nextQuery = 1;

  constructor(protected readonly context: vscode.ExtensionContext, private readonly viewType: string, private readonly page: WebviewPage) {}

  get isOpen(): boolean { return !!this.panel; }

  /**
   * Creates the panel in the column beside the active editor, or reveals it where it is (keeping the
   * focus on the code either way). Returns true when it was created.
   */
  protected openBeside(): boolean {
    if (this.panel) { this.panel.reveal(undefined, true); return false; }
    this.attach(vscode.window.createWebviewPanel(this.viewType, this.page.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.context.extensionUri)));
    return true;
  }

  /** Takes over a panel (a new one, or one VS Code restores after a reload through the serializer). */
  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = webviewOptions(this.context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.context.extensionUri, this.page);
    panel.webview.onDidReceiveMessage((m: FromWebview) => this.dispatch(m), undefined, this.context.subscriptions);
    panel.onDidDispose(() => { this.panel = undefined; this.ready = false; this.disposed(); }, undefined, this.context.subscriptions);
  }

  /** Posts now when the webview is ready, else after its `ready`. */
  protected post(m: ToWebview): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  /** Posts ahead of the queued messages (e.g. the restored history, which queued plots then replace). */
  protected postNow(m: ToWebview): void { void this.panel?.webview.postMessage(m); }

  /** Asks the webview what it shows; undefined when the panel is closed or no answer comes in time. */
  query(timeoutMs = 10_000): Promise<Info | undefined> {
    if (!this.panel) return Promise.resolve(undefined);
    const requestId = this.nextQuery++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.queries.delete(requestId); resolve(undefined); }, timeoutMs);
      this.queries.set(requestId, (info) => { clearTimeout(timer); resolve(info); });
      this.post({ type: 'query', requestId } as unknown as ToWebview);
    });
  }

  private async dispatch(m: FromWebview): Promise<void> {
    if (m.type === 'ready') {
      this.ready = true;
      await this.onReady(m);
      for (const q of this.queue.splice(0)) void this.panel?.webview.postMessage(q);
      await this.afterReady(m);
      return;
    }
    if (m.type === 'query-result') {
      const r = m as unknown as QueryResult<Info>;
      this.queries.get(r.requestId)?.(r.info);
      this.queries.delete(r.requestId);
      return;
    }
    await this.receive(m);
  }

  /** The webview loaded: runs before the queued messages go out. */
  protected async onReady(_m: FromWebview): Promise<void> {}
  /** The webview loaded: runs after the queued messages went out. */
  protected async afterReady(_m: FromWebview): Promise<void> {}
  /** The user closed the panel. */
  protected disposed(): void {}
  /** Every other message of the webview. */
  protected abstract receive(m: FromWebview): Promise<void>;
}
