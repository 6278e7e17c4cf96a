// server/settings.ts: every shape a client sends parses to the same typed object; bad values fall back
// to their defaults and out-of-range numbers are clamped, each with one named problem; the store pulls
// workspace/configuration when it can and falls back to the pushed section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SETTINGS,
  MAX_TIMEOUT_SECONDS,
  MAX_TIMER_MS,
  parseSettings,
  SettingsStore,
  type TheoryLabSettings,
} from './settings';

test('the section, the didChangeConfiguration wrapper and the flat keys give the same settings', () => {
  const section = {
    device: 'cpu',
    solver: { timeoutSeconds: 42 },
    autoRun: { maxSeconds: 0 },
    inlayHints: { enabled: false },
    cluster: { backend: 'slurm', partition: ' gpu ', arrayLimit: 4, preamble: ['module load x', 3] },
  };
  const a = parseSettings(section);
  assert.deepEqual(a.problems, []);
  assert.equal(a.settings.device, 'cpu');
  assert.equal(a.settings.solverTimeoutSeconds, 42);
  assert.equal(a.settings.autoRunMaxSeconds, 0);
  assert.equal(a.settings.inlayHintsEnabled, false);
  assert.deepEqual(a.settings.cluster, {
    backend: 'slurm',
    partition: 'gpu',
    arrayLimit: 4,
    preamble: ['module load x'],
  });
  assert.deepEqual(parseSettings({ theorylab: section }).settings, a.settings);
  assert.equal(a.settings.python, undefined);
  assert.equal(parseSettings({ python: ' /opt/py/bin/python3 ' }).settings.python, '/opt/py/bin/python3');
  assert.equal(parseSettings({ python: '' }).settings.python, undefined);
  const flat = parseSettings({
    device: 'cpu',
    solverTimeoutSeconds: 42,
    autoRunMaxSeconds: 0,
    inlayHintsEnabled: false,
    cluster: section.cluster,
  });
  assert.deepEqual(flat.settings, a.settings);
});

test('missing or non-object input gives the defaults, without problems', () => {
  for (const raw of [undefined, null, 7, 'x', [], {}]) {
    const r = parseSettings(raw);
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
    assert.deepEqual(r.problems, []);
  }
});

test('a time limit beyond a 32-bit timer is clamped (2147484 s would fire after 1 ms)', () => {
  assert.equal(MAX_TIMEOUT_SECONDS, 2147483);
  assert.ok(MAX_TIMEOUT_SECONDS * 1000 <= MAX_TIMER_MS);
  const r = parseSettings({ solver: { timeoutSeconds: 2147484 }, autoRun: { maxSeconds: 1e12 } });
  assert.equal(r.settings.solverTimeoutSeconds, 2147483);
  assert.equal(r.settings.autoRunMaxSeconds, MAX_TIMEOUT_SECONDS);
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0], /^theorylab\.solver\.timeoutSeconds: 2147484 is outside \[1, 2147483\]; using 2147483$/);
  assert.equal(parseSettings({ solver: { timeoutSeconds: 0 } }).settings.solverTimeoutSeconds, 1);
  assert.equal(parseSettings({ autoRun: { maxSeconds: -3 } }).settings.autoRunMaxSeconds, 0);
});

test('wrong types fall back to the default with a named problem', () => {
  const r = parseSettings({
    device: 'tpu',
    solver: { timeoutSeconds: '10' },
    autoRun: { maxSeconds: Number.NaN },
    inlayHints: { enabled: 'yes' },
    cluster: { backend: 'pbs', gpusPerTask: 1.5, arrayLimit: -1, account: 3 },
  });
  assert.deepEqual(r.settings.device, 'auto');
  assert.equal(r.settings.solverTimeoutSeconds, 300);
  assert.equal(r.settings.autoRunMaxSeconds, 1);
  assert.equal(r.settings.inlayHintsEnabled, true);
  assert.equal(r.settings.cluster.backend, 'local');
  assert.equal(r.settings.cluster.gpusPerTask, undefined);
  assert.equal(r.settings.cluster.arrayLimit, undefined); // clamped to 0 = not set
  assert.equal(r.settings.cluster.account, undefined);
  const names = r.problems.map((p) => p.split(':')[0]);
  assert.deepEqual(names, [
    'theorylab.device',
    'theorylab.inlayHints.enabled',
    'theorylab.cluster.backend',
    'theorylab.cluster.account',
    'theorylab.cluster.gpusPerTask',
    'theorylab.cluster.arrayLimit',
    'theorylab.solver.timeoutSeconds',
    'theorylab.autoRun.maxSeconds',
  ]);
});

test('the store pulls the section when it can, else keeps the pushed one; each problem is logged once', async () => {
  const applied: TheoryLabSettings[] = [];
  const logs: string[] = [];
  let answer: unknown = { device: 'gpu' };
  const store = new SettingsStore({
    pull: async () => answer,
    apply: (s) => applied.push(s),
    log: (m) => logs.push(m),
  });
  store.set({ device: 'cpu', solverTimeoutSeconds: 9e9 });
  assert.equal(store.current().device, 'cpu');
  assert.equal(store.current().solverTimeoutSeconds, MAX_TIMEOUT_SECONDS);
  await store.refresh({ theorylab: { device: 'auto' } });
  assert.equal(store.current().device, 'gpu', 'the pulled section wins over the pushed one');
  answer = null; // a client that answers workspace/configuration with null
  await store.refresh({ theorylab: { device: 'cpu', solver: { timeoutSeconds: 9e9 } } });
  assert.equal(store.current().device, 'cpu');
  assert.equal(applied.length, 3);
  assert.equal(logs.filter((l) => l.includes('timeoutSeconds')).length, 1);
  const noPull = new SettingsStore({ apply: () => {}, log: () => {} });
  await noPull.refresh();
  assert.deepEqual(noPull.current(), DEFAULT_SETTINGS, 'nothing pushed, nothing pulled: unchanged');
});
