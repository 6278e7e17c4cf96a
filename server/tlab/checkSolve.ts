// Solver-call checks of the .tlab checker: the solver exists, arguments are named, known, typed and in
// range at every grid point, required parameters are given, cross-parameter rules and memory estimates.
import * as fs from 'node:fs';
import os from 'node:os';
import type { SolveStmt, Span } from './ast';
import { Env, Grid } from './evaluator';
import { fmt, isSeries, RV } from './values';
import { ANY, SType, t, typeText } from './types';
import { getSolver, solverIds } from '../solvers/index';
import { checkParamValue, didYouMean, ParamSpec, Value } from '../solvers/registry';
import { QuickFix, Scope, spanKey } from './checkTypes';
import { ExprChecker } from './checkExpr';
import { literalArg, toParamValue } from './solveArgs';

/** Checks of `solve` / `simulate` statements against the solver registry. */
export abstract class SolveChecker extends ExprChecker {
  protected solve(st: SolveStmt, scope: Scope, env: Env, grid: Grid, block: string): void {
    const def = st.solver.name ? getSolver(st.solver.name) : undefined;
    let series = false;
    if (!st.solver.name) {
      // syntax error already reported
    } else if (!def) {
      const s = didYouMean(st.solver.name, solverIds());
      this.diag(st.solver.span, `unknown solver \`${st.solver.name}\`${s ? ` — did you mean \`${s}\`?` : ''}`, 'error',
        s ? [{ title: `Change to '${s}'`, span: st.solver.span, newText: s }] : undefined);
    } else {
      if (def.stochastic && !st.stochastic) this.diag(st.span.start === st.span.end ? st.solver.span : { start: st.span.start, end: st.span.start + 5 }, `\`${def.id}\` is stochastic: write \`simulate\`${def.params.some((p) => p.name === 'seeds') ? ' (its outputs carry mean and std over seeds)' : ' (one random draw, set by the run\'s seed)'}`, 'warning', [{ title: "Change to 'simulate'", span: { start: st.span.start, end: st.span.start + 5 }, newText: 'simulate' }]);
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
      const lit = literalArg(arg, spec, this.text, (n) => !!scope.lookup(n));
      if (lit !== undefined) {
        entry.value = lit as RV;
        if (spec?.kind === 'enum' && arg.value.kind === 'name') {
          // a bare word such as `readouts = dense`
          const msg = checkParamValue(spec, arg.value.name);
          if (msg) {
            const s = didYouMean(arg.value.name, spec.values ?? []);
            this.diag(arg.value.span, msg, 'error', s ? [{ title: `Change to '${s}'`, span: arg.value.span, newText: s }] : undefined);
          }
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
      if (spec && v !== undefined) this.argValue(spec, v, arg.value.span, grid, arg.value.kind === 'str');
      if (spec && isDataFileParam(spec) && typeof v === 'string' && v !== 'synthetic') this.dataFile(v, arg.value.span);
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
            const fixes = (issue.exclusive ?? []).filter((n) => given.has(n)).map((n) => removeArgFix(st, n, this.text));
            this.diag(where, issue.message, issue.severity ?? 'error', fixes.length ? fixes : undefined);
            refused ||= issue.severity !== 'warning';
          }
          // Absurd sizes: the local engine refuses a job whose estimate exceeds its memory limit (default
          // 75% of RAM); say so while editing. A warning: a cluster node may have the memory.
          const need = !refused && def.memoryEstimate ? def.memoryEstimate(params) : 0;
          // asked only for a positive estimate: os.totalmem() is a system call, and most solvers estimate 0
          if (need > 0 && need > 0.75 * os.totalmem()) {
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

  /** A data file named by a solver argument: it must exist inside the file's workspace folder. */
  protected dataFile(rel: string, span: Span): void {
    const locate = this.opts.locateFile;
    if (!locate) { this.diag(span, `the data file '${rel}' cannot be resolved here (no workspace)`, 'warning'); return; }
    const r = locate(this.opts.uri, rel);
    if ('error' in r) { this.diag(span, `cannot read the data file: ${r.error}`); return; }
    let isFile = false;
    try { isFile = fs.statSync(r.path).isFile(); } catch { /* missing */ }
    if (!isFile) { this.diag(span, `data file not found: '${rel}' (looked for ${r.path}, relative to this file)`); return; }
    this.a.dataFiles.set(spanKey(span), r.path);
  }

  protected argType(spec: ParamSpec, ty: SType, span: Span): void {
    if (ty.k === 'any') return;
    const want: Record<string, SType['k'][]> = {
      number: ['num', 'stat', 'bool'], integer: ['num', 'stat'], boolean: ['bool'], string: ['str'], enum: ['str'], vector: ['list'], expr: ['str'],
    };
    const ok = want[spec.kind] ?? [];
    if (!ok.includes(ty.k)) this.diag(span, `\`${spec.name}\` expects ${kindText(spec)}, got a ${typeText({ ...ty, series: false })}`);
  }

  protected argValue(spec: ParamSpec, v: RV, span: Span, grid: Grid, literal = false): void {
    if (isSeries(v)) {
      for (let k = 0; k < v.values.length; k++) {
        const x = v.values[k];
        const jv = toParamValue(x);
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
    const jv = toParamValue(v);
    if (jv === undefined) return;
    const msg = checkParamValue(spec, jv);
    if (!msg) return;
    // a misspelt enum value written as a string literal: the fix keeps the quotes
    const s = literal && spec.kind === 'enum' && typeof jv === 'string' ? didYouMean(jv, spec.values ?? []) : undefined;
    this.diag(span, msg, 'error', s ? [{ title: `Change to '${s}'`, span, newText: JSON.stringify(s) }] : undefined);
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

/** The quick fix that deletes the argument `name = …` of a solver call with the comma that joins it to the others. */
function removeArgFix(st: SolveStmt, name: string, text: string): QuickFix {
  const i = st.args.findIndex((a) => a.name === name);
  const a = st.args[i];
  const next = st.args[i + 1], prev = st.args[i - 1];
  const span = prev ? { start: prev.span.end, end: a.span.end } : next ? { start: a.span.start, end: next.span.start } : a.span;
  return { title: `Remove \`${text.slice(a.span.start, a.span.end)}\``, span, newText: '' };
}

/** Solver parameters that name a CSV file (or 'synthetic'): `data` strings. */
export function isDataFileParam(spec: ParamSpec): boolean { return spec.name === 'data' && spec.kind === 'string'; }

function firstPoint(v: RV): Value | undefined {
  if (isSeries(v)) return v.values.length ? toParamValue(v.values[0]) : undefined;
  return toParamValue(v);
}
