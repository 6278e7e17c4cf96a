// Scenes: the object list with attributes and the relationship lists, built from an inline `scene`
// block (relationships derived from positions) or imported from a CLEVR scenes file (relationships as
// stored there). relations[r][i] lists the objects j that are r OF object i (math spec §2.1).
import { Attribute, attributeOf, canonicalConcept, Relation, RELATIONS, VALUES } from './vocab';
import { JsonError, joinPath, parseJsonWithPaths } from './json';

export interface SceneObject {
  /** Name used in hovers and messages: the inline id, or the index in a scenes file. */
  id: string;
  size: string; color: string; material: string; shape: string;
  position?: [number, number];
}

export interface Scene {
  name: string;
  objects: SceneObject[];
  relations: Record<Relation, number[][]>;
  /** CLEVR image_index for file scenes (questions refer to scenes by it). */
  imageIndex?: number;
}

export const MARGIN = 0.2;

/**
 * CLEVR's rule on a ground plane: x grows to the right, y toward the front. A relation is an order on
 * one coordinate, so each object's list comes from a binary search in the objects sorted by that
 * coordinate, computed when first read (a 20,000-object scene never builds an n×n structure).
 */
export function relationsFromPositions(pos: ([number, number] | undefined)[]): Record<Relation, number[][]> {
  const n = pos.length;
  const placed = pos.map((_, i) => i).filter((i) => pos[i]);
  const byX = [...placed].sort((a, b) => pos[a]![0] - pos[b]![0]);
  const byY = [...placed].sort((a, b) => pos[a]![1] - pos[b]![1]);
  // First index in `order` whose coordinate is > v (strict) — upper bound by binary search.
  const upper = (order: number[], c: 0 | 1, v: number) => {
    let lo = 0, hi = order.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (pos[order[m]]![c] <= v) lo = m + 1; else hi = m; }
    return lo;
  };
  const lower = (order: number[], c: 0 | 1, v: number) => {
    let lo = 0, hi = order.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (pos[order[m]]![c] < v) lo = m + 1; else hi = m; }
    return lo;
  };
  const row = (r: Relation, i: number): number[] => {
    const p = pos[i];
    if (!p) return [];
    let ids: number[];
    switch (r) {
      case 'left': ids = byX.slice(0, lower(byX, 0, p[0] - MARGIN)); break;      // x_j < x_i − 0.2
      case 'right': ids = byX.slice(upper(byX, 0, p[0] + MARGIN)); break;        // x_j > x_i + 0.2
      case 'front': ids = byY.slice(upper(byY, 1, p[1] + MARGIN)); break;        // y_j > y_i + 0.2
      case 'behind': ids = byY.slice(0, lower(byY, 1, p[1] - MARGIN)); break;    // y_j < y_i − 0.2
    }
    return ids.filter((j) => j !== i).sort((a, b) => a - b);
  };
  const rel = {} as Record<Relation, number[][]>;
  for (const r of RELATIONS) rel[r] = lazyRows(n, (i) => row(r, i));
  derived.add(rel);
  return rel;
}

const derived = new WeakSet<object>();
/** Whether a scene's relations were derived from positions (a lazy structure that is rebuilt, not copied, across threads). */
export function derivedRelations(s: Scene): boolean { return derived.has(s.relations); }

/** An array of n rows, each computed on first access (reads like a plain number[][]). */
function lazyRows(n: number, compute: (i: number) => number[]): number[][] {
  const rows: (number[] | undefined)[] = new Array(n);
  const isIndex = (p: string | symbol): p is string => typeof p === 'string' && /^\d+$/.test(p) && Number(p) < n;
  return new Proxy(rows as number[][], {
    get(target, p, recv) {
      if (isIndex(p)) { const i = Number(p); return (rows[i] ??= compute(i)); }
      return Reflect.get(target, p, recv);
    },
    has(target, p) { return isIndex(p) || Reflect.has(target, p); },
    getOwnPropertyDescriptor(target, p) {
      if (isIndex(p)) { const i = Number(p); return { value: (rows[i] ??= compute(i)), writable: true, enumerable: true, configurable: true }; }
      return Reflect.getOwnPropertyDescriptor(target, p);
    },
    ownKeys(target) { return [...Array.from({ length: n }, (_, i) => String(i)), ...Reflect.ownKeys(target).filter((k) => !isIndex(k))]; },
  });
}

/** Most objects a scene may have: the soft executor's relation matrices are n×n. */
export const MAX_SCENE_OBJECTS = 2000;

export function describeObject(o: SceneObject): string {
  return `${o.size} ${o.color} ${o.material} ${o.shape}`;
}

export function attr(o: SceneObject, a: Attribute): string {
  return o[a];
}

/** The scene of a scenes file with image index k, or a message listing the indices there are. */
export function sceneByImageIndex(name: string, scenes: Scene[], k: number): Scene | string {
  const hit = scenes.find((sc) => sc.imageIndex === k);
  if (hit) return hit;
  const ks = [...new Set(scenes.map((sc) => sc.imageIndex).filter((x): x is number => x !== undefined))].sort((x, y) => x - y);
  const list = ks.length === 0 ? (scenes.length ? 'none of its scenes has an image_index' : 'it holds no scenes')
    : `image indices: ${ks.length > 12 ? `${ks.slice(0, 12).join(', ')}, … (${ks.length})` : ks.join(', ')}`;
  return `'${name}' has no scene with image index ${k} (${list})`;
}

export interface ScenesFileResult {
  scenes: Scene[];
  /** Problems that did not stop the import (each with its JSON path and text offset). */
  errors: JsonError[];
  /** Parts of kept scenes that were ignored (objects past MAX_SCENE_OBJECTS). */
  truncated: JsonError[];
}

/**
 * Imports a CLEVR scenes file. A syntax error throws JsonError; a malformed scene is skipped with an
 * error naming its JSON path, so one bad entry does not hide the others.
 */
export function parseScenesFile(text: string, name: string): ScenesFileResult {
  const { value, offsets } = parseJsonWithPaths(text);
  const at = (p: string) => offsets.get(p) ?? 0;
  const errors: JsonError[] = [], truncated: JsonError[] = [];
  const root = value as { scenes?: unknown };
  let list: unknown;
  let base = 'scenes';
  if (Array.isArray(value)) { list = value; base = ''; }
  else if (value && typeof value === 'object' && Array.isArray(root.scenes)) list = root.scenes;
  else throw new JsonError('expected an object with a "scenes" list (a CLEVR scenes file)', '', 0);
  const scenes: Scene[] = [];
  (list as unknown[]).forEach((s, k) => {
    const path = base ? `${base}[${k}]` : `[${k}]`;
    try {
      const notes: JsonError[] = [];
      scenes.push(parseScene(s, path, at, `${name}[${k}]`, (e) => notes.push(e)));
      truncated.push(...notes);
    } catch (e) {
      if (e instanceof JsonError) errors.push(e); else throw e;
    }
  });
  return { scenes, errors, truncated };
}

function parseScene(s: unknown, path: string, at: (p: string) => number, name: string, warn: (e: JsonError) => void): Scene {
  const err = (p: string, m: string) => new JsonError(m, p, at(p));
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw err(path, 'expected a scene object');
  const sc = s as Record<string, unknown>;
  const objsPath = joinPath(path, 'objects');
  if (!Array.isArray(sc.objects)) throw err(sc.objects === undefined ? path : objsPath, 'expected an "objects" list');
  // As for inline scenes: the first MAX_SCENE_OBJECTS objects are kept, the rest ignored (one diagnostic).
  const total = sc.objects.length;
  if (total > MAX_SCENE_OBJECTS) warn(err(joinPath(objsPath, MAX_SCENE_OBJECTS), `the scene has ${total} objects; a scene has at most ${MAX_SCENE_OBJECTS} — objects from ${MAX_SCENE_OBJECTS} on are ignored`));
  const objects: SceneObject[] = [];
  const coords: ([number, number, number] | undefined)[] = [];
  (total > MAX_SCENE_OBJECTS ? sc.objects.slice(0, MAX_SCENE_OBJECTS) : sc.objects).forEach((o, i) => {
    const op = joinPath(objsPath, i);
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw err(op, 'expected an object description');
    const rec = o as Record<string, unknown>;
    const vals: Partial<Record<Attribute, string>> = {};
    for (const a of ['size', 'color', 'material', 'shape'] as Attribute[]) {
      const ap = joinPath(op, a);
      const v = rec[a];
      if (typeof v !== 'string') throw err(rec[a] === undefined ? op : ap, `missing ${a} (expected one of ${VALUES[a].join(', ')})`);
      const c = canonicalConcept(v);
      if (!c || attributeOf(c) !== a) throw err(ap, `unknown ${a} '${v}' (CLEVR v1.0 has ${VALUES[a].join(', ')})`);
      vals[a] = c;
    }
    const c3 = rec['3d_coords'];
    if (c3 !== undefined) {
      if (!Array.isArray(c3) || c3.length < 2 || c3.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        throw err(joinPath(op, '3d_coords'), 'expected a list of 3 numbers');
      }
      coords.push([c3[0], c3[1], c3[2] ?? 0]);
    } else coords.push(undefined);
    objects.push({ id: String(i), size: vals.size!, color: vals.color!, material: vals.material!, shape: vals.shape!,
      position: c3 ? [(c3 as number[])[0], (c3 as number[])[1]] : undefined });
  });
  const n = objects.length;
  let relations: Record<Relation, number[][]>;
  const rp = joinPath(path, 'relationships');
  if (sc.relationships !== undefined) {
    if (!sc.relationships || typeof sc.relationships !== 'object') throw err(rp, 'expected relationship lists');
    const rel = sc.relationships as Record<string, unknown>;
    relations = {} as Record<Relation, number[][]>;
    for (const r of RELATIONS) {
      const p = joinPath(rp, r);
      const lists = rel[r];
      if (!Array.isArray(lists) || lists.length !== total) throw err(lists === undefined ? rp : p, `expected "${r}": one list per object (${total})`);
      relations[r] = lists.slice(0, n).map((l, i) => {
        if (!Array.isArray(l) || l.some((j) => !Number.isInteger(j) || j < 0 || j >= total)) {
          throw err(joinPath(p, i), `expected a list of object indices in 0..${total - 1}`);
        }
        // Ignored objects (past the cap) take part in no relation.
        return total > n ? (l as number[]).filter((j) => j < n) : [...(l as number[])];
      });
    }
  } else {
    const dirs = sc.directions as Record<string, unknown> | undefined;
    if (dirs && typeof dirs === 'object' && coords.every(Boolean)) {
      // Same rule as CLEVR's generator: (coords_j − coords_i)·direction_r > 0.2.
      relations = {} as Record<Relation, number[][]>;
      for (const r of RELATIONS) {
        const d = dirs[r];
        if (!Array.isArray(d) || d.length < 2 || d.some((x) => typeof x !== 'number')) throw err(joinPath(joinPath(path, 'directions'), r), 'expected a direction vector');
        relations[r] = coords.map((ci, i) => coords.map((cj, j) => j).filter((j) => {
          if (j === i) return false;
          const cj = coords[j]!;
          let dot = 0;
          for (let k = 0; k < 3; k++) dot += (cj[k] - ci![k]) * ((d as number[])[k] ?? 0);
          return dot > MARGIN;
        }));
      }
    } else {
      relations = relationsFromPositions(objects.map((o) => o.position));
    }
  }
  const imageIndex = Number.isInteger(sc.image_index) ? (sc.image_index as number) : undefined;
  return { name, objects, relations, imageIndex };
}
