// Semantic types of program terms: the 6 base types (+ Attribute names), optionally refined by the
// attribute a Concept belongs to, and function types for lambda terms (lexicon entries).
import type { Attribute } from './vocab';
import type { Type } from './functions';

export type SemType =
  | { kind: 'base'; type: Type; attr?: Attribute }
  /** S in a category: any answer type (Bool, Integer or Concept). Only ever an expected type. */
  | { kind: 'answer' }
  | { kind: 'fn'; param: SemType; result: SemType };

export const base = (type: Type, attr?: Attribute): SemType => ({ kind: 'base', type, attr });
export const fnType = (param: SemType, result: SemType): SemType => ({ kind: 'fn', param, result });

export function typeToString(t: SemType): string {
  switch (t.kind) {
    case 'base': return t.type === 'Concept' && t.attr ? `Concept[${t.attr}]` : t.type;
    case 'answer': return 'Bool | Integer | Concept';
    case 'fn': return `${t.param.kind === 'fn' ? `(${typeToString(t.param)})` : typeToString(t.param)} → ${typeToString(t.result)}`;
  }
}

/** Whether a value of type `found` may be used where `expected` is required. */
export function fits(found: SemType, expected: SemType): boolean {
  if (expected.kind === 'answer') return found.kind === 'base' && (found.type === 'Bool' || found.type === 'Integer' || found.type === 'Concept');
  if (found.kind === 'answer') return false;
  if (expected.kind === 'fn') return found.kind === 'fn' && fits(expected.param, found.param) && fits(found.result, expected.result);
  if (found.kind !== 'base') return false;
  if (found.type !== expected.type) return false;
  return !(expected.attr && found.attr && expected.attr !== found.attr);
}

export function sameType(a: SemType, b: SemType): boolean {
  return typeToString(a) === typeToString(b);
}
