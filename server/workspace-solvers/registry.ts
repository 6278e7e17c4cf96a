// Workspace solvers as registry entries: finds `*.solver.toml` manifests under the workspace folders,
// turns each valid declaration into a SolverDef (so the checker, completion, hover, docs, the engine
// and the CLI read it exactly as a built-in), picks the Python interpreter, hashes the sources into
// the version (the cache key), and validates a run's outputs against the declared kinds.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isBuiltinSolver, setWorkspaceSolvers } from '../solvers/index';
import type { OutputSpec, SolverDef, Value } from '../solvers/registry';
import { runChild, WorkspaceSolverCrash } from './childRunner';
import { keyLines, ManifestDiagnostic, MANIFEST_SUFFIX, readManifest, WorkspaceSolverDecl } from './manifest';
import { combineSeeds, engineSeeds, registryOutputs, registryParams, SEED_STRIDE } from './seeds';

export interface InterpreterChoice { path: string; why: string }

/** The `theorylab.python` setting, else the workspace's .venv, else `python3` on PATH. */
export function choosePython(root: string | undefined, setting: string | undefined, settingName = 'setting theorylab.python'): InterpreterChoice {
  if (setting && setting.trim()) return { path: setting.trim(), why: settingName };
  if (root) {
    for (const rel of ['.venv/bin/python', '.venv/bin/python3', '.venv/Scripts/python.exe']) {
      const p = path.join(root, rel);
      if (fs.existsSync(p)) return { path: p, why: `the workspace's ${rel}` };
    }
  }
  return { path: 'python3', why: 'python3 on PATH' };
}

/** How the current process may run workspace code (the trust decision is made by the server). */
export interface WorkspaceRuntime {
  trusted: boolean;
  python: InterpreterChoice;
  log(line: string): void;
}

const hashes = new Map<string, { stamp: string; hash: string }>();

/** sha256 over the entry file and the declared `sources` (content, not time): the cache's source hash. */
export function sourceHash(decl: WorkspaceSolverDecl): string {
  const h = crypto.createHash('sha256');
  for (const f of [decl.entryFile, ...decl.sources]) {
    let part: string;
    try {
      const st = fs.statSync(f);
      const stamp = `${st.mtimeMs}:${st.size}`;
      const known = hashes.get(f);
      if (known?.stamp === stamp) part = known.hash;
      else { part = crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex'); hashes.set(f, { stamp, hash: part }); }
    } catch { part = 'missing'; }
    h.update(`${f}\0${part}\0`);
  }
  return h.digest('hex').slice(0, 16);
}

function isNumberList(v: unknown): v is number[] { return Array.isArray(v) && v.every((x) => typeof x === 'number'); }

/** Why `v` is not of the declared kind (undefined when it is). NaN/±Inf count as wrong. */
export function outputProblem(o: OutputSpec, v: Value | undefined): string | undefined {
  if (v === undefined) return `the declared output \`${o.name}\` is missing`;
  const nonFinite = (x: number) => (Number.isNaN(x) ? 'NaN' : !Number.isFinite(x) ? 'infinite' : undefined);
  const kindName = Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : typeof v;
  const wrong = () => `output \`${o.name}\` must be ${o.kind === 'integer' ? 'an integer' : `a ${o.kind}`}, got ${kindName}`;
  switch (o.kind) {
    case 'number': case 'integer':
      if (typeof v !== 'number') return wrong();
      if (nonFinite(v)) return `output \`${o.name}\` is ${nonFinite(v)}`;
      return o.kind === 'integer' && !Number.isInteger(v) ? `output \`${o.name}\` must be an integer, got ${v}` : undefined;
    case 'boolean': case 'string':
      return typeof v === o.kind ? undefined : wrong();
    case 'vector': case 'trace': {
      if (!isNumberList(v)) return wrong();
      const i = v.findIndex((x) => !Number.isFinite(x));
      return i >= 0 ? `output \`${o.name}\`[${i}] is ${nonFinite(v[i])}` : undefined;
    }
    case 'matrix': {
      if (!Array.isArray(v) || !v.every(isNumberList)) return `output \`${o.name}\` must be a matrix (a list of lists of numbers), got ${kindName}`;
      const w = (v[0] as number[] | undefined)?.length ?? 0;
      if ((v as number[][]).some((r) => r.length !== w)) return `output \`${o.name}\` has rows of different lengths`;
      return (v as number[][]).some((r) => r.some((x) => !Number.isFinite(x))) ? `output \`${o.name}\` has NaN or infinite entries` : undefined;
    }
    case 'stat': {
      const s = v as Record<string, Value>;
      if (!s || typeof s !== 'object' || Array.isArray(s) || typeof s.mean !== 'number' || typeof s.std !== 'number' || typeof s.n !== 'number') {
        return `output \`${o.name}\` must be a stat { mean, std, n }, got ${kindName}`;
      }
      return !Number.isFinite(s.mean) || !Number.isFinite(s.std) ? `output \`${o.name}\` has a NaN or infinite mean/std` : undefined;
    }
    case 'object':
      return v === null ? wrong() : undefined;
  }
}

/** Checks a run's outputs against the declaration: missing, wrong kind or non-finite values fail the job. */
export function validateOutputs(decl: WorkspaceSolverDecl, outputs: Record<string, Value>, warn: (m: string) => void): Record<string, Value> {
  const problems = decl.outputs.map((o) => outputProblem(o, outputs[o.name])).filter((p): p is string => !!p);
  if (problems.length) throw new Error(`\`${decl.id}\` returned outputs that do not match its declaration: ${problems.join('; ')}`);
  const declared = new Set(decl.outputs.map((o) => o.name));
  const extra = Object.keys(outputs).filter((k) => !declared.has(k));
  if (extra.length) warn(`\`${decl.id}\` returned undeclared outputs (dropped): ${extra.join(', ')}`);
  return Object.fromEntries(decl.outputs.map((o) => [o.name, outputs[o.name]]));
}

/** Resident-size limit of one workspace solver process. */
function memoryLimitBytes(): number {
  const mb = Number(process.env.THEORYLAB_WORKSPACE_SOLVER_MEMORY_MB);
  return mb > 0 ? mb * 2 ** 20 : Math.floor(0.75 * os.totalmem());
}

/** Told about every run's crash (or success, with undefined): the host forwards it to the editor. */
let crashReporter: ((decl: WorkspaceSolverDecl, crash: WorkspaceSolverCrash | undefined) => void) | undefined;
export function onWorkspaceCrash(report: typeof crashReporter): void { crashReporter = report; }

/** The registry entry of a declaration: running it starts the child process (never in this process). */
export function toSolverDef(decl: WorkspaceSolverDecl, rt: WorkspaceRuntime): SolverDef {
  const manifestRel = path.basename(decl.manifest);
  return {
    id: decl.id,
    title: decl.title,
    doc: `${decl.doc}\n\n*Workspace solver* (${decl.language}, \`${path.basename(decl.entryFile)}:${decl.entryName}\`, declared in \`${manifestRel}\`).`,
    paper: `workspace solver (${decl.language}), declared in \`${manifestRel}\``,
    mathSpec: '',
    // the source hash makes an edited solver miss the cache; read on every lookup (stat-cached)
    get version() { return `${decl.version}+src.${sourceHash(decl)}`; },
    stochastic: decl.stochastic,
    params: registryParams(decl),
    outputs: registryOutputs(decl),
    cost: (p) => (decl.costSeconds ?? 10) * (engineSeeds(decl) ? Number(p.seeds ?? 1) : 1),
    memoryEstimate: decl.memoryMb ? () => decl.memoryMb! * 2 ** 20 : undefined,
    async run(params, ctx) {
      if (!rt.trusted) throw new Error(`\`${decl.id}\` is workspace code: it runs only in a trusted workspace`);
      const once = async (childParams: Record<string, Value>, seed: number, progress: (f: number, m?: string) => void) => {
        let outputs: Record<string, Value>;
        try {
          outputs = await runChild({
            decl, python: rt.python.path, params: childParams, seed, budget: ctx.budget, signal: ctx.signal,
            progress, warn: (m) => ctx.warn(m), log: rt.log, memoryLimitBytes: memoryLimitBytes(),
          });
        } catch (e) {
          if (e instanceof WorkspaceSolverCrash) crashReporter?.(decl, e);
          throw e;
        }
        crashReporter?.(decl, undefined);
        return validateOutputs(decl, outputs, (m) => ctx.warn(m));
      };
      if (!engineSeeds(decl)) return once(params, ctx.seed, (f, m) => ctx.progress(f, m));
      // one run per seed, one after the other (each is its own process; the host's job limit holds for all)
      const { seeds, ...childParams } = params;
      const n = Number(seeds ?? 1), runs: Array<Record<string, Value>> = [];
      for (let s = 0; s < n; s++) {
        ctx.checkCancelled();
        runs.push(await once(childParams, ctx.seed * SEED_STRIDE + s, (f, m) => ctx.progress((s + Math.min(1, Math.max(0, f))) / n, `seed ${s + 1}/${n}${m ? `: ${m}` : ''}`)));
      }
      return combineSeeds(decl, runs);
    },
  };
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'dist', '.theorylab', 'out']);

/** Every `*.solver.toml` under the roots (depth ≤ 6, the usual build and environment folders skipped). */
export function findManifests(roots: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (e.isDirectory()) { if (depth < 6 && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name), depth + 1); }
      else if (e.isFile() && e.name.endsWith(MANIFEST_SUFFIX)) found.push(path.join(dir, e.name));
    }
  };
  for (const r of roots) walk(r, 0);
  return [...new Set(found)].sort();
}

export interface LoadedWorkspace {
  decls: WorkspaceSolverDecl[];
  /** Per manifest path (every manifest found, so cleared files get an empty list). */
  diagnostics: Map<string, ManifestDiagnostic[]>;
}

/** Reads and validates every manifest; a duplicate id is refused in the later file. */
export function loadManifests(files: string[], readText: (file: string) => string | undefined): LoadedWorkspace {
  const decls: WorkspaceSolverDecl[] = [];
  const diagnostics = new Map<string, ManifestDiagnostic[]>();
  const seen = new Map<string, string>();
  for (const f of files) {
    const text = readText(f);
    if (text === undefined) continue;
    const r = readManifest(text, f, isBuiltinSolver);
    const diags = [...r.diagnostics];
    if (r.decl) {
      const first = seen.get(r.decl.id);
      if (first) diags.push({ line: 0, severity: 'error', message: `solver id \`${r.decl.id}\` is already declared in ${first}` });
      else {
        const lines = keyLines(text);
        if (!fs.existsSync(r.decl.entryFile)) diags.push({ line: lines.get('entry') ?? 0, severity: 'warning', message: `entry file ${path.basename(r.decl.entryFile)} does not exist (yet)` });
        // a missing `sources` file is hashed as 'missing': the cache would not see the file the user meant
        const missing = r.decl.sources.filter((s) => !isFile(s)).map((s) => path.relative(path.dirname(f), s));
        if (missing.length) {
          diags.push({ line: lines.get('sources') ?? 0, severity: 'warning', message: `\`sources\` file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist (yet)` });
        }
        seen.set(r.decl.id, f);
        decls.push(r.decl);
      }
    }
    diagnostics.set(f, diags);
  }
  return { decls, diagnostics };
}

/** Registers the declarations in this process's registry (replacing the previous workspace set). */
export function registerWorkspace(decls: WorkspaceSolverDecl[], rtFor: (d: WorkspaceSolverDecl) => WorkspaceRuntime): SolverDef[] {
  const defs = decls.map((d) => toSolverDef(d, rtFor(d)));
  setWorkspaceSolvers(defs);
  return defs;
}

function isFile(f: string): boolean {
  try { return fs.statSync(f).isFile(); } catch { return false; }
}

export function readFileOrUndefined(f: string): string | undefined {
  try { return fs.readFileSync(f, 'utf8'); } catch { return undefined; }
}
