// Workspace sandbox: a .tlab/.clevr file may only read files inside the workspace folders (imports,
// scene and question JSON). Paths are resolved against the importing file and checked after
// resolving symlinks, so `../` and links cannot escape.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export class WorkspaceAccessError extends Error {
  constructor(message: string) { super(message); this.name = 'WorkspaceAccessError'; }
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).toString();
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves `relativePath` against the directory of `fromUri` and returns the absolute path, or throws
 * when it lies outside every root. With no roots (a single file opened), the importing file's own
 * directory is the root.
 */
export function resolveInWorkspace(fromUri: string, relativePath: string, roots: string[]): string {
  const fromPath = uriToPath(fromUri);
  const base = path.dirname(fromPath);
  const target = path.resolve(base, relativePath);
  const effectiveRoots = roots.length ? roots : [base];
  const real = (p: string) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
  const realTarget = real(target);
  if (!effectiveRoots.some((r) => isInside(realTarget, real(r)))) {
    throw new WorkspaceAccessError(`'${relativePath}' is outside the workspace; only workspace files can be read`);
  }
  return target;
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
