// The soft (neuro-symbolic) executor, math spec §3: object sets are logit vectors, objects are
// probability vectors, concepts are distributions over the 15 concept values scored against object
// features (oracle embeddings: one-hot features built from the scene's attributes), filter is a fuzzy
// AND (min), relate a matrix–vector product, exist a max, count a sum of sigmoids, query a softmax
// distribution. All numeric work goes through kernels.ts.
import type { Expr } from './ast';
import { Evaluator, ExecError, Prims, Val } from './evaluate';
import type { FunctionSig } from './functions';
import * as K from './kernels';
import type { Scene } from './scene';
import { Attribute, ATTRIBUTES, attributeOf, CONCEPT_INDEX, CONCEPTS, Relation, RELATIONS, VALUES } from './vocab';

export const TAU = 10;
const D = CONCEPTS.length;

export type SoftValue =
  | { t: 'set'; logits: Float64Array }
  | { t: 'object'; p: Float64Array }
  /** `onehot`: index of a constant concept, so its scores come from the per-scene cache. */
  | { t: 'concept'; dist: Float64Array; attr?: Attribute; onehot?: number }
  | { t: 'concepts'; items: Float64Array[] }
  | { t: 'attr'; a: Attribute }
  | { t: 'rel'; r: Relation }
  | { t: 'bool'; logit: number }
  | { t: 'int'; n: number };

/** Per-scene tensors: features, relation matrices (±τ, self-masked), same-attribute matrices. */
export interface SoftScene {
  n: number;
  features: Float64Array;                    // N×D one-hot attribute features (oracle embeddings)
  relate: Record<Relation, Float64Array>;    // R_r[i][j] = +τ iff j ∈ relationships[r][i], −τ otherwise and on the diagonal
  same: Record<Attribute, Float64Array>;     // E_a, self-masked
  equal: Record<Attribute, Float64Array>;    // E′_a, not self-masked
  /** s_c for each of the 15 concept values, computed on first use. */
  scoreCache: (Float64Array | undefined)[];
}

const cache = new WeakMap<Scene, SoftScene>();

/** A record whose values are computed on first read and kept. */
function lazyRecord<K extends string>(keys: readonly K[], make: (k: K) => Float64Array): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const k of keys) {
    let v: Float64Array | undefined;
    Object.defineProperty(out, k, { enumerable: true, get: () => (v ??= make(k)) });
  }
  return out;
}

export function softScene(scene: Scene): SoftScene {
  const hit = cache.get(scene);
  if (hit) return hit;
  const n = scene.objects.length;
  const features = new Float64Array(n * D);
  scene.objects.forEach((o, i) => { for (const a of ATTRIBUTES) features[i * D + CONCEPT_INDEX.get(o[a])!] = 1; });
  // The n×n matrices are built on first use: most programs touch one relation or none.
  const relate = lazyRecord<Relation>(RELATIONS, (r) => {
    const m = K.full(n * n, -TAU);
    scene.relations[r].forEach((js, i) => { for (const j of js) if (j !== i) m[i * n + j] = TAU; });
    return m;
  });
  const attrMatrix = (a: Attribute, self: boolean) => {
    const m = K.full(n * n, -TAU);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if ((self || i !== j) && scene.objects[i][a] === scene.objects[j][a]) m[i * n + j] = TAU;
    }
    return m;
  };
  const same = lazyRecord<Attribute>(ATTRIBUTES, (a) => attrMatrix(a, false));
  const equal = lazyRecord<Attribute>(ATTRIBUTES, (a) => attrMatrix(a, true));
  const s: SoftScene = { n, features, relate, same, equal, scoreCache: new Array(D) };
  cache.set(scene, s);
  return s;
}

export function oneHotConcept(c: string): Float64Array {
  const d = new Float64Array(D);
  const k = CONCEPT_INDEX.get(c);
  if (k !== undefined) d[k] = 1;
  return d;
}

const CONSTANTS = new Map<string, SoftValue>(CONCEPTS.map((c) => [c, { t: 'concept', dist: oneHotConcept(c), attr: attributeOf(c), onehot: CONCEPT_INDEX.get(c) }]));

export class SoftPrims implements Prims<SoftValue> {
  readonly s: SoftScene;
  constructor(scene: Scene) { this.s = softScene(scene); }

  concept(c: string): SoftValue {
    // Constants are immutable values: one object per concept, shared by every program.
    return CONSTANTS.get(c) ?? { t: 'concept', dist: oneHotConcept(c), attr: attributeOf(c), onehot: CONCEPT_INDEX.get(c) };
  }
  attribute(a: string): SoftValue { return { t: 'attr', a: a as Attribute }; }
  relation(r: string): SoftValue { return { t: 'rel', r: r as Relation }; }
  list(items: SoftValue[]): SoftValue { return { t: 'concepts', items: items.map((x) => (x.t === 'concept' ? x.dist : new Float64Array(D))) }; }

  /** s_c(i) = τ·(2·⟨h_i, e_c⟩ − 1): +τ when object i has the concept, −τ otherwise (oracle mode). */
  scores(dist: Float64Array, onehot?: number): Float64Array {
    if (onehot !== undefined) {
      return (this.s.scoreCache[onehot] ??= K.scaleShift(K.matVec(this.s.features, dist, this.s.n, D), 2 * TAU, -TAU));
    }
    return K.scaleShift(K.matVec(this.s.features, dist, this.s.n, D), 2 * TAU, -TAU);
  }
  private conceptScores(v: SoftValue, fn: string): Float64Array {
    if (v.t !== 'concept') throw new ExecError(`${fn}: expected a concept`);
    return this.scores(v.dist, v.onehot);
  }

  private set(v: SoftValue, fn: string): Float64Array {
    if (v.t !== 'set') throw new ExecError(`${fn}: expected an object set`);
    return v.logits;
  }
  /** X4: an ObjectSet used as an Object becomes softmax(S). */
  private object(v: SoftValue, fn: string): Float64Array {
    if (v.t === 'object') return v.p;
    if (v.t === 'set') return K.softmax(v.logits);
    throw new ExecError(`${fn}: expected an object`);
  }
  private attr(v: SoftValue, fn: string): Attribute {
    if (v.t !== 'attr') throw new ExecError(`${fn}: expected an attribute name`);
    return v.a;
  }
  private int(v: SoftValue, fn: string): number {
    if (v.t !== 'int') throw new ExecError(`${fn}: expected an integer`);
    return v.n;
  }
  private dist(v: SoftValue, fn: string): Float64Array {
    if (v.t !== 'concept') throw new ExecError(`${fn}: expected a concept`);
    return v.dist;
  }

  private query(o: Float64Array, a: Attribute): SoftValue {
    const vals = VALUES[a];
    const q = new Float64Array(vals.length);
    vals.forEach((c, k) => { const i = CONCEPT_INDEX.get(c)!; q[k] = K.dot(o, this.scores(oneHotConcept(c), i)); });
    const p = K.softmax(q);
    const dist = new Float64Array(D);
    vals.forEach((c, k) => { dist[CONCEPT_INDEX.get(c)!] = p[k]; });
    return { t: 'concept', dist, attr: a };
  }

  private countGreater(a: number, b: number): number { return (a - b - 1 + 0.5) / 0.25; }
  private countEqual(a: number, b: number): number { return ((0.5 - Math.abs(a - b)) / 0.5) / 0.25; }

  call(sig: FunctionSig, a: SoftValue[]): SoftValue {
    const fn = sig.name;
    const { n } = this.s;
    switch (fn) {
      case 'scene': return { t: 'set', logits: K.full(n, TAU) };
      case 'unique': return { t: 'object', p: K.softmax(this.set(a[0], fn)) };
      case 'relate': {
        if (a[1].t !== 'rel') throw new ExecError('relate: expected a relation');
        return { t: 'set', logits: K.vecMat(this.object(a[0], fn), this.s.relate[a[1].r], n) };
      }
      case 'union': return { t: 'set', logits: K.maxVec(this.set(a[0], fn), this.set(a[1], fn)) };
      case 'intersect': return { t: 'set', logits: K.minVec(this.set(a[0], fn), this.set(a[1], fn)) };
      case 'count': return { t: 'int', n: K.sigmoidSum(this.set(a[0], fn)) };
      case 'exist': return { t: 'bool', logit: n ? K.maxOf(this.set(a[0], fn)) : -TAU };
      case 'filter': {
        let s = this.set(a[0], fn);
        if (a[1].t === 'concepts') for (const d of a[1].items) s = K.minVec(s, this.scores(d));
        else s = K.minVec(s, this.conceptScores(a[1], fn));
        return { t: 'set', logits: s };
      }
      case 'query': return this.query(this.object(a[0], fn), this.attr(a[1], fn));
      case 'relate_attribute_equal':
        return { t: 'set', logits: K.vecMat(this.object(a[0], fn), this.s.same[this.attr(a[1], fn)], n) };
      case 'query_attribute_equal':
        return { t: 'bool', logit: K.bilinear(this.object(a[0], fn), this.s.equal[this.attr(a[2], fn)], this.object(a[1], fn), n) };
      case 'count_greater': return { t: 'bool', logit: this.countGreater(K.sigmoidSum(this.set(a[0], fn)), K.sigmoidSum(this.set(a[1], fn))) };
      case 'count_less': return { t: 'bool', logit: this.countGreater(K.sigmoidSum(this.set(a[1], fn)), K.sigmoidSum(this.set(a[0], fn))) };
      case 'count_equal': return { t: 'bool', logit: this.countEqual(K.sigmoidSum(this.set(a[0], fn)), K.sigmoidSum(this.set(a[1], fn))) };
      case 'equal_integer': return { t: 'bool', logit: this.countEqual(this.int(a[0], fn), this.int(a[1], fn)) };
      case 'greater_than': return { t: 'bool', logit: this.countGreater(this.int(a[0], fn), this.int(a[1], fn)) };
      case 'less_than': return { t: 'bool', logit: this.countGreater(this.int(a[1], fn), this.int(a[0], fn)) };
      case 'equal_object': return { t: 'bool', logit: K.logit(K.dot(this.object(a[0], fn), this.object(a[1], fn))) };
    }
    const m = /^(filter|query|same|equal)_(color|shape|size|material)$/.exec(fn);
    if (m) {
      const at = m[2] as Attribute;
      switch (m[1]) {
        case 'filter': return { t: 'set', logits: K.minVec(this.set(a[0], fn), this.conceptScores(a[1], fn)) };
        case 'query': return this.query(this.object(a[0], fn), at);
        case 'same': return { t: 'set', logits: K.vecMat(this.object(a[0], fn), this.s.same[at], n) };
        case 'equal': return { t: 'bool', logit: K.logit(K.dot(this.dist(a[0], fn), this.dist(a[1], fn))) };
      }
    }
    throw new ExecError(`no soft semantics for '${fn}'`);
  }
}

/** The answer after test-time quantisation: yes/no by the sign, a count rounded, the argmax value. */
export function softAnswer(v: SoftValue): string | undefined {
  switch (v.t) {
    case 'bool': return v.logit > 0 ? 'yes' : 'no';
    case 'int': return String(Math.round(v.n));
    case 'concept': {
      let best = -1, k = -1;
      v.dist.forEach((p, i) => { if (p > best) { best = p; k = i; } });
      return k >= 0 ? CONCEPTS[k] : undefined;
    }
    default: return undefined;
  }
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? Number(x.toPrecision(6)).toString() : x.toExponential(3));

export function describeSoft(v: SoftValue, scene: Scene): string {
  const ids = scene.objects.map((o) => o.id);
  switch (v.t) {
    case 'set': return `logits {${[...v.logits].map((x, i) => `${ids[i]}: ${fmt(x)} (p ${fmt(K.sigmoid(x))})`).join(', ')}}`;
    case 'object': return `object distribution {${[...v.p].map((x, i) => `${ids[i]}: ${fmt(x)}`).join(', ')}}`;
    case 'concept': {
      const parts = [...v.dist].map((p, i) => [CONCEPTS[i], p] as const).filter(([, p]) => p > 1e-12).sort((x, y) => y[1] - x[1]);
      return `{${parts.map(([c, p]) => `${c}: ${fmt(p)}`).join(', ')}}`;
    }
    case 'concepts': return `[${v.items.length} concepts]`;
    case 'attr': return v.a;
    case 'rel': return v.r;
    case 'bool': return `logit ${fmt(v.logit)} (P(yes) = ${fmt(K.sigmoid(v.logit))})`;
    case 'int': return `expected count ${fmt(v.n)}`;
  }
}

export function runSoft(e: Expr, scene: Scene, trace?: Map<Expr, Val<SoftValue>>): SoftValue {
  return new Evaluator(new SoftPrims(scene), trace).value(e);
}
