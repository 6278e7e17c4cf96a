// CCG categories: atoms (S, N, NP, CONJ, NONE, or the internal type names) and slash categories.
// X/Y takes Y on the right, X\Y takes Y on the left; the rightmost slash is consumed first and binds
// the first λ-variable (math spec L1), which `categoryType` encodes as the outermost function type.
import type { CatAst } from '../clevr/ast';
import type { Type } from '../clevr/functions';
import { base, fnType, SemType } from '../clevr/types';

export type Category =
  | { kind: 'atom'; name: string }
  | { kind: 'slash'; dir: '/' | '\\'; result: Category; arg: Category };

export const LINGUISTIC_ATOMS = ['S', 'N', 'NP', 'CONJ', 'NONE'];
const TYPE_ATOMS: Type[] = ['ObjectSet', 'Object', 'Bool', 'Integer', 'Concept', 'Relation'];
export const ATOMS = [...LINGUISTIC_ATOMS, ...TYPE_ATOMS];

export function fromAst(c: CatAst): Category {
  return c.kind === 'atom' ? { kind: 'atom', name: c.name } : { kind: 'slash', dir: c.dir, result: fromAst(c.result), arg: fromAst(c.arg) };
}

export function catString(c: Category, top = true): string {
  if (c.kind === 'atom') return c.name;
  const s = `${catString(c.result, false)}${c.dir}${catString(c.arg, false)}`;
  return top ? s : `(${s})`;
}

export function catEqual(a: Category, b: Category): boolean {
  if (a.kind === 'atom' || b.kind === 'atom') return a.kind === b.kind && (a as { name: string }).name === (b as { name: string }).name;
  return a.dir === b.dir && catEqual(a.result, b.result) && catEqual(a.arg, b.arg);
}

export const isAtom = (c: Category, name?: string) => c.kind === 'atom' && (name === undefined || c.name === name);

/** Number of arguments a functor category still takes. */
export function arity(c: Category): number { return c.kind === 'atom' ? 0 : 1 + arity(c.result); }

/** The atom a category finally yields once every argument is consumed. */
export function resultAtom(c: Category): string { return c.kind === 'atom' ? c.name : resultAtom(c.result); }

/** Semantic type of a category: N → ObjectSet, NP → Object, S → an answer type, X/Y → type(Y) → type(X). */
export function categoryType(c: Category): SemType | undefined {
  if (c.kind === 'slash') {
    const r = categoryType(c.result), a = categoryType(c.arg);
    return r && a ? fnType(a, r) : undefined;
  }
  switch (c.name) {
    case 'N': return base('ObjectSet');
    case 'NP': return base('Object');
    case 'S': return { kind: 'answer' };
    case 'CONJ': case 'NONE': return undefined;
    default: return (TYPE_ATOMS as string[]).includes(c.name) ? base(c.name as Type) : undefined;
  }
}

/** Unknown atoms, for diagnostics. */
export function unknownAtoms(c: Category): string[] {
  if (c.kind === 'slash') return [...unknownAtoms(c.result), ...unknownAtoms(c.arg)];
  return ATOMS.includes(c.name) ? [] : [c.name];
}

/** Whether coordination may build this category: N, or a functor that returns N (math spec L4). */
export function coordinable(c: Category): boolean {
  const atom = resultAtom(c);
  return atom === 'N' || atom === 'ObjectSet';
}
