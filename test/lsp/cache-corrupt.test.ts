// LSP test of the result cache's distrust: a solver result cached by one server, then corrupted on
// disk with a valid envelope (outputs {} — what a half-migrated or hand-edited file looks like), is
// recomputed by the next server instead of failing the block; the run log says so.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './harness';

const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cache-corrupt-'));
process.env.XDG_CACHE_HOME = cacheHome;
after(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

const DOC = `experiment q {
  solve s = demo.quadratic(a = 2, b = 4)
  expect s.x_min == -1
  expect s.f_min == -2
}
`;

/** Every cached solver result file under the cache home. */
function cacheFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'tags' && e.name !== 'blocks') out.push(...cacheFiles(p)); } else if (/^[0-9a-f]{64}\.json$/.test(e.name)) out.push(p);
  }
  return out;
}

test('a corrupted cache entry is recomputed, not served', { timeout: 120_000 }, async () => {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-cc-')));
  const init = { trusted: true, settings: { autoRunMaxSeconds: 0 } };
  const first = new LspClient(ws);
  try {
    await first.initialize(init);
    await first.open('c.tlab', DOC);
    const res = await first.request<any>('theorylab/run', { uri: first.uri('c.tlab') }, 60_000);
    assert.equal(res.ok, true, res.message);
  } finally { await first.shutdown(); }
  const files = cacheFiles(path.join(cacheHome, 'theorylab'));
  assert.equal(files.length, 1, files.join(', '));
  const entry = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  entry.result.outputs = {};
  fs.writeFileSync(files[0], JSON.stringify(entry));

  const second = new LspClient(ws);
  try {
    await second.initialize(init);
    await second.open('c.tlab', DOC);
    const res = await second.request<any>('theorylab/run', { uri: second.uri('c.tlab') }, 60_000);
    assert.equal(res.ok, true, `the block ran on a recomputed result: ${res.message}`);
    const logs = second.notifications.filter((n) => n.method === 'window/logMessage').map((n) => String(n.params.message));
    assert.ok(logs.some((m) => /ignored a corrupt cache file .*outputs|output `x_min`: missing/.test(m)), logs.join('\n'));
    assert.ok(logs.some((m) => /^done demo\.quadratic in .* on cpu/.test(m)), logs.join('\n'));
    // the file is good again: its outputs are the computed ones
    const fixed = JSON.parse(fs.readFileSync(files[0], 'utf8'));
    assert.deepEqual(fixed.result.outputs, { x_min: -1, f_min: -2 });
  } finally { await second.shutdown(); }
});
