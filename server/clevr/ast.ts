// Typed AST of a .clevr file. Every node carries a span (0-based [start, end) text offsets) so that
// diagnostics, hover, definition and semantic tokens point at the exact text.

export interface Span { start: number; end: number }
export interface Ident { name: string; span: Span }
export interface StringLit { value: string; span: Span }
export interface NumberLit { value: number; span: Span }

export type Expr =
  | { kind: 'call'; fn: Ident; args: Expr[]; span: Span }
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'list'; items: Expr[]; span: Span }
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'lambda'; param: Ident; body: Expr; span: Span };

export type CatAst =
  | { kind: 'atom'; name: string; span: Span }
  | { kind: 'slash'; dir: '/' | '\\'; result: CatAst; arg: CatAst; span: Span };

export interface ObjectDecl { name: Ident; words: Ident[]; position?: [number, number]; positionSpan?: Span; span: Span }
export interface SceneRef { name: Ident; index?: NumberLit; span: Span }
export interface AnswerLit { text: string; span: Span }
export interface EntryDecl { words: StringLit; category?: CatAst; program?: Expr; weight?: NumberLit; span: Span }

export type Statement =
  | { kind: 'scene'; name: Ident; objects: ObjectDecl[]; span: Span }
  | { kind: 'scenes'; name: Ident; path: StringLit; span: Span }
  | { kind: 'program'; name: Ident; body?: Expr; span: Span }
  | { kind: 'eval'; target: Ident; scene?: SceneRef; mode?: Ident; expect?: AnswerLit; span: Span }
  | { kind: 'questions'; name: Ident; path: StringLit; span: Span }
  | { kind: 'lexicon'; name: Ident; entries: EntryDecl[]; span: Span }
  | { kind: 'sentence'; text: StringLit; scene?: SceneRef; lexicon?: Ident; expect?: AnswerLit; span: Span;
      /** Where `using LEXICON` should have been (absent from the text); `missingBefore` = the keyword found instead. */
      missingUsing?: Span; missingBefore?: string };

export interface SyntaxError { message: string; span: Span }

export interface ClevrFile { statements: Statement[]; errors: SyntaxError[]; comments: Span[] }

export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'call': return `${e.fn.name}(${e.args.map(exprToString).join(', ')})`;
    case 'name': return e.name;
    case 'number': return String(e.value);
    case 'list': return `[${e.items.map(exprToString).join(', ')}]`;
    case 'lambda': return `\\${e.param.name}. ${exprToString(e.body)}`;
  }
}

export function catToString(c: CatAst | undefined, top = true): string {
  // Error recovery leaves holes in a half-typed category (`/N`): shown as '?'.
  if (!c) return '?';
  if (c.kind === 'atom') return c.name || '?';
  // Slashes are left-associative; nested slash categories are parenthesised anyway for readability.
  const s = `${catToString(c.result, false)}${c.dir}${catToString(c.arg, false)}`;
  return top ? s : `(${s})`;
}

/** Visits every expression node, outermost first. */
export function walkExpr(e: Expr | undefined, f: (e: Expr) => void): void {
  if (!e) return;
  f(e);
  if (e.kind === 'call') e.args.forEach((a) => walkExpr(a, f));
  else if (e.kind === 'list') e.items.forEach((a) => walkExpr(a, f));
  else if (e.kind === 'lambda') walkExpr(e.body, f);
}
