// Evaluates derivation expressions at one point (one draw of the givens) to autodiff nodes. Assumes the
// shape checker found no errors. `let` values are computed once per point; user functions are expanded
// at each call, so f(x) works for any argument shape the body accepts, but a call with the very same
// argument nodes reuses the first call's node (functions are pure).
import type { DerivationDecl, Expr, LetStmt, Span } from '../tlab/ast';
import { Node, gradient, leaf } from './autodiff';
import * as op from './ops';
import { Tensor } from './tensor';
import { runtime } from './runtime';

export const spanKey = (s: Span) => `${s.start}:${s.end}`;

type Binding = { kind: 'given'; node: Node } | { kind: 'let'; stmt: LetStmt };

const UNARY: Record<string, (a: Node) => Node> = {
  exp: op.exp, log: op.log, tanh: op.tanh, sigmoid: op.sigmoid, relu: op.relu, sqrt: op.sqrt, abs: op.abs,
  sin: op.sin, cos: op.cos, sum: op.sum, mean: op.mean, logsumexp: op.logsumexp, softmax: op.softmax,
  diag: op.diag, inv: op.inv, det: op.det, logdet: op.logdet, trace: op.trace,
};

const BINARY: Record<string, (a: Node, b: Node) => Node> = {
  '+': op.add, '-': op.sub, '*': op.mul, '/': op.div, '^': op.pow, '@': op.matmul,
};

export class PointEvaluator {
  readonly givens = new Map<string, Node>();
  private readonly local = new Map<string, Binding>();
  private readonly file = new Map<string, LetStmt>();
  private readonly memo = new Map<LetStmt, Node>();
  /**
   * Result of each user-function call by function and then by each argument node (nested maps, the
   * last holding the result): `f1(u) = f0(u) * f0(u)` expands f0 once, where expanding every call
   * doubled the work per level of such functions.
   */
  private readonly calls = new Map<LetStmt, Map<Node | undefined, unknown>>();
  private readonly fileLevel = new Set<LetStmt>();
  /** True while evaluating a file-level body: lexical scoping, so it sees file-level names only. */
  private fileOnly = false;

  /** `record`, when given, receives the value of every evaluated sub-expression (first value wins). */
  constructor(decl: DerivationDecl, fileLets: LetStmt[], point: Map<string, Tensor>, private readonly record?: Map<string, Tensor>) {
    runtime.nodes = 0; // an evaluator is one point: its size limit starts here
    for (const l of fileLets) { this.file.set(l.name.name, l); this.fileLevel.add(l); }
    for (const s of decl.body) {
      if (s.kind === 'given') {
        for (const v of s.vars) {
          const node = leaf(point.get(v.name.name)!, v.name.name);
          this.givens.set(v.name.name, node);
          this.local.set(v.name.name, { kind: 'given', node });
          this.keep(v.name.span, node);
        }
      } else if (s.kind === 'let') {
        this.local.set(s.name.name, { kind: 'let', stmt: s });
      }
    }
  }

  /** Value of a non-function let (memoised per point), also recorded under the let's name. */
  letValue(stmt: LetStmt): Node {
    let n = this.memo.get(stmt);
    if (!n) {
      n = this.inScopeOf(stmt, () => this.eval(stmt.value, new Map()));
      this.memo.set(stmt, n);
      this.keep(stmt.name.span, n);
    }
    return n;
  }

  eval(e: Expr, params: Map<string, Node>): Node {
    const n = this.evalInner(e, params);
    this.keep(e.span, n);
    return n;
  }

  private keep(span: Span, n: Node): void {
    // Only the derivation's own expressions: a file-level body may come from an imported file, whose
    // offsets mean nothing in this one (and a body's value differs per call anyway).
    if (this.fileOnly) return;
    if (this.record && !this.record.has(spanKey(span))) this.record.set(spanKey(span), n.value);
  }

  private inScopeOf<T>(stmt: LetStmt, body: () => T): T {
    const saved = this.fileOnly;
    this.fileOnly = saved || this.fileLevel.has(stmt);
    try { return body(); } finally { this.fileOnly = saved; }
  }

  private lookup(name: string): Binding | undefined {
    const l = this.fileOnly ? undefined : this.local.get(name);
    if (l) return l;
    const f = this.file.get(name);
    return f ? { kind: 'let', stmt: f } : undefined;
  }

  private evalInner(e: Expr, params: Map<string, Node>): Node {
    switch (e.kind) {
      case 'num': return op.num(e.value);
      case 'name': {
        const p = params.get(e.name);
        if (p) return p;
        const b = this.lookup(e.name);
        if (!b) throw new Error(`unknown name ${e.name}`);
        return b.kind === 'given' ? b.node : this.letValue(b.stmt);
      }
      case 'unary': {
        const a = this.eval(e.operand, params);
        return e.op === '-' ? op.neg(a) : a;
      }
      case 'transpose': return op.transpose(this.eval(e.operand, params));
      case 'binary': {
        const f = BINARY[e.op];
        if (!f) throw new Error(`operator ${e.op} is not available in a derivation`);
        return f(this.eval(e.left, params), this.eval(e.right, params));
      }
      case 'index': {
        const o = this.eval(e.object, params);
        return op.index(o, this.eval(e.index, params).value.data[0]);
      }
      case 'call': return this.call(e, params);
      default: throw new Error(`${e.kind} is not available in a derivation`);
    }
  }

  private call(e: Extract<Expr, { kind: 'call' }>, params: Map<string, Node>): Node {
    const callee = e.callee;
    if (callee.kind === 'prime') {
      // f'(x): the partial derivative of sum(f(x)) with respect to the node x itself. For an elementwise
      // f (the shape checker insists) that is f' entry by entry, and it stays differentiable in x.
      const x = this.eval(e.args[0].value, params);
      const y = this.applyUser(this.userFunction(callee.name)!, [x]);
      return gradient(op.sum(y), [x])[0];
    }
    if (callee.kind !== 'name') throw new Error('only named functions can be called');
    const name = callee.name;
    if (name === 'grad') {
      const s = this.eval(e.args[0].value, params);
      const target = e.args[1].value as Extract<Expr, { kind: 'name' }>;
      const x = this.givens.get(target.name)!;
      this.keep(target.span, x);
      return gradient(s, [x])[0];
    }
    const fn = params.has(name) ? undefined : this.userFunction(name);
    const args = e.args.map((a) => this.eval(a.value, params));
    if (fn) return this.applyUser(fn, args);
    if (name === 'max' || name === 'min') {
      if (args.length === 1) return name === 'max' ? op.maxOf(args[0]) : op.minOf(args[0]);
      return name === 'max' ? op.maximum(args[0], args[1]) : op.minimum(args[0], args[1]);
    }
    if (name === 'outer') return op.outer(args[0], args[1]);
    if (name === 'eye') return op.eye(args[0].value.data[0]);
    if (name === 'ones') return op.ones(args[0].value.data[0]);
    const f = UNARY[name];
    if (!f) throw new Error(`unknown function ${name}`);
    return f(args[0]);
  }

  private userFunction(name: string): LetStmt | undefined {
    const b = this.lookup(name);
    return b && b.kind === 'let' && b.stmt.params ? b.stmt : undefined;
  }

  private applyUser(fn: LetStmt, args: Node[]): Node {
    let byArg = this.calls.get(fn);
    if (!byArg) this.calls.set(fn, (byArg = new Map()));
    for (let i = 0; i + 1 < args.length; i++) {
      let next = byArg.get(args[i]) as Map<Node | undefined, unknown> | undefined;
      if (!next) byArg.set(args[i], (next = new Map()));
      byArg = next;
    }
    const last = args[args.length - 1]; // undefined for a function without parameters
    const known = byArg.get(last) as Node | undefined;
    if (known) return known;
    const inner = new Map<string, Node>();
    fn.params!.forEach((p, i) => inner.set(p.name, args[i]));
    const out = this.inScopeOf(fn, () => this.eval(fn.value, inner));
    byArg.set(last, out);
    return out;
  }
}
