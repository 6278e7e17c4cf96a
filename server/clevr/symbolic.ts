// The symbolic executor: CLEVR's reference semantics (math spec §2.4) on exact object sets.
import type { Expr } from './ast';
import { Evaluator, ExecError, Prims, Val } from './evaluate';
import type { FunctionSig } from './functions';
import type { Scene } from './scene';
import { Attribute, attributeOf, Relation } from './vocab';

export type SymValue =
  | { t: 'set'; ids: number[] }
  | { t: 'object'; i: number }
  | { t: 'concept'; v: string }
  | { t: 'attr'; a: Attribute }
  | { t: 'rel'; r: Relation }
  | { t: 'concepts'; vs: string[] }
  | { t: 'bool'; b: boolean }
  | { t: 'int'; n: number };

export class SymbolicPrims implements Prims<SymValue> {
  constructor(private scene: Scene) {}
  concept(c: string): SymValue { return { t: 'concept', v: c }; }
  attribute(a: string): SymValue { return { t: 'attr', a: a as Attribute }; }
  relation(r: string): SymValue { return { t: 'rel', r: r as Relation }; }
  list(items: SymValue[]): SymValue {
    return { t: 'concepts', vs: items.map((x) => (x.t === 'concept' ? x.v : '')) };
  }

  private set(v: SymValue, fn: string): number[] {
    if (v.t !== 'set') throw new ExecError(`${fn}: expected an object set, found ${describeSym(v, this.scene)}`);
    return v.ids;
  }
  private object(v: SymValue, fn: string): number {
    if (v.t === 'object') return v.i;
    if (v.t === 'set') return this.unique(v.ids, fn);
    throw new ExecError(`${fn}: expected an object, found ${describeSym(v, this.scene)}`);
  }
  private unique(ids: number[], fn: string): number {
    if (ids.length === 1) return ids[0];
    const names = ids.map((i) => this.scene.objects[i].id);
    const what = fn === 'unique' ? 'unique' : `${fn} (implicit unique)`;
    if (ids.length === 0) throw new ExecError(`${what}: no object matches`);
    throw new ExecError(`${what}: ${ids.length} objects match: ${names.join(', ')}`);
  }
  private int(v: SymValue, fn: string): number {
    if (v.t !== 'int') throw new ExecError(`${fn}: expected an integer`);
    return v.n;
  }
  private conceptOf(v: SymValue, fn: string): string {
    if (v.t !== 'concept') throw new ExecError(`${fn}: expected a concept`);
    return v.v;
  }
  private attrOf(v: SymValue, fn: string): Attribute {
    if (v.t !== 'attr') throw new ExecError(`${fn}: expected an attribute name`);
    return v.a;
  }

  call(sig: FunctionSig, a: SymValue[]): SymValue {
    const objs = this.scene.objects;
    const fn = sig.name;
    switch (fn) {
      case 'scene': return { t: 'set', ids: objs.map((_, i) => i) };
      case 'unique': return { t: 'object', i: this.unique(this.set(a[0], fn), fn) };
      case 'relate': {
        const i = this.object(a[0], fn);
        if (a[1].t !== 'rel') throw new ExecError('relate: expected a relation');
        return { t: 'set', ids: [...this.scene.relations[a[1].r][i]].sort((x, y) => x - y) };
      }
      case 'union': case 'intersect': {
        // Membership flags over the scene's objects: sets stay sorted by object index.
        const flags = new Uint8Array(objs.length);
        for (const i of this.set(a[0], fn)) flags[i] |= 1;
        for (const i of this.set(a[1], fn)) flags[i] |= 2;
        const want = fn === 'union' ? 0 : 3;
        const ids: number[] = [];
        for (let i = 0; i < flags.length; i++) if (want === 0 ? flags[i] !== 0 : flags[i] === 3) ids.push(i);
        return { t: 'set', ids };
      }
      case 'count': return { t: 'int', n: this.set(a[0], fn).length };
      case 'exist': return { t: 'bool', b: this.set(a[0], fn).length > 0 };
      case 'filter': {
        const concepts = a[1].t === 'concepts' ? a[1].vs : [this.conceptOf(a[1], fn)];
        let ids = this.set(a[0], fn);
        for (const c of concepts) {
          const at = attributeOf(c);
          if (!at) throw new ExecError(`filter: '${c}' is not a concept`);
          ids = keepWhere(ids, objs, at, c);
        }
        return { t: 'set', ids };
      }
      case 'query': {
        const i = this.object(a[0], fn);
        return { t: 'concept', v: objs[i][this.attrOf(a[1], fn)] };
      }
      case 'relate_attribute_equal': {
        const i = this.object(a[0], fn);
        const at = this.attrOf(a[1], fn);
        return { t: 'set', ids: objs.map((_, j) => j).filter((j) => j !== i && objs[j][at] === objs[i][at]) };
      }
      case 'query_attribute_equal': {
        const at = this.attrOf(a[2], fn);
        return { t: 'bool', b: objs[this.object(a[0], fn)][at] === objs[this.object(a[1], fn)][at] };
      }
      case 'count_less': return { t: 'bool', b: this.set(a[0], fn).length < this.set(a[1], fn).length };
      case 'count_equal': return { t: 'bool', b: this.set(a[0], fn).length === this.set(a[1], fn).length };
      case 'count_greater': return { t: 'bool', b: this.set(a[0], fn).length > this.set(a[1], fn).length };
      case 'equal_integer': return { t: 'bool', b: this.int(a[0], fn) === this.int(a[1], fn) };
      case 'less_than': return { t: 'bool', b: this.int(a[0], fn) < this.int(a[1], fn) };
      case 'greater_than': return { t: 'bool', b: this.int(a[0], fn) > this.int(a[1], fn) };
      case 'equal_object': return { t: 'bool', b: this.object(a[0], fn) === this.object(a[1], fn) };
    }
    const m = /^(filter|query|same|equal)_(color|shape|size|material)$/.exec(fn);
    if (m) {
      const at = m[2] as Attribute;
      switch (m[1]) {
        case 'filter': {
          const c = this.conceptOf(a[1], fn);
          return { t: 'set', ids: keepWhere(this.set(a[0], fn), objs, at, c) };
        }
        case 'query': return { t: 'concept', v: objs[this.object(a[0], fn)][at] };
        case 'same': {
          const i = this.object(a[0], fn);
          return { t: 'set', ids: objs.map((_, j) => j).filter((j) => j !== i && objs[j][at] === objs[i][at]) };
        }
        case 'equal': return { t: 'bool', b: this.conceptOf(a[0], fn) === this.conceptOf(a[1], fn) };
      }
    }
    throw new ExecError(`no symbolic semantics for '${fn}'`);
  }
}

function keepWhere(ids: number[], objs: Scene['objects'], at: Attribute, value: string): number[] {
  const out: number[] = [];
  for (const i of ids) if (objs[i][at] === value) out.push(i);
  return out;
}

/** CLEVR's spelling of an answer: yes/no, integers as strings, attribute words. */
export function symAnswer(v: SymValue): string | undefined {
  switch (v.t) {
    case 'bool': return v.b ? 'yes' : 'no';
    case 'int': return String(v.n);
    case 'concept': return v.v;
    default: return undefined;
  }
}

export function describeSym(v: SymValue, scene: Scene): string {
  const obj = (i: number) => { const o = scene.objects[i]; return `${o.id} (${o.size} ${o.color} ${o.material} ${o.shape})`; };
  switch (v.t) {
    case 'set': return v.ids.length ? `{${v.ids.map(obj).join(', ')}}` : '∅ (no object)';
    case 'object': return obj(v.i);
    case 'concept': return v.v;
    case 'concepts': return `[${v.vs.join(', ')}]`;
    case 'attr': return v.a;
    case 'rel': return v.r;
    case 'bool': return v.b ? 'yes' : 'no';
    case 'int': return String(v.n);
  }
}

export function runSymbolic(e: Expr, scene: Scene, trace?: Map<Expr, Val<SymValue>>): SymValue {
  return new Evaluator(new SymbolicPrims(scene), trace).value(e);
}
