// LSP features of the .clevr language (replaced by the full implementation of its issue).
import type { LanguageFeatures } from '../languageService';

export const clevrFeatures: LanguageFeatures = {
  languageId: 'clevr',
  diagnostics: () => [],
};
