// `theorylab check` / `theorylab run` on .tlab files: diagnostics in the CLI JSON shape of product.md §3,
// and a run report (expects, checks, plots) with the exit codes 0 / 1 / 2. Imports are read through the
// workspace sandbox rooted at the current directory (or the file's folder when it lies outside).
import { readSourceText } from '../cli/readSource';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderPlotSvg } from '../plots/renderSvg';
import { pathToUri, readWorkspaceFile } from '../workspaceFiles';
import { projectRootOf, resolveConfined } from '../workspace/confine';
import { Analysis, checkTlab } from './checker';
import { blockPassed, runTlab } from './blockRun';
import { rowsToCsv } from './plots';
import type { SolverRunner } from '../engine/runner';
import type { Device } from '../solvers/registry';
import type { Span } from './ast';

export interface CliDiagnostic { line: number; column: number; endLine: number; endColumn: number; severity: 'error' | 'warning' | 'info'; message: string }

export class LineIndex {
  private starts: number[] = [0];
  constructor(text: string) { for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1); }
  /** 1-based line and column */
  at(offset: number): { line: number; column: number } {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) { const m = (lo + hi + 1) >> 1; if (this.starts[m] <= offset) lo = m; else hi = m - 1; }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

export function toCliDiagnostic(idx: LineIndex, span: Span, severity: CliDiagnostic['severity'], message: string): CliDiagnostic {
  const s = idx.at(Math.max(0, span.start)), e = idx.at(Math.max(0, span.end, span.start));
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity, message };
}

export function analyzeTlabFile(file: string): { text: string; analysis: Analysis } {
  const abs = path.resolve(file);
  const text = readSourceText(abs); // without a BOM, as the editor reads it
  // the project holding the file (nearest .git / package.json), wherever the CLI runs from
  const roots = [projectRootOf(abs)];
  const uri = pathToUri(abs);
  return { text, analysis: checkTlab(text, { uri, readFile: (from, r) => readWorkspaceFile(from, r, roots), locateFile: (from, r) => resolveConfined(from, r, roots) }) };
}

export function checkTlabFile(file: string): { diagnostics: CliDiagnostic[] } {
  const { text, analysis } = analyzeTlabFile(file);
  const idx = new LineIndex(text);
  return {
    diagnostics: analysis.diagnostics
      .map((d) => toCliDiagnostic(idx, d.span, d.severity, d.message))
      .sort((a, b) => a.line - b.line || a.column - b.column),
  };
}

export interface TlabCliRunOptions { json: boolean; out?: string; device?: Device; runner: SolverRunner; budget?: 'full' | 'test' }

function safeName(s: string): string { return s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'plot'; }

export async function runTlabFile(file: string, opts: TlabCliRunOptions): Promise<{ exitCode: 0 | 1 | 2; report: unknown; text: string }> {
  const { text, analysis } = analyzeTlabFile(file);
  const idx = new LineIndex(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    const diagnostics = errors.map((d) => toCliDiagnostic(idx, d.span, d.severity, d.message));
    const lines = diagnostics.map((d) => `${file}:${d.line}:${d.column}: error: ${d.message}`);
    return { exitCode: 2, report: { file, passed: false, diagnostics, blocks: [] }, text: [...lines, `${errors.length} error${errors.length > 1 ? 's' : ''}: nothing was run`].join('\n') };
  }
  const report = await runTlab(analysis, { runner: opts.runner, device: opts.device, budget: opts.budget ?? 'full', dataRoot: projectRootOf(path.resolve(file)) });
  const lines: string[] = [];
  const line = (s: Span) => idx.at(s.start).line;
  let failed = false, broken = false;
  const written: string[] = [];
  const svgJobs: { base: string; spec: unknown; entry: Record<string, unknown> }[] = [];
  if (opts.out) fs.mkdirSync(opts.out, { recursive: true });
  const blocks = report.blocks.map((b) => {
    lines.push(`${b.kind} ${b.name} (${b.seconds.toFixed(2)} s)`);
    const expects = b.expects.map((e) => {
      lines.push(`  ${e.passed ? '✓' : '✗'} line ${line(e.span)}: ${e.message}`);
      if (!e.passed) { if (e.error) broken = true; else failed = true; }
      return { line: line(e.span), passed: e.passed, message: e.message, left: e.left ?? null, right: e.right ?? null, ...(e.error ? { error: true } : {}) };
    });
    const checks = b.checks.map((c) => {
      // the check's message may start with its own mark ("✓ 10 points…"); the line has one already
      lines.push(`  ${c.passed ? '✓' : c.inconclusive ? '?' : '✗'} line ${line(c.span)}: ${c.message.replace(/^[✓✗?]\s*/, '')}`);
      if (!c.passed) { if (c.inconclusive) broken = true; else failed = true; }
      return { line: line(c.span), passed: c.passed, message: c.message, worstRelError: Number.isFinite(c.worstRelError) ? c.worstRelError : null, points: c.points, ...(c.inconclusive ? { inconclusive: true } : {}) };
    });
    const issues = b.issues.map((i) => {
      lines.push(`  ${i.severity}: line ${line(i.span)}: ${i.message}`);
      if (i.severity === 'error') broken = true;
      return toCliDiagnostic(idx, i.span, i.severity, i.message);
    });
    const plots = b.plots.map((p, k) => {
      const entry: Record<string, unknown> = { title: p.title, points: p.rows.length };
      if (opts.out) {
        const base = path.join(opts.out, `${safeName(b.name)}-${k + 1}-${safeName(p.title)}`);
        fs.writeFileSync(`${base}.vl.json`, JSON.stringify(p.spec, null, 2));
        fs.writeFileSync(`${base}.csv`, rowsToCsv(p.rows));
        entry.spec = `${base}.vl.json`; entry.csv = `${base}.csv`;
        written.push(`${base}.vl.json`, `${base}.csv`);
        svgJobs.push({ base, spec: p.spec, entry });
      }
      lines.push(`  plot "${p.title}": ${p.rows.length} points${opts.out ? ` → ${entry.spec}` : ''}`);
      return entry;
    });
    return { kind: b.kind, name: b.name, passed: blockPassed(b), seconds: b.seconds, expects, checks, issues, plots };
  });
  // The same figures as the plots panel, rendered by Vega in Node.
  for (const j of svgJobs) {
    try {
      fs.writeFileSync(`${j.base}.svg`, await renderPlotSvg(j.spec));
      j.entry.svg = `${j.base}.svg`;
      written.push(`${j.base}.svg`);
    } catch (e) {
      lines.push(`  warning: could not render ${path.basename(j.base)}.svg: ${(e as Error)?.message ?? e}`);
    }
  }
  const warnings = analysis.diagnostics.filter((d) => d.severity === 'warning').map((d) => toCliDiagnostic(idx, d.span, d.severity, d.message));
  for (const w of warnings) lines.unshift(`${file}:${w.line}:${w.column}: warning: ${w.message}`);
  const exitCode: 0 | 1 | 2 = broken ? 2 : failed ? 1 : 0;
  const nPass = blocks.reduce((n, b) => n + b.expects.filter((e) => e.passed).length + b.checks.filter((c) => c.passed).length, 0);
  // an inconclusive check (a singular matrix at every draw, …) is neither passed nor failed: counted apart
  const nOpen = blocks.reduce((n, b) => n + b.checks.filter((c) => !c.passed && c.inconclusive).length, 0);
  const nFail = blocks.reduce((n, b) => n + b.expects.filter((e) => !e.passed).length + b.checks.filter((c) => !c.passed && !c.inconclusive).length, 0);
  lines.push(`${nPass} passed, ${nFail} failed${nOpen ? `, ${nOpen} inconclusive` : ''} (${report.seconds.toFixed(2)} s)`);
  return {
    exitCode,
    report: { file, passed: exitCode === 0, seconds: report.seconds, blocks, warnings, ...(written.length ? { files: written } : {}) },
    text: lines.join('\n'),
  };
}
