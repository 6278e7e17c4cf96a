// Test harness of the LSP protocol tier: spawns the real built server (`dist/server.js --stdio`), speaks
// JSON-RPC with Content-Length framing over its stdio, opens documents and waits for published
// diagnostics. `cursor()` strips a `<|>` marker from a text and returns its position.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestType } from 'vscode-languageserver-protocol';

export const repoRoot = path.resolve(__dirname, '..', '..');
const serverJs = path.join(repoRoot, 'dist', 'server.js');

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface Diagnostic { range: Range; severity?: number; message: string; source?: string; code?: string | number; data?: unknown }

/** Removes the `<|>` marker and returns the text with the cursor's offset and LSP position. */
export function cursor(marked: string): { text: string; offset: number; position: Position } {
  const offset = marked.indexOf('<|>');
  if (offset < 0) throw new Error('no <|> marker in the text');
  const text = marked.slice(0, offset) + marked.slice(offset + 3);
  return { text, offset, position: positionAt(text, offset) };
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function offsetAt(text: string, p: Position): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < p.line; i++) off += lines[i].length + 1;
  return off + p.character;
}

/** The text a range covers. */
export function textOf(text: string, r: Range): string { return text.slice(offsetAt(text, r.start), offsetAt(text, r.end)); }

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(out, e.range.start)) + e.newText + out.slice(offsetAt(out, e.range.end));
  return out;
}

function ensureBuilt(): void {
  if (fs.existsSync(serverJs)) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed: cannot start dist/server.js');
}

/** What the harness needs of a typed request: its method; P and R only carry the types. */
export type ProtocolRequestType<P, R> = RequestType<P, R, unknown>;

type Pending = { resolve(v: unknown): void; reject(e: Error): void; method: string };

export class LspClient {
  private proc: ChildProcess;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  private diagWaiters: { uri: string; pred: (d: Diagnostic[]) => boolean; resolve(d: Diagnostic[]): void }[] = [];
  readonly notifications: { method: string; params: any }[] = [];
  /** Requests the server sent (code-lens refreshes, work-done progress creation), with when they came. */
  readonly serverRequests: { method: string; params: any; at: number }[] = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();
  stderr = '';
  exited = false;

  constructor(readonly workspace: string) {
    ensureBuilt();
    this.proc = spawn(process.execPath, [serverJs, '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`server exited during ${p.method}\n${this.stderr}`));
      this.pending.clear();
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString());
      if (!m) throw new Error('bad header from server');
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const body = this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(sep + 4 + len);
      this.onMessage(JSON.parse(body));
    }
  }

  private onMessage(msg: any): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // server → client request (refresh, progress, registration): accept
      this.serverRequests.push({ method: msg.method, params: msg.params, at: Date.now() });
      this.send({ jsonrpc: '2.0', id: msg.id, result: null });
      return;
    }
    this.notifications.push({ method: msg.method, params: msg.params });
    if (msg.method === 'textDocument/publishDiagnostics') {
      const { uri, version, diagnostics } = msg.params;
      this.diagnostics.set(uri, { version, diagnostics });
      const cur = this.versions.get(uri);
      if (version !== undefined && cur !== undefined && version !== cur) return;
      this.diagWaiters = this.diagWaiters.filter((w) => {
        if (w.uri !== uri || !w.pred(diagnostics)) return true;
        w.resolve(diagnostics);
        return false;
      });
    }
  }

  private send(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin!.write(body);
  }

  /** A request typed by its protocol object (protocol/index.ts, vscode-languageserver-protocol), or by a method name. */
  request<P, R>(type: ProtocolRequestType<P, R>, params: P, timeoutMs?: number): Promise<R>;
  request<T = any>(method: string, params: unknown, timeoutMs?: number): Promise<T>;
  request<T>(typeOrMethod: string | ProtocolRequestType<unknown, T>, params: unknown, timeoutMs = 20000): Promise<T> {
    const method = typeof typeOrMethod === 'string' ? typeOrMethod : typeOrMethod.method;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`timeout waiting for ${method}\n${this.stderr}`)); }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => { clearTimeout(timer); resolve(v as T); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void { this.send({ jsonrpc: '2.0', method, params }); }

  async initialize(initializationOptions: unknown = { trusted: true }): Promise<any> {
    const res = await this.request('initialize', {
      processId: process.pid, rootUri: pathToFileURL(this.workspace).toString(),
      workspaceFolders: [{ uri: pathToFileURL(this.workspace).toString(), name: 'ws' }],
      capabilities: { textDocument: { hover: { contentFormat: ['markdown'] }, completion: { completionItem: { snippetSupport: true } } }, window: { workDoneProgress: true } },
      initializationOptions,
    });
    this.notify('initialized', {});
    return res;
  }

  uri(name: string): string { return pathToFileURL(path.join(this.workspace, name)).toString(); }

  /** Opens a document and resolves with its first diagnostics. */
  open(name: string, text: string, languageId = 'tlab'): Promise<Diagnostic[]> {
    const uri = this.uri(name);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    const p = this.waitForDiagnostics(uri);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return p;
  }

  /** Replaces the whole text (as an incremental edit) and resolves with the new diagnostics. */
  change(name: string, text: string): Promise<Diagnostic[]> {
    const uri = this.uri(name);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const old = this.texts.get(uri) ?? '';
    this.texts.set(uri, text);
    const p = this.waitForDiagnostics(uri);
    this.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: positionAt(old, old.length) }, text }],
    });
    return p;
  }

  waitForDiagnostics(uri: string, pred: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 20000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}\n${this.stderr}`)), timeoutMs);
      this.diagWaiters.push({ uri, pred, resolve: (d) => { clearTimeout(timer); resolve(d); } });
    });
  }

  lastDiagnostics(name: string): Diagnostic[] { return this.diagnostics.get(this.uri(name))?.diagnostics ?? []; }

  /** Convenience: a request on a document at a position. */
  at<T = any>(method: string, name: string, position: Position, extra: Record<string, unknown> = {}): Promise<T> {
    return this.request<T>(method, { textDocument: { uri: this.uri(name) }, position, ...extra });
  }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    try { await this.request('shutdown', null, 5000); this.notify('exit', null); } catch { /* already gone */ }
    await new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const t = setTimeout(() => { this.proc.kill(); resolve(); }, 3000);
      this.proc.on('exit', () => { clearTimeout(t); resolve(); });
    });
  }
}

/** A fresh temporary workspace folder with the given files, and a started, initialised server. */
export async function startServer(files: Record<string, string> = {}, initializationOptions?: unknown): Promise<LspClient> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const c = new LspClient(fs.realpathSync(dir));
  await c.initialize(initializationOptions);
  return c;
}
