// The languages the server knows, in one list (server.ts dispatches on languageId or file extension).
import type { LanguageFeatures } from './languageService';
import { tlabFeatures } from './tlab/service';
import { clevrFeatures } from './clevr/service';

export const languages: LanguageFeatures[] = [tlabFeatures, clevrFeatures];
