// Workspace Trust and settings, enforced by the server itself: a client that does not say `trusted`
// gets an untrusted workspace, where an explicit theorylab/run runs nothing, .clevr evals are not
// executed on open and nothing re-runs by itself; and `theorylab.device` reaches editor runs (the job
// records the backend it ran on in the result cache, which lives under XDG_CACHE_HOME).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getPlots, plotUpdated, runTarget } from '../../protocol';
import { type LspClient, startServer } from './harness';
import { QUAD } from './fixtures';

const CLEVR = `scene tiny {
  object a: large red metal cube at (1.0, 2.0)
  object b: small blue rubber sphere at (-1.5, 0.5)
}
program color_of_cube = query_color(unique(filter_shape(scene(), cube)))
eval color_of_cube on tiny expect red
`;

/** Every result the server's solver jobs wrote to the cache below `dir`: solver id and backend. */
function cachedJobs(dir: string): { solver: string; backend: string }[] {
  const out: { solver: string; backend: string }[] = [];
  const walk = (d: string) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        try {
          const j = JSON.parse(fs.readFileSync(p, 'utf8'));
          if (j?.result?.backend) out.push({ solver: String(j.solver ?? j.key), backend: j.result.backend });
        } catch {
          /* a tag file or a partial write */
        }
      }
    }
  };
  walk(dir);
  return out;
}

describe('a workspace the client did not call trusted', () => {
  let c: LspClient;
  before(async () => {
    c = await startServer({}, { settings: { autoRun: { maxSeconds: 5 } } });
  });
  after(() => c.shutdown());

  test('an explicit theorylab/run runs nothing and says why', async () => {
    await c.open('q.tlab', QUAD);
    const r = await c.request(runTarget, { uri: c.uri('q.tlab'), target: 'quad' });
    assert.equal(r.ok, false);
    assert.match(r.message, /not trusted/);
    const whole = await c.request(runTarget, { uri: c.uri('q.tlab') });
    assert.equal(whole.ok, false);
    assert.match(whole.message, /not trusted/);
    const slurm = await c.request(runTarget, { uri: c.uri('q.tlab'), target: 'quad', backend: 'slurm' });
    assert.match(slurm.message, /not trusted/);
    assert.deepEqual(await c.request(getPlots, { uri: c.uri('q.tlab'), target: 'quad' }), [], 'no block ran');
    // no auto-run either, although the block is cheap and maxSeconds = 5
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual(await c.request(getPlots, { uri: c.uri('q.tlab'), target: 'quad' }), []);
    assert.ok(!c.notifications.some((n) => n.method === plotUpdated.method));
  });

  test('a .clevr eval is checked but not executed on open, and Run refuses it', async () => {
    const diags = await c.open('s.clevr', CLEVR, 'clevr');
    const notRun = diags.filter((d) => /this workspace is not trusted: evals and sentences do not run/.test(d.message));
    assert.equal(notRun.length, 1, JSON.stringify(diags));
    assert.equal(notRun[0].range.start.line, 5);
    assert.equal(diags.filter((d) => d.severity === 1).length, 0, 'the file itself is fine');
    const hints = await c.request<{ label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri: c.uri('s.clevr') },
      range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } },
    });
    assert.deepEqual(hints, [], 'no answer was computed');
    const r = await c.request(runTarget, { uri: c.uri('s.clevr') });
    assert.equal(r.ok, false);
    assert.match(r.message, /not trusted/);
  });
});

describe('a trusted workspace', () => {
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cache-'));
  const saved = process.env.XDG_CACHE_HOME;
  let c: LspClient;
  before(async () => {
    process.env.XDG_CACHE_HOME = cacheHome; // inherited by the server: its result cache lands here
    c = await startServer({}, { trusted: true, settings: { device: 'cpu', autoRun: { maxSeconds: 0 } } });
  });
  after(async () => {
    await c.shutdown();
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    fs.rmSync(cacheHome, { recursive: true, force: true });
  });

  test('.clevr evals run on open', async () => {
    const diags = await c.open('s.clevr', CLEVR, 'clevr');
    assert.ok(!diags.some((d) => /not run/.test(d.message)), JSON.stringify(diags));
    const hints = await c.request<{ label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri: c.uri('s.clevr') },
      range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } },
    });
    assert.deepEqual(
      hints.map((h) => h.label),
      [' → red'],
    );
  });

  // On a machine whose `auto` finds a hardware GPU this fails unless the setting reaches the run; the
  // gpu tier (test/gpu/deviceSetting.test.ts) checks `gpu` on lavapipe, where `auto` stays on the cpu.
  test('theorylab.device = cpu: the editor run computes on the cpu; a bad value is reported and ignored', async () => {
    await c.open('q.tlab', QUAD);
    const r = await c.request(runTarget, { uri: c.uri('q.tlab'), target: 'quad' }, 60000);
    assert.equal(r.ok, false, r.message); // QUAD holds one failing expectation
    assert.match(r.message, /1 passed, 1 failed/);
    const jobs = cachedJobs(cacheHome);
    assert.ok(jobs.length >= 3, `one cached job per sweep point: ${JSON.stringify(jobs)}`);
    assert.deepEqual([...new Set(jobs.map((j) => j.backend))], ['cpu']);
    c.notify('workspace/didChangeConfiguration', {
      settings: { theorylab: { device: 'tpu', solver: { timeoutSeconds: 2147484 } } },
    });
    await new Promise((res) => setTimeout(res, 300));
    const logged = () =>
      c.notifications.filter((n) => n.method === 'window/logMessage').map((n) => String(n.params.message));
    assert.ok(
      logged().some((m) => m === 'settings: theorylab.device: "tpu" is not auto, cpu or gpu; using auto'),
      logged().join('\n'),
    );
    assert.ok(logged().some((m) => /timeoutSeconds: 2147484 is outside \[1, 2147483\]; using 2147483/.test(m)));
  });
});
