// Markdown snippets describing solvers, parameters, outputs, built-ins and keywords: shared by hover,
// completion and the generated docs/solvers.md, so the registry text appears the same everywhere.
import type { OutputSpec, ParamSpec, SolverDef } from '../solvers/registry';

export function paramRange(p: ParamSpec): string {
  const lo = p.min === undefined ? '' : `${p.exclusiveMin ? '>' : '≥'} ${p.min}`;
  const hi = p.max === undefined ? '' : `${p.exclusiveMax ? '<' : '≤'} ${p.max}`;
  return [lo, hi].filter(Boolean).join(', ');
}

export function paramKind(p: ParamSpec): string {
  return p.kind === 'enum' ? (p.values ?? []).join(' | ') : p.kind;
}

export function paramDefault(p: ParamSpec): string {
  if (p.default !== undefined) return JSON.stringify(p.default);
  return p.optional ? '(optional)' : '(required)';
}

export function paramMarkdown(def: SolverDef, p: ParamSpec): string {
  const range = paramRange(p);
  return [
    `**${p.name}** — parameter of \`${def.id}\``,
    '',
    p.doc,
    '',
    `- type: ${paramKind(p)}`,
    `- default: ${paramDefault(p)}`,
    ...(range ? [`- range: ${range}`] : []),
    ...(p.unit ? [`- unit: ${p.unit}`] : []),
  ].join('\n');
}

export function outputMarkdown(def: SolverDef, o: OutputSpec): string {
  return [`**${o.name}** — output of \`${def.id}\` (${o.kind}${o.unit ? `, ${o.unit}` : ''})`, '', o.doc].join('\n');
}

export function solverMarkdown(def: SolverDef): string {
  const params = def.params.map((p) => `| \`${p.name}\` | ${paramKind(p)} | ${paramDefault(p)} | ${paramRange(p)} | ${p.doc} |`);
  return [
    `**${def.id}** — ${def.title}${def.stochastic ? ' *(stochastic: use `simulate`)*' : ''}`,
    '',
    def.doc,
    '',
    `*Paper:* ${def.paper}`,
    '',
    '| parameter | type | default | range | doc |',
    '|---|---|---|---|---|',
    ...params,
    '',
    `*Outputs:* ${def.outputs.map((o) => `\`${o.name}\``).join(', ')}`,
  ].join('\n');
}

export function solverSignature(def: SolverDef): { label: string; params: [number, number][] } {
  let label = `${def.id}(`;
  const params: [number, number][] = [];
  def.params.forEach((p, i) => {
    const text = `${p.name}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : p.optional ? '?' : ''}`;
    if (i) label += ', ';
    params.push([label.length, label.length + text.length]);
    label += text;
  });
  return { label: label + ')', params };
}

export const keywordDocs: Record<string, string> = {
  import: '`import "file.tlab"` — the top-level names of another workspace file (no cycles).',
  let: '`let x = e` binds a value; `let f(a, b) = e` defines a function. Later statements may use it.',
  experiment: '`experiment NAME "title" { … }` — lets, sweeps, solver calls, plots and expectations.',
  derivation: '`derivation NAME "title" { … }` — `given` random inputs and `check A == B` at random points.',
  sweep: '`sweep x = values` — several sweeps form a grid (Cartesian product); solver calls that use a swept name run once per grid point.',
  solve: '`solve r = solver.id(name = value, …) [on gpu|cpu|auto]` — runs a deterministic solver; `r.field` reads its outputs.',
  simulate: '`simulate r = solver.id(…)` — runs a stochastic solver; with a `seeds` parameter its outputs carry mean and std over the seeds, otherwise it is one draw set by the run’s seed.',
  plot: '`plot "title" { x = … [label "…"] [scale log]  y = … }` — one figure; several `y =` lines overlay.',
  expect: '`expect A == B`, `expect A ≈ B within T` (absolute, or relative with %), `expect A < B`, optionally `where COND`.',
  given: '`given x: vector(n) [domain], A: matrix(r, c) spd` — random inputs of a derivation (domains: real, positive, unit, simplex, spd).',
  check: '`check A == B [within T] [at N points]` — compares both sides at N seeded random points (default 10, relative tolerance 1e-6).',
  within: 'Tolerance of `≈` (expect) or `==` (check): absolute, or relative when written with `%`.',
  where: '`where COND` keeps only the grid points where COND holds before both sides are computed.',
  and: 'Logical and.', or: 'Logical or.', not: 'Logical not.',
};
