// Declaration checks of *.solver.toml: every malformed field is reported on its own line (wrongly typed
// fields too, naming the expected type), built-in ids are refused, `sources` files must lie in the
// folder (missing: a warning), valid declarations become registry entries with parameters and outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isBuiltinSolver } from '../solvers/index';
import { keyLines, readManifest } from './manifest';
import { loadManifests } from './registry';
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
  assert.match(read(manifest('mylab.ts', 'ok').replace('"solvers.py:', '"solvers.ts:')).diagnostics[0].message, /TypeScript entry cannot run as is: compile it to \.mjs/);
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

test('a parameter field of the wrong type is an error on its line naming the expected type', () => {
  const cases: [string, string, RegExp][] = [
    ['exclusive_max = 1', 'max = 2\nexclusive_max = 1\n', /parameter `x`: `exclusive_max` must be true or false, got the number 1/],
    ['exclusive_min = "yes"', 'exclusive_min = "yes"\n', /`exclusive_min` must be true or false, got the string "yes"/],
    ['optional = "yes"', 'optional = "yes"\n', /parameter `x`: `optional` must be true or false, got the string "yes"/],
    ['unit = 3', 'unit = 3\n', /`unit` must be a string, got the number 3/],
    ['min = "0"', 'min = "0"\n', /`min` must be a finite number, got the string "0"/],
    ['max = true', 'max = true\n', /`max` must be a finite number, got the boolean true/],
  ];
  for (const [lineText, extra, message] of cases) {
    const text = manifest('mylab.t', 'ok').replace('default = 1\n', `default = 1\n${extra}`);
    const r = read(text);
    assert.equal(r.decl, undefined, `${lineText} registers nothing`);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, `${lineText}: ${JSON.stringify(r.diagnostics)}`);
    assert.match(errors[0].message, message);
    assert.equal(text.split('\n')[errors[0].line].trim(), lineText);
  }
  const docText = manifest('mylab.t', 'ok').replace('doc = "input"', 'doc = 7');
  const doc = read(docText).diagnostics.find((d) => d.severity === 'error')!;
  assert.match(doc.message, /parameter `x`: `doc` must be a string, got the number 7/);
  assert.equal(docText.split('\n')[doc.line].trim(), 'doc = 7');
  const outText = manifest('mylab.t', 'ok').replace('doc = "result"', 'doc = ["result"]');
  assert.match(read(outText).diagnostics.find((d) => d.severity === 'error')!.message, /output `y`: `doc` must be a string, got a list/);
  // well-typed flags still work
  const ok = read(manifest('mylab.t', 'ok').replace('default = 1\n', 'default = 1\nmin = 0\nexclusive_min = true\noptional = true\n'));
  assert.deepEqual(ok.diagnostics, []);
  assert.equal(ok.decl!.params[0].exclusiveMin, true);
  assert.equal(ok.decl!.params[0].optional, true);
});

test('`sources` outside the manifest folder is an error on its line; a missing one a warning there', () => {
  const text = manifest('mylab.s', 'ok', 'sources = ["helpers.py", "../../etc/passwd"]\n');
  const r = read(text);
  assert.equal(r.decl, undefined);
  const d = r.diagnostics.find((x) => /`sources` file must lie in the manifest's folder/.test(x.message))!;
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.severity, 'error');
  assert.match(d.message, /"\.\.\/\.\.\/etc\/passwd"/);
  assert.equal(text.split('\n')[d.line].trim(), 'sources = ["helpers.py", "../../etc/passwd"]');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-manifest-sources-'));
  try {
    fs.writeFileSync(path.join(dir, 'solvers.py'), 'def ok(p, c): return {}\n');
    fs.writeFileSync(path.join(dir, 'present.py'), '\n');
    const file = path.join(dir, 'm.solver.toml');
    const body = manifest('mylab.s', 'ok', 'sources = ["present.py", "helpers.py"]\n');
    fs.writeFileSync(file, body);
    const loaded = loadManifests([file], (f) => fs.readFileSync(f, 'utf8'));
    assert.equal(loaded.decls.length, 1, 'a missing source is only a warning');
    const w = loaded.diagnostics.get(file)!;
    assert.equal(w.length, 1, JSON.stringify(w));
    assert.equal(w[0].severity, 'warning');
    assert.match(w[0].message, /`sources` file helpers\.py does not exist/);
    assert.equal(body.split('\n')[w[0].line].trim(), 'sources = ["present.py", "helpers.py"]');
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
