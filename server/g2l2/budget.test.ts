// The sentence budget is one deadline for the whole parse, and running out of it is said as such:
// never a false "no full parse", never a guessed best answer. `g2l2 parse --k` takes a positive count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyseText } from '../clevr/testkit';
import { captureMain as capture } from '../cli/captureMain';
import { parseSentence } from './parse';

const SOURCE = `scene lab {
  object a: large red metal cube at (1, 2)
  object b: small blue rubber sphere at (-1.5, 0.5)
  object c: small red rubber sphere at (2, -1)
}
lexicon w {
  "things"  : N := scene()
  "red"     : N/N := \\x. filter(x, red)
  "how many": S/N := \\x. count(x)
  "or"      : CONJ := \\a. \\b. union(a, b)
}
`;
const a = analyseText(SOURCE);
const lex = a.lexicons.get('w')!.lexicon;
const lab = a.scenes.get('lab')!.scene!;
const SENTENCE = `how many ${Array(8).fill('red').join(' or ')} things`;

test('a budget overrun in any pass says "parse budget … exceeded", never "no full parse", and gives no answer', () => {
  // A clock that stands still for the first M readings and then jumps past every deadline: sweeping M
  // runs out of time in each pass in turn (counting, CKY-E2, enumeration, the Viterbi fallback).
  let readings = 0;
  const ref = parseSentence(SENTENCE, lex, lab, { maxPerCell: 3, now: () => { readings++; return 0; } });
  assert.equal(ref.best, '2');
  assert.ok(ref.truncated, 'the enumeration cap makes the Viterbi fallback run');
  const seen = new Set<string>();
  for (let M = 1; M <= readings; M++) {
    let c = 0;
    const r = parseSentence(SENTENCE, lex, lab, { maxPerCell: 3, timeBudgetMs: 1000, now: () => (c++ < M ? 0 : 1e6) });
    const all = r.diagnostics.join('\n');
    assert.ok(!/no full parse/.test(all), `M=${M}: ${all}`);
    if (r.budgetExceeded) {
      assert.equal(r.best, null, `M=${M}: no answer past the budget`);
      assert.match(all, /parse budget of 1000 ms exceeded/, `M=${M}`);
      seen.add(r.derivations.length ? 'viterbi-with-derivations' : 'no-derivations');
    } else {
      assert.equal(r.best, '2', `M=${M}`);
      seen.add('complete');
    }
  }
  // The Viterbi fallback out of time used to be ignored (a false "no full parse", or a guessed best).
  assert.deepEqual([...seen].sort(), ['complete', 'no-derivations', 'viterbi-with-derivations']);
});

test('one deadline: the passes together stay within the budget (a fresh deadline per pass doubled it)', () => {
  // Each clock reading advances 1 ms: the readings after the deadline are what the parse overran by.
  for (const budget of [20, 60, 120, 200, 400]) {
    let t = 0;
    const r = parseSentence(SENTENCE, lex, lab, { maxPerCell: 3, timeBudgetMs: budget, now: () => t++ });
    assert.ok(t <= budget + 20, `budget ${budget}: the clock read ${t}`);
    if (budget === 20) assert.match(r.diagnostics.join('\n'), /parse budget of 20 ms exceeded/);
  }
});

test('g2l2 parse --k: a positive integer; 0, "" and junk are usage errors (exit 2), --k 1 prints one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'g2l2-k-'));
  const file = path.join(dir, 'w.clevr');
  fs.writeFileSync(file, SOURCE);
  const args = ['g2l2', 'parse', '--file', file, '--lexicon', 'w', '--sentence', 'how many red or red things', '--scene', 'lab', '--json'];
  for (const k of ['0', '', '-1', '1.5', 'x']) {
    const r = await capture([...args, '--k', k]);
    assert.equal(r.code, 2, `--k '${k}': ${r.out}`);
    assert.match(r.err, /--k must be a positive integer/);
  }
  const one = await capture([...args, '--k', '1']);
  assert.equal(one.code, 0, one.err);
  assert.equal(JSON.parse(one.out).derivations.length, 1);
});
