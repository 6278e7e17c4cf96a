// One evaluator of program terms, shared by the symbolic and the soft executor: it walks the term,
// handles variables, lambda closures and coordination functors, and delegates every program function
// to a `Prims` backend. An execution failure (CLEVR's INVALID) is an ExecError carrying its span.
import type { Expr, Span } from './ast';
import { FUNCTIONS, FunctionSig } from './functions';
import { canonicalConcept, isAttribute, isRelation } from './vocab';

export class ExecError extends Error {
  constructor(message: string, public span?: Span) { super(message); this.name = 'ExecError'; }
}

export interface Prims<V> {
  concept(canonical: string): V;
  attribute(name: string): V;
  relation(name: string): V;
  list(items: V[]): V;
  call(sig: FunctionSig, args: V[]): V;
}

export type Closure<V> =
  | { kind: 'lambda'; param: string; body: Expr; env: Env<V> }
  /** λargs. k(l(args), r(args)) — coordination of two functors (math spec L4). */
  | { kind: 'conj'; k: Val<V>; l: Val<V>; r: Val<V>; arity: number; bound: Val<V>[] };

export type Val<V> = { value: V } | Closure<V>;
export type Env<V> = Map<string, Val<V>>;

export function isClosure<V>(v: Val<V>): v is Closure<V> { return 'kind' in v; }

export class Evaluator<V> {
  /** Value of every evaluated sub-term (hover), when given. */
  constructor(private prims: Prims<V>, private trace?: Map<Expr, Val<V>>, private budget = { steps: 1_000_000 }) {}

  eval(e: Expr, env: Env<V> = new Map()): Val<V> {
    if (--this.budget.steps < 0) throw new ExecError('execution budget exhausted', e.span);
    const v = this.evalInner(e, env);
    this.trace?.set(e, v);
    return v;
  }

  value(e: Expr, env: Env<V> = new Map()): V {
    const v = this.eval(e, env);
    if (isClosure(v)) throw new ExecError('expected a value, found a function', e.span);
    return v.value;
  }

  apply(f: Val<V>, arg: Val<V>, span?: Span): Val<V> {
    if (!isClosure(f)) throw new ExecError('applying a value that is not a function', span);
    if (f.kind === 'lambda') {
      const env = new Map(f.env);
      env.set(f.param, arg);
      return this.eval(f.body, env);
    }
    const bound = [...f.bound, arg];
    if (bound.length < f.arity) return { ...f, bound };
    let l = f.l, r = f.r;
    for (const b of bound) { l = this.apply(l, b, span); r = this.apply(r, b, span); }
    return this.apply(this.apply(f.k, l, span), r, span);
  }

  private evalInner(e: Expr, env: Env<V>): Val<V> {
    switch (e.kind) {
      case 'name': {
        const local = env.get(e.name);
        if (local) return local;
        const c = canonicalConcept(e.name);
        if (c) return { value: this.prims.concept(c) };
        if (isAttribute(e.name)) return { value: this.prims.attribute(e.name) };
        if (isRelation(e.name)) return { value: this.prims.relation(e.name) };
        throw new ExecError(`unknown concept '${e.name}'`, e.span);
      }
      case 'number': throw new ExecError('numbers are not program values', e.span);
      case 'list': return { value: this.prims.list(e.items.map((i) => this.value(i, env))) };
      case 'lambda': return { kind: 'lambda', param: e.param.name, body: e.body, env };
      case 'call': {
        const local = env.get(e.fn.name);
        if (local) {
          let f = local;
          for (const a of e.args) f = this.apply(f, this.eval(a, env), e.span);
          return f;
        }
        const sig = FUNCTIONS.get(e.fn.name);
        if (!sig) throw new ExecError(`unknown function '${e.fn.name}'`, e.fn.span);
        if (e.args.length !== sig.params.length) throw new ExecError(`${sig.name} takes ${sig.params.length} arguments`, e.span);
        const args = e.args.map((a) => this.value(a, env));
        try {
          return { value: this.prims.call(sig, args) };
        } catch (err) {
          if (err instanceof ExecError && !err.span) err.span = e.span;
          throw err;
        }
      }
    }
  }
}

/**
 * Compiles a closed program (no lambdas, no variables) into nested closures once, so that running it
 * on many scenes skips the tree walk and the name lookups (batch evaluation of question files).
 */
export function compileProgram<V>(e: Expr): (prims: Prims<V>) => V {
  switch (e.kind) {
    case 'name': {
      const c = canonicalConcept(e.name);
      if (c) return (p) => p.concept(c);
      if (isAttribute(e.name)) { const n = e.name; return (p) => p.attribute(n); }
      if (isRelation(e.name)) { const n = e.name; return (p) => p.relation(n); }
      const msg = `unknown concept '${e.name}'`, span = e.span;
      return () => { throw new ExecError(msg, span); };
    }
    case 'list': {
      const items = e.items.map((i) => compileProgram<V>(i));
      return (p) => p.list(items.map((f) => f(p)));
    }
    case 'call': {
      const sig = FUNCTIONS.get(e.fn.name);
      const span = e.span;
      if (!sig || e.args.length !== sig.params.length) {
        const msg = sig ? `${sig.name} takes ${sig.params.length} arguments` : `unknown function '${e.fn.name}'`;
        return () => { throw new ExecError(msg, span); };
      }
      const args = e.args.map((a) => compileProgram<V>(a));
      const run = (p: Prims<V>) => {
        const vals = new Array<V>(args.length);
        for (let i = 0; i < args.length; i++) vals[i] = args[i](p);
        try {
          return p.call(sig, vals);
        } catch (err) {
          if (err instanceof ExecError && !err.span) err.span = span;
          throw err;
        }
      };
      return run;
    }
    default: {
      const span = e.span;
      return () => { throw new ExecError('only closed programs can be compiled', span); };
    }
  }
}
