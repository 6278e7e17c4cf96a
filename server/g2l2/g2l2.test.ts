// G2L2: entry checking, tokenisation, CKY rules (application, coordination, empty words), k-best,
// CKY-E2 against brute-force enumeration (equal where composition is linear, the gap reported where
// it is not) and node counts with and without merging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseText, SPEC_SOURCE } from '../clevr/testkit';
import { parseSentence } from './parse';
import { tokenize } from './lexicon';
import { ckyE2, e2Roots, expectedAnswer } from './ckye2';
import type { SoftValue } from '../clevr/soft';

const SCENE = SPEC_SOURCE.slice(0, SPEC_SOURCE.indexOf('scenes val'));
const spec = analyseText(SPEC_SOURCE);
const small = spec.lexicons.get('small')!.lexicon;
const tiny = spec.scenes.get('tiny')!.scene!;

function lexicon(body: string) {
  const a = analyseText(`${SCENE}\nlexicon L {\n${body}\n}\n`);
  return { a, lex: a.lexicons.get('L')!.lexicon, scene: a.scenes.get('tiny')!.scene! };
}

test('tokenisation matches multi-word entries greedily', () => {
  assert.deepEqual(tokenize('How many spheres left of the large cube?', small).map((t) => t.text),
    ['how many', 'spheres', 'left of', 'the', 'large', 'cube']);
  assert.deepEqual(tokenize('are there any cubes', small).map((t) => t.text), ['are there any', 'cubes']);
});

test('entries whose program does not fit the category are errors on that entry', () => {
  const { a } = lexicon(`"red" : N := \\x. filter(x, red)
  "the" : NP/N := \\x. count(x)
  "blue" : N/N := \\x. filter(x, bleu)
  "big" : N/N := \\x. filter(x, large) weight -1
  "cube" : N := filter(scene(), cube)
  "cube" : N := filter(scene(), cube)
  "odd" : N/Q := \\x. x`);
  const msgs = a.diagnostics.map((d) => `${d.severity}: ${d.message}`);
  assert.ok(msgs.some((m) => m.startsWith('error') && m.includes("'red'") && m.includes('found a function')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes("'the'") && m.includes('NP/N') && m.includes('Integer')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes("unknown concept 'bleu'") && m.includes("did you mean 'blue'")), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes('non-negative')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('warning') && m.includes('duplicate entry')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes("unknown category atom 'Q'")), msgs.join('\n'));
});

test('coordination of sets and of functors, and empty words', () => {
  const { lex, scene } = lexicon(`"red" : N/N := \\x. filter(x, red)
  "blue" : N/N := \\x. filter(x, blue)
  "things" : N := scene()
  "spheres" : N := filter(scene(), sphere)
  "cubes" : N := filter(scene(), cube)
  "how many" : S/N := \\x. count(x)
  "and" : CONJ := \\a. \\b. intersect(a, b)
  "or" : CONJ := \\a. \\b. union(a, b)
  "please" : NONE`);
  const run = (s: string) => parseSentence(s, lex, scene);
  const orFunctors = run('how many red or blue things');
  assert.equal(orFunctors.best, '3');
  assert.equal(orFunctors.derivations[0].program, 'count(union(filter(scene(), red), filter(scene(), blue)))');
  assert.equal(run('how many spheres or cubes').best, '3');
  assert.equal(run('how many spheres and cubes').best, '0');
  const empty = run('please how many red spheres please');
  assert.ok(empty.derivations.length >= 1);
  assert.equal(empty.best, '1');
  assert.ok(new Set(empty.derivations.map((d) => d.program)).size === 1, 'empty words never change the meaning');
});

test('no full parse: words with no entry and the largest parsed spans', () => {
  const r = parseSentence('how many green spheres left of', small, tiny);
  assert.equal(r.derivations.length, 0);
  assert.deepEqual(r.unknownWords, ['green']);
  assert.ok(r.largestSpans.length > 0);
  assert.ok(r.diagnostics.some((d) => d.includes("no lexicon entry for 'green'")));
  assert.ok(r.diagnostics.some((d) => d.startsWith('no full parse') && d.includes('largest parsed spans')));
});

test('k-best: derivations sorted by log-weight, truncated to k', () => {
  const { lex, scene } = lexicon(`"how many" : S/N := \\x. count(x)
  "spheres" : N := filter(scene(), sphere) weight 3
  "spheres" : N := filter(scene(), cube) weight 2
  "spheres" : N := scene() weight 1`);
  const all = parseSentence('how many spheres', lex, scene);
  assert.deepEqual(all.derivations.map((d) => Math.round(Math.exp(d.logWeight) * 6)), [3, 2, 1]);
  assert.deepEqual(all.derivations.map((d) => d.answer), ['2', '1', '4']);
  assert.equal(parseSentence('how many spheres', lex, scene, { k: 2 }).derivations.length, 2);
  // Expected count, linear in the mixture: (3·2 + 2·1 + 1·4)/6 = 2.
  assert.ok(Math.abs((all.expected.value as number) - 2) < 1e-3);
});

test('CKY-E2 equals brute-force enumeration where composition is linear (count), and without merging exactly', () => {
  const { lex, scene } = lexicon(`"how many" : S/N := \\x. count(x)
  "red" : N/N := \\x. filter(x, red) weight 2
  "red" : N/N := \\x. filter(x, large) weight 1
  "spheres" : N := filter(scene(), sphere)
  "spheres" : N := scene()
  "things" : N := scene()
  "left of" : (N\\N)/NP := \\y. \\x. intersect(x, relate(y, left)) weight 0.7
  "left of" : (N\\N)/NP := \\y. \\x. relate(y, left) weight 0.3
  "the" : NP/N := \\x. unique(x)
  "cube" : N := filter(scene(), cube)`);
  for (const s of ['how many red spheres', 'how many spheres left of the cube', 'how many red things left of the cube']) {
    const r = parseSentence(s, lex, scene);
    assert.ok(r.derivations.length >= 2, s);
    const e2 = r.expected.value as number, bf = r.bruteForce.value as number;
    assert.ok(Math.abs(e2 - bf) < 1e-4, `${s}: CKY-E2 ${e2} vs brute force ${bf}`);
    // C4: with merging turned off, the chart's roots give the brute-force expectation to 1e-9.
    const off = ckyE2(r.tokens, scene, { merge: false });
    const ex = expectedAnswer(e2Roots(off, r.tokens.length).map((x) => ({ logw: x.logw, value: (x.val as { value: SoftValue }).value })));
    assert.ok(Math.abs((ex.value as number) - bf) < 1e-9, `${s}: unmerged ${ex.value} vs ${bf}`);
  }
});

test('CKY-E2 is approximate for non-linear consumers (exist): the gap is reported', () => {
  const { lex, scene } = lexicon(`"are there any" : S/N := \\x. exist(x)
  "small" : N/N := \\x. filter(x, blue) weight 1
  "small" : N/N := \\x. filter(x, red) weight 1
  "spheres" : N := filter(scene(), sphere)`);
  const r = parseSentence('are there any small spheres', lex, scene);
  assert.deepEqual(r.derivations.map((d) => d.answer), ['yes', 'yes']);
  const e2 = (r.expected.value as Record<string, number>).yes, bf = (r.bruteForce.value as Record<string, number>).yes;
  const gap = bf - e2;
  console.log(`# exist gap: brute force P(yes) = ${bf.toFixed(6)}, CKY-E2 P(yes) = ${e2.toFixed(6)}, gap ${gap.toFixed(6)}`);
  assert.ok(bf > 0.999 && Math.abs(e2 - 0.5) < 1e-3, `bf ${bf}, e2 ${e2}`);
});

test('merging keeps the chart small on long ambiguous sentences', () => {
  const adjectives = ['red', 'blue', 'large', 'small', 'metal', 'rubber', 'gray', 'cyan', 'green', 'purple'];
  const body = ['"how many" : S/N := \\x. count(x)', '"things" : N := scene()',
    ...adjectives.flatMap((w) => [`"${w}" : N/N := \\x. filter(x, ${w}) weight 2`, `"${w}" : N/N := \\x. x weight 1`])].join('\n');
  const { lex, scene } = lexicon(body);
  const rows: string[] = [];
  let last = { without: 0, with: 0 };
  for (const n of [2, 4, 6, 8, 10]) {
    const r = parseSentence(`how many ${adjectives.slice(0, n).join(' ')} things`, lex, scene, { maxPerCell: 50 });
    rows.push(`${n + 2} tokens: ${r.stats.nodesWithoutMerging} nodes without merging, ${r.stats.nodesWithMerging} with`);
    assert.ok(r.stats.nodesWithMerging < r.stats.nodesWithoutMerging);
    last = { without: r.stats.nodesWithoutMerging, with: r.stats.nodesWithMerging };
    // Merged expected count = brute-force expectation (computed in closed form: each adjective keeps
    // its filter with probability 2/3, independently).
    const expectedCount = scene.objects.reduce((s, o) => s + adjectives.slice(0, n).reduce((p, w) =>
      p * ((Object.values(o).includes(w) ? 1 : 0) * (2 / 3) + 1 / 3), 1), 0);
    assert.ok(Math.abs((r.expected.value as number) - expectedCount) < 1e-3, `${r.expected.value} vs ${expectedCount}`);
  }
  console.log(`# ${rows.join('\n# ')}`);
  assert.ok(last.without > 2000 && last.with < 100, JSON.stringify(last));
});

test('when the enumeration is capped, the Viterbi chart still gives the exact best derivation', () => {
  const adjectives = ['red', 'blue', 'large', 'small', 'metal', 'rubber', 'gray', 'cyan'];
  const body = ['"how many" : S/N := \\x. count(x)', '"things" : N := scene()',
    ...adjectives.flatMap((w) => [`"${w}" : N/N := \\x. filter(x, ${w}) weight 1`, `"${w}" : N/N := \\x. x weight 2`])].join('\n');
  const { lex, scene } = lexicon(body);
  const r = parseSentence(`how many ${adjectives.join(' ')} things`, lex, scene, { maxPerCell: 20 });
  assert.equal(r.truncated, true);
  // Best: every adjective takes its identity entry (p = 2/3 each).
  assert.equal(r.derivations[0].program, 'count(scene())');
  assert.ok(Math.abs(r.derivations[0].logWeight - adjectives.length * Math.log(2 / 3)) < 1e-9);
  assert.equal(r.best, '4');
});
