// .clevr editor parity over LSP, each feature at a `<|>` marker: signature help, quick fixes for
// "did you mean" and a missing `using`, formatting, definition from a sentence word to its lexicon
// entries and references back, context-aware completion, folding of comment runs, and a rename onto
// an existing name refused with a message. Errors in sentences do not cascade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, cursor, startServer, textOf } from './harness';

const BASE = `// A small scene
// with two objects
scene tiny {
  object a: large red metal cube at (1.0, 2.0)
  object b: small blue rubber sphere at (-1.5, 0.5)
}
lexicon small {
  "red" : N/N := \\x. filter(x, red)
  "spheres" : N := filter(scene(), sphere)
  "how many" : S/N := \\x. count(x)
}
program n = count(filter_color(scene(), blue))
eval n on tiny expect 1
sentence "how many red spheres" on tiny using small expect 0
`;

async function withDoc(text: string, f: (c: Awaited<ReturnType<typeof startServer>>, uri: string, diags: any[]) => Promise<void>) {
  const c = await startServer({ 'e.clevr': text }, { trusted: true });
  try { const d = await c.open('e.clevr', text, 'clevr'); await f(c, c.uri('e.clevr'), d); } finally { await c.shutdown(); }
}

test('signature help inside a call names the function and the active parameter', async () => {
  const m = cursor(BASE.replace('filter_color(scene(), blue)', 'filter_color(scene(), <|>blue)'));
  await withDoc(m.text, async (c, uri) => {
    const h = await c.request<any>('textDocument/signatureHelp', { textDocument: { uri }, position: m.position });
    assert.equal(h.signatures[0].label, 'filter_color(ObjectSet, color) → ObjectSet');
    assert.equal(h.activeParameter, 1);
  });
});

test("a 'did you mean' diagnostic has a quick fix that applies it", async () => {
  const text = BASE.replace('filter_color(scene(), blue)', 'filter_color(scene(), bleu)');
  await withDoc(text, async (c, uri, d) => {
    const diag = d.find((x) => /did you mean 'blue'/.test(x.message));
    assert.ok(diag, JSON.stringify(d));
    const actions = await c.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    assert.equal(actions[0].title, "Change to 'blue'");
    assert.equal(applyEdits(text, actions[0].edit.changes[uri]), BASE);
  });
});

test('a sentence without `using` is one diagnostic, with a fix', async () => {
  const text = BASE.replace('on tiny using small expect 0', 'on tiny expect 0');
  await withDoc(text, async (c, uri, d) => {
    const line = text.split('\n').findIndex((l) => l.startsWith('sentence'));
    const onLine = d.filter((x) => x.range.start.line === line);
    assert.equal(onLine.length, 1, JSON.stringify(d));
    assert.match(onLine[0].message, /expected `using LEXICON` before `expect`/);
    const actions = await c.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range: onLine[0].range, context: { diagnostics: onLine } });
    assert.equal(applyEdits(text, actions[0].edit.changes[uri]), BASE);
  });
});

test('formatting re-indents and aligns lexicon entries, and is idempotent', async () => {
  const messy = BASE.replace('  object a:', '      object a:').replace('  "red" : N/N', '"red"   :   N/N') + '\n\n\n';
  await withDoc(messy, async (c, uri) => {
    const edits = await c.request<any[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const out = applyEdits(messy, edits);
    assert.match(out, /\n {2}object a: large red metal cube/);
    assert.match(out, /\n {2}"red" {6}: N\/N := \\x\. filter\(x, red\)\n {2}"spheres" {2}: N {3}:= filter/);
    assert.ok(out.endsWith('expect 0\n'));
    const again = await c.change('e.clevr', out);
    assert.ok(!again.some((x) => x.severity === 1), JSON.stringify(again));
    assert.deepEqual(await c.request<any[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  });
});

test('definition from a sentence word goes to its lexicon entry; references from the entry come back', async () => {
  const m = cursor(BASE.replace('sentence "how many red', 'sentence "how many r<|>ed'));
  await withDoc(m.text, async (c, uri) => {
    const def = await c.request<any[]>('textDocument/definition', { textDocument: { uri }, position: m.position });
    assert.equal(def.length, 1);
    assert.equal(textOf(m.text, def[0].range), '"red"');
    const multi = m.text.indexOf('how many', m.text.indexOf('sentence'));
    const def2 = await c.request<any[]>('textDocument/definition', { textDocument: { uri }, position: { line: m.position.line, character: multi - m.text.lastIndexOf('\n', multi) } });
    assert.equal(textOf(m.text, def2[0].range), '"how many"');
    const refs = await c.request<any[]>('textDocument/references', { textDocument: { uri }, position: def[0].range.start, context: { includeDeclaration: false } });
    assert.equal(refs.length, 1);
    assert.equal(textOf(m.text, refs[0].range), 'red');
    assert.equal(refs[0].range.start.line, m.position.line);
  });
});

test('completion is context-aware: synonyms in programs, categories after `:`, lexicon words (no functions) in a sentence', async () => {
  const prog = cursor(BASE.replace('filter_color(scene(), blue)', 'filter_color(scene(), <|>)'));
  await withDoc(prog.text, async (c, uri) => {
    const items = await c.request<any[]>('textDocument/completion', { textDocument: { uri }, position: prog.position });
    const labels = items.map((i) => i.label);
    for (const w of ['blue', 'matte', 'ball', 'big', 'color', 'filter_shape']) assert.ok(labels.includes(w), w);
    assert.ok(!labels.includes('sentence'), 'no statement keywords inside a program');
  });
  const cat = cursor(BASE.replace('"spheres" : N :=', '"spheres" : <|>'));
  await withDoc(cat.text, async (c, uri) => {
    const labels = (await c.request<any[]>('textDocument/completion', { textDocument: { uri }, position: cat.position })).map((i) => i.label);
    for (const w of ['S', 'N', 'NP', 'CONJ', 'N/N']) assert.ok(labels.includes(w), w);
    assert.ok(!labels.includes('filter'));
  });
  const sen = cursor(BASE.replace('sentence "how many red spheres"', 'sentence "how many <|>'));
  await withDoc(sen.text, async (c, uri) => {
    const labels = (await c.request<any[]>('textDocument/completion', { textDocument: { uri }, position: sen.position })).map((i) => i.label);
    assert.ok(labels.includes('red') && labels.includes('spheres'), labels.join(','));
    assert.ok(!labels.includes('filter') && !labels.includes('count'));
  });
});

test('comment runs fold; rename onto an existing name is refused with a message', async () => {
  const m = cursor(BASE.replace('program n =', 'program <|>n ='));
  await withDoc(m.text, async (c, uri) => {
    const folds = await c.request<any[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.ok(folds.some((f) => f.startLine === 0 && f.endLine === 1 && f.kind === 'comment'), JSON.stringify(folds));
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: m.position, newName: 'tiny' }), /already exists/);
    const ok = await c.request<any>('textDocument/rename', { textDocument: { uri }, position: m.position, newName: 'blue_count' });
    assert.equal(ok.changes[uri].length, 2);
  });
});
