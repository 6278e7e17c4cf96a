// The layering of docs/architecture.md, checked on every import of the source tree: protocol/ imports
// nothing of ours and no node; webviews (media/) and the client import no server code; the server
// imports no client or webview code; solvers reach the engine only through the solver contract, and
// the engine reaches solvers only through the registry. Today's known solver → engine imports are an
// explicit allow-list that the solver-contract work shrinks to nothing; an entry that no longer occurs
// fails too, so the list can only get shorter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';

const root = path.resolve(__dirname, '..', '..');

/** `file -> specifier` pairs that break the solver rule (issue 16, item 1): none are left, and none may be added. */
const KNOWN_SOLVER_ENGINE_IMPORTS = new Set<string>([]);

/** The only npm packages protocol/ may use: the JSON-RPC message types, which run in any JS runtime. */
const PROTOCOL_PACKAGES = new Set(['vscode-languageserver-protocol']);

interface Import {
  from: string;
  spec: string;
  target?: string;
  line: number;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return out;
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'fixtures') sourceFiles(rel, out);
    } else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Resolves a relative specifier to a repository path (`server/x.ts`, `protocol/index.ts`), as TypeScript would. */
function resolve(from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const c of [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')]) {
    if (fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile()) return c;
  }
  return undefined;
}

/** Static imports, re-exports, `import()` and `require()` of a file, with their line numbers. */
function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[2];
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ from: file, spec, line, target: spec.startsWith('.') ? resolve(file, spec) : undefined });
  }
  return out;
}

const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const files = ['client', 'server', 'protocol', 'media'].flatMap((d) => sourceFiles(d));
const imports = files.flatMap((f) => importsOf(f, fs.readFileSync(path.join(root, f), 'utf8')));
const at = (i: Import) => `${i.from}:${i.line} imports '${i.spec}'`;
const under = (p: string | undefined, dir: string) => p !== undefined && p.startsWith(`${dir}/`);

test('the scan sees the tree: every relative import resolves to a file', () => {
  assert.ok(files.length > 100, `${files.length} files`);
  assert.ok(imports.length > 500, `${imports.length} imports`);
  // test files hold document texts that look like imports (`import "../../etc/passwd"`): sources only
  const unresolved = imports.filter((i) => !i.from.endsWith('.test.ts') && i.spec.startsWith('.') && !i.target).map(at);
  assert.deepEqual(unresolved, []);
});

test('protocol/ imports only itself and the LSP message types: no server, client, webview or node', () => {
  const bad = imports
    .filter((i) => i.from.startsWith('protocol/'))
    .filter((i) =>
      i.target ? !under(i.target, 'protocol') : isNodeBuiltin(i.spec) || !PROTOCOL_PACKAGES.has(packageOf(i.spec)),
    );
  assert.deepEqual(bad.map(at), []);
});

test('webviews (media/) import no server or client code and no node module', () => {
  const bad = imports
    .filter((i) => i.from.startsWith('media/'))
    .filter((i) => under(i.target, 'server') || under(i.target, 'client') || isNodeBuiltin(i.spec));
  assert.deepEqual(bad.map(at), []);
});

test('the client imports no server or webview code (it speaks the protocol)', () => {
  const bad = imports
    .filter((i) => i.from.startsWith('client/'))
    .filter((i) => under(i.target, 'server') || under(i.target, 'media'));
  assert.deepEqual(bad.map(at), []);
});

test('the server imports no client or webview code and nothing of vscode', () => {
  const bad = imports
    .filter((i) => i.from.startsWith('server/'))
    .filter(
      (i) =>
        under(i.target, 'client') ||
        under(i.target, 'media') ||
        i.spec === 'vscode' ||
        i.spec === 'vscode-languageclient',
    );
  assert.deepEqual(bad.map(at), []);
});

test('solvers import no engine module beyond the known list, which only shrinks', () => {
  const solverToEngine = imports.filter(
    (i) => i.from.startsWith('server/solvers/') && !i.from.endsWith('.test.ts') && under(i.target, 'server/engine'),
  );
  const pairs = solverToEngine.map((i) => `${i.from} -> ${i.target}`);
  assert.deepEqual(
    solverToEngine.filter((i) => !KNOWN_SOLVER_ENGINE_IMPORTS.has(`${i.from} -> ${i.target}`)).map(at),
    [],
    'a solver reaches compute through ctx.kernels and imports only the solver contract and server/numeric/',
  );
  const gone = [...KNOWN_SOLVER_ENGINE_IMPORTS].filter((p) => !pairs.includes(p));
  assert.deepEqual(gone, [], 'these imports are gone: delete them from KNOWN_SOLVER_ENGINE_IMPORTS');
});

// server/clevr/ is both the .clevr language and the CLEVR executors the clevr.* solvers wrap: allowed.
test('solvers import nothing of the editor side (language server, .tlab, cluster, cli)', () => {
  const editor = ['server/tlab', 'server/cluster', 'server/cli', 'server/derive', 'server/plots'];
  const bad = imports
    .filter((i) => i.from.startsWith('server/solvers/') && !i.from.endsWith('.test.ts'))
    .filter(
      (i) =>
        editor.some((d) => under(i.target, d)) ||
        ['server/server.ts', 'server/languageService.ts', 'server/settings.ts'].includes(i.target ?? ''),
    );
  assert.deepEqual(bad.map(at), []);
});

// The clevr.* solvers wrap the CLEVR executors and the G2L2 parser, so those sit below the solvers:
// they may use the solver contract (kernel types) and numeric/, never the engine, the registry or the
// editor side. Only the .clevr language's entry points speak to the editor: its language service
// (service*.ts, to the language server) and its CLI command (cli.ts).
test('the CLEVR and G2L2 semantics import no engine, registry or editor module', () => {
  const entry = (f: string) => /^server\/clevr\/service[A-Za-z]*\.ts$/.test(f) || f === 'server/clevr/cli.ts';
  const semantics = imports.filter(
    (i) =>
      (i.from.startsWith('server/clevr/') || i.from.startsWith('server/g2l2/')) &&
      !i.from.endsWith('.test.ts') &&
      !entry(i.from),
  );
  assert.ok(semantics.length > 50, `${semantics.length} imports of server/clevr and server/g2l2`);
  const bad = semantics.filter((i) => {
    const t = i.target ?? '';
    if (under(t, 'server/engine') || under(t, 'server/tlab') || under(t, 'server/cli') || under(t, 'server/cluster'))
      return true;
    if (under(t, 'server/solvers')) return t !== 'server/solvers/contract.ts';
    return t === 'server/languageService.ts';
  });
  assert.deepEqual(bad.map(at), []);
});

test('the engine reaches solvers only through the registry (solvers/index.ts, solvers/registry.ts, the contract)', () => {
  const entry = (p: string) =>
    p === 'server/solvers/index.ts' ||
    p === 'server/solvers/registry.ts' ||
    /^server\/solvers\/contract(\/|\.ts$)/.test(p);
  const bad = imports
    .filter((i) => i.from.startsWith('server/engine/') && !i.from.endsWith('.test.ts'))
    .filter((i) => under(i.target, 'server/solvers') && !entry(i.target!));
  assert.deepEqual(bad.map(at), []);
});

test('the import scanner finds every form of import', () => {
  const text = [
    "import a from './a';",
    "import type { B } from '../b';",
    "export { c } from './c';",
    "export * from './d';",
    "const e = require('./e');",
    "const f = await import('./f');",
    "import './g';",
    "// from './not-an-import' is text, still seen",
  ].join('\n');
  assert.deepEqual(
    importsOf('server/x.ts', text).map((i) => [i.spec, i.line]),
    [
      ['./a', 1],
      ['../b', 2],
      ['./c', 3],
      ['./d', 4],
      ['./e', 5],
      ['./f', 6],
      ['./g', 7],
      ['./not-an-import', 8],
    ],
  );
});
