// "Re-check with new seed": derivation blocks get a lens that re-runs their checks at fresh random
// points (the next seed), and the next lens offers the seed after that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness';
import { runTarget } from '../../protocol';

const FILE = `derivation quad {
  given A: matrix(3, 3) spd, x: vector(3)
  let E = 0.5 * sum(x * (A @ x))
  check grad(E, x) == A @ x
}
`;

type Lens = { command?: { title: string; arguments?: { seed?: number }[] } };

test('the re-check lens runs the derivation with the next seed', async () => {
  const server = await startServer({ 'd.tlab': FILE }, { trusted: true, settings: { autoRunMaxSeconds: 0 } });
  try {
    await server.open('d.tlab', FILE);
    const lenses = () => server.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: server.uri('d.tlab') } });
    const recheck = (await lenses()).find((l) => l.command?.title.includes('new seed'));
    assert.ok(recheck, 'a Re-check lens on the derivation');
    const args = recheck!.command!.arguments![0];
    assert.equal(args.seed, 1);
    const r = await server.request(runTarget, args, 60000);
    assert.equal(r.ok, true, r.message);
    const after = (await lenses()).find((l) => l.command?.title.includes('new seed'));
    assert.equal(after!.command!.arguments![0].seed, 2);
  } finally {
    await server.shutdown();
  }
});
