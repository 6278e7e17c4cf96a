// How workspace solvers reach processes that did not read the manifests themselves (the solver host,
// a Slurm task started by the editor): the language server writes the validated declarations, its
// trust decision and the chosen interpreters to a JSON file named by THEORYLAB_WORKSPACE_SOLVERS_FILE;
// children inherit the variable and re-read the file whenever it changes, before a solver lookup.
import * as fs from 'node:fs';
import { onWorkspaceLookup } from '../solvers/index';
import type { WorkspaceSolverDecl } from './manifest';
import { InterpreterChoice, onWorkspaceCrash, registerWorkspace } from './registry';

export const SYNC_FILE_ENV = 'THEORYLAB_WORKSPACE_SOLVERS_FILE';
export const SYNC_OWNER_ENV = 'THEORYLAB_WORKSPACE_SOLVERS_OWNER';

/** One line of `<sync file>.crashes.jsonl`: the last run of `id` crashed at file:line, or (no file) succeeded. */
export interface CrashRecord { id: string; file?: string; line?: number; message?: string }

export const crashFileOf = (syncFile: string) => `${syncFile}.crashes.jsonl`;

export interface SyncFile {
  trusted: boolean;
  entries: { decl: WorkspaceSolverDecl; python: InterpreterChoice }[];
}

/** Atomic write (temporary name, then rename): a reader never sees half a file. */
export function writeSyncFile(file: string, content: SyncFile): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(content));
  fs.renameSync(tmp, file);
}

let lastStamp = '';

/** Re-registers the workspace solvers from the sync file when it changed since the last look. */
export function syncFromFile(file: string, log: (l: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  let stamp: string;
  try { const st = fs.statSync(file); stamp = `${st.mtimeMs}:${st.size}:${st.ino}`; } catch { return; }
  if (stamp === lastStamp) return;
  try {
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as SyncFile;
    const python = new Map(content.entries.map((e) => [e.decl.id, e.python]));
    registerWorkspace(content.entries.map((e) => e.decl), (d) => ({ trusted: content.trusted === true, python: python.get(d.id)!, log }));
    lastStamp = stamp;
  } catch (e) {
    log(`workspace solvers: cannot read ${file}: ${(e as Error).message}`);
  }
}

const file = process.env[SYNC_FILE_ENV];
// The writer (the language server) registers its solvers directly; only its children follow the file.
if (file && process.env[SYNC_OWNER_ENV] !== String(process.pid)) {
  onWorkspaceLookup(() => syncFromFile(file));
  // crashes travel back to the editor, which shows them on the line of the user's file
  onWorkspaceCrash((decl, crash) => {
    const rec: CrashRecord = crash?.where
      ? { id: decl.id, file: crash.where.file, line: crash.where.line, message: crash.message }
      : { id: decl.id };
    try { fs.appendFileSync(crashFileOf(file), `${JSON.stringify(rec)}\n`); } catch { /* the editor is gone */ }
  });
}
