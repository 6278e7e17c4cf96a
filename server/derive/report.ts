// Presentation helpers shared by the editor and the CLI, so both word results the same way.
import type { DerivationDecl } from '../tlab/ast';
import type { CheckOutcome, DerivationRun, TensorSummary } from './checkRun';
import type { DeriveDiagnostic } from './shapes';
import { shapeText } from './tensor';

/**
 * The diagnostic a check line shows: an error when the identity fails, a warning when the check could
 * not be decided (time limit, no well-conditioned point, evaluation error), an info when it passes.
 */
export function outcomeDiagnostic(o: CheckOutcome): DeriveDiagnostic {
  const severity = o.passed ? 'info' : o.inconclusive ? 'warning' : 'error';
  return { span: o.span, severity, message: o.message };
}

/** Hover text for a value: its shape, at which draw, then the compact rendering (or summary of a large value). */
export function hoverText(v: TensorSummary, where = 'at the first point'): string {
  return `${shapeText(v.shape)} ${where}: ${v.text}`;
}

/** Plain-text report of one run for the CLI: one line per check, then the totals. */
export function reportLines(decl: DerivationDecl, run: DerivationRun, lineOf: (offset: number) => number): string[] {
  const lines = [`derivation ${decl.name.name}${decl.title ? ` "${decl.title.value}"` : ''}`];
  for (const d of run.diagnostics) lines.push(`  line ${lineOf(d.span.start)}: ${d.severity}: ${d.message}`);
  for (const c of run.checks) {
    const mark = c.passed ? 'PASS' : c.inconclusive ? 'UNDECIDED' : 'FAIL';
    lines.push(`  line ${lineOf(c.span.start)}: ${mark} ${c.message}`);
  }
  const failed = run.checks.filter((c) => !c.passed).length;
  lines.push(`  ${run.checks.length - failed} of ${run.checks.length} checks passed in ${run.seconds.toFixed(2)} s`);
  return lines;
}

/** True when the run should make `theorylab run` exit 1: a failed or undecided check, or an error. */
export function runFailed(run: DerivationRun): boolean {
  return run.checks.some((c) => !c.passed) || run.diagnostics.some((d) => d.severity === 'error');
}
