// Test helper: parse .tlab text with the real parser and hand back its derivations and file-level lets.
import type { DerivationDecl, LetStmt } from '../tlab/ast';
import { parseTlab } from '../tlab/parser';

export function parseDerivations(text: string): { derivations: DerivationDecl[]; fileLets: LetStmt[]; errors: string[] } {
  const { file, errors } = parseTlab(text);
  return {
    derivations: file.items.filter((i): i is DerivationDecl => i.kind === 'derivation'),
    fileLets: file.items.filter((i): i is LetStmt => i.kind === 'let'),
    errors: errors.map((e) => `${e.message} at ${e.span.start}`),
  };
}

/** The source text a diagnostic points at, so tests can assert on the highlighted sub-expression. */
export const spanText = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end);
