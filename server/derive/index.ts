// Public API of derivation checks, used by the .tlab language service and the CLI.
import type { DerivationDecl, LetStmt } from '../tlab/ast';
import { CheckInfo, DeriveDiagnostic, ShapeChecker } from './shapes';
import type { Shape } from './tensor';

export type { DeriveDiagnostic } from './shapes';
export type { CheckOutcome, DerivationRun, RunOptions, TensorSummary } from './checkRun';
export { runDerivation, relativeError, DEFAULT_SEED, DEFAULT_TIMEOUT_MS } from './checkRun';
export { BUILTIN_NAMES as DERIVE_BUILTIN_NAMES, DERIVE_BUILTINS, DERIVE_BUILTIN_BY_NAME, DERIVE_OPERATORS, GIVEN_DOMAINS, GIVEN_SHAPES } from './builtins';

/**
 * The top-level lets a derivation sees: those of imported files (imports first, as the checker orders
 * them) and then the file's own, which win on a clash. The engine never reports a position inside a
 * file-level body (problems there are shown at the derivation's call), so imported bodies are safe.
 */
export function derivationLets(fileLets: { stmt: LetStmt; uri: string }[], uri: string): LetStmt[] {
  return [...fileLets.filter((l) => l.uri !== uri), ...fileLets.filter((l) => l.uri === uri)].map((l) => l.stmt);
}

/** Static diagnostics only (names, shapes, domains, `within`/`at`): cheap, for every keystroke. */
export function analyzeDerivation(decl: DerivationDecl, fileLets: LetStmt[]): DeriveDiagnostic[] {
  return new ShapeChecker(decl, fileLets).analyze().diagnostics;
}
/** Static shapes for hover: of every body expression (by `start:end`) and of both sides of each check, in order. */
export function derivationShapes(decl: DerivationDecl, fileLets: LetStmt[]): { exprs: Map<string, Shape>; checks: CheckInfo[] } {
  const checker = new ShapeChecker(decl, fileLets);
  const { checks } = checker.analyze();
  return { exprs: checker.exprShapes, checks };
}
export { shapeText } from './tensor';
export { outcomeDiagnostic, hoverText, reportLines, runFailed } from './report';
