// Path confinement: paths resolve against the naming file, stay inside its workspace folder (also
// through symlinks), a file outside every folder reads its own folder only, untitled documents read
// nothing; the .tlab checker reports data files that are missing or refused at the string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRootOf, resolveConfined } from './confine';
import { checkTlab } from '../tlab/checker';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-confine-')));
const ws = path.join(tmp, 'ws'), outside = path.join(tmp, 'outside');
fs.mkdirSync(path.join(ws, 'a'), { recursive: true });
fs.mkdirSync(path.join(ws, 'data'), { recursive: true });
fs.mkdirSync(outside, { recursive: true });
fs.writeFileSync(path.join(ws, 'package.json'), '{}');
fs.writeFileSync(path.join(ws, 'data', 'f.csv'), '1,2\n3,4\n');
fs.writeFileSync(path.join(outside, 'secret.csv'), 'secret\n');
fs.symlinkSync(outside, path.join(ws, 'link'));
const file = path.join(ws, 'a', 'x.tlab');
fs.writeFileSync(file, '');
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a path resolves against the folder of the file that names it, inside its workspace folder', () => {
  assert.deepEqual(resolveConfined(file, '../data/f.csv', [ws]), { path: path.join(ws, 'data', 'f.csv') });
  assert.deepEqual(resolveConfined(pathToFileURL(file).toString(), '../data/f.csv', [ws]), { path: path.join(ws, 'data', 'f.csv') });
});

test('`..` and symlinks cannot leave the workspace folder', () => {
  const up = resolveConfined(file, '../../outside/secret.csv', [ws]);
  assert.ok('error' in up && /outside the workspace folder/.test(up.error));
  const viaLink = resolveConfined(file, '../link/secret.csv', [ws]);
  assert.ok('error' in viaLink && /outside the workspace folder/.test(viaLink.error));
  const abs = resolveConfined(file, path.join(outside, 'secret.csv'), [ws]);
  assert.ok('error' in abs);
});

test('the innermost folder holding the file confines it, not any other open folder', () => {
  const r = resolveConfined(file, '../../outside/secret.csv', [outside, ws]);
  assert.ok('error' in r, 'a second workspace folder does not widen the first one');
});

test('with no workspace folder a file reads only its own folder and below', () => {
  assert.ok('error' in resolveConfined(file, '../data/f.csv', []));
  assert.deepEqual(resolveConfined(file, 'sub/y.csv', []), { path: path.join(ws, 'a', 'sub', 'y.csv') });
});

test('an untitled document reads nothing (not the server working directory)', () => {
  const r = resolveConfined('untitled:Untitled-1', 'etc/passwd', []);
  assert.ok('error' in r && /unsaved document/.test(r.error));
});

test('the CLI project root is the nearest ancestor with package.json or .git', () => {
  assert.equal(projectRootOf(file), ws);
  assert.equal(projectRootOf(path.join(outside, 'secret.csv')), outside);
});

const check = (text: string) => checkTlab(text, {
  uri: pathToFileURL(file).toString(),
  locateFile: (from, rel) => resolveConfined(from, rel, [ws]),
});
const body = (data: string) => `experiment e {\n  solve p = influence.primal(data = "${data}", d_out = 1, N_test = 5, forget = [0])\n}\n`;

test('check: a data file inside the workspace is accepted and recorded', () => {
  const text = body('../data/f.csv');
  const a = check(text);
  assert.deepEqual(a.diagnostics.filter((d) => /data file/.test(d.message)), []);
  assert.deepEqual([...a.dataFiles.values()], [path.join(ws, 'data', 'f.csv')]);
});

test('check: a missing or refused data file is one error at the string', () => {
  for (const [rel, want] of [['../data/nope.csv', /data file not found: '\.\.\/data\/nope\.csv'/], ['../../outside/secret.csv', /outside the workspace folder/]] as const) {
    const text = body(rel);
    const a = check(text);
    const ds = a.diagnostics.filter((d) => /data file/.test(d.message));
    assert.equal(ds.length, 1, a.diagnostics.map((d) => d.message).join('\n'));
    assert.match(ds[0].message, want);
    const at = text.indexOf(`"${rel}"`);
    assert.deepEqual(ds[0].span, { start: at, end: at + rel.length + 2 });
  }
});
