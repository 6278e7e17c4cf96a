// Public API of derivation checks, used by the .tlab language service and the CLI.
import type { DerivationDecl, LetStmt } from '../tlab/ast';
import { DeriveDiagnostic, ShapeChecker } from './shapes';

export type { DeriveDiagnostic } from './shapes';
export type { CheckOutcome, DerivationRun, RunOptions, TensorSummary } from './runner';
export { runDerivation, relativeError, DEFAULT_SEED, DEFAULT_TIMEOUT_MS } from './runner';
export { SIGNATURES as DERIVE_BUILTIN_SIGNATURES, BUILTIN_NAMES as DERIVE_BUILTIN_NAMES } from './builtins';

/** Static diagnostics only (names, shapes, domains, `within`/`at`): cheap, for every keystroke. */
export function analyzeDerivation(decl: DerivationDecl, fileLets: LetStmt[]): DeriveDiagnostic[] {
  return new ShapeChecker(decl, fileLets).analyze().diagnostics;
}
export { outcomeDiagnostic, hoverText, reportLines, runFailed } from './report';
