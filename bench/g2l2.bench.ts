// Benchmark: G2L2 sentence parsing, exhaustive CKY (every derivation, executed) vs CKY-E2 (local
// marginalisation), on a generated lexicon with lexical ambiguity (two entries per adjective, noun
// and relation phrase), sentence lengths 4..20 tokens: sentences per second and chart nodes per cell.
// Run: npm run bench -- g2l2
import { fmtSeconds, mdTable, timeit } from '../scripts/bench-harness';
import { analyse } from '../server/clevr/analysis';
import { tokenize } from '../server/g2l2/lexicon';
import { countDerivationNodes, exhaustiveChart, fullParses } from '../server/g2l2/cky';
import { ckyE2, e2Roots, expectedAnswer } from '../server/g2l2/ckye2';
import { runSoft, SoftValue } from '../server/clevr/soft';
import { randomScene } from '../server/clevr/generate';
import { Rng } from '../server/numeric/rng';

const ADJ = ['red', 'blue', 'green', 'large', 'small', 'metal', 'rubber', 'gray', 'cyan', 'purple'];
const LEXICON = `lexicon gen {
  "how many" : S/N := \\x. count(x)
  "the" : NP/N := \\x. unique(x)
${ADJ.map((w, i) => `  "${w}" : N/N := \\x. filter(x, ${w}) weight 3\n  "${w}" : N/N := \\x. filter(x, ${ADJ[(i + 1) % ADJ.length]}) weight 1`).join('\n')}
  "things" : N := scene() weight 3
  "things" : N := filter(scene(), cube) weight 1
  "spheres" : N := filter(scene(), sphere) weight 3
  "spheres" : N := scene() weight 1
  "left of" : (N\\N)/NP := \\y. \\x. intersect(x, relate(y, left)) weight 0.7
  "left of" : (N\\N)/NP := \\y. \\x. relate(y, left) weight 0.3
}`;

/** "how many ADJ* NOUN (left of the ADJ* NOUN)*" with exactly `len` tokens. */
function sentence(len: number, rng: Rng): string {
  const clauses = len >= 8 ? Math.floor((len - 3) / 5) : 0;
  let adjs = len - 2 - clauses * 3;
  const parts = ['how many'];
  const noun = () => (rng.int(2) ? 'things' : 'spheres');
  const take = (k: number) => Array.from({ length: k }, () => ADJ[rng.int(ADJ.length)]);
  const first = Math.ceil(adjs / (clauses + 1));
  parts.push(...take(first), noun());
  adjs -= first;
  for (let c = 0; c < clauses; c++) {
    const k = Math.ceil(adjs / (clauses - c));
    parts.push('left of', 'the', ...take(k), noun());
    adjs -= k;
  }
  return parts.join(' ');
}

async function main(): Promise<void> {
  const a = analyse(LEXICON, () => { throw new Error('no files'); });
  const lex = a.lexicons.get('gen')!.lexicon;
  if (a.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(a.diagnostics));
  const rng = new Rng(3);
  const scene = randomScene(rng, 8, 0);
  const rows: (string | number)[][] = [];
  const EXHAUSTIVE_LIMIT = 300_000;
  for (let len = 4; len <= 20; len += 2) {
    const s = sentence(len, rng);
    const tokens = tokenize(s, lex);
    const n = tokens.length;
    const cells = (n * (n + 1)) / 2;
    const counted = countDerivationNodes(tokens);
    const e2 = () => {
      const c = ckyE2(tokens, scene, { merge: true });
      return { c, ex: expectedAnswer(e2Roots(c, n).map((r) => ({ logw: r.logw, value: (r.val as { value: SoftValue }).value }))) };
    };
    const { c: chart, ex } = e2();
    const tE2 = await timeit(e2, { minRepeats: 3, minSeconds: 0.3 });
    let tCky: number | undefined, bf: number | undefined, parses = 0;
    if (counted.total <= EXHAUSTIVE_LIMIT) {
      const cky = () => {
        const ch = exhaustiveChart(tokens, Number.MAX_SAFE_INTEGER);
        const roots = fullParses(ch, n);
        const r = roots.map((d) => ({ logw: d.logw, value: runSoft(d.term!, scene) }));
        return { roots, ex: expectedAnswer(r) };
      };
      const res = cky();
      parses = res.roots.length;
      bf = res.ex.value as number;
      tCky = await timeit(cky, { minRepeats: 1, minSeconds: 0.3 });
    }
    process.stderr.write(`len ${n}: ${counted.total} unmerged nodes, ${chart.nodesWithMerging} merged\n`);
    rows.push([n, parses || `> ${EXHAUSTIVE_LIMIT.toLocaleString('en-US')} nodes`, (counted.total / cells).toFixed(1), (chart.nodesWithMerging / cells).toFixed(1),
      tCky === undefined ? 'not run' : `${fmtSeconds(tCky)} (${(1 / tCky).toFixed(1)}/s)`, `${fmtSeconds(tE2)} (${(1 / tE2).toFixed(1)}/s)`,
      (ex.value as number).toFixed(4), bf === undefined ? '—' : `${bf.toFixed(4)} (Δ ${Math.abs(bf - (ex.value as number)).toExponential(1)})`]);
  }
  console.log([
    '### G2L2 parsing: exhaustive CKY vs CKY-E2 (sentence length 4–20)',
    '',
    `Generated lexicon: ${lex.entries.length} entries, two per adjective / noun / relation phrase (lexical ambiguity); sentences ` +
      '"how many ADJ* NOUN (left of the ADJ* NOUN)*"; one scene of 8 objects. CKY = build every derivation and execute each full ' +
      'parse softly (brute-force expectation); CKY-E2 = merged chart with eager soft execution and the L7 expectation. Nodes per cell: ' +
      'unmerged counts are exact (counted by category, not enumerated). Median wall time, CPU, one thread.',
    '',
    mdTable(['tokens', 'full parses', 'nodes/cell without merging', 'nodes/cell CKY-E2', 'CKY (exhaustive)', 'CKY-E2', 'E2 expected count', 'brute-force expected count'], rows),
  ].join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });
