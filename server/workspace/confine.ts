// Path confinement for every file a workspace document names (.tlab imports and `data = "…"` files,
// .clevr scene and question files): a path resolves against the folder of the file that names it and
// must stay inside that file's workspace folder, after symlinks are resolved, so `../` and links cannot
// escape. A file in no workspace folder (or with no folders open) may read its own folder and below;
// a document that is not a file on disk (untitled) may read nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Confined = { path: string } | { error: string };

/** A `file:` URI or a plain path as a path; undefined for other schemes (untitled:, vscode-notebook:…). */
export function filePathOf(fromFile: string): string | undefined {
  if (fromFile.startsWith('file:')) return fileURLToPath(fromFile);
  if (/^[a-zA-Z][\w+.-]+:/.test(fromFile) && !/^[a-zA-Z]:[\\/]/.test(fromFile)) return undefined;
  return path.resolve(fromFile);
}

function real(p: string): string {
  try { return fs.realpathSync(p); } catch { /* a missing file: its folder decides */ }
  const dir = path.dirname(p);
  if (dir === p) return p;
  return path.join(real(dir), path.basename(p));
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The folder a file may read from: the innermost workspace root holding it, else its own folder.
 * `roots` are workspace folder paths (the server's) or the CLI's project root (projectRootOf).
 */
export function confinementRoot(filePath: string, roots: string[]): string {
  const realFile = real(filePath);
  const holding = roots.map((r) => real(path.resolve(r))).filter((r) => isInside(realFile, r));
  holding.sort((a, b) => b.length - a.length);
  return holding[0] ?? path.dirname(realFile);
}

/** Resolves `relPath` against the folder of `fromFile` (a path or file: URI) inside its confinement root. */
export function resolveConfined(fromFile: string, relPath: string, roots: string[]): Confined {
  const from = filePathOf(fromFile);
  if (!from) return { error: `'${relPath}' cannot be read from an unsaved document; save the file in the workspace first` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL in a path is what is being reported
  if (relPath.includes('\u0000')) return { error: `'${relPath.replace(/\u0000/g, '\\u0000')}' is not a valid path` };
  const target = path.resolve(path.dirname(from), relPath);
  const root = confinementRoot(from, roots);
  if (!isInside(real(target), root)) {
    return { error: `'${relPath}' is outside the workspace folder ${root}; only files inside it can be read` };
  }
  return { path: target };
}

/** For the CLI: the nearest ancestor of the file's folder holding .git or package.json, else the folder. */
export function projectRootOf(filePath: string): string {
  return projectRootOfFolder(path.dirname(path.resolve(filePath)));
}

function projectRootOfFolder(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git')) || fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/**
 * The CLI's workspace (product.md §8): the file's folder or its nearest ancestor with .git or
 * package.json; without a file (`theorylab solve`) the same from the current directory. The one
 * answer for path confinement, the workspace solvers it loads, `.theorylab/cache` and
 * `.theorylab/slurm`. Deliberately not `.theorylab` or `.vscode`: the CLI writes `.theorylab` itself,
 * and a folder it once wrote into must not become a workspace of its own.
 */
export function cliWorkspaceRoot(file: string | undefined, cwd: string = process.cwd()): string {
  return file ? projectRootOf(path.resolve(cwd, file)) : projectRootOfFolder(path.resolve(cwd));
}
