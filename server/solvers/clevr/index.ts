// Registry entries of the CLEVR / G2L2 paper: `clevr.execute` runs one program on a batch of scenes
// (inline scenes of a .clevr source, or seeded random CLEVR scenes) symbolically and softly;
// `g2l2.parse` parses a sentence with a lexicon (CKY, CKY-E2) on a scene. Both take .clevr source
// text, not paths: a solver never reads files.
import type { SolverDef, Value } from '../contract';
import { SolverInputError } from '../contract';
import { analyse } from '../../clevr/analysis';
import { parseClevr } from '../../clevr/parser';
import { checkProgram } from '../../clevr/checker';
import { ExecError } from '../../clevr/evaluate';
import { runSymbolic, symAnswer } from '../../clevr/symbolic';
import { runSoft, softAnswer } from '../../clevr/soft';
import { randomScene } from '../../clevr/generate';
import type { Scene } from '../../clevr/scene';
import { typeToString } from '../../clevr/types';
import { lookupScene } from '../../clevr/sceneLookup';
import { parseSentence } from '../../g2l2/parse';
import { Rng } from '../../numeric/rng';
import { runBatchedSoft } from '../../clevr/batched';

const noFiles = (rel: string): never => { throw new Error(`a solver cannot read files ('${rel}'): pass scenes inline`); };

function parseProgram(text: string) {
  const f = parseClevr(`program p = ${text}`);
  const prog = f.statements.find((s) => s.kind === 'program');
  if (f.errors.length || !prog || prog.kind !== 'program' || !prog.body) {
    throw new SolverInputError(`cannot parse the program: ${f.errors[0]?.message ?? 'empty'}`, 'program');
  }
  const r = checkProgram(prog.body);
  const err = r.issues.find((i) => i.severity === 'error');
  if (err) throw new SolverInputError(`program: ${err.message}`, 'program');
  return { body: prog.body, type: r.type };
}

const execute: SolverDef = {
  id: 'clevr.execute',
  title: 'Execute a CLEVR / NS-CL program on a batch of scenes, symbolically and softly',
  doc: 'Runs `program` (functional syntax, e.g. `count(filter(scene(), red))`) on every inline scene of `source` ' +
    '(a .clevr text), or on `n_scenes` seeded random CLEVR scenes when `source` has none. Reports the symbolic answers ' +
    '(null when INVALID, e.g. `unique` on a set whose size is not 1), the soft answers (oracle embeddings, quantised) ' +
    'and their agreement over the valid scenes.',
  paper: 'Mao et al., Grammar-Based Grounded Lexicon Learning, NeurIPS 2021; Johnson et al., CLEVR, CVPR 2017',
  mathSpec: 'clevr-g2l2.md',
  version: '1',
  params: [
    { name: 'program', kind: 'string', doc: 'the program, e.g. `exist(filter(scene(), [small, blue, sphere]))`' },
    { name: 'source', kind: 'string', doc: '.clevr source whose inline `scene` blocks are used (empty: random scenes)', default: '' },
    { name: 'n_scenes', kind: 'integer', doc: 'random CLEVR scenes when `source` has none', default: 20, min: 1, max: 100000 },
    { name: 'max_objects', kind: 'integer', doc: 'objects per random scene: 3..max_objects', default: 10, min: 3, max: 64 },
  ],
  outputs: [
    { name: 'type', kind: 'string', doc: 'the program type' },
    { name: 'answers', kind: 'object', doc: 'symbolic answer per scene (null when INVALID)' },
    { name: 'soft_answers', kind: 'object', doc: 'soft answer per scene' },
    { name: 'agreement', kind: 'number', doc: 'fraction of valid scenes where soft = symbolic' },
    { name: 'invalid', kind: 'integer', doc: 'scenes where the symbolic execution is INVALID' },
  ],
  cost: (p) => (p.n_scenes as number) * 1e-5,
  // Random scenes: objects (a few hundred bytes each) and CLEVR's four relation lists (up to N² entries
  // per scene), plus the batched soft pass's float32 relation tensors (4 × B × N × N). Scenes given in
  // `source` are parsed text and small.
  memoryEstimate: (p) => {
    // a random scene has 3..N objects, uniformly: mean count (N + 3)/2, mean square (Σ k²)/(N − 2)
    const N = p.max_objects as number;
    const meanSq = ((N * (N + 1) * (2 * N + 1)) / 6 - 5) / (N - 2);
    return 4 * 2 ** 20 + (p.n_scenes as number) * (((N + 3) / 2) * 400 + 4 * meanSq * (8 + 4));
  },
  async run(p, ctx) {
    const { body, type } = parseProgram(p.program as string);
    let scenes: Scene[] = [];
    if ((p.source as string).trim()) {
      const a = analyse(p.source as string, noFiles, { runSentences: false });
      scenes = [...a.scenes.values()].map((s) => s.scene!).filter(Boolean);
      if (!scenes.length) throw new SolverInputError('`source` has no inline scene', 'source');
    } else {
      const rng = new Rng(ctx.seed);
      for (let k = 0; k < (p.n_scenes as number); k++) scenes.push(randomScene(rng, 3 + rng.int((p.max_objects as number) - 2), k));
    }
    const answers: Value[] = [], soft: Value[] = [];
    let agree = 0, valid = 0, invalid = 0;
    // With the engine's kernels (WebGPU when available) the soft pass runs batched over all scenes.
    let batched: (string | undefined)[] | undefined;
    if (ctx.kernels) {
      try { batched = await runBatchedSoft(body, scenes, ctx.kernels); } catch (e) {
        if (!(e instanceof ExecError)) throw e;
        ctx.warn(`batched soft execution failed (${e.message}); ran per scene`);
      }
    }
    scenes.forEach((s, k) => {
      if (k % 256 === 0) { ctx.checkCancelled(); ctx.progress(k / scenes.length); }
      let a: string | null = null;
      try { a = symAnswer(runSymbolic(body, s)) ?? null; } catch (e) { if (!(e instanceof ExecError)) throw e; invalid++; }
      let b: string | null = null;
      if (batched) b = batched[k] ?? null;
      else {
        try { b = softAnswer(runSoft(body, s)) ?? null; } catch (e) { if (!(e instanceof ExecError)) throw e; }
      }
      answers.push(a); soft.push(b);
      if (a !== null) { valid++; if (a === b) agree++; }
    });
    return { type: type ? typeToString(type) : '?', answers, soft_answers: soft, agreement: valid ? agree / valid : 1, invalid };
  },
};

const parse: SolverDef = {
  id: 'g2l2.parse',
  title: 'Parse a sentence with a G2L2 lexicon (CKY and CKY-E2) and execute it on a scene',
  doc: '`source` is .clevr text holding the `lexicon` and the `scene`. Returns every full parse (best first, at most `k`) ' +
    'with category, program, log-weight and answer; the best answer; the CKY-E2 expected answer; node counts of the chart ' +
    'with and without local merging.',
  paper: 'Mao et al., Grammar-Based Grounded Lexicon Learning, NeurIPS 2021',
  mathSpec: 'clevr-g2l2.md',
  version: '1',
  params: [
    { name: 'source', kind: 'string', doc: '.clevr source with the lexicon and the scene' },
    { name: 'sentence', kind: 'string', doc: 'the sentence to parse' },
    { name: 'lexicon', kind: 'string', doc: 'lexicon name (default: the first lexicon of `source`)', default: '' },
    { name: 'scene', kind: 'string', doc: 'scene name (default: the first inline scene of `source`)', default: '' },
    { name: 'k', kind: 'integer', doc: 'at most this many derivations are returned', default: 10, min: 0, max: 10000 },
  ],
  outputs: [
    { name: 'tokens', kind: 'object', doc: 'tokens after greedy multi-word matching' },
    { name: 'derivations', kind: 'object', doc: 'list of {category, program, logWeight, answer}, best first' },
    { name: 'best', kind: 'string', doc: 'answer of the best derivation (null when none)' },
    { name: 'expected', kind: 'object', doc: 'CKY-E2 expected answer: a number for counts, else {answer: probability}' },
    { name: 'nodes_without_merging', kind: 'number', doc: 'chart nodes of exhaustive CKY' },
    { name: 'nodes_with_merging', kind: 'number', doc: 'chart nodes of CKY-E2' },
  ],
  cost: () => 0.01,
  async run(p) {
    const a = analyse(p.source as string, noFiles, { runSentences: false });
    const lexName = (p.lexicon as string) || [...a.lexicons.keys()][0];
    const lex = lexName ? a.lexicons.get(lexName) : undefined;
    if (!lex) throw new SolverInputError(lexName ? `no lexicon '${lexName}' in source` : 'source has no lexicon', 'lexicon');
    const sceneName = (p.scene as string) || [...a.scenes.keys()][0];
    if (!sceneName) throw new SolverInputError('source has no inline scene', 'scene');
    const scene = lookupScene(a, sceneName);
    if (typeof scene === 'string') throw new SolverInputError(scene, 'scene');
    const r = parseSentence(p.sentence as string, lex.lexicon, scene, { k: p.k as number });
    return {
      tokens: r.tokens.map((t) => t.text),
      derivations: r.derivations.map((d) => ({ category: d.category, program: d.program, logWeight: d.logWeight, answer: d.answer })),
      best: r.best,
      expected: r.expected.value as Value,
      nodes_without_merging: r.stats.nodesWithoutMerging,
      nodes_with_merging: r.stats.nodesWithMerging,
    };
  },
};

export const solvers: SolverDef[] = [execute, parse];
