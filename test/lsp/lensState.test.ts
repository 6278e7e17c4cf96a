// LSP tests of the run-state code lens (server/tlab/runStatus.ts): codicon titles, "not run: N errors"
// for a block with static errors, "done at HH:MM:SS in … s" after a run, "cancelled" after a cancel,
// and the running state while a slow block runs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './harness';
import { cancelTarget, runTarget } from '../../protocol';

const TEXT = `experiment fast {
  sweep a = [1, 2]
  solve q = demo.quadratic(a = a, b = -2)
  expect q.x_min[a = 1] == 1
}

experiment broken {
  solve q = demo.quadratc(a = 1)
}

experiment slow {
  simulate m = demo.noisy_mean(n = 20000000, seeds = 10000)
}
`;

describe('run state in the code lens', () => {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-lens-')));
  const client = new LspClient(ws);
  after(async () => { await client.shutdown(); });

  test('not run, done, running and cancelled, with codicons and no emoji', async () => {
    await client.initialize({ trusted: true, settings: { autoRunMaxSeconds: 0 } });
    const uri = client.uri('l.tlab');
    await client.open('l.tlab', TEXT);
    const lenses = async () => (await client.request<any[]>('textDocument/codeLens', { textDocument: { uri } }))
      .map((l) => ({ line: l.range.start.line, title: l.command?.title as string, command: l.command?.command as string }));
    const status = async (line: number) => (await lenses()).filter((l) => l.line === line && l.command !== 'theorylab.run' && l.command !== 'theorylab.cancel' && l.command !== 'theorylab.showPlots').map((l) => l.title);

    const first = await lenses();
    assert.ok(first.every((l) => !/[\u{1F300}-\u{1FAFF}▶■☁]/u.test(l.title)), JSON.stringify(first));
    assert.ok(first.some((l) => l.title === '$(play) Run'));
    assert.deepEqual(await status(6), ['$(error) not run: 1 error']);
    assert.equal((await lenses()).find((l) => l.line === 6 && /not run/.test(l.title))!.command, 'editor.action.marker.nextInFiles');
    assert.deepEqual(await status(0), [], 'nothing to say before the first run');

    const r = await client.request(runTarget, { uri, target: 'fast' });
    assert.equal(r.ok, true, r.message);
    const [done] = await status(0);
    assert.match(done, /^\$\(check\) done at \d\d:\d\d:\d\d in \d+\.\d\d s$/);

    const slow = client.request(runTarget, { uri, target: 'slow' });
    let running: string[] = [];
    for (let i = 0; i < 100 && !running.length; i++) {
      running = (await status(10)).filter((t) => /running/.test(t));
      if (!running.length) await new Promise((res) => setTimeout(res, 50));
    }
    assert.deepEqual(running, ['$(sync~spin) running…']);
    await client.request(cancelTarget, { uri, target: 'slow' });
    const res = await slow;
    assert.equal(res.ok, false);
    assert.equal(res.message, 'cancelled');
    const [cancelled] = await status(10);
    assert.match(cancelled, /^\$\(circle-slash\) cancelled at \d\d:\d\d:\d\d$/);
  });
});
