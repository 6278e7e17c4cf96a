// CLEVR questions files: each question's program (a list of nodes keyed `function` or `type`, with
// `inputs` and `value_inputs` or the older `side_inputs`) becomes a program term; node k may only
// reference nodes < k and the last node is the answer (math spec §2.2).
import type { Expr, Span } from './ast';
import type { Prims } from './evaluate';
import { FUNCTIONS, TEMPLATE_ONLY } from './functions';
import { JsonError, joinPath, parseJsonWithPaths } from './json';
import { normaliseAnswer } from './vocab';

export interface Question {
  index: number;
  imageIndex?: number;
  question?: string;
  program: Expr;
  answer?: string;
  /** JSON path of the question, for messages. */
  path: string;
  /** Filled on first evaluation: whether the program type-checks, and its compiled form. */
  compiled?: { ok: boolean; run?: (prims: Prims<any>) => any };
}

export interface QuestionsFileResult {
  questions: Question[];
  errors: JsonError[];
  /** Entries in the file, malformed ones included (questions keep their `index` in it). */
  count: number;
}

const NO_SPAN: Span = { start: -1, end: -1 };

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
  const nodes: Expr[] = [];
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
      if (i < 0 || i >= k) throw err(joinPath(np, 'inputs'), `node ${k} may only reference earlier nodes (0..${k - 1}), found ${i}`);
    }
    const vkey = n.value_inputs !== undefined ? 'value_inputs' : 'side_inputs';
    const values = n[vkey] ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw err(joinPath(np, vkey), 'expected a list of strings');
    const args: Expr[] = [...(inputs as number[]).map((i) => nodes[i]), ...(values as string[]).map((v) => ({ kind: 'name' as const, name: v, span: NO_SPAN }))];
    if (args.length !== sig.params.length) throw err(np, `${name} takes ${sig.params.length} input(s), found ${args.length}`);
    nodes.push({ kind: 'call', fn: { name, span: NO_SPAN }, args, span: NO_SPAN });
  });
  const imageIndex = Number.isInteger(rec.image_index) ? (rec.image_index as number) : undefined;
  return {
    index, imageIndex, path,
    question: typeof rec.question === 'string' ? rec.question : undefined,
    program: nodes[nodes.length - 1],
    answer: rec.answer === undefined ? undefined : normaliseAnswer(rec.answer),
  };
}
