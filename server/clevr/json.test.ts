// The CLEVR JSON reader: valid files are read by JSON.parse (the fast path) and give the same value;
// a malformed file is re-read by the offset-tracking parser only to report its error, at the offset
// and JSON path of the problem; a shape error found after a fast parse still gets its offset (lazily).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonError, parseJsonWithPaths } from './json';
import { parseScenesFile } from './scene';

test('a valid file gives exactly what JSON.parse gives', () => {
  const text = '{"scenes": [{"objects": [{"color": "red", "size": 1.5e-3, "n": -0, "ok": true, "z": null}], "s": "a\\u00e9\\n"}]}';
  assert.deepEqual(parseJsonWithPaths(text).value, JSON.parse(text));
});

test('a malformed file reports its syntax error at the offset of the problem', () => {
  const cases: [string, number, RegExp, string][] = [
    ['{"scenes": [{"objects": [1, 2,, 3]}]}', '{"scenes": [{"objects": [1, 2,'.length, /unexpected ','/, 'scenes[0].objects[2]'],
    ['{"a": 1 "b": 2}', '{"a": 1 '.length, /expected ',' or '}', found '"'/, 'a'],
    ['{"a": [1, 2]\n  "b"', '{"a": [1, 2]\n  '.length, /expected ',' or '}'/, 'a'],
    ['{"a": "unterminated', '{"a": "unterminated'.length, /unterminated string/, 'a'],
    ['{"a": 1} x', '{"a": 1} '.length, /after the end of the JSON value/, ''],
  ];
  for (const [text, offset, message, path] of cases) {
    assert.throws(() => JSON.parse(text), SyntaxError, 'the fast path rejects it first');
    try {
      parseJsonWithPaths(text);
      assert.fail(`no error for ${text}`);
    } catch (e) {
      assert.ok(e instanceof JsonError, String(e));
      assert.equal(e.offset, offset, text);
      assert.match(e.message, message, text);
      assert.equal(e.path, path, text);
    }
  }
});

test('a shape error after the fast parse still points at the broken entry', () => {
  const text = '{"scenes": [\n  {"objects": []},\n  {"objects": 7}\n]}';
  const r = parseScenesFile(text, 'scenes.json');
  assert.equal(r.scenes.length, 1);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].path, 'scenes[1].objects');
  assert.equal(r.errors[0].offset, text.indexOf('7'));
  const { offsets } = parseJsonWithPaths(text);
  assert.equal(offsets.get('scenes[1]'), text.indexOf('{"objects": 7'));
});
