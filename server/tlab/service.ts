// LSP features of the .tlab language (LanguageFeatures): diagnostics (syntax, checker, derivation
// shapes, failed expectations of the last run), completion, hover, signature help, semantic tokens,
// symbols, folding, navigation, rename, formatting, quick fixes, code lenses and inlay hints, plus the
// run/cancel/plots requests the server routes here.
import type { LanguageFeatures } from '../languageService';
import { dotted } from './checker';
import { dropState } from './documents';
import { completion, signatureHelp } from './serviceCompletion';
import { codeActions, formatting, rangeFormatting } from './serviceEdits';
import { hover } from './serviceHover';
import { definition, documentSymbols, foldingRanges, prepareRename, references, rename } from './serviceNav';
import { codeLenses, diagnostics, inlayHints } from './serviceResults';
import { semanticTokens } from './serviceTokens';

export { cancelTarget, plotsFor, runTarget } from './serviceRun';
export type { RunHooks } from './serviceRun';
export type { GridCoords } from './serviceCommon';

export const tlabFeatures: LanguageFeatures = {
  languageId: 'tlab',
  diagnostics,
  hover,
  completion,
  signatureHelp,
  semanticTokens,
  documentSymbols,
  foldingRanges,
  definition,
  references,
  prepareRename,
  rename,
  formatting: (doc, options) => formatting(doc, options),
  rangeFormatting: (doc, r, options) => rangeFormatting(doc, r, options),
  codeActions,
  codeLenses,
  inlayHints,
  close: (uri) => dropState(uri),
};

export { dotted };
