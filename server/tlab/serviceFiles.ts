// Workspace files for path completion inside strings (`import "…"`, a solver's `data = "…"`): the files
// with the wanted extension under the folder the document may read from (its workspace folder, see
// server/workspace/confine.ts), written relative to the document as an import or data path is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { confinementRoot, filePathOf, resolveConfined } from '../workspace/confine';

/** A walk of a big workspace stops here: completion must answer at once. */
const MAX_FILES = 400;
const MAX_DEPTH = 8;
const SKIP = new Set(['node_modules', 'dist', 'out', 'build', '__pycache__']);

/** Paths relative to the document's folder, POSIX separators, nearest first, of files ending in one of `exts`. */
export function workspacePaths(docUri: string, roots: string[], exts: string[]): string[] {
  const from = filePathOf(docUri);
  if (!from) return []; // an unsaved document reads no file
  const root = confinementRoot(from, roots);
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    entries.sort((x, y) => x.name.localeCompare(y.name));
    for (const e of entries) {
      if (found.length >= MAX_FILES) return;
      if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, depth + 1);
      else if (e.isFile() && exts.some((x) => e.name.endsWith(x)) && path.resolve(full) !== path.resolve(from)) found.push(full);
    }
  };
  walk(root, 0);
  const rel = found.map((f) => path.relative(path.dirname(from), f).split(path.sep).join('/'))
    .filter((r) => !('error' in resolveConfined(docUri, r, roots)));
  const depth = (r: string) => r.split('/').length + (r.startsWith('..') ? 10 : 0);
  return rel.sort((x, y) => depth(x) - depth(y) || x.localeCompare(y));
}
