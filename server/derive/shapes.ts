// Static checking of a derivation: name resolution, shape inference and the rules of every operator and
// built-in, with each diagnostic on the smallest offending sub-expression. Runs before any evaluation,
// so the evaluator may assume shapes agree. Scalars built only from literals are folded to constants
// (eye(n), `within`, `at N points` and indices need them).
import type { DerivationDecl, Expr, GivenVar, LetStmt, Span } from '../tlab/ast';
import { BUILTIN_NAMES, ELEMENTWISE_UNARY } from './builtins';
import { broadcastShape } from './ops';
import { Shape, sameShape, shapeText } from './tensor';

export interface DeriveDiagnostic { span: Span; message: string; severity: 'error' | 'warning' | 'info' }

/** A static type: the shape (null when unknown after an earlier error) and, for constants, the value. */
export interface SType { shape: Shape | null; value?: number }
const UNKNOWN: SType = { shape: null };

type Binding =
  | { kind: 'given'; v: GivenVar }
  | { kind: 'value'; stmt: LetStmt; file: boolean; type?: SType; busy?: boolean }
  | { kind: 'function'; stmt: LetStmt; file: boolean };

/** A call being typed: where problems found in a file-level body are reported. */
interface CallSite { span: Span; name: string; inFileBody: boolean }

/**
 * A diagnostic reported while a function body was typed, kept to report it again at a later call that
 * reuses the memoised type: `viaSite` when it is shown at a call site, and `deeper`, the first call
 * site inside the body that report() could pick (the rest of the stack is the later call's own).
 */
interface Replay { span: Span; message: string; severity: DeriveDiagnostic['severity']; viaSite: boolean; deeper?: CallSite }

/** The reports of one body being typed; `base`: callSites below it are its callers'. */
interface Recorder { base: number; constLevel: number; replays: Replay[]; seen: Set<string> }

export interface CheckInfo {
  index: number; tolerance: number; points: number; shape: Shape | null;
  /** The static shape of each side (null when unknown after an error), for the check's hover. */
  left: Shape | null; right: Shape | null;
}

export interface Analysis {
  diagnostics: DeriveDiagnostic[];
  hasErrors: boolean;
  /** Tolerance and number of points of each check of the body, in order (defaults applied). */
  checks: CheckInfo[];
}

export const DEFAULT_TOLERANCE = 1e-6;
export const DEFAULT_POINTS = 10;
export const MAX_POINTS = 10000;
/** Derivation checks are about small random instances; a bigger given is almost surely a typo. */
export const MAX_ENTRIES = 250000;
/** User-function calls nested deeper than this (each within the body of the last) are an error. */
export const MAX_CALL_DEPTH = 100;

export function givenShape(v: GivenVar): Shape {
  const s = v.shape;
  return s.kind === 'scalar' ? [] : s.kind === 'vector' ? [s.n] : [s.rows, s.cols];
}

const inside = (a: Span, b: Span) => a.start >= b.start && a.end <= b.end;

export class ShapeChecker {
  readonly diagnostics: DeriveDiagnostic[] = [];
  /** The shape of every expression of the derivation's own body, by `start:end` (hover shows it). */
  readonly exprShapes = new Map<string, Shape>();
  private readonly local = new Map<string, Binding>();
  private readonly file = new Map<string, Binding>();
  /** Calls being expanded, outermost first: where to report problems found in a file-level body. */
  private readonly callSites: CallSite[] = [];
  /** Functions whose body is being typed, outermost first (one calling itself is recursion). */
  private readonly expanding: LetStmt[] = [];
  /**
   * The type of each call by function, scope and argument types, with what typing its body reported.
   * A body is typed once per distinct call, not at every call: typing at every call made
   * `let f1(u) = f0(u) * f0(u)`, `f2` of `f1`, … double per level (40 levels ran for minutes).
   */
  private readonly callMemo = new Map<LetStmt, Map<string, { type: SType; replays: Replay[] }>>();
  /** The bodies being typed for the first time, innermost last: each records its reports for the memo. */
  private readonly recorders: Recorder[] = [];
  /** File-level constants being typed: they are typed once (nameType caches them), so never replayed. */
  private typingConstant = 0;
  /** True while typing a file-level body: lexical scoping, so it sees file-level names only. */
  private fileOnly = false;

  constructor(private readonly decl: DerivationDecl, fileLets: LetStmt[]) {
    for (const l of fileLets) {
      this.file.set(l.name.name, l.params ? { kind: 'function', stmt: l, file: true } : { kind: 'value', stmt: l, file: true });
    }
  }

  analyze(): Analysis {
    const checks: CheckInfo[] = [];
    for (const stmt of this.decl.body) {
      if (stmt.kind === 'given') {
        for (const v of stmt.vars) { this.checkGiven(v); this.define(v.name.name, v.name.span, { kind: 'given', v }); }
      } else if (stmt.kind === 'let') {
        if (stmt.params) {
          const seen = new Set<string>();
          for (const p of stmt.params) {
            if (seen.has(p.name)) this.error(p.span, `parameter \`${p.name}\` appears twice`);
            seen.add(p.name);
          }
          this.define(stmt.name.name, stmt.name.span, { kind: 'function', stmt, file: false });
          this.checkNamesOf(stmt);
        } else {
          const binding: Binding = { kind: 'value', stmt, file: false };
          binding.type = this.infer(stmt.value, new Map());
          this.define(stmt.name.name, stmt.name.span, binding);
        }
      } else {
        const left = this.infer(stmt.left, new Map());
        const right = this.infer(stmt.right, new Map());
        if (left.shape && right.shape && !sameShape(left.shape, right.shape)) {
          this.error(stmt.span, `check: the left side is ${shapeText(left.shape)} and the right side is ${shapeText(right.shape)} — shapes must agree`);
        }
        let tolerance = DEFAULT_TOLERANCE, points = DEFAULT_POINTS;
        if (stmt.tolerance) {
          const t = this.infer(stmt.tolerance, new Map());
          if (t.shape && (t.value === undefined || !(t.value > 0))) this.error(stmt.tolerance.span, '`within` needs a positive constant relative tolerance');
          else if (t.value !== undefined) tolerance = t.value;
        }
        if (stmt.points) {
          const p = this.infer(stmt.points, new Map());
          if (p.shape && (p.value === undefined || !Number.isInteger(p.value) || p.value < 1 || p.value > MAX_POINTS)) {
            this.error(stmt.points.span, `\`at N points\` needs a constant integer between 1 and ${MAX_POINTS}`);
          } else if (p.value !== undefined) points = p.value;
        }
        checks.push({ index: checks.length, tolerance, points, shape: left.shape ?? right.shape, left: left.shape, right: right.shape });
      }
    }
    return { diagnostics: dedupe(this.diagnostics), hasErrors: this.diagnostics.some((d) => d.severity === 'error'), checks };
  }

  // ------------------------------------------------------------ declarations

  private define(name: string, span: Span, b: Binding): void {
    if (this.local.has(name)) this.error(span, `\`${name}\` is already defined in this derivation`);
    else if (BUILTIN_NAMES.has(name) && b.kind !== 'function') this.warn(span, `\`${name}\` shadows the built-in of the same name`);
    this.local.set(name, b);
  }

  private checkGiven(v: GivenVar): void {
    const shape = givenShape(v);
    if (shape.some((d) => !Number.isInteger(d) || d < 1)) this.error(v.span, `\`${v.name.name}\`: sizes must be positive integers`);
    else if (shape.reduce((a, b) => a * b, 1) > MAX_ENTRIES) this.error(v.span, `\`${v.name.name}\`: ${shapeText(shape)} is too large for a derivation check (at most ${MAX_ENTRIES} entries)`);
    if (v.domain === 'spd' && !(shape.length === 2 && shape[0] === shape[1])) {
      this.error(v.span, `\`${v.name.name}\`: spd needs a square matrix, not ${shapeText(shape)}`);
    }
    if ((v.domain === 'unit' || v.domain === 'simplex') && shape.length !== 1) {
      this.error(v.span, `\`${v.name.name}\`: ${v.domain} needs a vector, not ${shapeText(shape)}`);
    }
  }

  /** A function body is typed at each call; names no scope defines are reported even if it is never called. */
  private checkNamesOf(fn: LetStmt): void {
    const params = new Set(fn.params!.map((p) => p.name));
    const known = (n: string) => params.has(n) || this.file.has(n) || BUILTIN_NAMES.has(n)
      || this.decl.body.some((s) => (s.kind === 'let' && s.name.name === n) || (s.kind === 'given' && s.vars.some((v) => v.name.name === n)));
    const walk = (e: Expr): void => {
      switch (e.kind) {
        case 'name': if (!known(e.name)) this.error(e.span, `unknown name \`${e.name}\``); return;
        case 'prime': if (!known(e.name)) this.error(e.span, `\`${e.name}'\`: \`${e.name}\` is not a user function`); return;
        case 'call':
          if (e.callee.kind === 'name') { if (!known(e.callee.name)) this.error(e.callee.span, `unknown function \`${e.callee.name}\``); } else walk(e.callee);
          e.args.forEach((a) => walk(a.value));
          return;
        case 'unary': case 'transpose': walk(e.operand); return;
        case 'binary': walk(e.left); walk(e.right); return;
        case 'index': walk(e.object); walk(e.index); return;
        default: return;
      }
    };
    walk(fn.value);
  }

  // ------------------------------------------------------------ reporting

  // A problem inside a file-level function body is shown at the derivation's call of it, since the
  // body may be far away (or be fine for other arguments).
  // (fileOnly: inside a file-level body, which may belong to an imported file whose offsets mean
  // nothing here, so `inside` cannot be trusted for it.)
  private report(span: Span, message: string, severity: DeriveDiagnostic['severity'],
    viaSite = (this.fileOnly || !inside(span, this.decl.span)) && this.callSites.length > 0, deeper?: CallSite): void {
    const sites = deeper ? [...this.callSites, deeper] : this.callSites;
    for (const r of this.recorders) if (r.constLevel === this.typingConstant) record(r, { span, message, severity, viaSite, deeper: this.firstShown(sites, r.base) });
    if (viaSite) {
      const site = this.firstShown(sites, 0) ?? sites[0];
      this.diagnostics.push({ span: site.span, message: `in \`${site.name}\`: ${message}`, severity });
    } else {
      this.diagnostics.push({ span, message, severity });
    }
  }
  /** The outermost call site from `from` on that a report can be shown at: one written in the derivation. */
  private firstShown(sites: CallSite[], from: number): CallSite | undefined {
    for (let k = from; k < sites.length; k++) if (!sites[k].inFileBody && inside(sites[k].span, this.decl.span)) return sites[k];
    return undefined;
  }
  private error(span: Span, message: string): SType { this.report(span, message, 'error'); return UNKNOWN; }
  private warn(span: Span, message: string): void { this.report(span, message, 'warning'); }

  // ------------------------------------------------------------ names

  private lookup(name: string): Binding | undefined {
    return (this.fileOnly ? undefined : this.local.get(name)) ?? this.file.get(name);
  }

  /** Types a body in the scope it was written in: a file-level body sees only file-level names. */
  private inScopeOf<T>(b: { file: boolean }, body: () => T): T {
    const saved = this.fileOnly;
    this.fileOnly = saved || b.file;
    try { return body(); } finally { this.fileOnly = saved; }
  }

  private nameType(e: Extract<Expr, { kind: 'name' }>, params: Map<string, SType>): SType {
    const p = params.get(e.name);
    if (p) return p;
    const b = this.lookup(e.name);
    if (!b) {
      if (BUILTIN_NAMES.has(e.name)) return this.error(e.span, `\`${e.name}\` is a function: call it, e.g. ${e.name}(…)`);
      const local = this.decl.body.some((s) => (s.kind === 'let' && s.name.name === e.name) || (s.kind === 'given' && s.vars.some((v) => v.name.name === e.name)));
      if (local && this.fileOnly) return this.error(e.span, `\`${e.name}\` is not visible here: a file-level definition sees only file-level names`);
      return this.error(e.span, local ? `\`${e.name}\` is used before it is defined` : `unknown name \`${e.name}\``);
    }
    if (b.kind === 'given') return { shape: givenShape(b.v) };
    if (b.kind === 'function') return this.error(e.span, `\`${e.name}\` is a function: call it with ${b.stmt.params!.length} argument(s)`);
    if (b.type) return b.type;
    if (b.busy) return this.error(e.span, `\`${e.name}\` is defined in terms of itself`);
    // A file-level constant, typed on first use (its body sees only file-level names).
    b.busy = true;
    this.callSites.push({ span: e.span, name: e.name, inFileBody: this.fileOnly });
    this.typingConstant++;
    try { b.type = this.inScopeOf(b, () => this.infer(b.stmt.value, new Map())); } finally { this.typingConstant--; this.callSites.pop(); b.busy = false; }
    return b.type;
  }

  // ------------------------------------------------------------ expressions

  infer(e: Expr, params: Map<string, SType>): SType {
    const t = this.inferShape(e, params);
    // Only the body's own text: a function body typed at a call has a shape per call, not one of its own.
    if (t.shape && !params.size && !this.fileOnly && inside(e.span, this.decl.span)) this.exprShapes.set(`${e.span.start}:${e.span.end}`, t.shape);
    return t;
  }

  private inferShape(e: Expr, params: Map<string, SType>): SType {
    switch (e.kind) {
      case 'num': return { shape: [], value: e.value };
      case 'name': return this.nameType(e, params);
      case 'unary': {
        if (e.op === 'not') return this.error(e.span, '`not` is not available in a derivation');
        const t = this.infer(e.operand, params);
        return e.op === '-' && t.value !== undefined ? { shape: [], value: -t.value } : { shape: t.shape };
      }
      case 'transpose': {
        const t = this.infer(e.operand, params);
        if (!t.shape) return UNKNOWN;
        return { shape: t.shape.length === 2 ? [t.shape[1], t.shape[0]] : t.shape };
      }
      case 'binary': return this.binary(e, params);
      case 'call': return this.call(e, params);
      case 'index': {
        const o = this.infer(e.object, params), i = this.infer(e.index, params);
        if (!o.shape || !i.shape) return UNKNOWN;
        if (o.shape.length === 0) return this.error(e.span, 'a scalar cannot be indexed');
        if (i.value === undefined || !Number.isInteger(i.value)) return this.error(e.index.span, 'an index must be a constant integer');
        if (i.value < 0 || i.value >= o.shape[0]) return this.error(e.index.span, `index ${i.value} is out of range for ${shapeText(o.shape)} (0-based)`);
        return { shape: o.shape.slice(1) };
      }
      case 'prime': return this.error(e.span, `\`${e.name}'\` must be applied to an argument, e.g. ${e.name}'(x)`);
      case 'error': return UNKNOWN;
      default: return this.error(e.span, `${describe(e)} is not available in a derivation`);
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, params: Map<string, SType>): SType {
    if (!['+', '-', '*', '/', '^', '@'].includes(e.op)) return this.error(e.opSpan, `\`${e.op}\` is not available in a derivation (use \`check A == B\` to compare)`);
    const a = this.infer(e.left, params), b = this.infer(e.right, params);
    if (!a.shape || !b.shape) return UNKNOWN;
    if (e.op === '@') {
      if (a.shape.length === 0 || b.shape.length === 0) return this.error(e.opSpan, `\`@\`: ${shapeText(a.shape)} @ ${shapeText(b.shape)} — \`@\` needs vectors or matrices (use \`*\` with a scalar)`);
      const k = a.shape[a.shape.length - 1];
      if (k !== b.shape[0]) return this.error(e.span, `\`@\`: ${shapeText(a.shape)} @ ${shapeText(b.shape)} — inner sizes differ`);
      return { shape: [...a.shape.slice(0, -1), ...b.shape.slice(1)] };
    }
    const shape = broadcastShape(a.shape, b.shape);
    if (!shape) {
      return this.error(e.span, `\`${e.op}\`: ${shapeText(a.shape)} ${e.op} ${shapeText(b.shape)} — shapes differ (only a scalar broadcasts)`);
    }
    if (a.value !== undefined && b.value !== undefined) return { shape: [], value: fold(e.op, a.value, b.value) };
    return { shape };
  }

  private call(e: Extract<Expr, { kind: 'call' }>, params: Map<string, SType>): SType {
    for (const a of e.args) if (a.name) this.error(a.nameSpan ?? a.span, 'named arguments are not available in a derivation');
    if (e.callee.kind === 'prime') return this.prime(e, e.callee, params);
    if (e.callee.kind !== 'name') return this.error(e.callee.span, 'only built-ins and user functions can be called in a derivation');
    const name = e.callee.name;
    if (name === 'grad') return this.grad(e, params);
    const b = params.has(name) ? undefined : this.lookup(name);
    if (b && b.kind === 'function') return this.userCall(e, b, e.args.map((a) => this.infer(a.value, params)));
    if (b) return this.error(e.callee.span, `\`${name}\` is not a function`);
    if (!BUILTIN_NAMES.has(name)) return this.error(e.callee.span, `unknown function \`${name}\``);
    const args = e.args.map((a) => this.infer(a.value, params));
    return this.builtin(e, name, args);
  }

  private builtin(e: Extract<Expr, { kind: 'call' }>, name: string, args: SType[]): SType {
    const arity = (n: number) => {
      if (args.length === n) return true;
      this.error(e.span, `\`${name}\` takes ${n} argument${n === 1 ? '' : 's'}, not ${args.length}`);
      return false;
    };
    const at = (i: number) => e.args[i].value.span;
    if (name === 'max' || name === 'min') {
      if (args.length === 1) return args[0].shape ? { shape: [] } : UNKNOWN;
      if (!arity(2) || !args[0].shape || !args[1].shape) return UNKNOWN;
      const shape = broadcastShape(args[0].shape, args[1].shape);
      if (!shape) return this.error(e.span, `\`${name}\`: ${shapeText(args[0].shape)} and ${shapeText(args[1].shape)} — shapes differ (only a scalar broadcasts)`);
      return { shape };
    }
    if (name === 'outer') {
      if (!arity(2)) return UNKNOWN;
      const [a, b] = args;
      if (!a.shape || !b.shape) return UNKNOWN;
      if (a.shape.length !== 1) return this.error(at(0), `\`outer\` needs two vectors; the first is ${shapeText(a.shape)}`);
      if (b.shape.length !== 1) return this.error(at(1), `\`outer\` needs two vectors; the second is ${shapeText(b.shape)}`);
      return { shape: [a.shape[0], b.shape[0]] };
    }
    if (!arity(1)) return UNKNOWN;
    const a = args[0];
    if (name === 'eye' || name === 'ones') {
      if (a.shape && (a.value === undefined || !Number.isInteger(a.value) || a.value < 1)) return this.error(at(0), `\`${name}(n)\` needs a constant positive integer n`);
      return a.value === undefined ? UNKNOWN : { shape: name === 'eye' ? [a.value, a.value] : [a.value] };
    }
    if (!a.shape) return UNKNOWN;
    if ((ELEMENTWISE_UNARY as readonly string[]).includes(name)) return { shape: a.shape };
    switch (name) {
      case 'sum': case 'mean': case 'logsumexp': return { shape: [] };
      case 'softmax':
        return a.shape.length === 1 ? { shape: a.shape } : this.error(at(0), `\`softmax\` needs a vector, not ${shapeText(a.shape)}`);
      case 'diag':
        if (a.shape.length === 1) return { shape: [a.shape[0], a.shape[0]] };
        if (a.shape.length === 2) return { shape: [Math.min(a.shape[0], a.shape[1])] };
        return this.error(at(0), '`diag` needs a vector (→ diagonal matrix) or a matrix (→ its diagonal), not a scalar');
      case 'inv': case 'det': case 'logdet': case 'trace':
        if (a.shape.length !== 2 || a.shape[0] !== a.shape[1]) return this.error(at(0), `\`${name}\` needs a square matrix, not ${shapeText(a.shape)}`);
        return { shape: name === 'inv' ? a.shape : [] };
    }
    return this.error(e.span, `unknown function \`${name}\``);
  }

  private grad(e: Extract<Expr, { kind: 'call' }>, params: Map<string, SType>): SType {
    if (e.args.length !== 2) return this.error(e.span, `\`grad\` takes 2 arguments (a scalar and a given), not ${e.args.length}`);
    const s = this.infer(e.args[0].value, params);
    const x = e.args[1].value;
    if (s.shape && s.shape.length !== 0) this.error(e.args[0].value.span, `\`grad\`: the first argument must be a scalar, not ${shapeText(s.shape)} (sum it, or take a component)`);
    const b = x.kind === 'name' && !params.has(x.name) ? this.lookup(x.name) : undefined;
    if (!b || b.kind !== 'given') {
      if (x.kind === 'name' && !params.has(x.name) && !b) return this.error(x.span, `unknown name \`${x.name}\``);
      return this.error(x.span, '`grad`: the second argument must be the name of a `given` variable');
    }
    return { shape: givenShape(b.v) };
  }

  private userCall(e: Extract<Expr, { kind: 'call' }>, b: Extract<Binding, { kind: 'function' }>, args: SType[]): SType {
    const fn = b.stmt;
    const ps = fn.params!;
    if (args.length !== ps.length) return this.error(e.span, `\`${fn.name.name}\` takes ${ps.length} argument${ps.length === 1 ? '' : 's'}, not ${args.length}`);
    if (args.some((a) => !a.shape)) return UNKNOWN;
    if (this.expanding.includes(fn)) return this.error(e.span, `\`${fn.name.name}\` calls itself: recursion is not available`);
    if (this.expanding.length >= MAX_CALL_DEPTH) {
      return this.error(e.span, `\`${fn.name.name}\`: calls nested ${this.expanding.length + 1} deep are too deep for a derivation check (at most ${MAX_CALL_DEPTH})`);
    }
    const site: CallSite = { span: e.span, name: fn.name.name, inFileBody: this.fileOnly };
    // The body's type depends only on the argument types and the scope it is typed in.
    const key = `${this.fileOnly || b.file ? 'f' : 'l'}${args.map((a) => `[${a.shape}]${a.value === undefined ? '' : Object.is(a.value, -0) ? '-0' : a.value}`).join(',')}`;
    let memo = this.callMemo.get(fn);
    const known = memo?.get(key);
    this.callSites.push(site);
    try {
      if (known) {
        // the same problems as typing it again would find, shown for this call
        for (const r of known.replays) this.report(r.span, r.message, r.severity, r.viaSite, r.deeper);
        return known.type;
      }
      const inner = new Map<string, SType>();
      ps.forEach((p, i) => inner.set(p.name, args[i]));
      const recorder: Recorder = { base: this.callSites.length, constLevel: this.typingConstant, replays: [], seen: new Set() };
      this.recorders.push(recorder);
      this.expanding.push(fn);
      let type: SType;
      try { type = this.inScopeOf(b, () => this.infer(fn.value, inner)); } finally { this.expanding.pop(); this.recorders.pop(); }
      if (!memo) this.callMemo.set(fn, (memo = new Map()));
      memo.set(key, { type, replays: recorder.replays });
      return type;
    } finally { this.callSites.pop(); }
  }

  private prime(e: Extract<Expr, { kind: 'call' }>, callee: Extract<Expr, { kind: 'prime' }>, params: Map<string, SType>): SType {
    const b = this.lookup(callee.name);
    if (!b || b.kind !== 'function') {
      return this.error(callee.span, BUILTIN_NAMES.has(callee.name)
        ? `\`${callee.name}'\`: derivatives are taken of user functions; define e.g. \`let f(u) = ${callee.name}(u)\` and use f'`
        : `\`${callee.name}'\`: \`${callee.name}\` is not a user function`);
    }
    if (b.stmt.params!.length !== 1) return this.error(callee.span, `\`${callee.name}'\` needs a function of one argument`);
    if (e.args.length !== 1) return this.error(e.span, `\`${callee.name}'\` takes 1 argument, not ${e.args.length}`);
    const arg = this.infer(e.args[0].value, params);
    const onScalar = this.userCall(e, b, [{ shape: [] }]);
    if (onScalar.shape && onScalar.shape.length !== 0) {
      return this.error(callee.span, `\`${callee.name}'\` needs a scalar function, but \`${callee.name}\` of a scalar is ${shapeText(onScalar.shape)}`);
    }
    const mixing = nonElementwise(b.stmt, (n) => this.lookup(n), new Set());
    if (mixing) return this.error(callee.span, `\`${callee.name}'\` needs \`${callee.name}\` to act entry by entry, but it uses ${mixing}`);
    return arg.shape ? { shape: arg.shape } : UNKNOWN;
  }
}

/** Keeps one report for replay, once per distinct diagnostic it can become. */
function record(r: Recorder, x: Replay): void {
  const key = `${x.span.start}:${x.span.end}:${x.severity}:${x.viaSite}:${x.deeper ? `${x.deeper.span.start}:${x.deeper.span.end}:${x.deeper.name}` : ''}:${x.message}`;
  if (r.seen.has(key)) return;
  r.seen.add(key);
  r.replays.push(x);
}

/**
 * Why a function body is not elementwise (the first offending construct), or undefined when it is:
 * only literals, its parameters, scalar arithmetic and elementwise built-ins / user functions. `done`
 * keeps each function's answer, so a function called twice per level is walked once, not 2ⁿ times.
 */
function nonElementwise(fn: LetStmt, lookup: (n: string) => Binding | undefined, visiting: Set<LetStmt>,
  done = new Map<LetStmt, string | undefined>()): string | undefined {
  if (done.has(fn)) return done.get(fn);
  if (visiting.has(fn)) return 'recursion';
  visiting.add(fn);
  const params = new Set(fn.params!.map((p) => p.name));
  const walk = (e: Expr): string | undefined => {
    switch (e.kind) {
      case 'num': return undefined;
      case 'name': {
        if (params.has(e.name)) return undefined;
        const b = lookup(e.name);
        return b && b.kind !== 'function' ? undefined : `\`${e.name}\``;
      }
      case 'unary': return walk(e.operand);
      case 'binary': return e.op === '@' ? '`@`' : walk(e.left) ?? walk(e.right);
      case 'call': {
        const name = e.callee.kind === 'name' ? e.callee.name : e.callee.kind === 'prime' ? e.callee.name : undefined;
        if (!name) return 'a call';
        const b = lookup(name);
        if (b && b.kind === 'function') {
          const inner = nonElementwise(b.stmt, lookup, visiting, done);
          if (inner) return inner;
        } else if (e.callee.kind === 'prime' || !((ELEMENTWISE_UNARY as readonly string[]).includes(name) || ((name === 'max' || name === 'min') && e.args.length === 2))) {
          return `\`${name}\``;
        }
        for (const a of e.args) { const r = walk(a.value); if (r) return r; }
        return undefined;
      }
      default: return describe(e);
    }
  };
  const r = walk(fn.value);
  visiting.delete(fn);
  done.set(fn, r);
  return r;
}

function fold(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    default: return Math.pow(a, b);
  }
}

function describe(e: Expr): string {
  switch (e.kind) {
    case 'str': return 'a string';
    case 'list': return 'a list';
    case 'member': return `\`.${e.name}\``;
    case 'select': return 'a grid selection';
    case 'transpose': return '`.T`';
    case 'index': return 'indexing';
    default: return `\`${e.kind}\``;
  }
}

function dedupe(ds: DeriveDiagnostic[]): DeriveDiagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.span.start}:${d.span.end}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
