// theorylab.device through the real language server on the machine's WebGPU adapter (lavapipe here):
// `gpu` must make the editor's run use the adapter, `cpu` must keep it off it, and the backend the job
// reports (the result cache's `backend`) must agree with the solver's own `backend` output. `auto`
// refuses a software adapter, so on lavapipe only a setting that reaches the run can give `webgpu:`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTarget } from '../../protocol';
import { type LspClient, startServer } from '../lsp/harness';

const FILE = `experiment student {
  simulate s = scaling.adam_student(d = 8, k = 2, beta = 1, delta = 0.01, n = 64, width = 4, lr = 0.003,
                                    epochs = 3, seeds = 1, n_test = 64)
}
`;

interface Job {
  job: string;
  output: unknown;
  warnings: string[];
}

/** The cached result of every solver job below `dir`: the job's backend and the solver's `backend` output. */
function jobs(dir: string): Job[] {
  const out: Job[] = [];
  const walk = (d: string) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const j = JSON.parse(fs.readFileSync(p, 'utf8'));
        if (j?.result?.backend)
          out.push({ job: j.result.backend, output: j.result.outputs?.backend, warnings: j.result.warnings ?? [] });
      }
    }
  };
  walk(dir);
  return out;
}

const servers: LspClient[] = [];
const saved = process.env.XDG_CACHE_HOME;
after(async () => {
  for (const s of servers) await s.shutdown();
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
});

async function runWith(device: string): Promise<Job[]> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), `tlab-device-${device}-`));
  process.env.XDG_CACHE_HOME = cache; // the server inherits it: a fresh result cache per device
  const c = await startServer({}, { trusted: true, settings: { device, autoRun: { maxSeconds: 0 } } });
  servers.push(c);
  await c.open('s.tlab', FILE);
  const r = await c.request(runTarget, { uri: c.uri('s.tlab') }, 120000);
  assert.equal(r.ok, true, r.message);
  return jobs(cache);
}

test('theorylab.device = cpu keeps the job on the cpu', async () => {
  const j = await runWith('cpu');
  assert.equal(j.length, 1, JSON.stringify(j));
  // 'cpu', or the CPU with the BLAS it found: 'cpu:openblas-0.3.21 (2 threads)'
  assert.match(j[0].job, /^cpu(:|$)/);
  assert.equal(j[0].output, j[0].job, 'the job and the solver name the same backend');
});

test('theorylab.device = gpu reaches the job: it runs on WebGPU or says why it could not', async () => {
  const j = await runWith('gpu');
  assert.equal(j.length, 1, JSON.stringify(j));
  // with `auto` the software adapter is skipped silently; an explicit `gpu` either uses it or warns
  assert.ok(/^webgpu:/.test(j[0].job) || j[0].warnings.some((w) => /GPU requested/.test(w)), JSON.stringify(j[0]));
});

// An explicit `gpu` on a software-only machine uses the adapter it finds (issue 16).
test('theorylab.device = gpu runs the job on the WebGPU adapter, and the solver says so too', async () => {
  const j = await runWith('gpu');
  assert.equal(j.length, 1, JSON.stringify(j));
  assert.match(j[0].job, /^webgpu:/);
  assert.equal(j[0].output, j[0].job);
});
