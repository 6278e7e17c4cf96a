// .clevr work never blocks the server: a pathological sentence is parsed on a worker thread under a
// budget ("sentence too ambiguous … budget exceeded"), another document's hover is answered within
// 200 ms meanwhile, a half-typed category is one diagnostic while every other feature still works,
// and an untrusted workspace runs no eval or sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursor, startServer } from './harness';

const SCENE = `scene tiny {
  object a: large red metal cube at (1.0, 2.0)
  object b: small blue rubber sphere at (-1.5, 0.5)
  object c: large gray rubber cylinder at (0.0, -2.0)
  object d: small red rubber sphere at (2.0, -1.0)
}
`;
const LEXICON = `lexicon small {
  "red"           : N/N      := \\x. filter(x, red)
  "spheres"       : N        := filter(scene(), sphere)
  "how many"      : S/N      := \\x. count(x)
  "or"            : CONJ     := \\a. \\b. union(a, b)
}
`;
const PATHOLOGICAL = `${SCENE}${LEXICON}sentence "how many red spheres${' or red spheres'.repeat(99)}" on tiny using small\n`;
const OTHER = cursor(`${SCENE}program n = count(filter_size(scene(), <|>large))\neval n on tiny expect 2\n`);

test('another document is answered within 200 ms while a pathological sentence is parsed; the sentence gets a budget diagnostic', async () => {
  const c = await startServer({ 'slow.clevr': PATHOLOGICAL, 'other.clevr': OTHER.text }, { trusted: true });
  try {
    await c.open('other.clevr', OTHER.text, 'clevr');
    const slowUri = c.uri('slow.clevr');
    const slowDiags = c.waitForDiagnostics(slowUri, (d) => d.length > 0, 60000);
    void c.open('slow.clevr', PATHOLOGICAL, 'clevr');
    // Give the server time to start on the slow document, then ask about the other one, repeatedly.
    await new Promise((r) => setTimeout(r, 400));
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = Date.now();
      const h = await c.request<any>('textDocument/hover', { textDocument: { uri: c.uri('other.clevr') }, position: OTHER.position });
      times.push(Date.now() - t0);
      assert.match(h.contents.value, /concept \*\*large\*\*/);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(Math.max(...times) < 200, `hover times ${times.join(', ')} ms`);
    const d = await slowDiags;
    const budget = d.filter((x) => /sentence too ambiguous: .*budget exceeded/.test(x.message));
    assert.equal(budget.length, 1, JSON.stringify(d.map((x) => x.message)));
    assert.equal(budget[0].range.start.line, PATHOLOGICAL.split('\n').findIndex((l) => l.startsWith('sentence')));
  } finally { await c.shutdown(); }
});

test('a half-typed category is one diagnostic at the category; symbols, hover and lenses keep working', async () => {
  const text = `${SCENE}lexicon small {\n  "red" : /N := \\x. filter(x, red)\n  "spheres" : N := filter(scene(), sphere)\n  "how many" : S/N := \\x. count(x)\n}\nsentence "how many spheres" on tiny using small expect 2\nsentence "how many red spheres" on tiny using small\n`;
  const c = await startServer({ 'cat.clevr': text }, { trusted: true });
  try {
    const d = await c.open('cat.clevr', text, 'clevr');
    const uri = c.uri('cat.clevr');
    const errors = d.filter((x) => x.severity === 1);
    assert.ok(!d.some((x) => /internal error/.test(x.message)), JSON.stringify(d));
    const catLine = text.split('\n').findIndex((l) => l.includes('"red" : /N'));
    const atCat = errors.filter((x) => x.range.start.line === catLine);
    assert.equal(atCat.length, 1, JSON.stringify(d));
    assert.match(atCat[0].message, /incomplete category/);
    // The sentence using the broken word names the entry's error, not "no lexicon entry".
    const redSentence = d.find((x) => x.range.start.line === catLine + 5);
    assert.ok(redSentence && /lexicon entry for 'red' has an error \(line \d+\)/.test(redSentence.message), JSON.stringify(d));
    assert.ok(!d.some((x) => /no lexicon entry for 'red'/.test(x.message)));
    const syms = await c.request<any[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(syms.map((s) => s.name), ['tiny', 'small', 'sentence "how many spheres"', 'sentence "how many red spheres"']);
    const lenses = await c.request<any[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(lenses.length >= 4);
    const h = await c.request<any>('textDocument/hover', { textDocument: { uri }, position: { line: catLine + 4, character: 12 } });
    assert.match(h.contents.value, /best derivation/);
  } finally { await c.shutdown(); }
});

test('an untrusted workspace runs no .clevr eval or sentence, even on an explicit request', async () => {
  const text = `${SCENE}program n = count(scene())\neval n on tiny expect 3\n`;
  const c = await startServer({ 'u.clevr': text }, { trusted: false });
  try {
    const d = await c.open('u.clevr', text, 'clevr');
    assert.ok(!d.some((x) => /expected 3, got 4/.test(x.message)), 'the eval did not run');
    assert.ok(d.some((x) => x.severity === 3 && /not trusted/.test(x.message)));
    const r = await c.request<any>('theorylab/run', { uri: c.uri('u.clevr'), target: 'n' });
    assert.equal(r.ok, false);
    assert.match(r.message, /not trusted/);
  } finally { await c.shutdown(); }
});
