// Where the cursor is, read from the token stream (robust while the user types broken code): the
// enclosing call and argument, the identifier being typed, and the dotted chain before a `.`.
import type { IToken } from 'chevrotain';
import * as T from './lexer';
import { tokEnd } from './parser';

export interface CallContext {
  /** dotted callee, e.g. `demo.quadratic` or `log` */
  callee: string;
  calleeStart: number;
  /** written as `solve x = id(` / `simulate x = id(` */
  isSolver: boolean;
  /** 0-based argument position */
  argIndex: number;
  /** `name` when the current argument is written `name = …` */
  argName?: string;
  /** the cursor is after the `=` of a named argument */
  inValue: boolean;
  /** names already given (`name =`) in the call */
  given: string[];
  openParen: number;
}

/** Index of the last token that starts before `offset`. */
export function tokenIndexBefore(tokens: IToken[], offset: number): number {
  let lo = 0, hi = tokens.length - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].startOffset < offset) { ans = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return ans;
}

/** The token that contains offset (start < offset ≤ end), for identifiers being typed. */
export function tokenAt(tokens: IToken[], offset: number): IToken | undefined {
  const i = tokenIndexBefore(tokens, offset + 1);
  const t = tokens[i];
  return t && t.startOffset <= offset && offset <= tokEnd(t) ? t : undefined;
}

export function callContext(tokens: IToken[], offset: number): CallContext | undefined {
  const last = tokenIndexBefore(tokens, offset);
  // Find the innermost unclosed ( before the cursor, not crossing a block boundary.
  let depth = 0;
  let open = -1;
  for (let i = last; i >= 0; i--) {
    const t = tokens[i];
    if (t.startOffset >= offset) continue;
    const tt = t.tokenType;
    if (tt === T.RParen || tt === T.RBracket) depth++;
    else if (tt === T.LParen || tt === T.LBracket) {
      if (depth === 0) { if (tt === T.LParen) { open = i; } break; }
      depth--;
    } else if (tt === T.LCurly || tt === T.RCurly || (depth === 0 && isStatementKeyword(tt) && i < last)) {
      if (tt === T.LCurly || tt === T.RCurly) break;
    }
  }
  if (open < 1) return undefined;
  // Callee: Identifier (. Identifier)* right before the paren.
  let j = open - 1;
  const parts: string[] = [];
  if (tokens[j].tokenType !== T.Identifier) return undefined;
  parts.unshift(tokens[j].image);
  while (j >= 2 && tokens[j - 1].tokenType === T.Dot && tokens[j - 2].tokenType === T.Identifier) { j -= 2; parts.unshift(tokens[j].image); }
  const isSolver = j >= 3 && tokens[j - 1].tokenType === T.Assign && tokens[j - 2].tokenType === T.Identifier
    && (tokens[j - 3].tokenType === T.Solve || tokens[j - 3].tokenType === T.Simulate);
  // Arguments up to the cursor.
  let argIndex = 0, argStart = open + 1;
  const given: string[] = [];
  depth = 0;
  let k = open + 1;
  for (; k < tokens.length && tokens[k].startOffset < offset; k++) {
    const tt = tokens[k].tokenType;
    if (tt === T.LParen || tt === T.LBracket) depth++;
    else if (tt === T.RParen || tt === T.RBracket) depth--;
    else if (tt === T.Comma && depth === 0) { argIndex++; argStart = k + 1; }
    if (depth === 0 && tt === T.Identifier && tokens[k + 1]?.tokenType === T.Assign && (k === open + 1 || tokens[k - 1].tokenType === T.Comma)) given.push(tokens[k].image);
  }
  // Also the names given after the cursor (so completion does not offer them again).
  depth = 0;
  for (let m = k; m < tokens.length; m++) {
    const tt = tokens[m].tokenType;
    if (tt === T.LParen || tt === T.LBracket) depth++;
    else if (tt === T.RParen || tt === T.RBracket) { if (depth === 0) break; depth--; }
    else if (tt === T.LCurly || tt === T.RCurly) break;
    if (depth === 0 && tt === T.Identifier && tokens[m + 1]?.tokenType === T.Assign && tokens[m - 1]?.tokenType === T.Comma) given.push(tokens[m].image);
  }
  let argName: string | undefined;
  let inValue = false;
  const a0 = tokens[argStart];
  if (a0 && a0.tokenType === T.Identifier && tokens[argStart + 1]?.tokenType === T.Assign) {
    argName = a0.image;
    inValue = tokens[argStart + 1].startOffset < offset;
  }
  return { callee: parts.join('.'), calleeStart: tokens[j].startOffset, isSolver, argIndex, argName, inValue, given, openParen: tokens[open].startOffset };
}

function isStatementKeyword(tt: unknown): boolean {
  return tt === T.Let || tt === T.Sweep || tt === T.Solve || tt === T.Simulate || tt === T.Plot || tt === T.Expect || tt === T.Given || tt === T.Check;
}

/** The dotted chain that ends right before a `.` at `dotIndex` (e.g. `bo` or `scaling`). */
export function chainBefore(tokens: IToken[], dotIndex: number): string | undefined {
  let j = dotIndex - 1;
  if (j < 0 || tokens[j].tokenType !== T.Identifier) return undefined;
  const parts = [tokens[j].image];
  while (j >= 2 && tokens[j - 1].tokenType === T.Dot && tokens[j - 2].tokenType === T.Identifier) { j -= 2; parts.unshift(tokens[j].image); }
  return parts.join('.');
}
