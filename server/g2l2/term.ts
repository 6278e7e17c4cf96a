// Program terms as printed programs: β-reduction by substitution, used to show the program of a
// derivation (`count(intersect(filter(scene(), sphere), relate(…)))`). Arguments substituted here are
// always closed terms, and coordination uses fresh `_c<n>` variables, so no capture can happen.
import type { Expr, Span } from '../clevr/ast';

const NO: Span = { start: -1, end: -1 };

export function subst(e: Expr, name: string, rep: Expr): Expr {
  switch (e.kind) {
    case 'name': return e.name === name ? rep : e;
    case 'number': return e;
    case 'list': return { ...e, items: e.items.map((i) => subst(i, name, rep)) };
    case 'lambda': return e.param.name === name ? e : { ...e, body: subst(e.body, name, rep) };
    case 'call': {
      const args = e.args.map((a) => subst(a, name, rep));
      if (e.fn.name === name) return args.reduce((f, a) => applyTerm(f, a), rep);
      return { ...e, args };
    }
  }
}

/** f(a) with β-reduction when f is a lambda. */
export function applyTerm(f: Expr, a: Expr): Expr {
  if (f.kind === 'lambda') return subst(f.body, f.param.name, a);
  if (f.kind === 'name') return { kind: 'call', fn: { name: f.name, span: NO }, args: [a], span: NO };
  if (f.kind === 'call') return { ...f, args: [...f.args, a] };
  return f;
}

let fresh = 0;

/** λv1…λvm. k(l(v1…vm), r(v1…vm)) — coordination (X CONJ X ⇒ X) as a term; m = 0 gives k(l, r). */
export function conjTerm(k: Expr, l: Expr, r: Expr, arity: number): Expr {
  const vars: string[] = [];
  for (let i = 0; i < arity; i++) vars.push(`_c${++fresh}`);
  const v = (n: string): Expr => ({ kind: 'name', name: n, span: NO });
  const lApplied = vars.reduce((f, n) => applyTerm(f, v(n)), l);
  const rApplied = vars.reduce((f, n) => applyTerm(f, v(n)), r);
  let body = applyTerm(applyTerm(k, lApplied), rApplied);
  for (let i = vars.length - 1; i >= 0; i--) body = { kind: 'lambda', param: { name: vars[i], span: NO }, body, span: NO };
  return body;
}
