// Tokens of the .tlab language. Hard keywords start statements and blocks; words that only mean
// something in one position (`label`, `scale`, `on`, `at`, `points`, `vector`, domains, `log`…) stay
// identifiers so they remain usable as names (`log(x)`, `let scale = 2`). Comments are kept on their
// own channel for the formatter and semantic tokens.
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain';

const { createToken, Lexer } = chevrotain;

// Latin letters, `_`, Greek and Coptic, Greek Extended.
const letter = 'A-Za-z_\\u0370-\\u03FF\\u1F00-\\u1FFF';
const identSource = `[${letter}][${letter}0-9]*`;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/** `/*` without its end: kept as a comment (so the rest is not garbage) and reported by the parser. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'comments', line_breaks: true });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n\r]|\\.)*"/, label: 'a string' });
/** `"…` up to the end of the line: becomes a string with an error, instead of swallowing the file. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*/, label: 'a string' });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?%?/, label: 'a number' });
/** `f'` — the derivative of a user function. */
export const PrimeName = createToken({ name: 'PrimeName', pattern: new RegExp(`${identSource}'`), label: "a derivative name like f'" });
export const Identifier = createToken({ name: 'Identifier', pattern: new RegExp(identSource), label: 'a name' });

/**
 * Token categories let the expression rule consume "any binary operator" / "any prefix operator" with
 * one CONSUME instead of an alternation per operator (much less work per token).
 */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
export const PrefixOperator = createToken({ name: 'PrefixOperator', pattern: Lexer.NA, label: "'-', '+' or 'not'" });

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name: word[0].toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: [PrimeName, Identifier], label: `'${word}'`, categories });
}
export const Import = keyword('import');
export const Let = keyword('let');
export const Experiment = keyword('experiment');
export const Derivation = keyword('derivation');
export const Sweep = keyword('sweep');
export const Solve = keyword('solve');
export const Simulate = keyword('simulate');
export const Plot = keyword('plot');
export const Expect = keyword('expect');
export const Given = keyword('given');
export const Check = keyword('check');
export const Within = keyword('within');
export const Where = keyword('where');
export const And = keyword('and', [BinaryOperator]);
export const Or = keyword('or', [BinaryOperator]);
export const Not = keyword('not', [PrefixOperator]);

function punct(name: string, pattern: RegExp, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern, label: `'${label}'`, categories });
}
const B = [BinaryOperator];
export const Eq = punct('Eq', /==/, '==', B);
export const Neq = punct('Neq', /!=/, '!=', B);
export const Le = punct('Le', /<=/, '<=', B);
export const Ge = punct('Ge', />=/, '>=', B);
export const Lt = punct('Lt', /</, '<', B);
export const Gt = punct('Gt', />/, '>', B);
// `~=` is the ASCII spelling of `≈` (the parser reads both as `≈`)
export const Approx = punct('Approx', /≈|~=/, '≈', B);
export const Assign = punct('Assign', /=/, '=');
export const Plus = punct('Plus', /\+/, '+', [BinaryOperator, PrefixOperator]);
export const Minus = punct('Minus', /-/, '-', [BinaryOperator, PrefixOperator]);
export const Star = punct('Star', /\*/, '*', B);
export const Slash = punct('Slash', /\//, '/', B);
export const Caret = punct('Caret', /\^/, '^');
export const At = punct('At', /@/, '@', B);
export const LParen = punct('LParen', /\(/, '(');
export const RParen = punct('RParen', /\)/, ')');
export const LBracket = punct('LBracket', /\[/, '[');
export const RBracket = punct('RBracket', /\]/, ']');
export const LCurly = punct('LCurly', /\{/, '{');
export const RCurly = punct('RCurly', /\}/, '}');
export const Comma = punct('Comma', /,/, ',');
export const Dot = punct('Dot', /\./, '.');
export const Colon = punct('Colon', /:/, ':');

export const keywordTokens = [Import, Let, Experiment, Derivation, Sweep, Solve, Simulate, Plot, Expect, Given, Check, Within, Where, And, Or, Not];
export const keywords = keywordTokens.map((t) => (t.LABEL ?? '').replace(/'/g, ''));

export const allTokens: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment, StringLit, UnterminatedString, NumberLit, PrimeName,
  ...keywordTokens, Identifier,
  Eq, Neq, Le, Ge, Lt, Gt, Approx, Assign, Plus, Minus, Star, Slash, Caret, At,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Dot, Colon,
  BinaryOperator, PrefixOperator,
];

export const tlabLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });

export interface LexResult { tokens: IToken[]; comments: IToken[]; errors: { span: { start: number; end: number }; message: string }[] }

/** Control characters (NUL, a lone CR) written as escapes, so a message shows what is there. */
function visible(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function lexTlab(text: string): LexResult {
  const r = tlabLexer.tokenize(text);
  const errors: LexResult['errors'] = r.errors.map((e) => ({
    span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
    message: `unexpected character${e.length > 1 ? 's' : ''} '${visible(text.substr(e.offset, Math.min(e.length, 20)))}${e.length > 20 ? '…' : ''}'`,
  }));
  const comments = (r.groups.comments ?? []) as IToken[];
  for (const c of comments) {
    if (c.tokenType === UnterminatedComment) errors.push({ span: { start: c.startOffset, end: c.startOffset + 2 }, message: "unterminated comment: '/*' has no matching '*/'" });
  }
  for (const t of r.tokens) {
    if (t.tokenType === UnterminatedString) {
      errors.push({ span: { start: t.startOffset, end: t.startOffset + t.image.length }, message: 'unterminated string: missing the closing "' });
      // The parser sees an ordinary string, so one missing quote does not derail the statement.
      t.tokenType = StringLit;
      t.tokenTypeIdx = StringLit.tokenTypeIdx!;
    }
  }
  return { tokens: r.tokens, comments, errors };
}
