// Expression typing of the .tlab checker: the type of every expression, references to symbols,
// unknown names with "did you mean" fixes, calls of built-ins and user functions, result fields,
// and constant folding (the base of the statement and solver checks).
import type { Expr, Span } from './ast';
import { parseTlab } from './parser';
import { builtinByName, builtins, constantByName, namedArgAllowed } from './builtins';
import { buildGrid, Env, evalExpr, EvalContext, evalStatic, Grid, Unknown } from './evaluator';
import { SyntaxGap } from './evaluator';
import { EvalError, fmt, fmtApart, RV, toNumber } from './values';
import { ANY, numeric, outputType, SType, t, typeText } from './types';
import { getSolver } from '../solvers/index';
import { didYouMean } from '../solvers/registry';
import { Analysis, CheckOptions, COMPARISONS, dotted, QuickFix, Scope, Severity, staticKey, Sym } from './checkTypes';

/** Expression typing shared by the statement checks: types, references, unknown names, calls. */
export abstract class ExprChecker {
  protected a: Analysis;
  /** Diagnostics count when the current statement started (to avoid duplicate fold errors). */
  protected stmtDiagStart = 0;
  protected emptyGrid: Grid = buildGrid([]);

  constructor(protected text: string, protected opts: CheckOptions) {
    this.a = {
      uri: opts.uri, text, parse: parseTlab(text), diagnostics: [], symbols: [], refs: [], blocks: [], fileLets: [],
      staticValues: new Map(), imported: new Map(), dataFiles: new Map(),
    };
  }

  protected diag(span: Span, message: string, severity: Severity = 'error', fixes?: QuickFix[]): void {
    this.a.diagnostics.push({ span, message, severity, fixes, source: 'check' });
  }

  /** Defines a symbol; a second one of the same name in the scope is one error, worded by `duplicate`. */
  protected def(scope: Scope, s: Omit<Sym, 'uri'> & { uri?: string }, duplicate = 'is already defined in this scope'): Sym {
    const sym: Sym = { uri: this.opts.uri, ...s };
    const prev = scope.local(sym.name);
    if (prev && prev.uri === sym.uri && sym.name) {
      const line = this.text.slice(0, prev.span.start).split('\n').length;
      this.diag(sym.span, `\`${sym.name}\` ${duplicate} (line ${line})`);
    }
    if (sym.name) scope.define(sym);
    if (sym.uri === this.opts.uri) this.a.symbols.push(sym);
    return sym;
  }

  /**
   * A comparison with a true/false side: nearly always a chain (`0 < x < 3` is `(0 < x) < 3`, which
   * compares 0 or 1 with 3 and so passes for x = 5). One error on the whole comparison, with the
   * rewrite; true when it reported (the caller then says nothing more about the sides).
   */
  protected boolCompared(e: Expr & { kind: 'binary' }, l: SType, r: SType): boolean {
    const ordered = e.op !== '==' && e.op !== '!=';
    const isBool = (x: SType) => x.k === 'bool';
    const isNum = (x: SType) => x.k === 'num' || x.k === 'stat';
    if (!(ordered ? isBool(l) || isBool(r) : (isBool(l) && isNum(r)) || (isNum(l) && isBool(r)))) return false;
    const src = (x: Expr) => this.text.slice(x.span.start, x.span.end);
    const inner = isBool(l) ? e.left : e.right;
    if (inner.kind === 'binary' && COMPARISONS.has(inner.op)) {
      const rewrite = inner === e.left
        ? `${src(inner)} and ${src(inner.right)} ${e.op} ${src(e.right)}`
        : `${src(e.left)} ${e.op} ${src(inner.left)} and ${src(inner)}`;
      this.diag(e.span, `comparisons do not chain: \`${src(e)}\` compares true/false with a number; write \`${rewrite}\``);
    } else {
      this.diag(inner.span, `\`${e.op}\` compares numbers, got true/false`);
    }
    return true;
  }

  private lastCtx: EvalContext | undefined;
  /** The evaluation context of a grid; the evaluator never mutates it, so one per grid is reused across folds. */
  protected ctxFor(grid: Grid): EvalContext {
    if (this.lastCtx?.grid !== grid) this.lastCtx = { grid, text: this.text };
    return this.lastCtx;
  }


  protected fold(e: Expr, env: Env, grid: Grid, report: boolean, onValue?: (v: RV) => void): RV | undefined {
    try {
      const v = evalStatic(e, env, this.ctxFor(grid));
      if (v instanceof Unknown) return undefined; // depends on something not known before a run
      onValue?.(v);
      this.a.staticValues.set(staticKey(e.span), v);
      return v;
    } catch (err) {
      if (err instanceof EvalError && !(err instanceof SyntaxGap) && report && this.a.diagnostics.length === this.stmtDiagStart) {
        this.diag(err.span ?? e.span, err.message);
      } else if (!(err instanceof Unknown) && !(err instanceof EvalError)) {
        // a bug in folding must not take the checker down
      }
      return undefined;
    }
  }

  // ---- expressions ---------------------------------------------------------------------------------
  protected ref(span: Span, sym: Sym): void { this.a.refs.push({ span, sym }); }

  typeOf(e: Expr, scope: Scope, grid: Grid): SType {
    switch (e.kind) {
      case 'num': return t('num');
      case 'str': return t('str');
      case 'error': return ANY;
      case 'name': {
        const s = scope.lookup(e.name);
        if (s) { this.ref(e.span, s); return s.type; }
        const c = constantByName.get(e.name);
        if (c) return typeof c.value === 'boolean' ? t('bool') : t('num');
        if (builtinByName.has(e.name)) { this.diag(e.span, `\`${e.name}\` is a function: call it as ${builtinByName.get(e.name)!.signature}`); return ANY; }
        this.unknownName(e.name, e.span, scope);
        return ANY;
      }
      case 'prime':
        this.diag(e.span, `\`${e.name}'\` (a derivative) is only available in derivation blocks`);
        return ANY;
      case 'list': {
        const items = e.items.map((x) => this.typeOf(x, scope, grid));
        for (let i = 0; i < items.length; i++) if (!numeric(items[i]) && items[i].k !== 'str') this.diag(e.items[i].span, `a list holds numbers, got a ${typeText(items[i])}`);
        return t('list', items.some((x) => x.series));
      }
      case 'unary': {
        const o = this.typeOf(e.operand, scope, grid);
        if (e.op === 'not') { if (o.k !== 'bool' && o.k !== 'any') this.diag(e.operand.span, `\`not\` needs a condition, got a ${typeText(o)}`); return t('bool', o.series); }
        if (!numeric(o)) this.diag(e.operand.span, `\`${e.op}\` needs a number, got a ${typeText(o)}`);
        return t(o.k === 'list' ? 'list' : o.k === 'any' ? 'any' : 'num', o.series);
      }
      case 'binary': {
        const l = this.typeOf(e.left, scope, grid), r = this.typeOf(e.right, scope, grid);
        const series = l.series || r.series;
        if (e.op === '@') { this.diag(e.opSpan, '`@` (matrix product) is only available in derivation blocks'); return ANY; }
        if (e.op === 'and' || e.op === 'or') {
          for (const [x, ty] of [[e.left, l], [e.right, r]] as const) if (ty.k !== 'bool' && ty.k !== 'any') this.diag(x.span, `\`${e.op}\` needs conditions, got a ${typeText(ty)}`);
          return t('bool', series);
        }
        if (COMPARISONS.has(e.op) && this.boolCompared(e, l, r)) return t('bool', series);
        if (e.op === '==' || e.op === '!=') return t('bool', series);
        // left, then right (no pair arrays: this runs for every arithmetic operation)
        if (!numeric(l)) this.diag(e.left.span, `\`${e.op}\` needs numbers, got a ${typeText(l)}`);
        if (!numeric(r)) this.diag(e.right.span, `\`${e.op}\` needs numbers, got a ${typeText(r)}`);
        if (COMPARISONS.has(e.op)) return t('bool', series);
        const k = l.k === 'list' || r.k === 'list' ? 'list' : l.k === 'any' || r.k === 'any' ? 'any' : 'num';
        return t(k, series);
      }
      case 'call': return this.call(e, scope, grid);
      case 'member': return this.member(e.object, e.name, e.nameSpan, scope, grid);
      case 'transpose': {
        const o = this.typeOf(e.operand, scope, grid);
        if (o.k === 'result' || o.k === 'record') return this.fieldType(o, 'T', { start: e.span.end - 1, end: e.span.end });
        if (o.k !== 'any') this.diag(e.span, '`.T` (transpose) is only available in derivation blocks');
        return ANY;
      }
      case 'index': {
        const o = this.typeOf(e.object, scope, grid), i = this.typeOf(e.index, scope, grid);
        if (o.k !== 'list' && o.k !== 'any') this.diag(e.object.span, `indexing needs a list, got a ${typeText(o)}`);
        if (i.k !== 'num' && i.k !== 'any') this.diag(e.index.span, `an index is a number, got a ${typeText(i)}`);
        return t(o.k === 'any' ? 'any' : 'num', o.series || i.series);
      }
      case 'select': {
        const o = this.typeOf(e.object, scope, grid);
        const vt = this.typeOf(e.value, scope, grid);
        const sweepSym = scope.lookup(e.name);
        if (!sweepSym || sweepSym.kind !== 'sweep') {
          const sweeps = scope.all().filter((s) => s.kind === 'sweep').map((s) => s.name);
          const s = didYouMean(e.name, sweeps);
          this.diag(e.nameSpan, `\`${e.name}\` is not swept in this experiment${s ? ` — did you mean \`${s}\`?` : sweeps.length ? ` (swept: ${sweeps.join(', ')})` : ''}`, 'error',
            s ? [{ title: `Change to '${s}'`, span: e.nameSpan, newText: s }] : undefined);
        } else {
          this.ref(e.nameSpan, sweepSym);
          if (!o.series && o.k !== 'any') this.diag(e.object.span, `this ${typeText(o)} does not vary over \`${e.name}\`: nothing to select`);
          if (vt.series) this.diag(e.value.span, 'the selected value must be one number');
          const coords = grid.coords[e.name];
          if (coords && !vt.series) {
            const env = new Env();
            try {
              const target = toNumber(evalExpr(e.value, env, this.ctxFor(grid)));
              const vals = [...new Set(coords)];
              const hit = vals.some((x) => x === target || Math.abs(x - target) <= 1e-9 * Math.max(Math.abs(x), Math.abs(target)));
              if (!hit) {
                const near = vals.sort((a, b) => Math.abs(a - target) - Math.abs(b - target)).slice(0, 3);
                // the fix writes a nearest value exactly enough to select it (fmt rounds to 6 digits)
                const exact = (x: number) => (Math.abs(Number(fmt(x)) - x) <= 1e-9 * Math.abs(x) ? fmt(x) : String(x));
                this.diag(e.value.span, `no grid point has ${e.name} = ${fmtApart(target, near)}; nearest: ${near.map(fmt).join(', ')}`, 'error',
                  near.map((x) => ({ title: `Change to the grid value ${fmt(x)}`, span: e.value.span, newText: exact(x) })));
              }
            } catch { /* not a constant: checked when it runs */ }
          }
        }
        return { ...o, series: o.series && grid.names.length > 1 };
      }
    }
  }

  protected unknownName(name: string, span: Span, scope: Scope): void {
    const candidates = [...scope.all().map((s) => s.name), ...builtins.map((b) => b.name), ...constantByName.keys()];
    const s = didYouMean(name, candidates);
    this.diag(span, `unknown name \`${name}\`${s ? ` — did you mean \`${s}\`?` : ''}`, 'error', s ? [{ title: `Change to '${s}'`, span, newText: s }] : undefined);
  }

  protected member(object: Expr, name: string, nameSpan: Span, scope: Scope, grid: Grid): SType {
    // A dotted solver id used as a value (`scaling.bayes_optimal`) is a mistake worth a clear message.
    const o = this.typeOf(object, scope, grid);
    return this.fieldType(o, name, nameSpan);
  }

  protected fieldType(o: SType, name: string, nameSpan: Span): SType {
    if (o.k === 'any') return t('any', o.series);
    if (o.k === 'result' && o.solver) {
      const out = o.solver.outputs.find((x) => x.name === name);
      if (!out) {
        const s = didYouMean(name, o.solver.outputs.map((x) => x.name));
        this.diag(nameSpan, `\`${o.solver.id}\` has no output \`${name}\`${s ? ` — did you mean \`${s}\`?` : ` (outputs: ${o.solver.outputs.map((x) => x.name).join(', ')})`}`, 'error',
          s ? [{ title: `Change to '${s}'`, span: nameSpan, newText: s }] : undefined);
        return t('any', o.series);
      }
      return outputType(out.kind, o.series);
    }
    if (o.k === 'stat') {
      if (name === 'mean' || name === 'std' || name === 'n') return t('num', o.series);
      this.diag(nameSpan, `a mean ± std has the fields mean, std and n, not \`${name}\``);
      return t('any', o.series);
    }
    if (o.k === 'record') return t('any', o.series);
    this.diag(nameSpan, `\`.${name}\` needs a solver result, got a ${typeText(o)}`);
    return ANY;
  }

  protected call(e: Extract<Expr, { kind: 'call' }>, scope: Scope, grid: Grid): SType {
    const argTypes = e.args.map((a) => this.typeOf(a.value, scope, grid));
    const calleeName = e.callee.kind === 'name' ? e.callee.name : '';
    e.args.forEach((a, i) => {
      if (!a.name || (!scope.lookup(calleeName) && namedArgAllowed(calleeName, a.name, i))) return;
      const b = builtinByName.get(calleeName);
      const allowed = !scope.lookup(calleeName) && b?.named ? Object.keys(b.named) : [];
      this.diag(a.nameSpan ?? a.span, allowed.includes(a.name)
        ? `\`${a.name} =\` must be argument ${b!.named![a.name] + 1} of ${b!.signature}`
        : 'functions take positional arguments (named arguments are for solver calls)');
    });
    if (e.callee.kind !== 'name') {
      const id = dotted(e.callee);
      if (id && getSolver(id)) this.diag(e.callee.span, `solvers are called in a statement: \`solve r = ${id}(…)\``);
      else this.diag(e.callee.span, 'only functions can be called here');
      return ANY;
    }
    const name = e.callee.name;
    const series = argTypes.some((x) => x.series);
    const user = scope.lookup(name);
    if (user) {
      this.ref(e.callee.span, user);
      if (user.type.k !== 'fn') {
        if (user.type.k !== 'any') this.diag(e.callee.span, `\`${name}\` is a ${typeText(user.type)}, not a function`);
        return ANY;
      }
      if (user.type.arity !== undefined && user.type.arity !== e.args.length) {
        this.diag(e.span, `\`${name}\` takes ${user.type.arity} argument${user.type.arity === 1 ? '' : 's'}, got ${e.args.length}`);
      }
      return t('any', series);
    }
    const b = builtinByName.get(name);
    if (!b) {
      this.unknownName(name, e.callee.span, scope);
      return ANY;
    }
    if (e.args.length < b.minArgs || e.args.length > b.maxArgs) {
      this.diag(e.span, `${b.signature} takes ${b.minArgs === b.maxArgs ? b.minArgs : `${b.minArgs} to ${b.maxArgs}`} argument${b.maxArgs === 1 ? '' : 's'}, got ${e.args.length}`);
      return t(b.kind === 'constructor' ? 'list' : 'num', series);
    }
    // An aggregate's one argument gets its own, more precise message below ("needs a list or a series").
    const aggregate = b.kind === 'aggregate' || (b.kind === 'elementwise' && e.args.length === 1 && (name === 'min' || name === 'max'));
    for (let i = 0; i < argTypes.length; i++) {
      if (!numeric(argTypes[i]) && !(aggregate && argTypes[i].k === 'str')) this.diag(e.args[i].span, `${name} needs numbers, got a ${typeText(argTypes[i])}`);
    }
    switch (b.kind) {
      case 'elementwise': {
        if (e.args.length === 1 && (name === 'min' || name === 'max')) return this.aggregateType(name, argTypes[0], e.args[0].span);
        const list = argTypes.some((x) => x.k === 'list');
        return t(list ? 'list' : 'num', series);
      }
      case 'aggregate': return this.aggregateType(name, argTypes[0], e.args[0].span);
      case 'slope': {
        const before = this.a.diagnostics.length;
        for (let i = 0; i < 2; i++) {
          const ty = argTypes[i];
          if (ty.k !== 'any' && !ty.series && ty.k !== 'list') {
            this.diag(e.args[i].span, `slope(y, x) needs two series over the sweep (or two lists); ${i === 0 ? 'y' : 'x'} is one ${typeText(ty)}`);
          }
        }
        if (before === this.a.diagnostics.length && argTypes[0].series !== argTypes[1].series && argTypes[0].k !== 'any' && argTypes[1].k !== 'any') {
          this.diag(e.span, 'slope(y, x): y and x must both be series over the sweep, or both lists');
        }
        return t('num');
      }
      case 'constructor':
        if (series) this.diag(e.span, `${name} needs constant ends and count, not values that vary over the sweep`);
        return t('list');
    }
  }

  protected aggregateType(name: string, ty: SType, span: Span): SType {
    if (ty.k === 'any') return t('num');
    if (!ty.series && ty.k !== 'list') { this.diag(span, `${name} needs a list or a series over the sweep, got a ${typeText(ty)}`); return t('num'); }
    // a series of lists aggregates each list (one number per grid point)
    return t('num', ty.series && ty.k === 'list');
  }
}
