// Batched soft execution of one program over many scenes on the engine's kernel API (CPU typed
// arrays or WebGPU): object sets are B×N tensors (scenes padded to the largest N), relate and
// same-attribute are batched matrix–vector products, filter/intersect/union elementwise min/max,
// count and exist row reductions. Scalars (Bool logits, counts, concept distributions) come back to
// the host, one value per scene. Padded objects carry a logit of −1e4 so they never count.
import type { KernelApi, Tensor } from '../solvers/contract';
import type { Expr } from './ast';
import { ExecError } from './evaluate';
import { FUNCTIONS } from './functions';
import type { Scene } from './scene';
import { TAU } from './soft';
import { Attribute, ATTRIBUTES, canonicalConcept, CONCEPT_INDEX, CONCEPTS, isAttribute, isRelation, Relation, VALUES } from './vocab';

const PAD = -1e4;

type BV =
  | { t: 'set'; x: Tensor }
  | { t: 'object'; x: Tensor }
  | { t: 'concept'; dist: Float64Array[] }     // per scene, over the 15 concept values
  | { t: 'attr'; a: Attribute }
  | { t: 'rel'; r: Relation }
  | { t: 'list'; items: BV[] }
  | { t: 'bool'; logit: Float64Array }
  | { t: 'int'; n: Float64Array };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => { const q = Math.min(1 - 1e-6, Math.max(1e-6, p)); return Math.log(q / (1 - q)); };

export async function runBatchedSoft(program: Expr, scenes: Scene[], k: KernelApi): Promise<(string | undefined)[]> {
  const B = scenes.length;
  const N = Math.max(1, ...scenes.map((s) => s.objects.length));
  const temps: Tensor[] = [];
  const keep = (x: Tensor) => { temps.push(x); return x; };
  const zeros = (shape: number[]) => keep(k.zeros(shape));

  // Per-batch constants: scene logits, concept scores, relation and same-attribute matrices.
  const sceneData = new Float32Array(B * N).fill(PAD);
  scenes.forEach((s, b) => { for (let i = 0; i < s.objects.length; i++) sceneData[b * N + i] = TAU; });
  const sceneT = keep(k.tensor(sceneData, [B, N]));
  const conceptT = new Map<string, Tensor>();
  const scoresOf = (c: string): Tensor => {
    let x = conceptT.get(c);
    if (!x) {
      const a = ATTRIBUTES.find((at) => VALUES[at].includes(c))!;
      const d = new Float32Array(B * N).fill(PAD);
      scenes.forEach((s, b) => s.objects.forEach((o, i) => { d[b * N + i] = o[a] === c ? TAU : -TAU; }));
      x = keep(k.tensor(d, [B, N]));
      conceptT.set(c, x);
    }
    return x;
  };
  const matrices = new Map<string, Tensor>();
  const matrix = (key: string, entry: (s: Scene, i: number, j: number) => boolean): Tensor => {
    let x = matrices.get(key);
    if (!x) {
      const d = new Float32Array(B * N * N).fill(-TAU);
      scenes.forEach((s, b) => {
        const n = s.objects.length;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (entry(s, i, j)) d[(b * N + i) * N + j] = TAU;
      });
      x = keep(k.tensor(d, [B, N, N]));
      matrices.set(key, x);
    }
    return x;
  };
  const relMatrix = (r: Relation) => matrix(`rel:${r}`, (s, i, j) => i !== j && s.relations[r][i].includes(j));
  const sameMatrix = (a: Attribute, selfMask: boolean) => matrix(`${selfMask ? 'same' : 'eq'}:${a}`, (s, i, j) => (!selfMask || i !== j) && s.objects[i][a] === s.objects[j][a]);

  const set = (v: BV, fn: string): Tensor => { if (v.t !== 'set') throw new ExecError(`${fn}: expected an object set`); return v.x; };
  const object = (v: BV, fn: string): Tensor => {
    if (v.t === 'object') return v.x;
    if (v.t === 'set') { const o = zeros([B, N]); k.softmaxRows(v.x, o); return o; }
    throw new ExecError(`${fn}: expected an object`);
  };
  const attrOf = (v: BV, fn: string): Attribute => { if (v.t !== 'attr') throw new ExecError(`${fn}: expected an attribute`); return v.a; };
  const ints = (v: BV, fn: string) => { if (v.t !== 'int') throw new ExecError(`${fn}: expected an integer`); return v.n; };
  const bin = (op: 'min' | 'max' | 'mul', a: Tensor, b: Tensor) => { const o = zeros([B, N]); k.binary(op, a, b, o); return o; };
  const rowSum = async (x: Tensor) => { const o = zeros([B]); k.reduceRows('sum', x, o); return Float64Array.from(await k.read(o)); };
  const matvecMasked = (o: Tensor, m: Tensor) => { const out = zeros([B, N]); k.batchedMatvec(o, m, out); return bin('min', out, sceneT); };
  const sigmoidSum = async (x: Tensor) => { const s = zeros([B, N]); k.unary('sigmoid', x, s); return rowSum(s); };
  const conceptConst = (c: string): BV => {
    const d = new Float64Array(CONCEPTS.length); d[CONCEPT_INDEX.get(c)!] = 1;
    return { t: 'concept', dist: scenes.map(() => d) };
  };
  const query = async (o: Tensor, a: Attribute): Promise<BV> => {
    const qs: Float64Array[] = [];
    for (const c of VALUES[a]) qs.push(await rowSum(bin('mul', o, scoresOf(c))));
    const dist = scenes.map((_, b) => {
      const q = VALUES[a].map((_, v) => qs[v][b]);
      const m = Math.max(...q);
      const e = q.map((x) => Math.exp(x - m));
      const z = e.reduce((s, x) => s + x, 0);
      const d = new Float64Array(CONCEPTS.length);
      VALUES[a].forEach((c, v) => { d[CONCEPT_INDEX.get(c)!] = e[v] / z; });
      return d;
    });
    return { t: 'concept', dist };
  };
  const greater = (a: Float64Array, b: Float64Array) => a.map((x, i) => (x - b[i] - 1 + 0.5) / 0.25);
  const equalCounts = (a: Float64Array, b: Float64Array) => a.map((x, i) => ((0.5 - Math.abs(x - b[i])) / 0.5) / 0.25);

  async function ev(e: Expr): Promise<BV> {
    if (e.kind === 'name') {
      const c = canonicalConcept(e.name);
      if (c) return conceptConst(c);
      if (isAttribute(e.name)) return { t: 'attr', a: e.name };
      if (isRelation(e.name)) return { t: 'rel', r: e.name };
      throw new ExecError(`unknown concept '${e.name}'`, e.span);
    }
    if (e.kind === 'list') return { t: 'list', items: await Promise.all(e.items.map(ev)) };
    if (e.kind !== 'call') throw new ExecError('batched execution takes closed programs only', e.span);
    const sig = FUNCTIONS.get(e.fn.name);
    if (!sig || sig.params.length !== e.args.length) throw new ExecError(`cannot execute '${e.fn.name}'`, e.span);
    const a: BV[] = [];
    for (const x of e.args) a.push(await ev(x));
    const fn = sig.name;
    const filterBy = (s: Tensor, c: BV): Tensor => {
      if (c.t === 'list') return c.items.reduce((acc, it) => filterBy(acc, it), s);
      if (c.t !== 'concept') throw new ExecError(`${fn}: expected a concept`);
      const idx = c.dist[0].findIndex((p) => p === 1);
      if (idx < 0 || c.dist.some((d) => d !== c.dist[0])) throw new ExecError(`${fn}: batched filter takes constant concepts`);
      return bin('min', s, scoresOf(CONCEPTS[idx]));
    };
    switch (fn) {
      case 'scene': return { t: 'set', x: sceneT };
      case 'unique': return { t: 'object', x: object(a[0], fn) };
      case 'relate': if (a[1].t !== 'rel') throw new ExecError('relate: expected a relation'); return { t: 'set', x: matvecMasked(object(a[0], fn), relMatrix(a[1].r)) };
      case 'union': return { t: 'set', x: bin('max', set(a[0], fn), set(a[1], fn)) };
      case 'intersect': return { t: 'set', x: bin('min', set(a[0], fn), set(a[1], fn)) };
      case 'count': return { t: 'int', n: await sigmoidSum(set(a[0], fn)) };
      case 'exist': { const o = zeros([B]); k.reduceRows('max', set(a[0], fn), o); return { t: 'bool', logit: Float64Array.from(await k.read(o)) }; }
      case 'filter': return { t: 'set', x: filterBy(set(a[0], fn), a[1]) };
      case 'query': return query(object(a[0], fn), attrOf(a[1], fn));
      case 'relate_attribute_equal': return { t: 'set', x: matvecMasked(object(a[0], fn), sameMatrix(attrOf(a[1], fn), true)) };
      case 'query_attribute_equal': {
        const t1 = zeros([B, N]);
        k.batchedMatvec(object(a[0], fn), sameMatrix(attrOf(a[2], fn), false), t1);
        return { t: 'bool', logit: await rowSum(bin('mul', t1, object(a[1], fn))) };
      }
      case 'count_greater': return { t: 'bool', logit: greater(await sigmoidSum(set(a[0], fn)), await sigmoidSum(set(a[1], fn))) };
      case 'count_less': return { t: 'bool', logit: greater(await sigmoidSum(set(a[1], fn)), await sigmoidSum(set(a[0], fn))) };
      case 'count_equal': return { t: 'bool', logit: equalCounts(await sigmoidSum(set(a[0], fn)), await sigmoidSum(set(a[1], fn))) };
      case 'equal_integer': return { t: 'bool', logit: equalCounts(ints(a[0], fn), ints(a[1], fn)) };
      case 'greater_than': return { t: 'bool', logit: greater(ints(a[0], fn), ints(a[1], fn)) };
      case 'less_than': return { t: 'bool', logit: greater(ints(a[1], fn), ints(a[0], fn)) };
      case 'equal_object': return { t: 'bool', logit: (await rowSum(bin('mul', object(a[0], fn), object(a[1], fn)))).map(logit) };
    }
    const m = /^(filter|query|same|equal)_(color|shape|size|material)$/.exec(fn);
    if (m) {
      const at = m[2] as Attribute;
      if (m[1] === 'filter') return { t: 'set', x: filterBy(set(a[0], fn), a[1]) };
      if (m[1] === 'query') return query(object(a[0], fn), at);
      if (m[1] === 'same') return { t: 'set', x: matvecMasked(object(a[0], fn), sameMatrix(at, true)) };
      const c1 = a[0], c2 = a[1];
      if (c1.t !== 'concept' || c2.t !== 'concept') throw new ExecError(`${fn}: expected concepts`);
      return { t: 'bool', logit: Float64Array.from(scenes.map((_, b) => logit(c1.dist[b].reduce((s, p, i) => s + p * c2.dist[b][i], 0)))) };
    }
    throw new ExecError(`no batched semantics for '${fn}'`);
  }

  try {
    const v = await ev(program);
    return scenes.map((_, b) => {
      switch (v.t) {
        case 'bool': return v.logit[b] > 0 ? 'yes' : 'no';
        case 'int': return String(Math.round(v.n[b]));
        case 'concept': { let best = -1, idx = -1; v.dist[b].forEach((p, i) => { if (p > best) { best = p; idx = i; } }); return CONCEPTS[idx]; }
        default: return undefined;
      }
    });
  } finally {
    for (const x of temps) k.free(x);
  }
}

export { sigmoid };
