// LSP protocol tests of the .tlab language: the real server process over stdio, one feature at a time,
// with `<|>` cursor markers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, cursor, LspClient, positionAt, repoRoot, startServer, textOf } from './harness';
import { QUAD } from './fixtures';
import { getPlots, plotUpdated, runTarget } from '../../protocol';

const fixture = (f: string) => fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'tlab', f), 'utf8');


describe('tlab over LSP', () => {
  let c: LspClient;
  before(async () => {
    c = await startServer({
      'common.tlab': 'let shared = 3\nlet twice(x) = 2 * x\n',
      'cyc_a.tlab': 'import "cyc_b.tlab"\nlet a = 1\n',
      'cyc_b.tlab': 'import "cyc_a.tlab"\nlet b = 2\n',
    }, { trusted: true, settings: { autoRunMaxSeconds: 0 } }); // runs on request only: stale marking stays observable (live re-runs: autoRun.test.ts)
  });
  after(async () => { await c.shutdown(); });

  test('initialize advertises the features', async () => {
    // (re-checked through behaviour below; here the semantic-token legend matters to the client)
    const d = await c.open('empty.tlab', '');
    assert.deepEqual(d, []);
  });

  test('spec examples produce no diagnostics', async () => {
    assert.deepEqual(await c.open('spec-exp.tlab', fixture('experiments.tlab')), []);
    assert.deepEqual(await c.open('spec-der.tlab', fixture('derivations.tlab')), []);
  });

  test('diagnostics: a syntax error does not hide a later unknown solver; did-you-mean at the exact span', async () => {
    const text = 'experiment e {\n  let a = (1 +\n  solve r = demo.quadratc(a = 1)\n  let z = r.x_min + nope\n}\n';
    const d = await c.open('diag.tlab', text);
    const at = d.map((x) => [textOf(text, x.range), x.message]);
    assert.ok(at.some(([t]) => t === '+'), JSON.stringify(at));
    const unk = d.find((x) => /unknown solver/.test(x.message))!;
    assert.equal(textOf(text, unk.range), 'demo.quadratc');
    assert.match(unk.message, /did you mean `demo.quadratic`/);
    assert.ok(d.some((x) => textOf(text, x.range) === 'nope' && /unknown name/.test(x.message)));
  });

  test('diagnostics: unknown and out-of-range parameters, missing grid point', async () => {
    const text = 'experiment e {\n  sweep a = [1, 2]\n  solve r = demo.quadratic(a = a - 1, bb = 2)\n  simulate m = demo.noisy_mean(n = 0)\n  expect r.x_min[a = 3] == 0\n}\n';
    const d = await c.open('params.tlab', text);
    const find = (re: RegExp) => d.find((x) => re.test(x.message));
    assert.equal(textOf(text, find(/no parameter `bb`/)!.range), 'bb');
    assert.match(find(/no parameter `bb`/)!.message, /did you mean `b`/);
    assert.equal(textOf(text, find(/documented range/)!.range), 'a - 1');
    assert.equal(textOf(text, find(/`n` = 0/)!.range), '0');
    const sel = find(/no grid point has a = 3/)!;
    assert.equal(textOf(text, sel.range), '3');
    assert.match(sel.message, /nearest: 2, 1/);
  });

  test('completion: keywords, solver ids, parameters with defaults, result fields, names in scope', async () => {
    const kw = cursor('experiment e {\n  <|>\n}\n');
    await c.open('comp1.tlab', kw.text);
    const k = await c.at<any[]>('textDocument/completion', 'comp1.tlab', kw.position);
    for (const w of ['let', 'sweep', 'solve', 'simulate', 'plot', 'expect']) assert.ok(k.some((i) => i.label === w), w);

    const sv = cursor('experiment e {\n  solve r = <|>\n}\n');
    await c.open('comp2.tlab', sv.text);
    const s = await c.at<any[]>('textDocument/completion', 'comp2.tlab', sv.position);
    assert.ok(s.some((i) => i.label === 'demo.quadratic'));
    assert.ok(s.some((i) => i.label === 'scaling.bayes_optimal'));

    const pr = cursor('experiment e {\n  solve r = demo.quadratic(a = 2, <|>)\n}\n');
    await c.open('comp3.tlab', pr.text);
    const p = await c.at<any[]>('textDocument/completion', 'comp3.tlab', pr.position);
    const labels = p.map((i) => i.label).sort();
    assert.deepEqual(labels, ['b', 'c']);
    const b = p.find((i) => i.label === 'b');
    assert.match(b.detail, /= 0/);
    assert.match(b.documentation.value, /linear coefficient/);

    const fl = cursor('experiment e {\n  let k = 2\n  solve r = demo.quadratic(a = 2)\n  let z = r.<|>\n}\n');
    await c.open('comp4.tlab', fl.text);
    const f = await c.at<any[]>('textDocument/completion', 'comp4.tlab', fl.position);
    assert.deepEqual(f.map((i) => i.label).sort(), ['f_min', 'x_min']);

    const nm = cursor('let top = 1\nexperiment e {\n  let k = 2\n  let z = <|>\n}\nexperiment other { let hidden = 1 }\n');
    await c.open('comp5.tlab', nm.text);
    const n = await c.at<any[]>('textDocument/completion', 'comp5.tlab', nm.position);
    assert.ok(n.some((i) => i.label === 'k'));
    assert.ok(n.some((i) => i.label === 'top'));
    assert.ok(n.some((i) => i.label === 'sqrt'));
    assert.ok(!n.some((i) => i.label === 'hidden'));

    const en = cursor('experiment e {\n  solve r = scaling.bayes_optimal(alpha = 1, readouts = <|>)\n}\n');
    await c.open('comp6.tlab', en.text);
    const e = await c.at<any[]>('textDocument/completion', 'comp6.tlab', en.position);
    assert.deepEqual(e.map((i) => i.label).sort(), ['dense', 'exp2', 'power']);
  });

  test('completion of a solver id inserts a call template: required parameters (registry) as snippet tab stops', async () => {
    const sv = cursor('experiment e {\n  solve r = <|>\n}\n');
    await c.open('tpl1.tlab', sv.text);
    const items = await c.at<any[]>('textDocument/completion', 'tpl1.tlab', sv.position);
    const g = items.find((i) => i.label === 'g2l2.parse');
    assert.equal(g.insertTextFormat, 2, 'a snippet');
    assert.equal(g.textEdit.newText, 'g2l2.parse(source = "${1:source}", sentence = "${2:sentence}")$0');
    // every parameter has a default: an empty call with the cursor inside (parameter completion follows)
    assert.equal(items.find((i) => i.label === 'demo.quadratic').textEdit.newText, 'demo.quadratic($1)$0');
    // after `g2l2.`: the rest of the id, with the same template
    const dot = cursor('experiment e {\n  solve r = g2l2.<|>\n}\n');
    await c.open('tpl2.tlab', dot.text);
    const restItems = await c.at<any[]>('textDocument/completion', 'tpl2.tlab', dot.position);
    const rest = restItems.find((i) => i.label === 'parse');
    assert.ok(rest, JSON.stringify(restItems.map((i) => i.label)));
    assert.equal(rest.textEdit.newText, 'parse(source = "${1:source}", sentence = "${2:sentence}")$0');
    // renaming the solver of an existing call keeps its arguments: the plain id
    const edit = cursor('experiment e {\n  solve r = dem<|>(a = 1)\n}\n');
    await c.open('tpl3.tlab', edit.text);
    const plain = (await c.at<any[]>('textDocument/completion', 'tpl3.tlab', edit.position)).find((i) => i.label === 'demo.quadratic');
    assert.deepEqual([plain.textEdit.newText, plain.insertTextFormat], ['demo.quadratic', undefined]);
  });

  test('hover: solver and parameter docs from the registry; constants', async () => {
    const t1 = cursor('experiment e {\n  solve r = demo.quad<|>ratic(a = 2)\n}\n');
    await c.open('hov1.tlab', t1.text);
    const h1 = await c.at<any>('textDocument/hover', 'hov1.tlab', t1.position);
    assert.match(h1.contents.value, /demo\.quadratic/);
    assert.match(h1.contents.value, /Closed-form minimiser/);
    assert.equal(textOf(t1.text, h1.range), 'demo.quadratic');

    const t2 = cursor('experiment e {\n  solve r = demo.quadratic(<|>a = 2)\n}\n');
    await c.open('hov2.tlab', t2.text);
    const h2 = await c.at<any>('textDocument/hover', 'hov2.tlab', t2.position);
    assert.match(h2.contents.value, /curvature/);
    assert.match(h2.contents.value, /default: 1/);

    const t3 = cursor('let d = 200\nlet k = d<|> / 2\n');
    await c.open('hov3.tlab', t3.text);
    const h3 = await c.at<any>('textDocument/hover', 'hov3.tlab', t3.position);
    assert.match(h3.contents.value, /= 200/);
  });

  test('signature help inside a solver call marks the active parameter', async () => {
    const t = cursor('experiment e {\n  solve r = demo.quadratic(a = 2, c = <|>)\n}\n');
    await c.open('sig.tlab', t.text);
    const s = await c.at<any>('textDocument/signatureHelp', 'sig.tlab', t.position);
    assert.match(s.signatures[0].label, /^demo\.quadratic\(a = 1, b = 0, c = 0\)$/);
    assert.equal(s.activeParameter, 2);
    const [lo, hi] = s.signatures[0].parameters[2].label;
    assert.equal(s.signatures[0].label.slice(lo, hi), 'c = 0');
  });

  test('semantic tokens classify keywords, solver ids, parameters and names', async () => {
    const text = 'experiment e {\n  let k = 2\n  solve r = demo.quadratic(a = k)\n}\n';
    await c.open('sem.tlab', text);
    const res = await c.request<any>('textDocument/semanticTokens/full', { textDocument: { uri: c.uri('sem.tlab') } });
    const legend = ['keyword', 'variable', 'function', 'parameter', 'property', 'number', 'string', 'operator', 'type', 'enumMember', 'namespace', 'comment', 'macro'];
    const toks: { text: string; type: string }[] = [];
    let line = 0, ch = 0;
    for (let i = 0; i < res.data.length; i += 5) {
      line += res.data[i]; ch = res.data[i] ? res.data[i + 1] : ch + res.data[i + 1];
      const lineText = text.split('\n')[line];
      toks.push({ text: lineText.slice(ch, ch + res.data[i + 2]), type: legend[res.data[i + 3]] });
    }
    const typeOf = (s: string) => toks.find((x) => x.text === s)?.type;
    assert.equal(typeOf('experiment'), 'keyword');
    assert.equal(typeOf('solve'), 'keyword');
    assert.equal(typeOf('demo'), 'namespace');
    assert.equal(typeOf('quadratic'), 'function');
    assert.equal(typeOf('a'), 'parameter');
    assert.equal(typeOf('2'), 'number');
    assert.equal(toks.filter((x) => x.text === 'k').map((x) => x.type).join(), 'variable,variable');
  });

  test('document symbols and folding ranges', async () => {
    await c.open('sym.tlab', QUAD);
    const syms = await c.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri('sym.tlab') } });
    assert.deepEqual(syms.map((s) => s.name), ['c0', 'quad']);
    assert.deepEqual(syms[1].children.map((s: any) => s.name).slice(0, 3), ['b', 'a', 'q']);
    const folds = await c.request<any[]>('textDocument/foldingRange', { textDocument: { uri: c.uri('sym.tlab') } });
    assert.ok(folds.some((f) => f.startLine === 1 && f.endLine === 10), JSON.stringify(folds));
    assert.ok(folds.some((f) => f.startLine === 7 && f.endLine === 9), JSON.stringify(folds));
  });

  test('definition, references and rename', async () => {
    const t = cursor('let c0 = 1\nexperiment e {\n  let b = c<|>0 + 1\n  solve q = demo.quadratic(a = 1, b = b, c = c0)\n}\n');
    await c.open('nav.tlab', t.text);
    const def = await c.at<any[]>('textDocument/definition', 'nav.tlab', t.position);
    assert.deepEqual(def[0].range, { start: { line: 0, character: 4 }, end: { line: 0, character: 6 } });
    const refs = await c.at<any[]>('textDocument/references', 'nav.tlab', t.position, { context: { includeDeclaration: true } });
    assert.equal(refs.length, 3);
    const prep = await c.at<any>('textDocument/prepareRename', 'nav.tlab', t.position);
    assert.equal(textOf(t.text, prep), 'c0');
    const edit = await c.at<any>('textDocument/rename', 'nav.tlab', t.position, { newName: 'base' });
    const renamed = applyEdits(t.text, edit.changes[c.uri('nav.tlab')]);
    assert.equal(renamed, 'let base = 1\nexperiment e {\n  let b = base + 1\n  solve q = demo.quadratic(a = 1, b = b, c = base)\n}\n');
    // a parameter name `b =` is not the variable `b`
    const t2 = cursor('experiment e {\n  let <|>b = 1\n  solve q = demo.quadratic(b = b)\n}\n');
    await c.open('nav2.tlab', t2.text);
    const e2 = await c.at<any>('textDocument/rename', 'nav2.tlab', t2.position, { newName: 'slope0' });
    assert.equal(applyEdits(t2.text, e2.changes[c.uri('nav2.tlab')]), 'experiment e {\n  let slope0 = 1\n  solve q = demo.quadratic(b = slope0)\n}\n');
  });

  test('imports: names from another file, definition across files, cycles', async () => {
    const t = cursor('import "common.tlab"\nexperiment e {\n  let z = twice(sha<|>red)\n}\n');
    const d = await c.open('imp.tlab', t.text);
    assert.deepEqual(d, []);
    const def = await c.at<any[]>('textDocument/definition', 'imp.tlab', t.position);
    assert.equal(def[0].uri, c.uri('common.tlab'));
    assert.equal(def[0].range.start.line, 0);
    const cyc = await c.open('cyc_a.tlab', 'import "cyc_b.tlab"\nlet a = 1\n');
    assert.ok(cyc.some((x) => /import cycle/.test(x.message)), JSON.stringify(cyc));
    const missing = await c.open('imp2.tlab', 'import "nowhere.tlab"\n');
    assert.match(missing[0].message, /cannot import 'nowhere.tlab'/);
  });

  test('formatting is idempotent', async () => {
    const text = 'let a=-1+2*-3\nexperiment  e{\nsweep x=[1,2]\n    solve r=demo.quadratic(a=x,\nb=2)\n}\n';
    await c.open('fmt.tlab', text);
    const edits = await c.request<any[]>('textDocument/formatting', { textDocument: { uri: c.uri('fmt.tlab') }, options: { tabSize: 2, insertSpaces: true } });
    const once = applyEdits(text, edits);
    assert.equal(once, 'let a = -1 + 2 * -3\nexperiment e {\n  sweep x = [1, 2]\n  solve r = demo.quadratic(a = x,\n                           b = 2)\n}\n');
    await c.change('fmt.tlab', once);
    const again = await c.request<any[]>('textDocument/formatting', { textDocument: { uri: c.uri('fmt.tlab') }, options: { tabSize: 2, insertSpaces: true } });
    assert.deepEqual(again, []);
  });

  test('quick fixes for misspelled solvers, parameters and names', async () => {
    const text = 'experiment e {\n  let kk = 1\n  solve r = demo.quadratc(a = k)\n}\n';
    const d = await c.open('fix.tlab', text);
    const unk = d.find((x) => /unknown solver/.test(x.message))!;
    const actions = await c.request<any[]>('textDocument/codeAction', { textDocument: { uri: c.uri('fix.tlab') }, range: unk.range, context: { diagnostics: [unk] } });
    assert.equal(actions[0].title, "Change to 'demo.quadratic'");
    const fixed = applyEdits(text, actions[0].edit.changes[c.uri('fix.tlab')]);
    assert.match(fixed, /solve r = demo\.quadratic\(a = k\)/);
    const nameDiag = d.find((x) => /unknown name `k`/.test(x.message))!;
    const a2 = await c.request<any[]>('textDocument/codeAction', { textDocument: { uri: c.uri('fix.tlab') }, range: nameDiag.range, context: { diagnostics: [nameDiag] } });
    assert.equal(a2[0].edit.changes[c.uri('fix.tlab')][0].newText, 'kk');
  });

  test('code lenses Run / Plot (and Re-check on derivations) carry {uri, target}; Cancel only during a run', async () => {
    await c.open('lens.tlab', QUAD + 'derivation dd {\n  given x: vector(2)\n  check sum(x) == sum(x)\n}\n');
    const lenses = await c.request<any[]>('textDocument/codeLens', { textDocument: { uri: c.uri('lens.tlab') } });
    const cmds = lenses.map((l) => `${l.command.command}:${l.command.arguments[0].target}`);
    assert.deepEqual(cmds, ['theorylab.run:quad', 'theorylab.showPlots:quad', 'theorylab.run:dd', 'theorylab.run:dd']);
    assert.equal(lenses[3].command.arguments[0].seed, 1, 'Re-check with new seed offers seed 1 first');
    assert.equal(lenses[0].command.arguments[0].uri, c.uri('lens.tlab'));
    assert.equal(lenses[0].range.start.line, 1);
  });

  test('run: failed expects become diagnostics with values, passing ones hover ✓; plots; inlay hints; stale on edit', async () => {
    await c.open('run.tlab', QUAD);
    const uri = c.uri('run.tlab');
    const diagP = c.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'expect'));
    const res = await c.request(runTarget, { uri, target: 'quad' });
    assert.equal(res.ok, false);
    assert.match(res.message, /1 passed, 1 failed/);
    const d = await diagP;
    const failed = d.find((x) => x.code === 'expect')!;
    assert.equal(failed.range.start.line, 6);
    assert.match(failed.message, /a = 4: 0\.75 > 1 is false/);
    // passing expectation: ✓ with its values on hover
    const h = await c.at<any>('textDocument/hover', 'run.tlab', { line: 5, character: 4 });
    assert.match(h.contents.value, /✓ q\.x_min\[a = 2\] == 1\.5: 1\.5 == 1\.5/);
    // the value of a sub-expression once computed
    const hv = await c.at<any>('textDocument/hover', 'run.tlab', { line: 6, character: 12 });
    // a series shows as a small table over the sweep coordinate
    assert.match(hv.contents.value, /\| a \| value \|[\s\S]*\| 1 \| 3 \|[\s\S]*\| 2 \| 1\.5 \|[\s\S]*\| 4 \| 0\.75 \|/);
    const plots = await c.request(getPlots, { uri, target: 'quad' });
    assert.equal(plots.length, 1);
    assert.equal(plots[0].title, 'minimiser');
    assert.equal((plots[0].spec as any).$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    assert.deepEqual((plots[0].spec as any).data.values.map((r: any) => [r.x, r.y]), [[1, 3], [2, 1.5], [4, 0.75]]);
    assert.equal((plots[0].spec as any).layer[0].encoding.x.scale.type, 'log');
    assert.deepEqual(plots[0].rows[1], { a: 2, 'x*': 1.5 });
    assert.ok(c.notifications.some((n) => n.method === plotUpdated.method && n.params.title === 'minimiser'));
    const hints = await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    assert.ok(!hints.some((x) => x.position.line === 2), JSON.stringify(hints)); // `let b = -6`: no hint repeating a literal
    assert.ok(hints.some((x) => x.position.line === 5 && x.label === ' ✓ 1.5 == 1.5'));
    assert.ok(hints.some((x) => x.position.line === 6 && x.label === ' ✗ a = 4: 0.75 ≤ 1'), JSON.stringify(hints));
    // editing the experiment makes results stale: run diagnostics disappear, plots are marked stale
    const edited = QUAD.replace('let b = -6', 'let b = -8');
    const d2 = await c.change('run.tlab', edited);
    assert.ok(!d2.some((x) => x.code === 'expect'));
    const p2 = await c.request(getPlots, { uri, target: 'quad' });
    assert.equal(p2[0].stale, true);
  });

  test('run: derivation checks; a wrong identity fails with the worst point', async () => {
    const text = 'derivation ok {\n  given x: vector(3)\n  check sum(x * x) == x @ x\n}\nderivation bad {\n  given x: vector(3)\n  check sum(x) == sum(x * x)\n}\n';
    await c.open('der.tlab', text);
    const uri = c.uri('der.tlab');
    const diagP = c.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'check'));
    const res = await c.request(runTarget, { uri });
    assert.equal(res.ok, false);
    const d = await diagP;
    const bad = d.filter((x) => x.code === 'check');
    assert.equal(bad.length, 1);
    assert.equal(bad[0].range.start.line, 6);
  });

  test('bad input never crashes the server', async () => {
    const junk = ['experiment {{{ ]]] solve = = (', '"unterminated', '/* open', 'let f(x = ', '}}}}', 'check', 'derivation d { given x: matrix(0, -1) }', '\u0000\u0001 ≈≈ ^^^'];
    for (const [i, j] of junk.entries()) {
      const d = await c.open(`junk${i}.tlab`, j);
      assert.ok(Array.isArray(d));
      assert.ok(d.length > 0, j);
    }
    const h = await c.at<any>('textDocument/hover', 'junk0.tlab', positionAt('experiment {{{', 5));
    assert.ok(h === null || typeof h === 'object');
    assert.equal(c.exited, false);
  });
});
