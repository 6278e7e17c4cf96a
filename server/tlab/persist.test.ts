// Unit tests of the block-result store (persist.ts): round trip of everything the editor features read,
// atomic replacement, the size limit and unreadable files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredResult } from './documents';
import { BlockResultStore } from './persist';
import type { BlockResult } from './blockRun';
import type { RV } from './values';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-persist-'));
const URI = 'file:///ws/a.tlab';

function experiment(extra: Partial<BlockResult> = {}): BlockResult {
  const values = new Map<string, RV>([
    ['10:20', 1.5],
    ['21:30', { kind: 'series', idx: [0, 1], values: [{ kind: 'stat', mean: 2, std: 0.5, n: 3 }, NaN] }],
    ['31:40', { kind: 'result', solver: 'demo.quadratic', outputs: { x_min: 3, f_min: -Infinity } }],
    ['41:50', { kind: 'fn', name: 'twice', params: ['x'], call: (a) => 2 * (a[0] as number) }],
  ]);
  return {
    kind: 'experiment', name: 'quad', span: { start: 5, end: 100 },
    expects: [{ span: { start: 60, end: 70 }, passed: false, message: 'expected 1.5, got 2', left: '2' }],
    checks: [], plots: [{ uri: URI, experiment: 'quad', title: 'p', spec: { data: { values: [{ x: 1 }] } }, rows: [{ x: 1, y: null }], createdAt: 'now' }],
    issues: [{ span: { start: 6, end: 7 }, message: 'w', severity: 'warning' }],
    values, defined: [{ name: 'q', span: { start: 31, end: 32 }, stmtSpan: { start: 31, end: 40 }, value: 1.5 }],
    seconds: 0.25, ...extra,
  };
}

const stored = (result: BlockResult, fingerprint = 'fp', text = 'the text'): StoredResult => ({ result, fingerprint, text });

test('round trip keeps values, expects, plots, fingerprints (NaN and ±Inf too); functions come back as non-callable', () => {
  const store = new BlockResultStore(tmpDir());
  // derivation text from offset 200: `sum(xx) + yyy`, values of `sum(xx)`, `xx`, `yyy` and the whole
  const derivText = ' '.repeat(200) + 'sum(xx) + yyy  \n';
  const derivValues = new Map([['200:207', 'S'], ['204:206', 'X'], ['210:213', 'Y'], ['200:213', 'W']]);
  const deriv: BlockResult = {
    kind: 'derivation', name: 'd', span: { start: 200, end: 215 }, expects: [],
    checks: [{ span: { start: 200, end: 210 }, passed: true, message: 'ok', worstRelError: NaN, points: 8 }],
    plots: [], issues: [], values: new Map(), defined: [], seconds: 0,
    derivationValueAt: (off) => {
      let best: { span: { start: number; end: number }; text: string } | undefined;
      for (const [k, text] of derivValues) {
        const [start, end] = k.split(':').map(Number);
        if (start <= off && off <= end && (!best || end - start < best.span.end - best.span.start)) best = { span: { start, end }, text };
      }
      return best;
    },
  };
  assert.equal(store.save(URI, new Map([['quad', stored(experiment())], ['d', stored(deriv, 'fp2', derivText)]])), true);

  const back = new BlockResultStore(store.dir).load(URI)!;
  assert.deepEqual([...back.keys()], ['quad', 'd']);
  const q = back.get('quad')!;
  assert.equal(q.fingerprint, 'fp');
  assert.equal(q.text, 'the text');
  assert.deepEqual(q.result.expects, experiment().expects);
  assert.deepEqual(q.result.plots, experiment().plots);
  assert.deepEqual(q.result.defined, experiment().defined);
  assert.equal(q.result.values.get('10:20'), 1.5);
  const series = q.result.values.get('21:30') as { values: RV[] };
  assert.deepEqual(series.values[0], { kind: 'stat', mean: 2, std: 0.5, n: 3 });
  assert.ok(Number.isNaN(series.values[1] as number));
  assert.equal((q.result.values.get('31:40') as { outputs: Record<string, RV> }).outputs.f_min, -Infinity);
  const fn = q.result.values.get('41:50') as { kind: string; name: string; call(a: RV[]): RV };
  assert.equal(fn.kind, 'fn');
  assert.equal(fn.name, 'twice');
  assert.throws(() => fn.call([1]), /run the block again/);

  const d = back.get('d')!;
  assert.equal(d.fingerprint, 'fp2');
  assert.ok(Number.isNaN(d.result.checks[0].worstRelError));
  assert.equal(d.text, derivText);
  for (let off = 195; off <= 220; off++) assert.deepEqual(d.result.derivationValueAt!(off), deriv.derivationValueAt!(off), `offset ${off}`);
  assert.deepEqual(d.result.derivationValueAt!(205), { span: { start: 204, end: 206 }, text: 'X' });

  assert.equal(store.load('file:///ws/other.tlab'), undefined);
});

test('a save replaces the file atomically: no temporary file is left and the old content is never half-overwritten', () => {
  const store = new BlockResultStore(tmpDir());
  store.save(URI, new Map([['quad', stored(experiment(), 'old')]]));
  store.save(URI, new Map([['quad', stored(experiment(), 'new')]]));
  assert.deepEqual(fs.readdirSync(store.dir), [path.basename(store.fileFor(URI))]);
  assert.equal(store.load(URI)!.get('quad')!.fingerprint, 'new');

  // A failed write (the target name is taken by a directory) keeps the previous state readable and logs.
  const logs: string[] = [];
  const other = 'file:///ws/b.tlab';
  const s2 = new BlockResultStore(store.dir, { log: (m) => logs.push(m) });
  fs.mkdirSync(s2.fileFor(other));
  assert.equal(s2.save(other, new Map([['quad', stored(experiment())]])), false);
  assert.match(logs.join('\n'), /could not save/);
  assert.ok(!fs.readdirSync(store.dir).some((n) => n.endsWith('.tmp')));
  assert.equal(s2.load(URI)!.get('quad')!.fingerprint, 'new');
});

test('the size limit drops the least recently written files, never the one just written', () => {
  const dir = tmpDir();
  const probe = new BlockResultStore(dir);
  probe.save('file:///ws/probe.tlab', new Map([['quad', stored(experiment())]]));
  const size = fs.statSync(probe.fileFor('file:///ws/probe.tlab')).size;
  fs.rmSync(probe.fileFor('file:///ws/probe.tlab'));

  const store = new BlockResultStore(dir, { maxBytes: Math.floor(size * 2.5) }); // room for two files
  const uris = ['file:///ws/1.tlab', 'file:///ws/2.tlab', 'file:///ws/3.tlab'];
  uris.forEach((u, i) => {
    assert.equal(store.save(u, new Map([['quad', stored(experiment())]])), true);
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i)); // distinct, increasing write times
    fs.utimesSync(store.fileFor(u), t, t);
  });
  assert.equal(store.load(uris[0]), undefined, 'the oldest file was dropped');
  assert.ok(store.load(uris[1]));
  assert.ok(store.load(uris[2]));

  // A result larger than the whole limit is not written at all.
  const tiny = new BlockResultStore(tmpDir(), { maxBytes: 10, log: () => {} });
  assert.equal(tiny.save(URI, new Map([['quad', stored(experiment())]])), false);
  assert.equal(tiny.load(URI), undefined);
});

test('a corrupt, truncated, foreign or unreadable file is ignored with a log line', () => {
  const logs: string[] = [];
  const store = new BlockResultStore(tmpDir(), { log: (m) => logs.push(m) });
  store.save(URI, new Map([['quad', stored(experiment())]]));
  const file = store.fileFor(URI);
  const good = fs.readFileSync(file, 'utf8');

  for (const bad of ['{not json', good.slice(0, good.length / 2), JSON.stringify({ format: 99 }),
    good.replace(URI, 'file:///ws/elsewhere.tlab'), JSON.stringify({ ...JSON.parse(good), blocks: [{ name: 'quad', fingerprint: 'x', text: 0, result: { kind: 'experiment' } }] })]) {
    fs.writeFileSync(file, bad);
    logs.length = 0;
    assert.equal(store.load(URI), undefined, bad.slice(0, 40));
    assert.equal(logs.length, 1);
    assert.match(logs[0], /ignored the saved results/);
  }

  // a directory under the file's name cannot be read: logged, no throw
  fs.rmSync(file);
  fs.mkdirSync(file);
  logs.length = 0;
  assert.equal(store.load(URI), undefined);
  assert.match(logs.join('\n'), /could not read/);

  // no file at all: silent
  logs.length = 0;
  assert.equal(store.load('file:///ws/never.tlab'), undefined);
  assert.deepEqual(logs, []);
});
