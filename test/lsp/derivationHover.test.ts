// LSP: after a failed `check`, the diagnostic counts the failing draws and the hover of a
// sub-expression shows its value at the failing draw, labelled as such (server/derive/checkRun.ts).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, positionAt, LspClient } from './harness';
import { runTarget } from '../../protocol';

const TEXT = `derivation half {
  given x: scalar
  let y = 2 * x
  check abs(y) == y
}
`;

let client: LspClient | undefined;
after(async () => { await client?.shutdown(); });

test('failed check: "k of N draws fail" and hovers at the failing draw', async () => {
  client = await startServer({}, { trusted: true, settings: { autoRunMaxSeconds: 0 } });
  const uri = client.uri('d.tlab');
  await client.open('d.tlab', TEXT);
  const r = await client.request(runTarget, { uri, target: 'half' });
  assert.equal(r.ok, false);
  // published after the run (possibly before a waiter could be registered): poll the last ones
  for (let i = 0; i < 100 && !client.lastDiagnostics('d.tlab').some((d) => /draws fail/.test(d.message)); i++) await new Promise((res) => setTimeout(res, 50));
  const check = client.lastDiagnostics('d.tlab').find((d) => /draws fail/.test(d.message));
  assert.ok(check, JSON.stringify(client.lastDiagnostics('d.tlab')));
  const m = /^✗ (\d+) of 10 draws fail: .* at draw (\d+) \(the worst\)/.exec(check!.message);
  assert.ok(m, check!.message);
  const hover = await client.at('textDocument/hover', 'd.tlab', positionAt(TEXT, TEXT.indexOf('abs(y)') + 4));
  assert.match(hover.contents.value, new RegExp(`value at draw ${m![2]}, where this check fails:\\n\\n\`\`\`\\n-[0-9.]+\\n\`\`\``));
});
