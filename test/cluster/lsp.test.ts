// The editor path of cluster runs: with theorylab.cluster.backend = slurm, experiments get a
// "Run on cluster" lens, and the run request with backend 'slurm' runs the block as a Slurm array
// (the language server over stdio, the local single-node Slurm of scripts/slurm-local.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer } from '../lsp/harness';
import { runTarget } from '../../protocol';

const FILE = `experiment grid "on the cluster" {
  sweep b = [-2, 0, 2]
  solve q = demo.quadratic(a = 1, b = b)
  expect q.x_min[b = 2] == -1
}
`;

test('Run on cluster lens, and a cluster run through the language server', async () => {
  const server = await startServer({ 'c.tlab': FILE }, {
    trusted: true,
    settings: { autoRunMaxSeconds: 0, cluster: { backend: 'slurm', arrayLimit: 2, resultsDir: 'slurm-results' } },
  });
  try {
    await server.open('c.tlab', FILE);
    const lenses = await server.request<{ command?: { title: string; arguments?: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri: server.uri('c.tlab') } });
    const cluster = lenses.find((l) => l.command?.title.includes('Run on cluster'));
    assert.ok(cluster, `lenses: ${lenses.map((l) => l.command?.title).join(', ')}`);
    assert.deepEqual(cluster!.command!.arguments, [{ uri: server.uri('c.tlab'), target: 'grid', backend: 'slurm' }]);
    const r = await server.request(runTarget, { uri: server.uri('c.tlab'), target: 'grid', backend: 'slurm' }, 120000);
    assert.equal(r.ok, true, r.message);
    const jobs = fs.readdirSync(path.join(server.workspace, 'slurm-results', 'jobs'));
    assert.equal(jobs.length, 1, 'one array for the three grid points');
    const progress = server.notifications.filter((n) => n.method === '$/progress').map((n) => n.params.value?.message).filter(Boolean);
    assert.ok(progress.some((m: string) => /done/.test(m)), `progress messages: ${progress.join(' | ')}`);
  } finally {
    await server.shutdown();
  }
});

test('no cluster lens when the backend is local', async () => {
  const server = await startServer({ 'c.tlab': FILE }, { trusted: true, settings: { autoRunMaxSeconds: 0 } });
  try {
    await server.open('c.tlab', FILE);
    const lenses = await server.request<{ command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri: server.uri('c.tlab') } });
    assert.ok(!lenses.some((l) => l.command?.title.includes('cluster')));
  } finally {
    await server.shutdown();
  }
});
