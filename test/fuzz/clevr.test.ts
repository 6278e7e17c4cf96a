// Fuzz tier for .clevr (fast-check, seeded): documents generated from the spec's code blocks, the
// examples and the guide, mutated with the characters that break parsers (quotes, slashes, braces,
// BOM, CR, NUL), plus deep nesting and huge lines. Every check must finish within a bounded time,
// never throw, and put every diagnostic inside the document; the editor features must not throw either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../../server/languageService';
import { analyse } from '../../server/clevr/analysis';
import { clevrFeatures as F } from '../../server/clevr/service';
import { closeAllWorkers } from '../../server/clevr/analysisHost';
import { GUIDE_EXAMPLE } from '../../server/clevr/gendocs';

const root = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(root, 'examples', 'clevr');
// The spec's code blocks when the shared spec is on this machine; the guide's blocks always.
const SPEC = '/work/shared/spec/clevr-language.md';
const GUIDE = path.join(root, 'docs', 'clevr-language.md');
const blocksOf = (file: string) => (fs.existsSync(file) ? [...fs.readFileSync(file, 'utf8').matchAll(/```(?:clevr)?\n([\s\S]*?)```/g)].map((m) => m[1]) : []);
const specBlocks = [...blocksOf(SPEC), ...blocksOf(GUIDE)];
const CORPUS = [
  ...(specBlocks.length ? [specBlocks.join('\n')] : []),
  ...fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.clevr')).map((f) => fs.readFileSync(path.join(EXAMPLES, f), 'utf8')),
  GUIDE_EXAMPLE,
];
const files: Record<string, string> = {};
for (const f of ['scenes.json', 'questions.json']) { const p = path.join(EXAMPLES, 'data', f); if (fs.existsSync(p)) files[`data/${f}`] = fs.readFileSync(p, 'utf8'); }
const read = (rel: string) => { if (rel in files) return { uri: rel, text: files[rel] }; throw new Error(`file not found: '${rel}'`); };

/** Per check: parse + check + budgeted evals/sentences. Generous for a loaded CI machine. */
const MAX_MS = 8000;
const NASTY = ['"', '\\', '/', '(', ')', '{', '}', '[', ']', ':', ':=', '=', ',', '.', 'λ', '\uFEFF', '\r', '\0', '\n', ' ', 'x', 'N', 'S/N', '//', '#', '0', '-', 'e9'];

const mutation = fc.record({ at: fc.nat(), del: fc.nat({ max: 8 }), ins: fc.array(fc.constantFrom(...NASTY), { maxLength: 4 }) });
const mutated = fc.record({ base: fc.constantFrom(...CORPUS), edits: fc.array(mutation, { minLength: 1, maxLength: 6 }) }).map(({ base, edits }) => {
  let t = base;
  for (const e of edits) { const at = e.at % (t.length + 1); t = t.slice(0, at) + e.ins.join('') + t.slice(at + e.del); }
  return t;
});
const deep = fc.record({ n: fc.integer({ min: 50, max: 3000 }), kind: fc.constantFrom('call', 'paren-cat', 'lambda', 'list', 'slash-cat') }).map(({ n, kind }) => {
  switch (kind) {
    case 'call': return `program p = ${'count('.repeat(n)}scene()${')'.repeat(n)}\n`;
    case 'paren-cat': return `lexicon l {\n  "w" : ${'('.repeat(n)}N${')'.repeat(n)} := scene()\n}\n`;
    case 'slash-cat': return `lexicon l {\n  "w" : N${'/N'.repeat(n)} := scene()\n}\n`;
    case 'lambda': return `lexicon l {\n  "w" : N := ${'\\x. '.repeat(n)}scene()\n}\n`;
    default: return `program p = filter(scene(), ${'['.repeat(n)}red${']'.repeat(n)})\n`;
  }
});
const huge = fc.record({ n: fc.integer({ min: 1000, max: 20000 }), what: fc.constantFrom('words', 'objects', 'string') }).map(({ n, what }) => {
  if (what === 'objects') return `scene s {\n${Array.from({ length: n }, (_, i) => `  object o${i}: large red metal cube at (${i}, ${i})`).join('\n')}\n}\nprogram c = count(relate(unique(filter(scene(), [small])), left))\n`;
  if (what === 'string') return `sentence "${'a'.repeat(n * 50)}" on s using l\n`;
  return `program p = ${'count '.repeat(n)}\n`;
});
const withPrefix = fc.record({ doc: fc.oneof(mutated, deep), prefix: fc.constantFrom('', '\uFEFF', '\r', '\0', '\r\n') }).map(({ doc, prefix }) => prefix + doc);

function checkOne(text: string): void {
  const t0 = Date.now();
  const a = analyse(text, read, { sentenceBudgetMs: 500, fileBudgetMs: 2000 });
  const ms = Date.now() - t0;
  assert.ok(ms < MAX_MS, `check took ${ms} ms`);
  for (const d of a.diagnostics) {
    assert.equal(typeof d.message, 'string');
    assert.ok(d.span.start >= 0 && d.span.end >= d.span.start && d.span.end <= text.length, `diagnostic outside the document: ${JSON.stringify(d.span)} of ${text.length}: ${d.message.slice(0, 80)}`);
    assert.ok(d.message.length < 2000, 'a diagnostic repeats huge text');
  }
}

const ctx = {
  trusted: () => true, refresh: () => {}, log: () => {}, workspaceRoots: () => [EXAMPLES],
  readWorkspaceFile: (_from: string, rel: string) => read(rel),
} as unknown as ServerContext;

test('mutated and generated .clevr documents: no crash, bounded time, diagnostics inside the document', () => {
  fc.assert(fc.property(fc.oneof(withPrefix, deep), (text) => { checkOne(text); }), { seed: 17, numRuns: 120 });
});

test('huge documents (20,000 objects, megabyte strings, long lines) stay bounded', () => {
  fc.assert(fc.property(huge, (text) => { checkOne(text); }), { seed: 3, numRuns: 6 });
});

test('editor features never throw on mutated documents', async () => {
  await fc.assert(fc.asyncProperty(withPrefix, fc.nat(), async (text, at) => {
    const doc = TextDocument.create(`file:///fuzz/${at}.clevr`, 'clevr', 1, text);
    const pos = doc.positionAt(at % (text.length + 1));
    F.semanticTokens!(doc, ctx); F.documentSymbols!(doc, ctx); F.foldingRanges!(doc, ctx); F.codeLenses!(doc, ctx);
    F.completion!(doc, pos, ctx); F.signatureHelp!(doc, pos, ctx); F.formatting!(doc, { tabSize: 2, insertSpaces: true }, ctx);
    F.definition!(doc, pos, ctx); F.references!(doc, pos, true, ctx); await F.hover!(doc, pos, ctx);
    F.close!(doc.uri);
  }), { seed: 29, numRuns: 60 });
  closeAllWorkers();
});
