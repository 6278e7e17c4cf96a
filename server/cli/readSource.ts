// Reading a source or data file for the CLI: UTF-8, with a leading byte-order mark removed, as the
// editor does when it opens a file (so line and column numbers agree with what the user sees there).
import * as fs from 'node:fs';

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function readSourceText(file: string): string {
  return stripBom(fs.readFileSync(file, 'utf8'));
}
