// Declaration checks of *.solver.toml: every malformed field is reported on its own line, built-in ids
// are refused, valid declarations become registry entries with their parameters and outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBuiltinSolver } from '../solvers/index';
import { keyLines, readManifest } from './manifest';
import { manifest } from './testkit';

const read = (text: string) => readManifest(text, '/ws/a.solver.toml', isBuiltinSolver);

test('a valid declaration gives its parameters, outputs and absolute entry path', () => {
  const r = read(manifest('mylab.ok', 'ok', 'cost_seconds = 2\nmemory_mb = 10\n'));
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.decl!.id, 'mylab.ok');
  assert.equal(r.decl!.entryFile, '/ws/solvers.py');
  assert.equal(r.decl!.entryName, 'ok');
  assert.equal(r.decl!.language, 'python');
  assert.equal(r.decl!.costSeconds, 2);
  assert.equal(r.decl!.memoryMb, 10);
  assert.deepEqual(r.decl!.params.map((p) => [p.name, p.kind, p.default]), [['x', 'number', 1], ['pidfile', 'string', '']]);
  assert.deepEqual(r.decl!.outputs.map((o) => [o.name, o.kind]), [['y', 'number'], ['pid', 'integer']]);
});

test('a TOML syntax error is reported on its line', () => {
  const r = read('id = "mylab.x"\nentry = "a.py:f"\nversion = [\n');
  assert.equal(r.decl, undefined);
  assert.equal(r.diagnostics.length, 1);
  assert.match(r.diagnostics[0].message, /not valid TOML/);
  assert.equal(r.diagnostics[0].line, 2);
});

test('an unknown parameter kind is reported on the kind line of that [[params]] table', () => {
  const text = manifest('mylab.k', 'ok').replace('kind = "string"', 'kind = "text"');
  const r = read(text);
  assert.equal(r.decl, undefined);
  const d = r.diagnostics.find((x) => /`kind` must be one of/.test(x.message))!;
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(text.split('\n')[d.line].trim(), 'kind = "text"');
  assert.match(d.message, /parameter `pidfile`/);
});

test('a built-in id is refused, ids must be namespaced', () => {
  const clash = read(manifest('demo.quadratic', 'ok'));
  assert.equal(clash.decl, undefined);
  assert.match(clash.diagnostics[0].message, /is a built-in solver/);
  assert.equal(clash.diagnostics[0].line, 0);
  const flat = read(manifest('ridge', 'ok'));
  assert.match(flat.diagnostics[0].message, /must be namespaced/);
});

test('defaults are checked against the declared range; entries must stay in the folder and have a known extension', () => {
  const text = manifest('mylab.r', 'ok').replace('default = 1\n', 'default = 5\nmax = 2\n');
  const r = read(text);
  const d = r.diagnostics.find((x) => /default of/.test(x.message))!;
  assert.match(d.message, /out of its documented range \(≤ 2\)/);
  assert.equal(text.split('\n')[d.line].trim(), 'default = 5');
  assert.match(read(manifest('mylab.e', 'ok').replace('"solvers.py:', '"../outside.py:')).diagnostics[0].message, /must lie in the manifest's folder/);
  assert.match(read(manifest('mylab.e', 'ok').replace('"solvers.py:', '"solvers.rb:')).diagnostics[0].message, /must be a \.py file/);
  assert.equal(read(manifest('mylab.js', 'ok').replace('"solvers.py:', '"solvers.mjs:')).decl!.language, 'javascript');
});

test('duplicate names, missing outputs and unknown keys', () => {
  const dup = read(manifest('mylab.d', 'ok').replace('name = "pidfile"', 'name = "x"'));
  assert.ok(dup.diagnostics.some((d) => /`x` is declared twice/.test(d.message)));
  const noOut = read('id = "mylab.n"\nentry = "a.py:f"\n');
  assert.ok(noOut.diagnostics.some((d) => /at least one \[\[outputs\]\]/.test(d.message)));
  const unknown = read(manifest('mylab.u', 'ok', 'colour = "blue"\n'));
  assert.ok(unknown.decl, 'an unknown key is only a warning');
  assert.equal(unknown.diagnostics[0].severity, 'warning');
  assert.match(unknown.diagnostics[0].message, /unknown key `colour`/);
});

test('keyLines places keys of repeated tables', () => {
  const lines = keyLines('id = "a"\n[[params]]\nname = "x"\n[[params]]\nname = "y"\nkind = "number"\n');
  assert.equal(lines.get('id'), 0);
  assert.equal(lines.get('params[0].name'), 2);
  assert.equal(lines.get('params[1].name'), 4);
  assert.equal(lines.get('params[1].kind'), 5);
});
