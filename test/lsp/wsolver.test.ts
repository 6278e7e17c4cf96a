// Workspace solvers over LSP (server/workspace-solvers/lsp.ts): the real server reads *.solver.toml
// files of the workspace, publishes their diagnostics on the manifest, offers the solvers in completion
// and hover like built-ins, re-checks .tlab calls when a declaration changes, runs them in the solver
// host (a crash is a diagnostic with the Python frame), names the interpreter in the output channel,
// and runs nothing in an untrusted workspace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cursor, Diagnostic, LspClient, startServer } from './harness';
import { manifest, SOLVERS_PY, testPython } from '../../server/workspace-solvers/testkit';

async function diagnosticsOf(c: LspClient, name: string, pred: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  const t0 = Date.now();
  for (;;) {
    const d = c.lastDiagnostics(name);
    if (pred(d)) return d;
    if (Date.now() - t0 > 30000) assert.fail(`no matching diagnostics for ${name}: ${JSON.stringify(d)}\n${c.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const files = {
  'solvers.py': SOLVERS_PY,
  'ok.solver.toml': manifest('wstest.ok', 'ok'),
  'crash.solver.toml': manifest('wstest.crash', 'crash'),
  'spin.solver.toml': manifest('wstest.spin', 'spin'),
  'sub/bad.solver.toml': manifest('wstest.bad', 'ok').replace('kind = "string"', 'kind = "text"'),
};

describe('workspace solvers over LSP', () => {
  let c: LspClient;
  before(async () => {
    c = await startServer(files, { trusted: true, settings: { python: testPython, autoRunMaxSeconds: 0 } });
  });
  after(async () => { await c.shutdown(); fs.rmSync(c.workspace, { recursive: true, force: true }); });

  test('a malformed declaration is a diagnostic on its line in the manifest', async () => {
    const d = await diagnosticsOf(c, 'sub/bad.solver.toml', (x) => x.length > 0);
    const text = fs.readFileSync(path.join(c.workspace, 'sub/bad.solver.toml'), 'utf8').split('\n');
    const kind = d.find((x) => /`kind` must be one of/.test(x.message))!;
    assert.ok(kind, JSON.stringify(d));
    assert.equal(kind.severity, 1);
    assert.equal(text[kind.range.start.line].trim(), 'kind = "text"');
    assert.deepEqual(c.lastDiagnostics('ok.solver.toml'), []);
  });

  test('completion and hover read the workspace declaration', async () => {
    const ids = cursor('experiment e {\n  solve r = <|>\n}\n');
    await c.open('c1.tlab', ids.text);
    const items = await c.at<any[]>('textDocument/completion', 'c1.tlab', ids.position);
    assert.ok(items.some((i) => i.label === 'wstest.ok'), items.map((i) => i.label).join(', '));
    assert.ok(items.some((i) => i.label === 'demo.quadratic'), 'built-ins are still there');
    assert.ok(!items.some((i) => i.label === 'wstest.bad'), 'a malformed declaration registers nothing');
    const ps = cursor('experiment e {\n  solve r = wstest.ok(<|>)\n}\n');
    await c.open('c2.tlab', ps.text);
    const params = await c.at<any[]>('textDocument/completion', 'c2.tlab', ps.position);
    assert.deepEqual(params.map((i) => i.label).sort(), ['pidfile', 'x']);
    const h = cursor('experiment e {\n  solve r = wstest.o<|>k(x = 2)\n}\n');
    await c.open('h1.tlab', h.text);
    const hover = await c.at<any>('textDocument/hover', 'h1.tlab', h.position);
    assert.match(hover.contents.value, /Runs `ok` of solvers\.py/);
    assert.match(hover.contents.value, /Workspace solver/);
    assert.ok(c.notifications.some((n) => n.method === 'window/logMessage' &&
      /workspace solver wstest\.ok .*Python .*\(setting theorylab\.python\)/.test(n.params.message)), 'the interpreter is named in the output channel');
  });

  test('a call is re-checked when its declaration changes', async () => {
    const d0 = await c.open('re.tlab', 'experiment e {\n  solve r = wstest.ok(x = 2, z = 1)\n}\n');
    assert.ok(d0.some((d) => /`wstest\.ok` has no parameter `z`/.test(d.message)), JSON.stringify(d0));
    const file = path.join(c.workspace, 'ok.solver.toml');
    fs.writeFileSync(file, manifest('wstest.ok', 'ok') + '\n[[params]]\nname = "z"\nkind = "number"\ndefault = 0\ndoc = "new"\n');
    c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).toString(), type: 2 }] });
    await diagnosticsOf(c, 're.tlab', (d) => !d.some((x) => /no parameter `z`/.test(x.message)));
  });

  test('runs in the solver host; a crash is a diagnostic that names the Python frame', async () => {
    await c.open('run.tlab', 'experiment ok {\n  solve r = wstest.ok(x = 3)\n  expect r.y == 6\n}\nexperiment bad {\n  solve q = wstest.crash(x = 0)\n  expect q.y == 1\n}\n');
    const ok = await c.request<any>('theorylab/run', { uri: c.uri('run.tlab'), target: 'ok' }, 60000);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    await c.request<any>('theorylab/run', { uri: c.uri('run.tlab'), target: 'bad' }, 60000);
    const d = await diagnosticsOf(c, 'run.tlab', (x) => x.some((y) => /ZeroDivisionError/.test(y.message)));
    const crash = d.find((y) => /ZeroDivisionError/.test(y.message))!;
    assert.match(crash.message, /solvers\.py:18, in helper/);
    assert.equal(crash.range.start.line, 5, 'on the call site');
    // and on the line of the Python file that raised, until the solver next succeeds
    const py = await diagnosticsOf(c, 'solvers.py', (x) => x.length > 0);
    assert.equal(py[0].range.start.line, 17);
    assert.match(py[0].message, /ZeroDivisionError/);
    await c.change('run.tlab', 'experiment ok {\n  solve r = wstest.ok(x = 3)\n  expect r.y == 6\n}\nexperiment bad {\n  solve q = wstest.crash(x = 2)\n  expect q.y == 0.5\n}\n');
    const fixed = await c.request<any>('theorylab/run', { uri: c.uri('run.tlab'), target: 'bad' }, 60000);
    assert.equal(fixed.ok, true, JSON.stringify(fixed));
    await diagnosticsOf(c, 'solvers.py', (x) => x.length === 0);
  });
});

describe('workspace solvers in an untrusted workspace', () => {
  let c: LspClient;
  before(async () => { c = await startServer(files, { trusted: false, settings: { python: testPython, autoRunMaxSeconds: 0 } }); });
  after(async () => { await c.shutdown(); fs.rmSync(c.workspace, { recursive: true, force: true }); });

  test('declarations are checked but nothing runs', async () => {
    const pidfile = path.join(c.workspace, 'spin.pid');
    const d = await c.open('u.tlab', `experiment e {\n  solve r = wstest.spin(pidfile = "${pidfile}")\n  expect r.y == 1\n}\n`);
    assert.ok(!d.some((x) => /unknown solver/.test(x.message)), JSON.stringify(d));
    const res = await c.request<any>('theorylab/run', { uri: c.uri('u.tlab') }, 60000);
    assert.equal(res.ok, false);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fs.existsSync(pidfile), false, 'no Python process was started');
    const after = await diagnosticsOf(c, 'u.tlab', (x) => x.some((y) => /trusted/.test(y.message)));
    assert.ok(after.some((y) => /runs only in a trusted workspace/.test(y.message)));
  });
});
