// Workspace sandbox: a .tlab/.clevr file may only read files inside its workspace folder (imports,
// data files, scene and question JSON); the rules live in server/workspace/confine.ts.
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveConfined } from './workspace/confine';

export class WorkspaceAccessError extends Error {
  constructor(message: string) { super(message); this.name = 'WorkspaceAccessError'; }
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).toString();
}

/**
 * Resolves `relativePath` against the directory of `fromUri` and returns the absolute path, or throws
 * when it leaves the importing file's workspace folder (see server/workspace/confine.ts).
 */
export function resolveInWorkspace(fromUri: string, relativePath: string, roots: string[]): string {
  const r = resolveConfined(fromUri, relativePath, roots);
  if ('error' in r) throw new WorkspaceAccessError(r.error);
  return r.path;
}

export function readWorkspaceFile(
  fromUri: string, relativePath: string, roots: string[], openText?: (uri: string) => string | undefined,
): { uri: string; text: string } {
  const abs = resolveInWorkspace(fromUri, relativePath, roots);
  const uri = pathToUri(abs);
  const open = openText?.(uri);
  if (open !== undefined) return { uri, text: open };
  if (!fs.existsSync(abs)) throw new WorkspaceAccessError(`file not found: '${relativePath}'`);
  const stat = fs.statSync(abs);
  if (!stat.isFile()) throw new WorkspaceAccessError(`'${relativePath}' is not a file`);
  if (stat.size > 256 * 1024 * 1024) throw new WorkspaceAccessError(`'${relativePath}' is larger than 256 MiB`);
  return { uri, text: fs.readFileSync(abs, 'utf8') };
}
