// The last result of one block as the language service keeps it (and server/tlab/persist.ts saves it):
// the result, the fingerprint of the text it was computed from, and that text. Its own module so the
// document state and its persistence both use it without importing each other.
import type { BlockResult } from './blockRun';

export interface StoredResult {
  result: BlockResult;
  /** fingerprint of the block and the file-level text it depends on, at run time */
  fingerprint: string;
  /** the document text of that run (spans in `result` refer to it) */
  text: string;
}
