// `theorylab check` / `theorylab run` on .clevr files (called by the CLI's generic commands): file
// reads go through the workspace sandbox rooted at the file's folder and the current directory.
import { readSourceText } from '../cli/readSource';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readWorkspaceFile, pathToUri } from '../workspaceFiles';
import { analyse, Analysis, Diag } from './analysis';
import { offsetToLineCol } from './json';
import { questionsSummary } from './questionEval';
import { describeSym, SymValue } from './symbolic';

export interface CliDiagnostic { line: number; column: number; endLine: number; endColumn: number; severity: 'error' | 'warning' | 'info'; message: string }

function load(file: string): { text?: string; analysis?: Analysis; error?: string } {
  const abs = path.resolve(file);
  let text: string;
  try { text = readSourceText(abs); } catch (e) { return { error: `cannot read ${file}: ${(e as Error).message}` }; }
  // Confined to the file's project (nearest ancestor with .git or package.json, else the file's own
  // folder), never to the working directory the CLI happens to run in.
  const roots = [projectRoot(abs)];
  const uri = pathToUri(abs);
  // Budgets as in the editor per sentence, and a minute for the whole file: `check` always ends.
  return { text, analysis: analyse(text, (rel) => readWorkspaceFile(uri, rel, roots), { fileBudgetMs: 60_000 }) };
}

/** The folder that confines a CLI-checked file's reads (see load). */
export function projectRoot(file: string): string {
  const own = path.dirname(path.resolve(file));
  for (let dir = own; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git')) || fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return own;
  }
}

function toCli(text: string, d: Diag): CliDiagnostic {
  const s = offsetToLineCol(text, Math.max(0, d.span.start));
  const e = offsetToLineCol(text, Math.max(0, d.span.end, d.span.start));
  return { line: s.line + 1, column: s.column + 1, endLine: e.line + 1, endColumn: e.column + 1, severity: d.severity, message: d.message };
}

/** An expected answer for people: a count to 4 decimals, or the likely answers of a distribution. */
export function formatExpected(v: number | Record<string, number> | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return v.toFixed(4);
  const parts = Object.entries(v).filter(([, p]) => p >= 1e-3).sort((a, b) => b[1] - a[1]);
  return parts.length ? parts.map(([k, p]) => `${k} ${p.toFixed(4)}`).join(', ') : '—';
}

export function checkClevrFile(file: string): { diagnostics: CliDiagnostic[] } {
  const r = load(file);
  if (!r.analysis) return { diagnostics: [{ line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', message: r.error! }] };
  return { diagnostics: r.analysis.diagnostics.map((d) => toCli(r.text!, d)).sort((x, y) => x.line - y.line || x.column - y.column) };
}

export async function runClevrFile(file: string, opts: { json: boolean }): Promise<{ exitCode: 0 | 1 | 2; report: unknown; text: string }> {
  const r = load(file);
  if (!r.analysis) return { exitCode: 2, report: { error: r.error }, text: r.error! };
  const a = r.analysis;
  const text = r.text!;
  const lines: string[] = [];
  const evals = a.evals.map((e) => {
    const expect = e.stmt.expect?.text;
    const base = { target: e.stmt.target.name, scene: e.stmt.scene?.name.name ?? null, mode: e.mode, line: offsetToLineCol(text, e.stmt.span.start).line + 1 };
    if (e.questions) {
      const q = e.questions;
      const on = e.stmt.scene?.index ? `${base.scene}[${e.stmt.scene.index.value}]` : base.scene;
      lines.push(`eval ${base.target} on ${on}: ${questionsSummary(q)}${e.passed === false ? '  ✗' : ''}`);
      return { ...base, answers: q.answers, accuracy: q.accuracy, correct: q.correct, total: q.total, invalid: q.invalid,
        notAnswered: q.noScene.length, otherImages: q.otherImages, passed: e.passed ?? false };
    }
    const answers = e.runs.map((x) => x.answer ?? null);
    const errors = e.runs.map((x) => x.error ?? null);
    for (const x of e.runs) {
      const shown = x.error ? `error: ${x.error}` : `${x.answer ?? (x.value && e.mode === 'symbolic' ? describeSym(x.value as SymValue, x.scene) : '?')}`;
      lines.push(`eval ${base.target} on ${x.scene.name}${e.mode === 'soft' ? ' (soft)' : ''}: ${shown}${expect !== undefined ? (e.passed ? `  ✓ expect ${expect}` : `  ✗ expected ${expect}`) : ''}`);
    }
    return { ...base, answers, errors, expect: expect ?? null, passed: e.passed ?? false };
  });
  const sentences = a.sentences.map((s) => {
    const res = s.result;
    const expect = s.stmt.expect?.text;
    const outcome = res.budgetExceeded ? `parse budget exceeded${res.derivations.length ? ` (${res.derivations.length} derivation(s) listed, best unknown)` : ''}, no answer`
      : res.derivations.length ? `best ${res.best ?? 'INVALID'}, ${res.derivations.length} derivation(s), expected ${formatExpected(res.expected.value)}` : 'no full parse';
    lines.push(`sentence "${s.stmt.text.value}" on ${s.scene.name}: ${outcome}${expect !== undefined ? (s.passed ? `  ✓ expect ${expect}` : `  ✗ expected ${expect}`) : ''}`);
    return {
      sentence: s.stmt.text.value, scene: s.scene.name, lexicon: s.lexicon.name, line: offsetToLineCol(text, s.stmt.span.start).line + 1,
      tokens: res.tokens.map((t) => t.text),
      derivations: res.derivations.map((d) => ({ category: d.category, program: d.program, logWeight: d.logWeight, answer: d.answer })),
      best: res.best, expected: res.expected.value, chart: res.stats, expect: expect ?? null, passed: s.passed ?? false,
    };
  });
  const diagnostics = a.diagnostics.map((d) => toCli(text, d));
  const staticErrors = a.diagnostics.filter((d) => d.severity === 'error' && d.phase !== 'run');
  const failed = evals.some((e) => !e.passed) || sentences.some((s) => !s.passed) || a.diagnostics.some((d) => d.severity === 'error');
  const exitCode: 0 | 1 | 2 = staticErrors.length ? 2 : failed ? 1 : 0;
  for (const d of diagnostics) if (d.severity !== 'info') lines.push(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
  lines.push(exitCode === 0 ? 'all passed' : exitCode === 1 ? 'some expectations failed' : 'errors in the file');
  const report = { file, evals, sentences, diagnostics, passed: exitCode === 0 };
  return { exitCode, report, text: opts.json ? JSON.stringify(report) : lines.join('\n') };
}
