// `theorylab g2l2 parse --file F.clevr --lexicon NAME --sentence "…" --scene NAME [--k N] [--json]`:
// parses a sentence with a lexicon of a .clevr file on one of its scenes (product spec §3 JSON shape).
import * as path from 'node:path';
import * as fs from 'node:fs';
import { CliCommand, option, parseArgs } from './args';
import { analyse } from '../clevr/analysis';
import { lookupScene } from '../clevr/sceneLookup';
import { pathToUri, readWorkspaceFile } from '../workspaceFiles';
import { didYouMean } from '../solvers/registry';
import { parseSentence } from '../g2l2/parse';
import { formatExpected } from '../clevr/cli';

export const g2l2ParseCommand: CliCommand = {
  name: 'g2l2 parse',
  usage: 'g2l2 parse --file F.clevr --lexicon NAME --sentence "..." --scene NAME [--k N] [--json]',
  summary: 'parse a sentence with a G2L2 lexicon (CKY and CKY-E2) and execute it on a scene',
  help: 'Prints every full parse (best first, at most --k) with category, program, log-weight and answer,\n' +
    'the best answer, the CKY-E2 expected answer and chart statistics. --k is a positive integer.\n' +
    'Exit 1 when there is no full parse or the parse budget (2000 ms) is exceeded (no answer then).',
  async run(args) {
    const p = parseArgs(args, ['json']);
    const file = option(p, 'file'), lexName = option(p, 'lexicon'), sentence = option(p, 'sentence'), sceneName = option(p, 'scene');
    if (!file || !lexName || sentence === undefined || !sceneName) throw new Error('needs --file, --lexicon, --sentence and --scene');
    const kText = option(p, 'k');
    // k = 0 would list nothing and say nothing about the parse: --k is a positive integer ('' is not 0).
    const k = kText === undefined ? undefined : /^\s*\d+\s*$/.test(kText) ? Number(kText) : NaN;
    if (k !== undefined && (!Number.isSafeInteger(k) || k < 1)) throw new Error(`--k must be a positive integer (how many derivations to print), got '${kText}'`);
    const abs = path.resolve(file);
    let text: string;
    try { text = fs.readFileSync(abs, 'utf8'); } catch (e) { throw new Error(`cannot read '${file}': ${(e as Error).message}`); }
    const uri = pathToUri(abs);
    const a = analyse(text, (rel) => readWorkspaceFile(uri, rel, [path.dirname(abs), process.cwd()]), { runSentences: false });
    const lex = a.lexicons.get(lexName);
    if (!lex) {
      const s = didYouMean(lexName, a.lexicons.keys());
      throw new Error(`no lexicon '${lexName}' in ${file}${s ? ` — did you mean '${s}'?` : ''}`);
    }
    const scene = lookupScene(a, sceneName);
    if (typeof scene === 'string') throw new Error(scene);
    const r = parseSentence(sentence, lex.lexicon, scene, { k });
    const out: Record<string, unknown> = {
      tokens: r.tokens.map((t) => t.text),
      derivations: r.derivations.map((d) => ({ category: d.category, program: d.program, logWeight: d.logWeight, answer: d.answer })),
      best: r.best,
      expected: r.expected.value,
      chart: r.stats,
    };
    if (!r.derivations.length || r.diagnostics.length) out.diagnostics = r.diagnostics;
    if (p.flags.has('json')) console.log(JSON.stringify(out));
    else {
      console.log(`tokens: ${r.tokens.map((t) => `[${t.text}]`).join(' ')}`);
      for (const d of r.diagnostics) console.log(`${r.derivations.length ? 'warning' : 'error'}: ${d}`);
      r.derivations.forEach((d, i) => {
        console.log(`#${i + 1}  ${d.category} : ${d.program}\n    log-weight ${d.logWeight.toFixed(6)}   answer ${d.answer ?? `INVALID (${d.error})`}`);
        console.log(d.tree.split('\n').map((l) => `    ${l}`).join('\n'));
      });
      if (r.derivations.length) {
        console.log(`best: ${r.budgetExceeded ? 'unknown (parse budget exceeded)' : r.best ?? 'INVALID'}`);
        console.log(`expected (CKY-E2): ${formatExpected(r.expected.value)}`);
      }
      console.log(`chart: ${r.stats.cells} cells, ${r.stats.nodesWithoutMerging} nodes without merging, ${r.stats.nodesWithMerging} with merging`);
    }
    return r.derivations.length && !r.budgetExceeded ? 0 : 1;
  },
};
