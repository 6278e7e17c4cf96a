// Static checker of .tlab files: scopes (experiment → file → imports, with cycle detection), user
// functions, types of expressions, solver calls validated against the registry, constant folding of
// lets/sweeps/arguments (so out-of-range values and missing grid points are reported before a run),
// and the symbol table used by navigation, rename, completion and hover.
import os from 'node:os';
import type {
  DerivationDecl, ExperimentDecl, ExpectStmt, Expr, Ident, LetStmt, PlotStmt, SolveStmt, Span, TlabFile,
} from './ast';
import { parseTlab, ParseResult } from './parser';
import { builtinByName, builtins, constantByName } from './builtins';
import { buildGrid, Env, evalExpr, EvalContext, Grid, makeFunction, Unknown } from './evaluator';
import { EvalError, fmt, isSeries, RV, toNumber } from './values';
import { ANY, numeric, outputType, SType, t, typeText } from './types';
import { getSolver, solverIds } from '../solvers/index';
import { checkParamValue, didYouMean, ParamSpec, SolverDef, Value } from '../solvers/registry';
import { analyzeDerivation, derivationLets } from '../derive/index';

export type Severity = 'error' | 'warning' | 'info';

export interface QuickFix { title: string; span: Span; newText: string }

export interface TlabDiagnostic {
  span: Span;
  message: string;
  severity: Severity;
  /** Replacement proposals (quick fixes for misspellings). */
  fixes?: QuickFix[];
  /** Where it came from: 'syntax' | 'check' | 'derive' | 'run' */
  source?: string;
}

export type SymKind = 'let' | 'function' | 'param' | 'sweep' | 'result' | 'given' | 'experiment' | 'derivation';

export interface Sym {
  name: string;
  kind: SymKind;
  /** span of the defining name */
  span: Span;
  /** the whole defining statement */
  declSpan: Span;
  uri: string;
  type: SType;
  /** the block it is visible in (undefined = the whole file) */
  block?: string;
  doc?: string;
  solver?: SolverDef;
  params?: string[];
  /** statically known value (constants, sweep values) */
  value?: RV;
}

export interface Ref { span: Span; sym: Sym }

export interface BlockInfo {
  kind: 'experiment' | 'derivation';
  name: string;
  decl: ExperimentDecl | DerivationDecl;
  /** static grid, when every sweep folds to constants */
  grid?: Grid;
  sweeps: string[];
}

export interface Analysis {
  uri: string;
  text: string;
  parse: ParseResult;
  diagnostics: TlabDiagnostic[];
  symbols: Sym[];
  refs: Ref[];
  blocks: BlockInfo[];
  /** top-level lets of the file and of its imports, in evaluation order (imports first) */
  fileLets: { stmt: LetStmt; uri: string }[];
  /** Statically known values by span (`start:end`), for hovers before any run. */
  staticValues: Map<string, RV>;
  /** Analyses of imported files (transitively), by uri: their text serves navigation. */
  imported: Map<string, Analysis>;
}

export interface CheckOptions {
  uri: string;
  /** Reads a workspace file relative to `fromUri` (throws a clear error when it cannot). */
  readFile?(fromUri: string, relativePath: string): { uri: string; text: string };
  /** Files being imported above this one (cycle detection). */
  importStack?: string[];
  /** Parsed imports shared across one check (a file imported twice is analysed once). */
  importCache?: Map<string, Analysis>;
}

export const spanKey = (s: Span) => `${s.start}:${s.end}`;

const MAX_STATIC_GRID = 20000;

class Scope {
  private names = new Map<string, Sym>();
  constructor(public readonly parent?: Scope) {}
  lookup(name: string): Sym | undefined { return this.names.get(name) ?? this.parent?.lookup(name); }
  local(name: string): Sym | undefined { return this.names.get(name); }
  define(s: Sym): void { this.names.set(s.name, s); }
  all(): Sym[] {
    const out = new Map<string, Sym>();
    for (let sc: Scope | undefined = this; sc; sc = sc.parent) for (const [k, v] of sc.names) if (!out.has(k)) out.set(k, v);
    return [...out.values()];
  }
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', '≈']);

export function checkTlab(text: string, opts: CheckOptions): Analysis {
  return new Checker(text, opts).run();
}

class Checker {
  private a: Analysis;
  /** Diagnostics count when the current statement started (to avoid duplicate fold errors). */
  private stmtDiagStart = 0;
  private emptyGrid: Grid = buildGrid([]);

  constructor(private text: string, private opts: CheckOptions) {
    this.a = {
      uri: opts.uri, text, parse: parseTlab(text), diagnostics: [], symbols: [], refs: [], blocks: [], fileLets: [],
      staticValues: new Map(), imported: new Map(),
    };
  }

  private diag(span: Span, message: string, severity: Severity = 'error', fixes?: QuickFix[]): void {
    this.a.diagnostics.push({ span, message, severity, fixes, source: 'check' });
  }

  private def(scope: Scope, s: Omit<Sym, 'uri'> & { uri?: string }): Sym {
    const sym: Sym = { uri: this.opts.uri, ...s };
    const prev = scope.local(sym.name);
    if (prev && prev.uri === sym.uri && sym.name) {
      const line = this.text.slice(0, prev.span.start).split('\n').length;
      this.diag(sym.span, `\`${sym.name}\` is already defined in this scope (line ${line})`);
    }
    if (sym.name) scope.define(sym);
    if (sym.uri === this.opts.uri) this.a.symbols.push(sym);
    return sym;
  }

  run(): Analysis {
    const a = this.a;
    for (const e of a.parse.errors) a.diagnostics.push({ span: e.span, message: e.message, severity: 'error', source: 'syntax' });
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
    return a;
  }

  // ---- imports -------------------------------------------------------------------------------------
  private imports(file: TlabFile, scope: Scope, env: Env): void {
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
        sub = checkTlab(target.text, { uri: target.uri, readFile: this.opts.readFile, importStack: stack, importCache: cache });
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
  private ctxFor(grid: Grid): EvalContext { return { grid, text: this.text }; }

  /** Evaluates a let statically when it can; returns the value (undefined when not constant). */
  private foldLet(st: LetStmt, env: Env, grid: Grid, report: boolean): RV | undefined {
    if (!st.name.name) return undefined;
    const ctx = this.ctxFor(grid);
    if (st.params) {
      const f = makeFunction(st.name.name, st.params.map((p) => p.name), st.value, env, ctx);
      env.set(st.name.name, f);
      return f;
    }
    return this.fold(st.value, env, grid, report, (v) => env.set(st.name.name, v));
  }

  private fold(e: Expr, env: Env, grid: Grid, report: boolean, onValue?: (v: RV) => void): RV | undefined {
    try {
      const v = evalExpr(e, env, this.ctxFor(grid));
      onValue?.(v);
      this.a.staticValues.set(spanKey(e.span), v);
      return v;
    } catch (err) {
      if (err instanceof EvalError && report && this.a.diagnostics.length === this.stmtDiagStart) {
        this.diag(err.span ?? e.span, err.message);
      } else if (!(err instanceof Unknown) && !(err instanceof EvalError)) {
        // a bug in folding must not take the checker down
      }
      return undefined;
    }
  }

  private letStmt(st: LetStmt, scope: Scope, env: Env, grid: Grid, block?: string): void {
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
      sym.value = this.foldLet(st, env, grid, false);
      return;
    }
    const type = this.typeOf(st.value, scope, grid);
    const value = this.foldLet(st, env, grid, true);
    this.def(scope, { name: st.name.name, kind: 'let', span: st.name.span, declSpan: st.span, type, block, value });
  }

  private experiment(decl: ExperimentDecl, fileScope: Scope, fileEnv: Env): void {
    const block = decl.name.name;
    const info: BlockInfo = { kind: 'experiment', name: block, decl, sweeps: [] };
    this.a.blocks.push(info);
    // Pass 1: fold lets and sweep values in order to learn the grid before checking anything.
    const pre = new Env(fileEnv);
    const sweeps: { name: string; values: number[] }[] = [];
    let gridKnown = true;
    for (const st of decl.body) {
      if (st.kind === 'let') this.foldLet(st, pre, this.emptyGrid, false);
      else if (st.kind === 'sweep') {
        info.sweeps.push(st.name.name);
        const v = this.fold(st.values, pre, this.emptyGrid, false);
        if (Array.isArray(v) && v.every((x) => typeof x === 'number')) sweeps.push({ name: st.name.name, values: v as number[] });
        else gridKnown = false;
      }
    }
    const size = sweeps.reduce((n, s) => n * s.values.length, 1);
    const grid = gridKnown && size <= MAX_STATIC_GRID ? buildGrid(sweeps) : undefined;
    if (grid) info.grid = grid;
    const g = grid ?? buildGrid([]);

    const scope = new Scope(fileScope);
    const env = new Env(fileEnv);
    const sweepSeen = new Map<string, Span>();
    for (const st of decl.body) {
      this.stmtDiagStart = this.a.diagnostics.length;
      switch (st.kind) {
        case 'let': this.letStmt(st, scope, env, g, block); break;
        case 'sweep': {
          const vt = this.typeOf(st.values, scope, g);
          if (vt.series) this.diag(st.values.span, 'sweep values cannot depend on another swept name (sweeps form a Cartesian grid)');
          else if (vt.k !== 'list' && vt.k !== 'any') this.diag(st.values.span, `sweep values must be a list (e.g. [1, 2, 3] or geomspace(a, b, n)), got a ${typeText(vt)}`);
          let value: RV | undefined;
          if (grid && st.name.name && grid.coords[st.name.name]) {
            value = { kind: 'series', idx: Array.from({ length: grid.size }, (_, i) => i), values: grid.coords[st.name.name] };
            env.set(st.name.name, value);
            const raw = sweeps.find((s) => s.name === st.name.name)!.values;
            if (raw.length === 0) this.diag(st.values.span, 'a sweep needs at least one value');
            if (raw.some((x) => !Number.isFinite(x))) this.diag(st.values.span, 'sweep values must be finite numbers');
            this.a.staticValues.set(spanKey(st.values.span), raw);
          } else {
            this.fold(st.values, env, g, true);
          }
          if (!grid && sweeps.reduce((n, s) => n * s.values.length, 1) > MAX_STATIC_GRID && gridKnown) {
            this.diag(st.span, `the sweep grid has ${size} points; more than ${MAX_STATIC_GRID} is not supported`);
          }
          const prev = sweepSeen.get(st.name.name);
          if (prev) this.diag(st.name.span, `\`${st.name.name}\` is swept twice`);
          sweepSeen.set(st.name.name, st.name.span);
          this.def(scope, { name: st.name.name, kind: 'sweep', span: st.name.span, declSpan: st.span, type: t('num', true), block, value });
          break;
        }
        case 'solve': this.solve(st, scope, env, g, block); break;
        case 'expect': this.expect(st, scope, env, g, info); break;
        case 'plot': this.plot(st, scope, g); break;
      }
    }
  }

  private derivation(decl: DerivationDecl, fileScope: Scope): void {
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
  private resolveNames(e: Expr, scope: Scope): void {
    walk(e, (x) => {
      if (x.kind === 'name' || x.kind === 'prime') {
        const s = scope.lookup(x.name);
        if (s) this.a.refs.push({ span: x.kind === 'prime' ? { start: x.span.start, end: x.span.end - 1 } : x.span, sym: s });
      }
    });
  }

  // ---- solve ---------------------------------------------------------------------------------------
  private solve(st: SolveStmt, scope: Scope, env: Env, grid: Grid, block: string): void {
    const def = st.solver.name ? getSolver(st.solver.name) : undefined;
    let series = false;
    if (!st.solver.name) {
      // syntax error already reported
    } else if (!def) {
      const s = didYouMean(st.solver.name, solverIds());
      this.diag(st.solver.span, `unknown solver \`${st.solver.name}\`${s ? ` — did you mean \`${s}\`?` : ''}`, 'error',
        s ? [{ title: `Change to '${s}'`, span: st.solver.span, newText: s }] : undefined);
    } else {
      if (def.stochastic && !st.stochastic) this.diag(st.span.start === st.span.end ? st.solver.span : { start: st.span.start, end: st.span.start + 5 }, `\`${def.id}\` is stochastic: write \`simulate\` (its outputs carry mean and std over seeds)`, 'warning', [{ title: "Change to 'simulate'", span: { start: st.span.start, end: st.span.start + 5 }, newText: 'simulate' }]);
      if (!def.stochastic && st.stochastic) this.diag({ start: st.span.start, end: st.span.start + 8 }, `\`${def.id}\` is deterministic: write \`solve\``, 'warning', [{ title: "Change to 'solve'", span: { start: st.span.start, end: st.span.start + 8 }, newText: 'solve' }]);
    }
    const given = new Map<string, { arg: SolveStmt['args'][number]; spec?: ParamSpec; value?: RV }>();
    for (const arg of st.args) {
      if (!arg.name) {
        this.diag(arg.span, `solver arguments are named: write \`name = value\`${def ? ` (parameters: ${def.params.map((p) => p.name).join(', ')})` : ''}`);
        this.typeOf(arg.value, scope, grid);
        continue;
      }
      const nameSpan = arg.nameSpan ?? arg.span;
      if (given.has(arg.name)) this.diag(nameSpan, `\`${arg.name}\` is given twice`);
      const spec = def?.params.find((p) => p.name === arg.name);
      if (def && !spec) {
        const s = didYouMean(arg.name, def.params.map((p) => p.name));
        this.diag(nameSpan, `\`${def.id}\` has no parameter \`${arg.name}\`${s ? ` — did you mean \`${s}\`?` : ''}`, 'error',
          s ? [{ title: `Change to '${s}'`, span: nameSpan, newText: s }] : undefined);
      }
      const entry: { arg: typeof arg; spec?: ParamSpec; value?: RV } = { arg, spec };
      given.set(arg.name, entry);
      if (spec?.kind === 'expr') { entry.value = arg.value.kind === 'str' ? arg.value.value : this.text.slice(arg.value.span.start, arg.value.span.end); continue; }
      if (spec?.kind === 'enum' && arg.value.kind === 'name' && !scope.lookup(arg.value.name)) {
        entry.value = arg.value.name; // a bare word such as `readouts = dense`
        const msg = checkParamValue(spec, arg.value.name);
        if (msg) {
          const s = didYouMean(arg.value.name, spec.values ?? []);
          this.diag(arg.value.span, msg, 'error', s ? [{ title: `Change to '${s}'`, span: arg.value.span, newText: s }] : undefined);
        }
        continue;
      }
      const before = this.a.diagnostics.length;
      const ty = this.typeOf(arg.value, scope, grid);
      if (ty.series) series = true;
      if (spec && this.a.diagnostics.length === before) this.argType(spec, ty, arg.value.span);
      if (this.a.diagnostics.length !== before) continue;
      const v = this.fold(arg.value, env, grid, false);
      entry.value = v;
      if (spec && v !== undefined) this.argValue(spec, v, arg.value.span, grid);
    }
    if (def) {
      const missing = def.params.filter((p) => p.default === undefined && !p.optional && !given.has(p.name));
      for (const p of missing) this.diag(st.solver.span, `\`${def.id}\` needs the parameter \`${p.name}\` (${p.doc})`);
      // Cross-parameter rules, when every argument is known (at the first grid point for series).
      const all = [...given.values()].every((g) => g.value !== undefined || !g.spec);
      if (!missing.length && (def.validate || def.memoryEstimate) && all) {
        const params: Record<string, Value> = {};
        for (const p of def.params) if (p.default !== undefined) params[p.name] = p.default;
        for (const [k, g] of given) if (g.spec) { const v = firstPoint(g.value!); if (v !== undefined) params[k] = v; }
        try {
          let refused = false;
          for (const issue of def.validate?.(params) ?? []) {
            const where = issue.param && given.get(issue.param) ? given.get(issue.param)!.arg.span : st.solver.span;
            this.diag(where, issue.message, issue.severity ?? 'error');
            refused ||= issue.severity !== 'warning';
          }
          // Absurd sizes: the local engine refuses a job whose estimate exceeds its memory limit (default
          // 75% of RAM); say so while editing. A warning: a cluster node may have the memory.
          const need = !refused && def.memoryEstimate ? def.memoryEstimate(params) : 0;
          if (need > 0.75 * os.totalmem()) {
            this.diag(st.solver.span, `\`${def.id}\` would need about ${(need / 2 ** 30).toFixed(1)} GiB of memory for these parameters, ` +
              `more than the solver limit of ${(0.75 * os.totalmem() / 2 ** 30).toFixed(1)} GiB (75% of this machine's memory), so it will be refused here; reduce the sizes`, 'warning');
          }
        } catch { /* a validate that throws on odd input is reported when it runs */ }
      }
    }
    this.def(scope, {
      name: st.name.name, kind: 'result', span: st.name.span, declSpan: st.span, type: def ? t('result', series, { solver: def }) : ANY,
      block, solver: def, doc: def?.title,
    });
  }

  private argType(spec: ParamSpec, ty: SType, span: Span): void {
    if (ty.k === 'any') return;
    const want: Record<string, SType['k'][]> = {
      number: ['num', 'stat', 'bool'], integer: ['num', 'stat'], boolean: ['bool'], string: ['str'], enum: ['str'], vector: ['list'], expr: ['str'],
    };
    const ok = want[spec.kind] ?? [];
    if (!ok.includes(ty.k)) this.diag(span, `\`${spec.name}\` expects ${kindText(spec)}, got a ${typeText({ ...ty, series: false })}`);
  }

  private argValue(spec: ParamSpec, v: RV, span: Span, grid: Grid): void {
    if (isSeries(v)) {
      for (let k = 0; k < v.values.length; k++) {
        const x = v.values[k];
        const jv = toValue(x);
        if (jv === undefined) continue;
        const msg = checkParamValue(spec, jv);
        if (msg) {
          const at = grid.names.map((n) => `${n} = ${fmt(grid.coords[n][v.idx[k]])}`).join(', ');
          this.diag(span, `${msg}${at ? ` at the grid point ${at}` : ''}`);
          return;
        }
      }
      return;
    }
    const jv = toValue(v);
    if (jv === undefined) return;
    const msg = checkParamValue(spec, jv);
    if (msg) this.diag(span, msg);
  }

  // ---- expect / plot -------------------------------------------------------------------------------
  private expect(st: ExpectStmt, scope: Scope, env: Env, grid: Grid, info: BlockInfo): void {
    const c = st.condition;
    if (c.kind === 'error') return;
    if (c.kind !== 'binary' || !COMPARISONS.has(c.op)) {
      // Any condition (`A and B`, `not …`) is allowed; a bare number or series is not.
      const ty = this.typeOf(c, scope, grid);
      if (ty.k !== 'bool' && ty.k !== 'any') this.diag(c.span, 'an expectation states a condition: `expect A == B`, `A ≈ B within T`, `A < B`, `P and Q`, …');
    } else {
      const l = this.typeOf(c.left, scope, grid), r = this.typeOf(c.right, scope, grid);
      for (const [side, ty] of [[c.left, l], [c.right, r]] as const) {
        if (c.op !== '==' && c.op !== '!=' && !numeric(ty)) this.diag(side.span, `\`${c.op}\` compares numbers, got a ${typeText(ty)}`);
        if (ty.k === 'result') this.diag(side.span, `this is a whole solver result; compare one of its outputs (${ty.solver?.outputs.slice(0, 4).map((o) => o.name).join(', ')}, …)`);
      }
    }
    if (st.tolerance) {
      if (c.kind === 'binary' && c.op !== '≈') this.diag(st.tolerance.span, '`within` goes with `≈` only');
      const tt = this.typeOf(st.tolerance, scope, grid);
      if (tt.series) this.diag(st.tolerance.span, 'a tolerance must be one number, not a series');
      const v = this.fold(st.tolerance, env, grid, true);
      if (typeof v === 'number' && !(v >= 0)) this.diag(st.tolerance.span, `a tolerance must be ≥ 0, got ${fmt(v)}`);
    }
    if (st.where) {
      const wt = this.typeOf(st.where, scope, grid);
      if (wt.k !== 'bool' && wt.k !== 'any') this.diag(st.where.span, `\`where\` needs a condition (true/false per grid point), got a ${typeText(wt)}`);
      if (wt.k === 'bool' && !wt.series && info.sweeps.length) this.diag(st.where.span, '`where` does not depend on the sweep: it keeps all grid points or none', 'warning');
    }
  }

  private plot(st: PlotStmt, scope: Scope, grid: Grid): void {
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
      if (!numeric(ty) || ty.k === 'list' && !ty.series) {
        if (ty.k !== 'list') this.diag(s.value.span, `a plot line needs numbers, got a ${typeText(ty)}`);
      }
    }
  }

  // ---- expressions ---------------------------------------------------------------------------------
  private ref(span: Span, sym: Sym): void { this.a.refs.push({ span, sym }); }

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
        if (e.op === '==' || e.op === '!=') return t('bool', series);
        for (const [x, ty] of [[e.left, l], [e.right, r]] as const) {
          if (!numeric(ty)) this.diag(x.span, `\`${e.op}\` needs numbers, got a ${typeText(ty)}`);
        }
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
                this.diag(e.value.span, `no grid point has ${e.name} = ${fmt(target)}; nearest: ${near.map(fmt).join(', ')}`);
              }
            } catch { /* not a constant: checked when it runs */ }
          }
        }
        return { ...o, series: o.series && grid.names.length > 1 };
      }
    }
  }

  private unknownName(name: string, span: Span, scope: Scope): void {
    const candidates = [...scope.all().map((s) => s.name), ...builtins.map((b) => b.name), ...constantByName.keys()];
    const s = didYouMean(name, candidates);
    this.diag(span, `unknown name \`${name}\`${s ? ` — did you mean \`${s}\`?` : ''}`, 'error', s ? [{ title: `Change to '${s}'`, span, newText: s }] : undefined);
  }

  private member(object: Expr, name: string, nameSpan: Span, scope: Scope, grid: Grid): SType {
    // A dotted solver id used as a value (`scaling.bayes_optimal`) is a mistake worth a clear message.
    const o = this.typeOf(object, scope, grid);
    return this.fieldType(o, name, nameSpan);
  }

  private fieldType(o: SType, name: string, nameSpan: Span): SType {
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

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope, grid: Grid): SType {
    const argTypes = e.args.map((a) => this.typeOf(a.value, scope, grid));
    for (const a of e.args) if (a.name) this.diag(a.nameSpan ?? a.span, 'functions take positional arguments (named arguments are for solver calls)');
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
    for (let i = 0; i < argTypes.length; i++) {
      if (!numeric(argTypes[i])) this.diag(e.args[i].span, `${name} needs numbers, got a ${typeText(argTypes[i])}`);
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

  private aggregateType(name: string, ty: SType, span: Span): SType {
    if (ty.k === 'any') return t('num');
    if (!ty.series && ty.k !== 'list') { this.diag(span, `${name} needs a list or a series over the sweep, got a ${typeText(ty)}`); return t('num'); }
    // a series of lists aggregates each list (one number per grid point)
    return t('num', ty.series && ty.k === 'list');
  }
}

function kindText(p: ParamSpec): string {
  switch (p.kind) {
    case 'number': return 'a number';
    case 'integer': return 'an integer';
    case 'boolean': return 'true or false';
    case 'string': return 'a string';
    case 'enum': return `one of ${p.values?.join(', ')}`;
    case 'vector': return 'a list of numbers';
    case 'expr': return 'an expression';
  }
}

/** A static value as a registry Value (numbers, booleans, strings, lists); undefined when not convertible. */
function toValue(v: RV): Value | undefined {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) { const xs = v.map(toValue); return xs.every((x) => x !== undefined) ? xs as Value[] : undefined; }
  if (v && typeof v === 'object' && v.kind === 'stat') return v.mean;
  return undefined;
}

function firstPoint(v: RV): Value | undefined {
  if (isSeries(v)) return v.values.length ? toValue(v.values[0]) : undefined;
  return toValue(v);
}

/** `a.b.c` as a dotted name, or undefined. */
export function dotted(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'member') { const o = dotted(e.object); return o ? `${o}.${e.name}` : undefined; }
  return undefined;
}

/** Visits every sub-expression. */
export function walk(e: Expr, f: (x: Expr) => void): void {
  f(e);
  switch (e.kind) {
    case 'list': e.items.forEach((x) => walk(x, f)); break;
    case 'call': walk(e.callee, f); e.args.forEach((a) => walk(a.value, f)); break;
    case 'member': walk(e.object, f); break;
    case 'index': walk(e.object, f); walk(e.index, f); break;
    case 'select': walk(e.object, f); walk(e.value, f); break;
    case 'binary': walk(e.left, f); walk(e.right, f); break;
    case 'unary': walk(e.operand, f); break;
    case 'transpose': walk(e.operand, f); break;
  }
}

export type { Ident };
