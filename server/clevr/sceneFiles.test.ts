// Scenes files: `NAME[k]` is the scene with image index k (never the one at position k), a scene over
// the object cap keeps its first objects, a byte order mark is accepted; and a lexicon entry cut off
// mid-term is blamed for it, not the entry on the next line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureMain as capture } from '../cli/captureMain';
import { analyse } from './analysis';
import { MAX_SCENE_OBJECTS, parseScenesFile } from './scene';
import { lookupScene } from './sceneLookup';
import { lineOf, Obj, scenesJson } from './testkit';

const THREE: Obj[] = [['large', 'red', 'metal', 'cube', 0, 0], ['small', 'red', 'rubber', 'sphere', 1, 1], ['small', 'blue', 'rubber', 'cube', 2, 2]];
const FOUR: Obj[] = [...THREE, ['large', 'green', 'metal', 'cylinder', 3, 3]];
const SCENES = scenesJson([[0, FOUR], [3, [...FOUR, ['small', 'gray', 'metal', 'sphere', -1, 2]]], [7, THREE]]);

function check(text: string, files: Record<string, string>) {
  return analyse(text, (rel) => {
    if (!(rel in files)) throw new Error(`file not found: '${rel}'`);
    return { uri: `mem:${rel}`, text: files[rel] };
  });
}

test('NAME[k] is the scene with image index k; an index no scene has is an error listing the indices (no positional fallback)', async () => {
  const text = 'scenes val from "s.json"\nprogram n = count(scene())\neval n on val[3] expect 5\neval n on val[7] expect 3\neval n on val[1]\neval n on val[2]\n';
  const a = check(text, { 's.json': SCENES });
  assert.deepEqual(a.evals.map((e) => e.runs.map((r) => r.answer)), [['5'], ['3'], [], []]);
  const errs = a.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errs.map((d) => d.message), ["'val' has no scene with image index 1 (image indices: 0, 3, 7)", "'val' has no scene with image index 2 (image indices: 0, 3, 7)"]);
  assert.deepEqual(errs.map((d) => lineOf(text, d.span.start)), [5, 6]);
  assert.equal(lookupScene(a, 'val[1]'), "'val' has no scene with image index 1 (image indices: 0, 3, 7)");
  assert.equal((lookupScene(a, 'val[7]') as { objects: unknown[] }).objects.length, 3);
  // g2l2 parse --scene uses the same lookup: a usage error, exit 2.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-idx-'));
  fs.writeFileSync(path.join(dir, 's.json'), SCENES);
  fs.writeFileSync(path.join(dir, 'w.clevr'), 'scenes val from "s.json"\nlexicon w {\n  "how many" : S/N := \\x. count(x)\n  "things" : N := scene()\n}\n');
  const base = ['g2l2', 'parse', '--file', path.join(dir, 'w.clevr'), '--lexicon', 'w', '--sentence', 'how many things', '--json', '--scene'];
  const bad = await capture([...base, 'val[1]']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /'val' has no scene with image index 1 \(image indices: 0, 3, 7\)/);
  const good = await capture([...base, 'val[7]']);
  assert.equal(good.code, 0, good.err);
  assert.equal(JSON.parse(good.out).best, '3');
});

test('a JSON scene over the object cap keeps its first objects, with one diagnostic (as an inline scene does)', () => {
  const n = MAX_SCENE_OBJECTS + 100;
  const objs: Obj[] = Array.from({ length: n }, (_, i) => ['small', i % 2 ? 'red' : 'blue', 'rubber', 'cube', i, 0]);
  const text = scenesJson([[0, objs]]);
  const r = parseScenesFile(text, 'b');
  assert.equal(r.scenes.length, 1);
  assert.equal(r.scenes[0].objects.length, MAX_SCENE_OBJECTS);
  assert.equal(r.errors.length, 0);
  assert.equal(r.truncated.length, 1);
  assert.match(r.truncated[0].message, new RegExp(`scenes\\[0\\]\\.objects\\[${MAX_SCENE_OBJECTS}\\]: the scene has ${n} objects; a scene has at most ${MAX_SCENE_OBJECTS}`));
  // Stored relationships are cut to the kept objects too.
  const withRel = JSON.parse(text);
  const all = Array.from({ length: n }, (_, i) => i);
  withRel.scenes[0].relationships = { left: all.map((i) => all.filter((j) => j < i)), right: all.map((i) => all.filter((j) => j > i)), front: all.map(() => []), behind: all.map(() => []) };
  const rr = parseScenesFile(JSON.stringify(withRel), 'b');
  assert.equal(rr.scenes[0].relations.right[0].length, MAX_SCENE_OBJECTS - 1);
  const a = check('scenes b from "b.json"\nprogram n = count(scene())\neval n on b[0] expect 2000\n', { 'b.json': text });
  assert.equal(a.evals[0].runs[0].answer, String(MAX_SCENE_OBJECTS));
  const d = a.diagnostics.filter((x) => x.severity !== 'info');
  assert.equal(d.length, 1, JSON.stringify(d));
  assert.match(d[0].message, /objects from 2000 on are ignored/);
  assert.ok(!a.diagnostics.some((x) => /no scene with/.test(x.message)));
});

test('a scenes or questions file starting with a UTF-8 byte order mark is read', async () => {
  const bom = `\ufeff${SCENES}`;
  assert.equal(parseScenesFile(bom, 'v').scenes.length, 3);
  const a = check('scenes val from "s.json"\nprogram n = count(scene())\neval n on val[3] expect 5\n', { 's.json': bom });
  assert.ok(!a.diagnostics.some((d) => d.severity !== 'info'), JSON.stringify(a.diagnostics));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-bom-'));
  fs.writeFileSync(path.join(dir, 's.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SCENES)]));
  fs.writeFileSync(path.join(dir, 'q.json'), `\ufeff${JSON.stringify({ questions: [{ image_index: 7, program: [{ function: 'scene' }, { function: 'count', inputs: [0] }], answer: '3' }] })}`);
  const c = await capture(['clevr', 'eval', '--scenes', path.join(dir, 's.json'), '--questions', path.join(dir, 'q.json'), '--json']);
  assert.equal(c.code, 0, c.err);
  assert.deepEqual(JSON.parse(c.out), { answers: ['3'], accuracy: 1 });
  // Positions in messages still point into the file's own text.
  const broken = `\ufeff{"scenes": [{"image_index": 0, "objects": [{"size": "small", "color": "red", "material": "rubber", "shape": "cone"}]}]}`;
  const e = parseScenesFile(broken, 'v').errors[0];
  assert.equal(broken.slice(e.offset, e.offset + 6), '"cone"');
});

test('a lexicon entry cut off mid-term is the one diagnosed, not the entry on the next line', () => {
  const text = 'scene s {\n  object a: large red metal cube at (1, 2)\n}\nlexicon w {\n  "how many" : S/N := \\x. count(x\n  "things" : N := scene()\n}\nsentence "how many things" on s using w expect 1\n';
  const a = check(text, {});
  const syntax = a.diagnostics.find((d) => /expected '\)'/.test(d.message));
  assert.ok(syntax, JSON.stringify(a.diagnostics));
  assert.equal(lineOf(text, syntax!.span.start), 5, 'on the cut-off line');
  assert.ok(a.lexicons.get('w')!.lexicon.bySurface.has('things'), "the next entry ('things') is intact");
  const msgs = a.diagnostics.map((d) => d.message).join('\n');
  assert.ok(!/entry for 'things' has an error/.test(msgs), msgs);
  assert.match(msgs, /the lexicon entry for 'how many' has an error \(line 5\)/);
  // A line ending in `,` or `:=` is cut off too; an error inside one line stays where it is.
  const comma = check('lexicon w {\n  "red" : N/N := \\x. filter(x,\n  "things" : N := scene()\n}\n', {});
  assert.ok(comma.diagnostics.some((d) => d.severity === 'error' && lineOf('lexicon w {\n  "red" : N/N := \\x. filter(x,\n', d.span.start) === 2), JSON.stringify(comma.diagnostics));
  assert.ok(comma.lexicons.get('w')!.lexicon.bySurface.has('things'));
  const inline = 'lexicon w {\n  "things" N := scene()\n}\n';
  const d = check(inline, {}).diagnostics.filter((x) => x.severity === 'error');
  assert.equal(lineOf(inline, d[0].span.start), 2);
});
