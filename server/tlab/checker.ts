// Static checker of .tlab files: scopes (experiment → file → imports, with cycle detection), user
// functions, types of expressions, solver calls validated against the registry, constant folding of
// lets/sweeps/arguments (so out-of-range values and missing grid points are reported before a run),
// and the symbol table used by navigation, rename, completion and hover.
import type { DerivationDecl, ExperimentDecl, ExpectStmt, Expr, Ident, LetStmt, PlotStmt, Span, SweepStmt, TlabFile } from './ast';
import { tolerancePercent } from './ast';
import { buildGrid, Env, Grid, makeFunction } from './evaluator';
import { fmt, RV, show } from './values';
import { ANY, numeric, SType, t, typeText } from './types';
import { analyzeDerivation, derivationLets } from '../derive/index';
import { Analysis, BlockInfo, CheckOptions, COMPARISONS, MAX_STATIC_GRID, Scope, staticKey, Sym, walk } from './checkTypes';
import { clipMessage } from './checkTypes';
import { SolveChecker } from './checkSolve';

export type { Analysis, BlockInfo, CheckOptions, QuickFix, Ref, Severity, Sym, SymKind, TlabDiagnostic } from './checkTypes';
export { dotted, spanKey, staticKey, walk } from './checkTypes';

export function checkTlab(text: string, opts: CheckOptions): Analysis {
  return new Checker(text, opts).run();
}

class Checker extends SolveChecker {
  run(): Analysis {
    const a = this.a;
    for (const e of a.parse.errors) a.diagnostics.push({ span: e.span, message: e.message, severity: 'error', source: 'syntax', ...(e.fixes ? { fixes: e.fixes } : {}) });
    const fileScope = new Scope();
    const fileEnv = new Env();
    this.imports(a.parse.file, fileScope, fileEnv);
    // Top-level lets, then blocks, in source order (blocks see every top-level let, as the runner does).
    for (const item of a.parse.file.items) {
      if (item.kind === 'let') { this.letStmt(item, fileScope, fileEnv, this.emptyGrid); a.fileLets.push({ stmt: item, uri: this.opts.uri }); }
    }
    const blockNames = new Map<string, Span>();
    for (const item of a.parse.file.items) {
      if (item.kind !== 'experiment' && item.kind !== 'derivation') continue;
      if (item.name.name) {
        const prev = blockNames.get(item.name.name);
        if (prev) this.diag(item.name.span, `a block named \`${item.name.name}\` already exists (line ${this.text.slice(0, prev.start).split('\n').length})`);
        else blockNames.set(item.name.name, item.name.span);
      }
      this.a.symbols.push({ name: item.name.name, kind: item.kind, span: item.name.span, declSpan: item.span, uri: this.opts.uri, type: ANY, doc: item.title?.value });
      if (item.kind === 'experiment') this.experiment(item, fileScope, fileEnv);
      else this.derivation(item, fileScope);
    }
    for (const d of a.diagnostics) {
      d.message = clipMessage(d.message);
      for (const f of d.fixes ?? []) f.title = clipMessage(f.title);
    }
    return a;
  }

  // ---- imports -------------------------------------------------------------------------------------
  protected imports(file: TlabFile, scope: Scope, env: Env): void {
    const stack = [...(this.opts.importStack ?? []), this.opts.uri];
    const cache = this.opts.importCache ?? new Map<string, Analysis>();
    for (const item of file.items) {
      if (item.kind !== 'import') continue;
      const p = item.path;
      if (!this.opts.readFile) { this.diag(p.span, 'imports cannot be resolved here (no workspace)', 'warning'); continue; }
      let target: { uri: string; text: string };
      try {
        target = this.opts.readFile(this.opts.uri, p.value);
      } catch (e) {
        this.diag(p.span, `cannot import '${p.value}': ${(e as Error).message}`);
        continue;
      }
      if (stack.includes(target.uri)) {
        const names = [...stack.slice(stack.indexOf(target.uri)), target.uri].map((u) => u.split('/').pop());
        this.diag(p.span, `import cycle: ${names.join(' → ')}`);
        continue;
      }
      let sub = cache.get(target.uri);
      if (!sub) {
        sub = checkTlab(target.text, { uri: target.uri, readFile: this.opts.readFile, locateFile: this.opts.locateFile, importStack: stack, importCache: cache });
        cache.set(target.uri, sub);
      }
      this.a.imported.set(target.uri, sub);
      for (const [u, x] of sub.imported) this.a.imported.set(u, x);
      const errs = sub.diagnostics.filter((d) => d.severity === 'error');
      if (errs.length) {
        const first = errs[0];
        const line = target.text.slice(0, first.span.start).split('\n').length;
        this.diag(p.span, `'${p.value}' has ${errs.length} error${errs.length > 1 ? 's' : ''}; the first, line ${line}: ${first.message}`);
      }
      // Its top-level names (and those it imports) become file-level names here.
      for (const fl of sub.fileLets) {
        const st = fl.stmt;
        this.a.fileLets.push(fl);
        const sym: Sym = {
          name: st.name.name, kind: st.params ? 'function' : 'let', span: st.name.span, declSpan: st.span, uri: fl.uri,
          type: st.params ? t('fn', false, { arity: st.params.length }) : ANY, params: st.params?.map((x) => x.name),
        };
        const known = sub.symbols.find((s) => s.uri === fl.uri && s.span.start === st.name.span.start && !s.block);
        if (known) { sym.type = known.type; sym.value = known.value; }
        scope.define(sym);
        this.foldLet(st, env, this.emptyGrid, false);
      }
    }
  }

  // ---- statements ----------------------------------------------------------------------------------
  /** Evaluates a let statically when it can; returns the value (undefined when not constant). */
  protected foldLet(st: LetStmt, env: Env, grid: Grid, report: boolean): RV | undefined {
    if (!st.name.name) return undefined;
    const ctx = this.ctxFor(grid);
    if (st.params) {
      const f = makeFunction(st.name.name, st.params.map((p) => p.name), st.value, env, ctx);
      env.set(st.name.name, f);
      return f;
    }
    return this.fold(st.value, env, grid, report, (v) => env.set(st.name.name, v));
  }
  protected letStmt(st: LetStmt, scope: Scope, env: Env, grid: Grid, block?: string): void {
    this.stmtDiagStart = this.a.diagnostics.length;
    if (st.params) {
      const inner = new Scope(scope);
      const seen = new Set<string>();
      for (const p of st.params) {
        if (seen.has(p.name)) this.diag(p.span, `parameter \`${p.name}\` appears twice`);
        seen.add(p.name);
        const ps: Sym = { name: p.name, kind: 'param', span: p.span, declSpan: p.span, uri: this.opts.uri, type: ANY, block };
        inner.define(ps);
        this.a.symbols.push(ps);
      }
      // Defined before its body is checked, so recursion resolves (the evaluator limits its depth).
      const sym = this.def(scope, {
        name: st.name.name, kind: 'function', span: st.name.span, declSpan: st.span, type: t('fn', false, { arity: st.params.length }),
        block, params: st.params.map((p) => p.name),
      });
      this.typeOf(st.value, inner, grid);
      // The language has no conditional, so a function that calls itself can never stop: say so here
      // rather than when the block runs (the evaluator's depth limit stays as the last guard).
      if (!st.params.some((p) => p.name === st.name.name)) {
        let self: Span | undefined;
        walk(st.value, (x) => { if (!self && x.kind === 'call' && x.callee.kind === 'name' && x.callee.name === st.name.name) self = x.callee.span; });
        if (self) this.diag(self, `\`${st.name.name}\` calls itself: recursion is not available (there is no \`if\` to end it)`);
      }
      sym.value = this.foldLet(st, env, grid, false);
      return;
    }
    const type = this.typeOf(st.value, scope, grid);
    const value = this.foldLet(st, env, grid, true);
    this.def(scope, { name: st.name.name, kind: 'let', span: st.name.span, declSpan: st.span, type, block, value, letValue: st.value });
  }

  protected experiment(decl: ExperimentDecl, fileScope: Scope, fileEnv: Env): void {
    const block = decl.name.name;
    const info: BlockInfo = { kind: 'experiment', name: block, decl, sweeps: [] };
    this.a.blocks.push(info);
    // Pass 1: fold lets and sweep values in order to learn the grid before checking anything.
    const pre = new Env(fileEnv);
    const sweeps: { name: string; values: number[] }[] = [];
    let gridKnown = true;
    const nonNumeric = new Map<SweepStmt, RV>();
    for (const st of decl.body) {
      if (st.kind === 'let') this.foldLet(st, pre, this.emptyGrid, false);
      else if (st.kind === 'sweep') {
        info.sweeps.push(st.name.name);
        const v = this.fold(st.values, pre, this.emptyGrid, false);
        if (Array.isArray(v) && v.every((x) => typeof x === 'number')) sweeps.push({ name: st.name.name, values: v as number[] });
        else {
          gridKnown = false;
          // A grid is numeric (coordinates, plots' x axes, `r[x = 2]`): strings are refused here, at the
          // check, not only when the block runs.
          const bad = Array.isArray(v) ? v.find((x) => typeof x !== 'number') : undefined;
          if (bad !== undefined) nonNumeric.set(st, bad);
        }
      }
    }
    const size = sweeps.reduce((n, s) => n * s.values.length, 1);
    const grid = gridKnown && size <= MAX_STATIC_GRID ? buildGrid(sweeps) : undefined;
    if (grid) info.grid = grid;
    const g = grid ?? buildGrid([]);

    const scope = new Scope(fileScope);
    const env = new Env(fileEnv);
    const sweepSeen = new Set<string>();
    for (const st of decl.body) {
      this.stmtDiagStart = this.a.diagnostics.length;
      switch (st.kind) {
        case 'let': this.letStmt(st, scope, env, g, block); break;
        case 'sweep': {
          const vt = this.typeOf(st.values, scope, g);
          if (vt.series) this.diag(st.values.span, 'sweep values cannot depend on another swept name (sweeps form a Cartesian grid)');
          else if (vt.k !== 'list' && vt.k !== 'any') this.diag(st.values.span, `sweep values must be a list (e.g. [1, 2, 3] or geomspace(a, b, n)), got a ${typeText(vt)}`);
          const bad = nonNumeric.get(st);
          if (bad !== undefined) {
            this.diag(st.values.span, `a sweep runs over numbers, got ${show(bad)}: for a few string choices (activations, rules) write one \`solve\` per choice`);
          }
          let value: RV | undefined;
          if (grid && st.name.name && grid.coords[st.name.name]) {
            const idx: number[] = [];
            for (let i = 0; i < grid.size; i++) idx.push(i);
            value = { kind: 'series', idx, values: grid.coords[st.name.name] };
            env.set(st.name.name, value);
            const raw = sweeps.find((s) => s.name === st.name.name)!.values;
            if (raw.length === 0) this.diag(st.values.span, 'a sweep needs at least one value');
            if (raw.some((x) => !Number.isFinite(x))) this.diag(st.values.span, 'sweep values must be finite numbers');
            this.a.staticValues.set(staticKey(st.values.span), raw);
          } else {
            this.fold(st.values, env, g, true);
          }
          if (!grid && sweeps.reduce((n, s) => n * s.values.length, 1) > MAX_STATIC_GRID && gridKnown) {
            this.diag(st.span, `the sweep grid has ${size} points; more than ${MAX_STATIC_GRID} is not supported`);
          }
          const sweptBefore = sweepSeen.has(st.name.name);
          sweepSeen.add(st.name.name);
          this.def(scope, { name: st.name.name, kind: 'sweep', span: st.name.span, declSpan: st.span, type: bad !== undefined ? ANY : t('num', true), block, value },
            sweptBefore ? 'is swept twice' : undefined);
          break;
        }
        case 'solve': this.solve(st, scope, env, g, block); break;
        case 'expect': this.expect(st, scope, env, g, info); break;
        case 'plot': this.plot(st, scope, g); break;
      }
    }
  }

  protected derivation(decl: DerivationDecl, fileScope: Scope): void {
    this.a.blocks.push({ kind: 'derivation', name: decl.name.name, decl, sweeps: [] });
    try {
      for (const d of analyzeDerivation(decl, derivationLets(this.a.fileLets, this.opts.uri))) {
        this.a.diagnostics.push({ span: d.span, message: d.message, severity: d.severity, source: 'derive' });
      }
    } catch (e) {
      this.diag(decl.name.span, `derivation check failed internally: ${(e as Error).message}`, 'warning');
    }
    // Names only for navigation (the derivation engine reports unknown names and shapes).
    const scope = new Scope(fileScope);
    const block = decl.name.name;
    for (const st of decl.body) {
      if (st.kind === 'given') {
        for (const v of st.vars) {
          const shape = v.shape.kind === 'scalar' ? 'scalar' : v.shape.kind === 'vector' ? `vector(${v.shape.n})` : `matrix(${v.shape.rows}, ${v.shape.cols})`;
          this.def(scope, { name: v.name.name, kind: 'given', span: v.name.span, declSpan: v.span, type: ANY, block, doc: `${shape}${v.domain !== 'real' ? ' ' + v.domain : ''}` });
        }
      } else if (st.kind === 'let') {
        const inner = new Scope(scope);
        for (const p of st.params ?? []) {
          const ps: Sym = { name: p.name, kind: 'param', span: p.span, declSpan: p.span, uri: this.opts.uri, type: ANY, block };
          inner.define(ps); this.a.symbols.push(ps);
        }
        this.resolveNames(st.value, inner);
        this.def(scope, { name: st.name.name, kind: st.params ? 'function' : 'let', span: st.name.span, declSpan: st.span, type: ANY, block, params: st.params?.map((p) => p.name) });
      } else if (st.kind === 'check') {
        this.resolveNames(st.left, scope); this.resolveNames(st.right, scope);
      }
    }
  }

  /** Records references without diagnostics (derivation bodies). */
  protected resolveNames(e: Expr, scope: Scope): void {
    walk(e, (x) => {
      if (x.kind === 'name' || x.kind === 'prime') {
        const s = scope.lookup(x.name);
        if (s) this.a.refs.push({ span: x.kind === 'prime' ? { start: x.span.start, end: x.span.end - 1 } : x.span, sym: s });
      }
    });
  }

  // ---- expect / plot -------------------------------------------------------------------------------
  protected expect(st: ExpectStmt, scope: Scope, env: Env, grid: Grid, info: BlockInfo): void {
    const c = st.condition;
    if (c.kind === 'error') return;
    if (c.kind !== 'binary' || !COMPARISONS.has(c.op)) {
      // Any condition (`A and B`, `not …`) is allowed; a bare number or series is not.
      const ty = this.typeOf(c, scope, grid);
      if (ty.k !== 'bool' && ty.k !== 'any') this.diag(c.span, 'an expectation states a condition: `expect A == B`, `A ≈ B within T`, `A < B`, `P and Q`, …');
    } else {
      const l = this.typeOf(c.left, scope, grid), r = this.typeOf(c.right, scope, grid);
      if (!this.boolCompared(c, l, r)) {
        this.comparedSide(c.op, c.left, l);
        this.comparedSide(c.op, c.right, r);
      }
    }
    if (st.tolerance) {
      if (c.kind === 'binary' && c.op !== '≈') this.diag(st.tolerance.span, '`within` goes with `≈` only');
      const tt = this.typeOf(st.tolerance, scope, grid);
      if (tt.series) this.diag(st.tolerance.span, 'a tolerance must be one number, not a series');
      if (!st.percent) {
        let named: string | undefined;
        walk(st.tolerance, (x) => {
          if (named || x.kind !== 'name') return;
          const v = scope.lookup(x.name)?.letValue; // looked at here only, not for every let of the file
          if (v && tolerancePercent(v)) named = x.name;
        });
        if (named) {
          this.diag(st.tolerance.span, `this tolerance is absolute: \`${named}\` is written with %, but \`within\` is relative only when the % is written in it (\`within 1%\`, \`within 2 * 1%\`)`, 'warning');
        }
      }
      const v = this.fold(st.tolerance, env, grid, true);
      if (typeof v === 'number' && !(v >= 0)) this.diag(st.tolerance.span, `a tolerance must be ≥ 0, got ${fmt(v)}`);
    }
    if (st.where) {
      const wt = this.typeOf(st.where, scope, grid);
      if (wt.k !== 'bool' && wt.k !== 'any') this.diag(st.where.span, `\`where\` needs a condition (true/false per grid point), got a ${typeText(wt)}`);
      if (wt.k === 'bool' && !wt.series && info.sweeps.length) this.diag(st.where.span, '`where` does not depend on the sweep: it keeps all grid points or none', 'warning');
    }
  }

  /** One side of an expectation's comparison (a method, not a loop over pairs: it runs for every expect). */
  private comparedSide(op: string, side: Expr, ty: SType): void {
    if (op !== '==' && op !== '!=' && !numeric(ty)) this.diag(side.span, `\`${op}\` compares numbers, got a ${typeText(ty)}`);
    if (ty.k === 'result') this.diag(side.span, `this is a whole solver result; compare one of its outputs (${ty.solver?.outputs.slice(0, 4).map((o) => o.name).join(', ')}, …)`);
  }

  protected plot(st: PlotStmt, scope: Scope, grid: Grid): void {
    const xs = st.series.filter((s) => s.axis === 'x'), ys = st.series.filter((s) => s.axis === 'y');
    const head = { start: st.span.start, end: st.span.start + 4 };
    const pictures = st.series.filter((s) => s.axis === 'heatmap' || s.axis === 'image');
    if (pictures.length) {
      // A picture plot: each line one matrix (or vector), no axes of its own to pair with x/y lines.
      for (const s of [...xs, ...ys]) this.diag(s.span, 'a plot with `heatmap =` or `image =` lines has no `x =`/`y =` lines; put the curves in a plot of their own');
      for (const s of pictures) {
        const ty = this.typeOf(s.value, scope, grid);
        if (ty.k !== 'list' && ty.k !== 'any') this.diag(s.value.span, `\`${s.axis} =\` needs a matrix or a vector, got a ${typeText(ty)}`);
        else if (ty.series) this.diag(s.value.span, `\`${s.axis} =\` draws one matrix, but this has one per grid point: select one, e.g. \`m[alpha = …]\``);
      }
      return;
    }
    if (xs.length === 0) this.diag(head, 'a plot needs one `x = …` line');
    if (xs.length > 1) this.diag(xs[1].span, 'a plot has one `x = …` line; overlay several `y = …` lines instead');
    if (ys.length === 0) this.diag(head, 'a plot needs at least one `y = …` line');
    for (const s of st.series) {
      const ty = this.typeOf(s.value, scope, grid);
      if (ty.k === 'list' && ty.series) {
        // what the run would refuse (plots.ts): one number per grid point is needed to draw a curve
        const text = this.text.slice(s.value.span.start, s.value.span.end);
        this.diag(s.value.span, `plot line \`${text}\` has a list at each grid point; plot one entry (e.g. ${text}[0]) or an aggregate, or draw it with \`heatmap =\``);
      } else if (!numeric(ty)) this.diag(s.value.span, `a plot line needs numbers, got a ${typeText(ty)}`);
    }
  }

}

export type { Ident };
