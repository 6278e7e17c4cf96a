// The program functions: the full CLEVR set (math spec §2.4) and the compact NS-CL/G2L2 set (§2.5),
// with their typed signatures. The checker, completion, hover and both executors read this table.
import { Attribute, ATTRIBUTES } from './vocab';

export type Type = 'ObjectSet' | 'Object' | 'Concept' | 'Relation' | 'Bool' | 'Integer' | 'Attribute';
export const TYPES: Type[] = ['ObjectSet', 'Object', 'Concept', 'Relation', 'Bool', 'Integer', 'Attribute'];

export interface ParamType {
  type: Type;
  /** For Concept parameters: the attribute the value must belong to (filter_color → color). */
  attr?: Attribute;
  /** Concept parameter that also accepts a list `[small, blue, sphere]` (compact `filter`). */
  list?: boolean;
  /** Object parameter that also accepts an ObjectSet as an implicit unique (compact set, §2.5). */
  implicitUnique?: boolean;
}

export interface FunctionSig {
  name: string;
  params: ParamType[];
  result: Type;
  /** Concept results: which attribute (query_color → color); `query` takes it from its argument. */
  resultAttr?: Attribute;
  set: 'clevr' | 'compact' | 'both';
  doc: string;
}

const sigs: FunctionSig[] = [];
const add = (s: FunctionSig) => sigs.push(s);
const OS: ParamType = { type: 'ObjectSet' };
const OBJ: ParamType = { type: 'Object' };
const OBJU: ParamType = { type: 'Object', implicitUnique: true };

add({ name: 'scene', params: [], result: 'ObjectSet', set: 'both', doc: 'all objects of the scene' });
add({ name: 'unique', params: [OS], result: 'Object', set: 'clevr', doc: 'the single member of a set; an error when its size is not 1 (soft: softmax of the logits)' });
add({ name: 'relate', params: [OBJU, { type: 'Relation' }], result: 'ObjectSet', set: 'both', doc: 'the objects that are in relation `r` of the object (left, right, front, behind)' });
add({ name: 'union', params: [OS, OS], result: 'ObjectSet', set: 'both', doc: 'set union (soft: elementwise max)' });
add({ name: 'intersect', params: [OS, OS], result: 'ObjectSet', set: 'both', doc: 'set intersection (soft: elementwise min)' });
add({ name: 'count', params: [OS], result: 'Integer', set: 'both', doc: 'number of objects (soft: sum of sigmoids)' });
add({ name: 'exist', params: [OS], result: 'Bool', set: 'both', doc: 'whether the set is non-empty (soft: max logit)' });
for (const a of ATTRIBUTES) {
  add({ name: `filter_${a}`, params: [OS, { type: 'Concept', attr: a }], result: 'ObjectSet', set: 'clevr', doc: `keep the objects whose ${a} is the given value` });
  add({ name: `query_${a}`, params: [OBJ], result: 'Concept', resultAttr: a, set: 'clevr', doc: `the ${a} of the object` });
  add({ name: `same_${a}`, params: [OBJ], result: 'ObjectSet', set: 'clevr', doc: `the other objects (the object itself excluded) with the same ${a}` });
  add({ name: `equal_${a}`, params: [{ type: 'Concept', attr: a }, { type: 'Concept', attr: a }], result: 'Bool', set: 'clevr', doc: `whether two ${a} values are equal` });
}
add({ name: 'equal_integer', params: [{ type: 'Integer' }, { type: 'Integer' }], result: 'Bool', set: 'clevr', doc: 'whether two counts are equal' });
add({ name: 'less_than', params: [{ type: 'Integer' }, { type: 'Integer' }], result: 'Bool', set: 'clevr', doc: 'whether the first count is smaller' });
add({ name: 'greater_than', params: [{ type: 'Integer' }, { type: 'Integer' }], result: 'Bool', set: 'clevr', doc: 'whether the first count is larger' });
add({ name: 'equal_object', params: [OBJ, OBJ], result: 'Bool', set: 'clevr', doc: 'whether two objects are the same object' });
add({ name: 'filter', params: [OS, { type: 'Concept', list: true }], result: 'ObjectSet', set: 'compact', doc: 'keep the objects having the concept (or every concept of a list); soft: fuzzy AND (min)' });
add({ name: 'query', params: [OBJU, { type: 'Attribute' }], result: 'Concept', set: 'compact', doc: 'the value of an attribute of the object (soft: a distribution over the values)' });
add({ name: 'relate_attribute_equal', params: [OBJU, { type: 'Attribute' }], result: 'ObjectSet', set: 'compact', doc: 'the other objects with the same value of the attribute (same_* of CLEVR)' });
add({ name: 'query_attribute_equal', params: [OBJU, OBJU, { type: 'Attribute' }], result: 'Bool', set: 'compact', doc: 'whether two objects share the value of the attribute' });
add({ name: 'count_less', params: [OS, OS], result: 'Bool', set: 'compact', doc: 'whether the first set has fewer objects' });
add({ name: 'count_equal', params: [OS, OS], result: 'Bool', set: 'compact', doc: 'whether both sets have the same number of objects' });
add({ name: 'count_greater', params: [OS, OS], result: 'Bool', set: 'compact', doc: 'whether the first set has more objects' });

export const FUNCTIONS = new Map(sigs.map((s) => [s.name, s]));

/** Template-only composite nodes of CLEVR's generator: never valid in a program (§2.2). */
export const TEMPLATE_ONLY = new Set(['filter_unique', 'filter_count', 'filter_exist', 'relate_filter',
  'relate_filter_unique', 'relate_filter_count', 'relate_filter_exist']);

export function signatureText(s: FunctionSig): string {
  const p = s.params.map((x) => (x.attr ? x.attr : x.list ? 'Concept | [Concept…]' : x.type)).join(', ');
  return `${s.name}(${p}) → ${s.resultAttr ?? s.result}`;
}
