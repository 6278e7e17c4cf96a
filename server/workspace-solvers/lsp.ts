// The language server's side of workspace solvers: reads every `*.solver.toml` of the workspace at
// start and whenever one changes (watched files or an open editor), publishes each manifest's
// diagnostics on that file, registers the solvers (completion, hover, checking), shares them with the
// solver host through the sync file, logs the chosen interpreter, and re-checks open documents.
// No workspace code runs in this process; the host refuses to run any when the workspace is untrusted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeWatchedFilesNotification, DiagnosticSeverity, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToUri, uriToPath } from '../workspaceFiles';
import { CrashRecord, crashFileOf, SYNC_FILE_ENV, SYNC_OWNER_ENV, writeSyncFile } from './hostSync';
import { MANIFEST_SUFFIX } from './manifest';
import { choosePython, findManifests, InterpreterChoice, loadManifests, readFileOrUndefined, registerWorkspace } from './registry';

// Set before the solver host is forked, so it inherits where to look.
const syncDir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-wsolvers-'));
const syncFile = path.join(syncDir, 'workspace-solvers.json');
process.env[SYNC_FILE_ENV] = syncFile;
process.env[SYNC_OWNER_ENV] = String(process.pid);
process.on('exit', () => { try { fs.rmSync(syncDir, { recursive: true, force: true }); } catch { /* best effort */ } });

export interface WorkspaceSolverHookDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  roots(): string[];
  trusted(): boolean;
  /** Re-check every open document (a declaration changed). */
  recheck(): void;
}

/** `theorylab.python` from either settings shape (initializationOptions.settings or didChangeConfiguration). */
export function pythonSetting(settings: unknown): string | undefined {
  const s = settings as { python?: unknown; theorylab?: { python?: unknown } } | undefined;
  const v = s?.theorylab?.python ?? s?.python;
  return typeof v === 'string' && v.trim() ? v : undefined;
}

export function installWorkspaceSolvers(deps: WorkspaceSolverHookDeps) {
  const { connection, documents } = deps;
  let python: string | undefined;
  let published = new Set<string>();
  let lastLog = '';
  let timer: NodeJS.Timeout | undefined;

  const rootOf = (file: string) => deps.roots().find((r) => !path.relative(r, file).startsWith('..')) ?? path.dirname(file);

  function reload(): void {
    const open = documents.all().filter((d) => d.uri.endsWith(MANIFEST_SUFFIX)).map((d) => uriToPath(d.uri));
    const files = [...new Set([...findManifests(deps.roots()), ...open])];
    const loaded = loadManifests(files, (f) => documents.get(pathToUri(f))?.getText() ?? readFileOrUndefined(f));
    const trusted = deps.trusted();
    const choices = new Map<string, InterpreterChoice>();
    for (const d of loaded.decls) choices.set(d.id, choosePython(rootOf(d.manifest), python ?? process.env.THEORYLAB_PYTHON));
    const log = (l: string) => connection.console.log(l);
    registerWorkspace(loaded.decls, (d) => ({ trusted, python: choices.get(d.id)!, log }));
    try {
      writeSyncFile(syncFile, { trusted, entries: loaded.decls.map((decl) => ({ decl, python: choices.get(decl.id)! })) });
    } catch (e) { log(`workspace solvers: cannot write ${syncFile}: ${(e as Error).message}`); }
    // Slurm tasks submitted from the editor find the same manifests and interpreter on the node.
    if (deps.roots().length) process.env.THEORYLAB_WORKSPACE = deps.roots().join(path.delimiter);
    const lines = loaded.decls.map((d) => `Theory Lab: workspace solver ${d.id} (${path.relative(rootOf(d.manifest), d.manifest)}) — ` +
      (d.language === 'python' ? `Python ${choices.get(d.id)!.path} (${choices.get(d.id)!.why})` : `JavaScript in Node ${process.version}`) +
      (trusted ? '' : '; not run: the workspace is untrusted'));
    if (lines.join('\n') !== lastLog) { lastLog = lines.join('\n'); for (const l of lines) log(l); }
    const now = new Set<string>();
    for (const [file, diags] of loaded.diagnostics) {
      const uri = pathToUri(file);
      now.add(uri);
      const text = documents.get(uri)?.getText() ?? readFileOrUndefined(file) ?? '';
      const lineText = text.split(/\r?\n/);
      void connection.sendDiagnostics({
        uri,
        diagnostics: diags.map((d) => ({
          range: { start: { line: d.line, character: 0 }, end: { line: d.line, character: (lineText[d.line] ?? '').length } },
          severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
          message: d.message, source: 'theorylab',
        })),
      });
    }
    for (const uri of published) if (!now.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published = now;
    deps.recheck();
  }

  // Crashes reported by the solver host: a diagnostic on the line of the user's Python/JS file that
  // raised, kept until that solver next runs to completion.
  const crashes = new Map<string, CrashRecord>();
  let crashOffset = 0;
  const crashUris = new Set<string>();
  function readCrashes(): void {
    let text: string;
    try {
      const fd = fs.openSync(crashFileOf(syncFile), 'r');
      try {
        const size = fs.fstatSync(fd).size;
        if (size <= crashOffset) return;
        const buf = Buffer.alloc(size - crashOffset);
        fs.readSync(fd, buf, 0, buf.length, crashOffset);
        const end = buf.lastIndexOf(10) + 1;   // whole lines only
        crashOffset += end;
        text = buf.subarray(0, end).toString('utf8');
      } finally { fs.closeSync(fd); }
    } catch { return; }
    for (const l of text.split('\n')) {
      if (!l.trim()) continue;
      try { const r = JSON.parse(l) as CrashRecord; if (r.file) crashes.set(r.id, r); else crashes.delete(r.id); } catch { /* torn line */ }
    }
    const byUri = new Map<string, CrashRecord[]>();
    for (const r of crashes.values()) { const u = pathToUri(r.file!); byUri.set(u, [...(byUri.get(u) ?? []), r]); }
    for (const u of crashUris) if (!byUri.has(u)) void connection.sendDiagnostics({ uri: u, diagnostics: [] });
    crashUris.clear();
    for (const [uri, recs] of byUri) {
      crashUris.add(uri);
      void connection.sendDiagnostics({
        uri,
        diagnostics: recs.map((r) => {
          const line = Math.max(0, (r.line ?? 1) - 1);
          const width = (readFileOrUndefined(r.file!) ?? '').split(/\r?\n/)[line]?.length ?? 0;
          return {
            range: { start: { line, character: 0 }, end: { line, character: width } },
            severity: DiagnosticSeverity.Error, message: r.message ?? '', source: `theorylab (${r.id})`,
          };
        }),
      });
    }
  }
  fs.watchFile(crashFileOf(syncFile), { interval: 250 }, readCrashes).unref?.();

  const schedule = (ms = 100) => { clearTimeout(timer); timer = setTimeout(() => { try { reload(); } catch (e) { connection.console.error(`workspace solvers: ${(e as Error)?.stack ?? e}`); } }, ms); };

  connection.onDidChangeWatchedFiles((p) => {
    // a manifest, or a solver's source (its hash is the cache key: re-check marks results stale)
    if (p.changes.some((c) => c.uri.endsWith(MANIFEST_SUFFIX) || /\.(py|m?js|cjs)$/.test(c.uri))) schedule();
  });
  documents.onDidChangeContent((e) => { if (e.document.uri.endsWith(MANIFEST_SUFFIX)) schedule(); });
  documents.onDidClose((e) => { if (e.document.uri.endsWith(MANIFEST_SUFFIX)) schedule(); });

  return {
    /** initializationOptions.settings or didChangeConfiguration settings. */
    configure(settings: unknown): void {
      const next = pythonSetting(settings);
      if (settings && typeof settings === 'object' && next !== python) { python = next; schedule(0); }
    },
    /** At `initialized`: first load (synchronous, before any document is checked) and the file watcher. */
    start(): void {
      try { reload(); } catch (e) { connection.console.error(`workspace solvers: ${(e as Error)?.stack ?? e}`); }
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/*${MANIFEST_SUFFIX}` }, { globPattern: '**/*.{py,js,mjs,cjs}' }],
      }).catch(() => { /* a client without dynamic registration: open manifests still reload */ });
    },
    reload,
  };
}
