// The combinatory rules (math spec L4) at the level of categories, shared by exhaustive CKY, CKY-E2
// and the derivation counter: forward and backward application, coordination (binarised: CONJ X ⇒
// X\X[conj], then X X\X[conj] ⇒ X) and empty words. No composition, no type raising.
import { catEqual, Category, coordinable, isAtom } from './category';

export interface CatInfo {
  cat: Category;
  /** A lexical node (one word's entry), for the restriction on function-typed arguments. */
  lexical: boolean;
  /** The X\X[conj] produced by CONJ X: only backward application may consume it. */
  conj: boolean;
}

export type RuleName = 'lex' | '>' | '<' | 'conj' | '<conj' | 'emptyL' | 'emptyR';

export interface RuleResult { rule: RuleName; cat: Category; conj: boolean }

export function applicableRules(a: CatInfo, b: CatInfo): RuleResult[] {
  const out: RuleResult[] = [];
  const aNone = isAtom(a.cat, 'NONE'), bNone = isAtom(b.cat, 'NONE');
  if (aNone) { out.push({ rule: 'emptyL', cat: b.cat, conj: b.conj }); return out; }
  if (bNone) { out.push({ rule: 'emptyR', cat: a.cat, conj: a.conj }); return out; }
  const A = a.cat, B = b.cat;
  // Forward application X/Y + Y ⇒ X. A function-typed argument must be a lexical node.
  if (A.kind === 'slash' && A.dir === '/' && !a.conj && !b.conj && catEqual(A.arg, B) && (A.arg.kind === 'atom' || b.lexical)) {
    out.push({ rule: '>', cat: A.result, conj: false });
  }
  // Backward application Y + X\Y ⇒ X; X + X\X[conj] ⇒ X completes a coordination.
  if (B.kind === 'slash' && B.dir === '\\' && !a.conj && catEqual(B.arg, A)) {
    if (b.conj) out.push({ rule: '<conj', cat: B.result, conj: false });
    else if (B.arg.kind === 'atom' || a.lexical) out.push({ rule: '<', cat: B.result, conj: false });
  }
  // CONJ + X ⇒ X\X[conj], for X an object set or a functor returning one.
  if (isAtom(A, 'CONJ') && !b.conj && coordinable(B)) {
    out.push({ rule: 'conj', cat: { kind: 'slash', dir: '\\', result: B, arg: B }, conj: true });
  }
  return out;
}
