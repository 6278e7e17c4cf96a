// Fuzzing: mutated .clevr sources and mutated scene / question JSON never crash the parser, the
// checker, the executors, CKY or the editor features (every failure must be a diagnostic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Rng } from '../numeric/rng';
import { analyseText, EXAMPLES, SPEC_SOURCE } from './testkit';
import { clevrFeatures as F } from './service';
import type { ServerContext } from '../languageService';
import { parseScenesFile } from './scene';
import { parseQuestionsFile } from './questions';
import { JsonError } from './json';

const PIECES = ['(', ')', '[', ']', '{', '}', ',', '\\', 'λ', '.', ':', ':=', '/', '"', 'unique(', 'scene()', 'relate(', 'weight', '-1',
  'expect', 'eval', 'N/N', '(N\\N)/NP', 'CONJ', 'NONE', '\n', ' ', 'filter(', 'x', 'red', '999999', '[0]', 'λx.', '\\y.'];

function mutate(rng: Rng, text: string, n: number): string {
  let t = text;
  for (let k = 0; k < n; k++) {
    const i = rng.int(t.length + 1);
    switch (rng.int(4)) {
      case 0: t = t.slice(0, i) + t.slice(i + 1 + rng.int(8)); break;
      case 1: t = t.slice(0, i) + PIECES[rng.int(PIECES.length)] + t.slice(i); break;
      case 2: { const j = rng.int(t.length + 1); t = t.slice(0, i) + t.slice(j, j + 20) + t.slice(i); break; }
      default: t = t.slice(0, i); break;
    }
  }
  return t;
}

const scenesText = fs.readFileSync(path.join(EXAMPLES, 'data', 'scenes.json'), 'utf8');
const questionsText = fs.readFileSync(path.join(EXAMPLES, 'data', 'questions.json'), 'utf8');

test('mutated .clevr sources never crash analysis or editor features', async () => {
  const rng = new Rng(5);
  const ctx = { trusted: () => true, readWorkspaceFile: (_f: string, rel: string) => { throw new Error(`file not found: '${rel}'`); } } as unknown as ServerContext;
  for (let k = 0; k < 50; k++) {
    const text = mutate(rng, SPEC_SOURCE, 1 + rng.int(6));
    const a = analyseText(text, { 'data/scenes.json': scenesText, 'data/questions.json': questionsText });
    assert.ok(Array.isArray(a.diagnostics));
    for (const d of a.diagnostics) assert.equal(typeof d.message, 'string');
    const doc = TextDocument.create(`file:///fuzz${k}.clevr`, 'clevr', 1, text);
    F.semanticTokens!(doc, ctx);
    const contains = (o: { start: { line: number; character: number }; end: { line: number; character: number } }, i: typeof o) =>
      (o.start.line < i.start.line || (o.start.line === i.start.line && o.start.character <= i.start.character))
      && (i.end.line < o.end.line || (i.end.line === o.end.line && i.end.character <= o.end.character));
    const check = (syms: ReturnType<NonNullable<typeof F.documentSymbols>>) => {
      for (const sym of syms) {
        assert.ok(contains(sym.range, sym.selectionRange), `selection inside range: ${JSON.stringify(sym)}`);
        for (const c of sym.children ?? []) assert.ok(contains(sym.range, c.range));
        check(sym.children ?? []);
      }
    };
    check(F.documentSymbols!(doc, ctx));
    F.codeLenses!(doc, ctx);
    for (let h = 0; h < 5; h++) { await F.hover!(doc, doc.positionAt(rng.int(text.length + 1)), ctx); F.completion!(doc, doc.positionAt(rng.int(text.length + 1)), ctx); }
  }
});

function mutateJson(rng: Rng, value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    const out = value.map((v) => mutateJson(rng, v, depth + 1));
    if (rng.uniform() < 0.05) out.splice(rng.int(out.length + 1), 1);
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (rng.uniform() < 0.03) continue;
      out[k] = mutateJson(rng, v, depth + 1);
    }
    return out;
  }
  if (rng.uniform() < 0.04) return [null, -1, 1e9, 'cone', 'left', true, [], {}, 'filter', 0.5][rng.int(10)];
  return value;
}

test('mutated scene and question JSON give diagnostics, never a crash', () => {
  const rng = new Rng(9);
  const scenes = JSON.parse(scenesText), questions = JSON.parse(questionsText);
  for (let k = 0; k < 40; k++) {
    const st = k % 5 === 0 ? mutate(rng, scenesText, 2) : JSON.stringify(mutateJson(rng, scenes));
    const qt = k % 5 === 1 ? mutate(rng, questionsText, 2) : JSON.stringify(mutateJson(rng, questions));
    for (const [text, parse] of [[st, (t: string) => parseScenesFile(t, 'v')], [qt, parseQuestionsFile]] as const) {
      try { parse(text); } catch (e) { assert.ok(e instanceof JsonError, String(e)); }
    }
    const a = analyseText('scenes v from "s.json"\nquestions q from "q.json"\neval q on v\neval q on v mode soft\n', { 's.json': st, 'q.json': qt });
    assert.ok(Array.isArray(a.diagnostics));
  }
});
