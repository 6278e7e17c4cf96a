// LSP features of the .tlab language (replaced by the full implementation of its issue).
import type { LanguageFeatures } from '../languageService';

export const tlabFeatures: LanguageFeatures = {
  languageId: 'tlab',
  diagnostics: () => [],
};
