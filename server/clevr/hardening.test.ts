// The classes of input that used to crash or freeze the .clevr checker: half-typed categories, any
// nesting depth, huge scenes, pathological sentences, and cascading errors in sentences/lexicons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './analysis';
import { MAX_NESTING } from './parser';
import { MARGIN, MAX_SCENE_OBJECTS, relationsFromPositions } from './scene';
import { EXAMPLES, SPEC_SOURCE } from './testkit';
import * as fs from 'node:fs';
import * as path from 'node:path';

const none = () => { throw new Error('no files'); };
const check = (text: string, opts = {}) => analyse(text, none, opts);
/** With the example data files (the spec's scenes/questions statements read them). */
const checkEx = (text: string, opts = {}) => analyse(text, (rel) => { const p = path.join(EXAMPLES, rel); return { uri: p, text: fs.readFileSync(p, 'utf8') }; }, opts);
const LEX_HEAD = SPEC_SOURCE.slice(0, SPEC_SOURCE.indexOf('lexicon small'));

test('a half-typed category is one diagnostic at the category, for /N, \\N and (/N)', () => {
  for (const cat of ['/N', '\\N', '(/N)', 'N/', '(N', 'S/(N\\)']) {
    const text = `lexicon small {\n  "red" : ${cat} := \\x. filter(x, red)\n  "spheres" : N := filter(scene(), sphere)\n}\nprogram p = count(scene())\n`;
    const a = check(text);
    const line2 = a.diagnostics.filter((d) => text.slice(0, d.span.start).split('\n').length === 2);
    assert.ok(line2.length === 1, `${cat}: ${JSON.stringify(a.diagnostics.map((d) => d.message))}`);
    assert.match(line2[0].message, /incomplete category|expected|unexpected/);
    assert.equal(a.diagnostics.length, 1, `${cat}: nothing else is reported: ${JSON.stringify(a.diagnostics.map((d) => d.message))}`);
    assert.ok(a.lexicons.get('small')!.lexicon.bySurface.has('spheres'), 'the other entries still work');
    assert.ok(a.programs.get('p')!.ok);
  }
});

test('nesting beyond the cap is one diagnostic at the place, whatever the depth', () => {
  for (const n of [MAX_NESTING + 1, 2000, 20000]) {
    for (const text of [`program p = ${'count('.repeat(n)}scene()${')'.repeat(n)}\nprogram q = count(scene())\n`,
      `lexicon l {\n  "w" : N := ${'\\x. '.repeat(n)}scene()\n}\nprogram q = count(scene())\n`]) {
      const a = check(text);
      assert.equal(a.diagnostics.length, 1, JSON.stringify(a.diagnostics.map((d) => d.message)));
      assert.equal(a.diagnostics[0].message, `expression nested deeper than ${MAX_NESTING}`);
      assert.ok(a.diagnostics[0].span.start > 10 && a.diagnostics[0].span.end <= text.length);
      assert.ok(a.programs.get('q')!.ok, 'the next statement still checks');
    }
  }
  const cat = check(`lexicon l {\n  "w" : N${'/N'.repeat(5000)} := scene()\n}\n`);
  assert.deepEqual(cat.diagnostics.map((d) => d.message), ['category nested deeper than 64']);
});

test('relations from positions (sort-based, lazy) equal the definition; a scene is capped', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pos = Array.from({ length: 60 }, (_, i) => (i % 9 === 0 ? undefined : [Math.round(rnd() * 40) / 10 - 2, Math.round(rnd() * 40) / 10 - 2] as [number, number]));
  const rel = relationsFromPositions(pos);
  for (let i = 0; i < pos.length; i++) {
    const want = { left: [] as number[], right: [] as number[], front: [] as number[], behind: [] as number[] };
    for (let j = 0; j < pos.length; j++) {
      const pi = pos[i], pj = pos[j];
      if (i === j || !pi || !pj) continue;
      if (pj[0] < pi[0] - MARGIN) want.left.push(j);
      if (pj[0] > pi[0] + MARGIN) want.right.push(j);
      if (pj[1] > pi[1] + MARGIN) want.front.push(j);
      if (pj[1] < pi[1] - MARGIN) want.behind.push(j);
    }
    for (const r of ['left', 'right', 'front', 'behind'] as const) assert.deepEqual(rel[r][i], want[r], `${r} of ${i}`);
  }
  const n = 20000;
  const big = `scene big {\n${Array.from({ length: n }, (_, i) => `  object o${i}: large red metal cube at (${i}, ${i})`).join('\n')}\n}\nprogram c = count(relate(unique(filter(scene(), [large])), left))\n`;
  const before = process.memoryUsage().rss;
  const a = check(big);
  assert.ok(process.memoryUsage().rss - before < 1.5e9, 'no n×n structure');
  assert.equal(a.scenes.get('big')!.scene!.objects.length, MAX_SCENE_OBJECTS);
  assert.ok(a.diagnostics.some((d) => d.message.includes(`has ${n} objects; a scene has at most ${MAX_SCENE_OBJECTS}`)));
});

test('a pathological sentence stops at its budget with one "too ambiguous" diagnostic', () => {
  const text = `${SPEC_SOURCE.slice(0, SPEC_SOURCE.indexOf('sentence '))}sentence "how many red spheres${' or red spheres'.repeat(99)}" on tiny using small\n`;
  const t0 = Date.now();
  const a = checkEx(text, { sentenceBudgetMs: 500 });
  assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
  const msgs = a.diagnostics.filter((d) => /sentence too ambiguous/.test(d.message));
  assert.equal(msgs.length, 1, JSON.stringify(a.diagnostics.map((d) => d.message)));
  assert.match(msgs[0].message, /budget exceeded/);
  assert.equal(a.sentences[0].result.best, null, 'no guessed answer');
  // A small sentence is untouched by the budget.
  const small = checkEx(`${SPEC_SOURCE.slice(0, SPEC_SOURCE.indexOf('sentence '))}sentence "how many red spheres" on tiny using small expect 1\n`, { sentenceBudgetMs: 500 });
  assert.ok(!small.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(small.diagnostics));
});

test('errors do not cascade: a missing `using`, and a word whose entry has an error', () => {
  const a = checkEx(`${LEX_HEAD}sentence "how many spheres" on tiny expect 1\n`);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity !== 'info' && !/two_spheres|unique: 2/.test(d.message)).map((d) => d.message), ['expected `using LEXICON` before `expect`']);
  const text = `${LEX_HEAD}lexicon l {\n  "red" : N/N := \\x. count(x)\n  "spheres" : N := filter(scene(), sphere)\n  "how many" : S/N := \\x. count(x)\n}\nsentence "how many red spheres" on tiny using l\n`;
  const b = checkEx(text);
  assert.ok(!b.diagnostics.some((d) => /no lexicon entry/.test(d.message)), JSON.stringify(b.diagnostics.map((d) => d.message)));
  const m = b.diagnostics.find((d) => /the lexicon entry for 'red' has an error \(line (\d+)\)/.test(d.message));
  assert.ok(m, JSON.stringify(b.diagnostics.map((d) => d.message)));
  const line = Number(/\(line (\d+)\)/.exec(m!.message)![1]);
  assert.match(text.split('\n')[line - 1], /"red"/);
});

test('diagnostics never repeat huge quoted text', () => {
  const long = 'spheres '.repeat(100000);
  const a = analyse(`${LEX_HEAD}lexicon l {\n  "spheres" : N := filter(scene(), sphere)\n}\nsentence "${long}" on tiny using l\n`, (rel) => { const p = path.join(EXAMPLES, rel); return { uri: p, text: fs.readFileSync(p, 'utf8') }; }, { sentenceBudgetMs: 300 });
  assert.ok(a.diagnostics.length > 0);
  for (const d of a.diagnostics) assert.ok(d.message.length < 1200, `${d.message.length}: ${d.message.slice(0, 200)}`);
});
