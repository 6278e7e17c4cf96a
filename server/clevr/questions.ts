// CLEVR questions files: each question's program (a list of nodes keyed `function` or `type`, with
// `inputs` and `value_inputs` or the older `side_inputs`); node k may only reference nodes < k and the
// last node is the answer (math spec §2.2). Nodes may share an earlier node (`union` of [i, i]), so a
// program is a DAG, not a tree: it is kept as its flat node list and checked and run in node order,
// each node once — linear in the number of nodes, and no recursion however long the chain.
import type { Prims } from './evaluate';
import { ExecError } from './evaluate';
import { callResult, checkArg, constantType, TypeIssue } from './checker';
import { FUNCTIONS, FunctionSig, TEMPLATE_ONLY } from './functions';
import { JsonError, joinPath, parseJsonWithPaths } from './json';
import type { SemType } from './types';
import { canonicalConcept, isAttribute, isRelation, normaliseAnswer } from './vocab';

/** One program node: its function, the earlier nodes it reads and its constant (value) inputs. */
export interface QNode { fn: string; inputs: number[]; values: string[] }

export interface Question {
  index: number;
  imageIndex?: number;
  /** Why the question names no usable scene (missing or non-integer image_index), for its warning. */
  imageIndexProblem?: string;
  question?: string;
  /** The program in node order (type-checked when the file is read). */
  nodes: QNode[];
  answer?: string;
  /** JSON path of the question, for messages. */
  path: string;
  /** Filled on first evaluation: the compiled program (a cache; dropped before crossing threads). */
  compiled?: { ok: boolean; run?: (prims: Prims<any>) => any };
}

export interface QuestionsFileResult {
  questions: Question[];
  errors: JsonError[];
  /** Entries in the file, malformed ones included (questions keep their `index` in it). */
  count: number;
}

export function parseQuestionsFile(text: string): QuestionsFileResult {
  const { value, offsets } = parseJsonWithPaths(text);
  const at = (p: string) => offsets.get(p) ?? 0;
  const root = value as { questions?: unknown };
  let list: unknown[];
  let base = 'questions';
  if (Array.isArray(value)) { list = value; base = ''; }
  else if (value && typeof value === 'object' && Array.isArray(root.questions)) list = root.questions;
  else throw new JsonError('expected an object with a "questions" list (a CLEVR questions file)', '', 0);
  const questions: Question[] = [];
  const errors: JsonError[] = [];
  list.forEach((q, k) => {
    const path = base ? `${base}[${k}]` : `[${k}]`;
    try {
      questions.push(parseQuestion(q, path, k, at));
    } catch (e) {
      if (e instanceof JsonError) errors.push(e); else throw e;
    }
  });
  return { questions, errors, count: list.length };
}

function parseQuestion(q: unknown, path: string, index: number, at: (p: string) => number): Question {
  const err = (p: string, m: string) => new JsonError(m, p, at(p));
  if (!q || typeof q !== 'object' || Array.isArray(q)) throw err(path, 'expected a question object');
  const rec = q as Record<string, unknown>;
  const pp = joinPath(path, 'program');
  if (!Array.isArray(rec.program) || rec.program.length === 0) throw err(rec.program === undefined ? path : pp, 'expected a non-empty "program" list');
  const nodes: QNode[] = [];
  // Node types in node order: each node is checked once, from its inputs' types (no tree walk).
  const types: (SemType | undefined)[] = [];
  rec.program.forEach((node, k) => {
    const np = joinPath(pp, k);
    if (!node || typeof node !== 'object' || Array.isArray(node)) throw err(np, 'expected a program node');
    const n = node as Record<string, unknown>;
    const name = n.function ?? n.type;
    if (typeof name !== 'string') throw err(np, 'expected "function" (or "type") naming the node');
    const fp = joinPath(np, n.function !== undefined ? 'function' : 'type');
    if (TEMPLATE_ONLY.has(name) || name === 'filter') throw err(fp, `'${name}' is a template-only node of CLEVR's generator; it cannot appear in a question program`);
    const sig = FUNCTIONS.get(name);
    if (!sig) throw err(fp, `unknown CLEVR function '${name}'`);
    const inputs = n.inputs ?? [];
    if (!Array.isArray(inputs) || inputs.some((i) => !Number.isInteger(i))) throw err(joinPath(np, 'inputs'), 'expected a list of node indices');
    for (const i of inputs as number[]) {
      if (i < 0 || i >= k) throw err(joinPath(np, 'inputs'), k === 0 ? `node 0 may not reference other nodes (it has no earlier nodes), found ${i}` : `node ${k} may only reference earlier nodes (0..${k - 1}), found ${i}`);
    }
    const vkey = n.value_inputs !== undefined ? 'value_inputs' : 'side_inputs';
    const values = n[vkey] ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw err(joinPath(np, vkey), 'expected a list of strings');
    const nargs = inputs.length + values.length;
    if (nargs !== sig.params.length) throw err(np, `${name} takes ${sig.params.length} input(s), found ${nargs}`);
    types.push(checkNode(sig, inputs as number[], values as string[], vkey, types, (key, j, m) => err(joinPath(joinPath(np, key), j), m)));
    nodes.push({ fn: name, inputs: inputs as number[], values: values as string[] });
  });
  let imageIndex: number | undefined, imageIndexProblem: string | undefined;
  if (Number.isInteger(rec.image_index) && (rec.image_index as number) >= 0) imageIndex = rec.image_index as number;
  else if (rec.image_index === undefined) imageIndexProblem = 'it has no image_index';
  else imageIndexProblem = `its image_index ${JSON.stringify(rec.image_index)} is not a non-negative integer`;
  return {
    index, imageIndex, imageIndexProblem, path, nodes,
    question: typeof rec.question === 'string' ? rec.question : undefined,
    answer: rec.answer === undefined ? undefined : normaliseAnswer(rec.answer),
  };
}

/**
 * Type of one node from the types of the nodes it reads and its value inputs; the first problem is
 * thrown with the JSON path of the input at fault (`value_inputs[0]`: a value of the wrong attribute).
 */
function checkNode(sig: FunctionSig, inputs: number[], values: string[], vkey: string, types: (SemType | undefined)[], fail: (key: string, j: number, m: string) => JsonError): SemType {
  let attrArg: string | undefined;
  for (let k = 0; k < inputs.length + values.length; k++) {
    const fromNode = k < inputs.length;
    const at = (m: string) => (fromNode ? fail('inputs', k, m) : fail(vkey, k - inputs.length, m));
    let t: SemType | undefined;
    if (fromNode) t = types[inputs[k]];
    else {
      const issues: TypeIssue[] = [];
      const v = values[k - inputs.length];
      t = constantType(v, issues);
      if (!t) throw at(issues[0]?.message ?? `unknown value '${v}'`);
    }
    const r = checkArg(sig, k, t, false, fromNode ? undefined : values[k - inputs.length]);
    if (typeof r === 'string') throw at(fromNode ? `${r} (node ${inputs[k]})` : r);
    if (r?.attr) attrArg = r.attr;
  }
  return callResult(sig, attrArg);
}

/**
 * Compiles a checked question into one pass over its nodes in order: each node is evaluated once and
 * its value kept for the nodes that read it. Only the nodes the answer depends on run, as in a walk
 * from the last node (an unused node cannot make a question INVALID).
 */
export function compileQuestion<V>(nodes: QNode[]): (prims: Prims<V>) => V {
  const needed = new Uint8Array(nodes.length);
  needed[nodes.length - 1] = 1;
  for (let k = nodes.length - 1; k >= 0; k--) if (needed[k]) for (const i of nodes[k].inputs) needed[i] = 1;
  const steps = nodes.map((n, k) => {
    if (!needed[k]) return undefined;
    const sig = FUNCTIONS.get(n.fn)!;
    const consts = n.values.map((v) => {
      const c = canonicalConcept(v);
      if (c) return (p: Prims<V>) => p.concept(c);
      if (isAttribute(v)) return (p: Prims<V>) => p.attribute(v);
      if (isRelation(v)) return (p: Prims<V>) => p.relation(v);
      return () => { throw new ExecError(`unknown concept '${v}'`); };
    });
    return { sig, inputs: n.inputs, consts };
  });
  return (p) => {
    const vals = new Array<V>(nodes.length);
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k];
      if (!s) continue;
      const args = new Array<V>(s.inputs.length + s.consts.length);
      for (let j = 0; j < s.inputs.length; j++) args[j] = vals[s.inputs[j]];
      for (let j = 0; j < s.consts.length; j++) args[s.inputs.length + j] = s.consts[j](p);
      vals[k] = p.call(s.sig, args);
    }
    return vals[nodes.length - 1];
  };
}
