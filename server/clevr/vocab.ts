// CLEVR v1.0 vocabulary (math spec §2.3): attribute values, synonyms, relations. Everything that maps
// a written word to a canonical concept goes through here, so scenes, programs and lexicons agree.
import { didYouMean } from '../text/suggest';

export type Attribute = 'color' | 'shape' | 'size' | 'material';
export type Relation = 'left' | 'right' | 'front' | 'behind';

export const ATTRIBUTES: Attribute[] = ['size', 'color', 'material', 'shape'];
export const RELATIONS: Relation[] = ['left', 'right', 'front', 'behind'];

export const VALUES: Record<Attribute, string[]> = {
  color: ['gray', 'red', 'blue', 'green', 'brown', 'purple', 'cyan', 'yellow'],
  shape: ['cube', 'sphere', 'cylinder'],
  material: ['rubber', 'metal'],
  size: ['small', 'large'],
};

/** The 15 concept values in a fixed order: the axis of soft concept distributions and features. */
export const CONCEPTS: string[] = [...VALUES.color, ...VALUES.shape, ...VALUES.material, ...VALUES.size];
export const CONCEPT_INDEX = new Map(CONCEPTS.map((c, i) => [c, i]));

const SYNONYMS: Record<string, string> = {
  ball: 'sphere', spheres: 'sphere', balls: 'sphere',
  block: 'cube', cubes: 'cube', blocks: 'cube', cylinders: 'cylinder',
  big: 'large', tiny: 'small',
  metallic: 'metal', shiny: 'metal', matte: 'rubber',
  grey: 'gray',
};

const ATTRIBUTE_OF = new Map<string, Attribute>();
for (const a of ATTRIBUTES) for (const v of VALUES[a]) ATTRIBUTE_OF.set(v, a);

/** Canonical concept value for a word (synonyms resolved), or undefined. */
export function canonicalConcept(word: string): string | undefined {
  const w = word.toLowerCase();
  const c = SYNONYMS[w] ?? w;
  return ATTRIBUTE_OF.has(c) ? c : undefined;
}

export function attributeOf(concept: string): Attribute | undefined {
  return ATTRIBUTE_OF.get(concept);
}

export function isAttribute(word: string): word is Attribute {
  return (ATTRIBUTES as string[]).includes(word);
}

export function isRelation(word: string): word is Relation {
  return (RELATIONS as string[]).includes(word);
}

/** Every word accepted as a concept (canonical values and synonyms), for suggestions and completion. */
export function conceptWords(): string[] {
  return [...CONCEPTS, ...Object.keys(SYNONYMS)];
}

/** Normalises a stored CLEVR answer (strings, JSON booleans, integers) to CLEVR's spelling. */
export function normaliseAnswer(a: unknown): string | undefined {
  if (a === true) return 'yes';
  if (a === false) return 'no';
  if (typeof a === 'number' && Number.isInteger(a)) return String(a);
  if (typeof a === 'string') {
    const t = a.trim().toLowerCase();
    if (t === 'true') return 'yes';
    if (t === 'false') return 'no';
    return canonicalConcept(t) ?? t;
  }
  return undefined;
}

/** "Did you mean": edit distance (registry's rule), then a single swap of adjacent letters. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const d = didYouMean(word, list);
  if (d) return d;
  const w = word.toLowerCase();
  for (const c of list) {
    if (c.length !== w.length) continue;
    const diff: number[] = [];
    for (let i = 0; i < w.length && diff.length <= 2; i++) if (w[i] !== c[i]) diff.push(i);
    if (diff.length === 2 && diff[1] === diff[0] + 1 && w[diff[0]] === c[diff[1]] && w[diff[1]] === c[diff[0]]) return c;
  }
  return undefined;
}

/** The synonym table (word → canonical concept), for the generated user guide. */
export function synonymTable(): [string, string][] {
  return Object.entries(SYNONYMS);
}
