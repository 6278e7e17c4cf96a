// Reads one workspace solver declaration (`*.solver.toml`) without running any code: parses the TOML,
// checks every field against the registry's vocabulary (parameter and output kinds, ranges, defaults)
// and returns either a declaration or diagnostics placed on the offending line of the declaring file.
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { checkParamValue, OutputKind, OutputSpec, ParamKind, ParamSpec, Value } from '../solvers/registry';

export type WorkspaceLanguage = 'python' | 'javascript';

/** A validated declaration; JSON-serialisable so it can travel to the solver host and Slurm tasks. */
export interface WorkspaceSolverDecl {
  id: string;
  title: string;
  doc: string;
  /** Declared version (bumped by hand); the source hash is added to it for the cache key. */
  version: string;
  language: WorkspaceLanguage;
  /** Absolute path of the entry file and the function (Python) or export (JavaScript) to call. */
  entryFile: string;
  entryName: string;
  /** Absolute paths of extra source files hashed into the cache key (the entry file always is). */
  sources: string[];
  stochastic: boolean;
  params: ParamSpec[];
  outputs: OutputSpec[];
  costSeconds?: number;
  memoryMb?: number;
  /** Absolute path of the declaring manifest (diagnostics, hover, relative paths). */
  manifest: string;
}

export interface ManifestDiagnostic { line: number; message: string; severity: 'error' | 'warning' }

export interface ManifestResult { decl?: WorkspaceSolverDecl; diagnostics: ManifestDiagnostic[] }

export const MANIFEST_SUFFIX = '.solver.toml';

const PARAM_KINDS: ParamKind[] = ['number', 'integer', 'boolean', 'string', 'enum', 'vector', 'expr'];
const OUTPUT_KINDS: OutputKind[] = ['number', 'integer', 'boolean', 'string', 'vector', 'matrix', 'stat', 'trace', 'object'];
const ID_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOP_KEYS = ['id', 'title', 'doc', 'version', 'entry', 'language', 'sources', 'stochastic', 'cost_seconds', 'memory_mb', 'params', 'outputs'];
const PARAM_KEYS = ['name', 'kind', 'doc', 'default', 'optional', 'min', 'max', 'exclusive_min', 'exclusive_max', 'unit', 'values'];
const OUTPUT_KEYS = ['name', 'kind', 'doc', 'unit'];

/**
 * Line of each key in the TOML text, keyed `key`, `params[i].key`, `outputs[i].key` (0-based lines),
 * plus `params[i]` for the `[[params]]` header: diagnostics land where the user wrote the value.
 */
export function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const counts: Record<string, number> = {};
  let table = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    const header = /^\[\[\s*([A-Za-z_]+)\s*\]\]/.exec(s);
    if (header) {
      const n = counts[header[1]] = (counts[header[1]] ?? -1) + 1;
      table = `${header[1]}[${n}]`;
      lines.set(table, i);
      return;
    }
    const key = /^([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(s);
    if (key) { const k = table ? `${table}.${key[1]}` : key[1]; if (!lines.has(k)) lines.set(k, i); }
  });
  return lines;
}

/** Parses and validates one manifest. `isBuiltin` refuses ids that belong to the built-in registry. */
export function readManifest(text: string, file: string, isBuiltin: (id: string) => boolean): ManifestResult {
  const diagnostics: ManifestDiagnostic[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const err = e as { line?: number; message?: string };
    const first = (err.message ?? String(e)).split('\n')[0];
    // an error at the end of the text (an unclosed bracket) is shown on the last written line
    const lastLine = Math.max(0, text.trimEnd().split(/\r?\n/).length - 1);
    return { diagnostics: [{ line: Math.min(lastLine, Math.max(0, (err.line ?? 1) - 1)), message: `not valid TOML: ${first}`, severity: 'error' }] };
  }
  const at = keyLines(text);
  const line = (key: string) => at.get(key) ?? at.get(key.replace(/\.[^.]+$/, '')) ?? 0;
  const error = (key: string, message: string) => diagnostics.push({ line: line(key), message, severity: 'error' });
  const warn = (key: string, message: string) => diagnostics.push({ line: line(key), message, severity: 'warning' });
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  for (const k of Object.keys(doc)) if (!TOP_KEYS.includes(k)) warn(k, `unknown key \`${k}\` (known: ${TOP_KEYS.join(', ')})`);
  const id = str(doc.id);
  if (!id) error('id', 'a solver declaration needs `id = "namespace.name"`');
  else if (!ID_RE.test(id)) error('id', `id \`${id}\` must be namespaced lower-case words, e.g. "mylab.ridge"`);
  else if (isBuiltin(id)) error('id', `id \`${id}\` is a built-in solver; choose another namespace (e.g. "mylab.${id.split('.').pop()}")`);
  const title = str(doc.title) ?? id ?? '';
  if (doc.title !== undefined && typeof doc.title !== 'string') error('title', '`title` must be a string');
  if (doc.doc !== undefined && typeof doc.doc !== 'string') error('doc', '`doc` must be a string');
  const version = doc.version === undefined ? '0' : typeof doc.version === 'string' || typeof doc.version === 'number' ? String(doc.version) : undefined;
  if (version === undefined) error('version', '`version` must be a string or a number');

  const dir = path.dirname(file);
  const entry = str(doc.entry);
  let entryFile = '', entryName = '', language: WorkspaceLanguage = 'python';
  if (!entry) error('entry', 'a solver declaration needs `entry = "file.py:function"` (or "file.mjs:export")');
  else {
    const m = /^(.+?):([A-Za-z_$][A-Za-z0-9_$]*)$/.exec(entry);
    if (!m) error('entry', `\`entry\` must be "file:function", got "${entry}"`);
    else {
      entryFile = path.resolve(dir, m[1]);
      entryName = m[2];
      const rel = path.relative(dir, entryFile);
      if (rel.startsWith('..') || path.isAbsolute(rel)) error('entry', `the entry file must lie in the manifest's folder or below, got "${m[1]}"`);
      const ext = path.extname(entryFile);
      const declared = str(doc.language);
      if (doc.language !== undefined && declared !== 'python' && declared !== 'javascript') error('language', `\`language\` must be "python" or "javascript", got ${describe(doc.language)}`);
      language = (declared as WorkspaceLanguage | undefined) ?? (['.js', '.mjs', '.cjs', '.ts', '.mts'].includes(ext) ? 'javascript' : 'python');
      if (ext === '.ts' || ext === '.mts') {
        error('entry', 'a TypeScript entry cannot run as is: compile it to .mjs (e.g. `tsc` or `esbuild`) and name the .mjs here; ' +
          'JSDoc types from solver-runtime/theorylab-solver.d.ts check a .mjs solver in the editor');
      } else if (language === 'python' && ext !== '.py') error('entry', `a Python entry must be a .py file, got "${m[1]}"`);
      if (language === 'javascript' && !['.js', '.mjs', '.cjs'].includes(ext)) error('entry', `a JavaScript entry must be a .js, .mjs or .cjs file, got "${m[1]}"`);
    }
  }
  const sources: string[] = [];
  if (doc.sources !== undefined) {
    if (!Array.isArray(doc.sources) || doc.sources.some((s) => typeof s !== 'string')) error('sources', '`sources` must be a list of file names');
    else {
      for (const s of doc.sources as string[]) {
        const abs = path.resolve(dir, s);
        // the same rule as the entry file: a declaration hashes (and so reads) only its own folder
        const rel = path.relative(dir, abs);
        if (rel.startsWith('..') || path.isAbsolute(rel)) error('sources', `every \`sources\` file must lie in the manifest's folder or below, got "${s}"`);
        else sources.push(abs);
      }
    }
  }
  const stochastic = doc.stochastic === true;
  if (doc.stochastic !== undefined && typeof doc.stochastic !== 'boolean') error('stochastic', '`stochastic` must be true or false');
  const positive = (key: string): number | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) { error(key, `\`${key}\` must be a positive number`); return undefined; }
    return v;
  };
  const costSeconds = positive('cost_seconds');
  const memoryMb = positive('memory_mb');

  const params = readParams(doc.params, error, warn);
  const outputs = readOutputs(doc.outputs, error, warn);
  if (diagnostics.some((d) => d.severity === 'error') || !id) return { diagnostics };
  return {
    diagnostics,
    decl: {
      id, title, doc: str(doc.doc) ?? '', version: version ?? '0', language, entryFile, entryName, sources, stochastic,
      params, outputs, costSeconds, memoryMb, manifest: file,
    },
  };
}

type Report = (key: string, message: string) => void;

/** What a TOML value is, for "must be …, got …" (smol-toml gives dates as Date objects). */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (v && typeof v === 'object') return 'a table';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v === 'number' ? 'the number' : 'the boolean'} ${String(v)}`;
  return typeof v;
}

/**
 * Checks the type of the optional fields of a [[params]] or [[outputs]] table; one error per wrong
 * field, on its line, naming the expected type. Without it `exclusive_max = 1` or `optional = "yes"`
 * were dropped in silence: the range not enforced, the parameter required after all.
 */
function checkFieldTypes(t: Record<string, unknown>, what: string, fields: Record<string, 'boolean' | 'string' | 'number'>, key: (k: string) => string, error: Report): boolean {
  let ok = true;
  for (const [k, type] of Object.entries(fields)) {
    const v = t[k];
    if (v === undefined) continue;
    const good = type === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === type;
    if (good) continue;
    const expected = type === 'boolean' ? 'true or false' : type === 'string' ? 'a string' : 'a finite number';
    error(key(k), `${what}: \`${k}\` must be ${expected}, got ${describe(v)}`);
    ok = false;
  }
  return ok;
}

function tables(v: unknown, what: string, error: Report): Record<string, unknown>[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((t) => !t || typeof t !== 'object' || Array.isArray(t))) {
    error(what, `\`${what}\` must be written as [[${what}]] tables`);
    return [];
  }
  return v as Record<string, unknown>[];
}

function readParams(v: unknown, error: Report, warn: Report): ParamSpec[] {
  const out: ParamSpec[] = [];
  const seen = new Set<string>();
  tables(v, 'params', error).forEach((t, i) => {
    const key = (k: string) => `params[${i}].${k}`;
    for (const k of Object.keys(t)) if (!PARAM_KEYS.includes(k)) warn(key(k), `unknown parameter key \`${k}\` (known: ${PARAM_KEYS.join(', ')})`);
    const name = t.name;
    if (typeof name !== 'string' || !NAME_RE.test(name)) { error(key('name'), 'each parameter needs `name`, an identifier'); return; }
    if (seen.has(name)) { error(key('name'), `parameter \`${name}\` is declared twice`); return; }
    seen.add(name);
    const kind = t.kind as ParamKind;
    if (!PARAM_KINDS.includes(kind)) { error(key('kind'), `parameter \`${name}\`: \`kind\` must be one of ${PARAM_KINDS.join(', ')}`); return; }
    const typesOk = checkFieldTypes(t, `parameter \`${name}\``, {
      doc: 'string', unit: 'string', min: 'number', max: 'number', exclusive_min: 'boolean', exclusive_max: 'boolean', optional: 'boolean',
    }, key, error);
    const p: ParamSpec = { name, kind, doc: typeof t.doc === 'string' ? t.doc : '' };
    if (t.doc === undefined || t.doc === '') warn(key('name'), `parameter \`${name}\` has no \`doc\` (shown in hover and completion)`);
    if (typeof t.min === 'number' && Number.isFinite(t.min)) p.min = t.min;
    if (typeof t.max === 'number' && Number.isFinite(t.max)) p.max = t.max;
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) error(key('max'), `parameter \`${name}\`: \`max\` is below \`min\``);
    if (t.exclusive_min === true) p.exclusiveMin = true;
    if (t.exclusive_max === true) p.exclusiveMax = true;
    if (typeof t.unit === 'string') p.unit = t.unit;
    if (t.optional === true) p.optional = true;
    if (t.values !== undefined && kind !== 'enum') warn(key('values'), `parameter \`${name}\`: \`values\` is read only for kind = "enum"`);
    // a default is checked against the declared range: a wrongly typed bound would make that check a guess
    if (!typesOk) return;
    if (kind === 'enum') {
      if (!Array.isArray(t.values) || !t.values.length || t.values.some((w) => typeof w !== 'string')) {
        error(key('values'), `parameter \`${name}\`: an enum needs \`values = ["a", "b"]\``);
        return;
      }
      p.values = t.values as string[];
    }
    if (t.default !== undefined) {
      const d = t.default as Value;
      const msg = checkParamValue(p, d);
      if (msg) error(key('default'), `default of ${msg}`);
      else p.default = d;
    }
    out.push(p);
  });
  return out;
}

function readOutputs(v: unknown, error: Report, warn: Report): OutputSpec[] {
  const out: OutputSpec[] = [];
  const seen = new Set<string>();
  const list = tables(v, 'outputs', error);
  if (v === undefined) error('id', 'a solver declaration needs at least one [[outputs]] table');
  list.forEach((t, i) => {
    const key = (k: string) => `outputs[${i}].${k}`;
    for (const k of Object.keys(t)) if (!OUTPUT_KEYS.includes(k)) warn(key(k), `unknown output key \`${k}\` (known: ${OUTPUT_KEYS.join(', ')})`);
    const name = t.name;
    if (typeof name !== 'string' || !NAME_RE.test(name)) { error(key('name'), 'each output needs `name`, an identifier'); return; }
    if (seen.has(name)) { error(key('name'), `output \`${name}\` is declared twice`); return; }
    seen.add(name);
    const kind = t.kind as OutputKind;
    if (!OUTPUT_KINDS.includes(kind)) { error(key('kind'), `output \`${name}\`: \`kind\` must be one of ${OUTPUT_KINDS.join(', ')}`); return; }
    checkFieldTypes(t, `output \`${name}\``, { doc: 'string', unit: 'string' }, key, error);
    const o: OutputSpec = { name, kind, doc: typeof t.doc === 'string' ? t.doc : '' };
    if (typeof t.unit === 'string') o.unit = t.unit;
    out.push(o);
  });
  return out;
}
