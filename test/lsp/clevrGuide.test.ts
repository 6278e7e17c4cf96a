// A .clevr file written only from docs/clevr-language.md (examples/clevr/from-guide.clevr) checks
// without an error over LSP, every eval and sentence passes, and the answers show as inlay hints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, startServer } from './harness';

const TEXT = fs.readFileSync(path.join(repoRoot, 'examples', 'clevr', 'from-guide.clevr'), 'utf8');

test('the file written from the guide checks cleanly and evaluates', async () => {
  const c = await startServer({ 'g.clevr': TEXT }, { trusted: true });
  try {
    const d = await c.open('g.clevr', TEXT, 'clevr');
    const uri = c.uri('g.clevr');
    assert.deepEqual(d.filter((x) => x.severity === 1).map((x) => x.message), []);
    // The one warning is the ambiguity the weights of "left of" are there for.
    assert.deepEqual(d.filter((x) => x.severity === 2).map((x) => x.message.slice(0, 50)), ['ambiguous: 2 derivations with different answers — ']);
    const lines = TEXT.split('\n');
    const hints = await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
    const at = (prefix: string) => hints.find((h) => h.position.line === lines.findIndex((l) => l.startsWith(prefix)))?.label;
    assert.equal(at('eval marble_shiny'), ' → metal');
    assert.equal(at('eval more_rubber'), ' → no');
    assert.equal(at('sentence "how many red cylinders"'), ' → 1');
    const line = lines.findIndex((l) => l.startsWith('sentence "how many cylinders left'));
    const h = await c.request<any>('textDocument/hover', { textDocument: { uri }, position: { line, character: 3 } });
    assert.match(h.contents.value, /CKY-E2 expected answer: \*\*1\.250/);
  } finally { await c.shutdown(); }
});
