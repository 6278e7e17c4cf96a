// `npm test`: builds once, then runs the four test tiers and ends with one summary line.
//   unit   — node:test on server/**/*.test.ts, test/unit/**/*.test.ts and grammars/*.test.ts (TypeScript through tsx)
//   fuzz   — test/fuzz/**/*.test.ts: fast-check corpora, small and seeded here (`npm run fuzz`: long run)
//   lsp    — test/lsp/**/*.test.ts: the real server process spoken to over stdio
//   vscode — one mocha suite inside a real extension host (scripts/test-vscode.mjs)
//   gpu    — test/gpu/**/*.test.ts: WebGPU kernels against their CPU twins (lavapipe here)
//   lint   — scripts/lint.mjs: tsc --noEmit per tsconfig (client, server, webviews, all) and Biome
// `node scripts/test-all.mjs unit lsp` runs only the named tiers. A tier whose system dependency is
// missing prints a loud SKIPPED line with the install command; under CI=true that is a failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['lint', 'unit', 'fuzz', 'lsp', 'vscode', 'gpu', 'cluster'];
const wanted = process.argv.slice(2).filter((a) => all.includes(a));
const tiers = wanted.length ? wanted : all;
const ci = process.env.CI === 'true';

function findTests(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== 'fixtures') findTests(p, out); }
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out.sort();
}

/** Runs node's test runner on files; returns {passed, failed}. */
function nodeTests(name, files, extraEnv = {}) {
  if (files.length === 0) { console.log(`[${name}] no test files`); return { passed: 0, failed: 0 }; }
  const tap = path.join(os.tmpdir(), `theorylab-${name}-${process.pid}.tap`);
  const args = ['--import', 'tsx', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)`, 'm')) ?? [])[1] ?? 0);
  const passed = num('pass'), failed = num('fail') + num('cancelled');
  // A crashed runner (no TAP summary) still counts as a failure.
  return { passed, failed: failed || (r.status !== 0 ? 1 : 0) };
}

/**
 * Looks for a WebGPU adapter in a child process (Dawn can hang or crash without a working Vulkan
 * driver; the runner must survive that). Returns { name } or { reason }.
 */
function probeWebGpu() {
  const probe = `
    import { create, globals } from 'webgpu';
    Object.assign(globalThis, globals);
    const gpu = create([]);
    const a = await gpu.requestAdapter();
    if (!a) { console.log(JSON.stringify({ reason: 'requestAdapter() returned null' })); process.exit(0); }
    console.log(JSON.stringify({ name: a.info.description || a.info.device || a.info.vendor, fallback: !!a.isFallbackAdapter }));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.error) return { reason: `the adapter probe failed: ${r.error.message}` };
  if (r.status !== 0 || !line) return { reason: `the adapter probe exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}` };
  return JSON.parse(line);
}

function skipTier(tier, reason, install) {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n!! ${tier} tier SKIPPED: ${reason} — install with: ${install}\n${bar}\n`);
  return { passed: 0, failed: 0, skipped: reason };
}

function build() {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { console.error('build failed'); process.exit(2); }
}

// Cluster tier: a real single-node Slurm on 127.0.0.1 (scripts/slurm-local.sh), started and stopped here.
function clusterTier() {
  const have = ['sbatch', 'slurmctld', 'slurmd', 'munged'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
  const isRoot = process.getuid?.() === 0;
  if (!have || !isRoot) return skipTier('cluster', !have ? 'Slurm is not installed' : 'starting slurmd needs root', 'sudo bash scripts/slurm-local.sh install');
  const dir = path.join(os.tmpdir(), `theorylab-slurm-${process.pid}`);
  const env = { ...process.env, THEORYLAB_SLURM_DIR: dir, SLURM_CONF: path.join(dir, 'slurm.conf') };
  const up = spawnSync('bash', ['scripts/slurm-local.sh', 'start'], { cwd: root, stdio: 'inherit', env });
  if (up.status !== 0) return { passed: 0, failed: 1, note: 'the local Slurm cluster did not start' };
  try {
    return nodeTests('cluster', findTests(path.join(root, 'test', 'cluster')), env);
  } finally {
    spawnSync('bash', ['scripts/slurm-local.sh', 'stop'], { cwd: root, stdio: 'inherit', env });
  }
}

const results = {};
build();
const seconds = {};
for (const tier of tiers) {
  console.log(`\n=== tier: ${tier} ===`);
  const t0 = Date.now();
  if (tier === 'unit') results.unit = nodeTests('unit', [...findTests(path.join(root, 'server')), ...findTests(path.join(root, 'test', 'unit')), ...findTests(path.join(root, 'grammars'))]);
  if (tier === 'fuzz') results.fuzz = nodeTests('fuzz', findTests(path.join(root, 'test', 'fuzz')));
  if (tier === 'lsp') results.lsp = nodeTests('lsp', findTests(path.join(root, 'test', 'lsp')));
  if (tier === 'gpu') {
    const adapter = probeWebGpu();
    if (!adapter.name) results.gpu = skipTier('gpu', `no Vulkan driver for WebGPU (${adapter.reason})`, 'sudo bash scripts/setup-system.sh');
    else {
      console.log(`[gpu] WebGPU adapter: ${adapter.name}${adapter.fallback ? ' (fallback adapter)' : ''}`);
      results.gpu = nodeTests('gpu', findTests(path.join(root, 'test', 'gpu')));
    }
  }
  if (tier === 'vscode') {
    const script = path.join(root, 'scripts', 'test-vscode.mjs');
    const resultFile = path.join(os.tmpdir(), `theorylab-vscode-${process.pid}.json`);
    fs.rmSync(resultFile, { force: true });
    if (!fs.existsSync(script)) results.vscode = { passed: 0, failed: 1, note: 'scripts/test-vscode.mjs missing' };
    else {
      const r = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit', env: { ...process.env, TLAB_TIER_RESULT: resultFile } });
      let res = { passed: 0, failed: r.status === 0 ? 0 : 1 };
      if (fs.existsSync(resultFile)) res = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
      results.vscode = res;
    }
  }
  if (tier === 'cluster') results.cluster = clusterTier();
  if (tier === 'lint') {
    const r = spawnSync(process.execPath, ['scripts/lint.mjs'], { cwd: root, stdio: 'inherit' });
    results.lint = { passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1 };
  }
  seconds[tier] = (Date.now() - t0) / 1000;
}

let passed = 0, failed = 0, skipped = 0;
console.log('\n=== summary ===');
for (const [tier, r] of Object.entries(results)) {
  console.log(`${tier.padEnd(7)} ${r.skipped ? `SKIPPED (${r.skipped})` : `${r.passed} passed, ${r.failed} failed`}${r.note ? ` — ${r.note}` : ''}  [${seconds[tier]?.toFixed(0) ?? '?'} s]`);
  passed += r.passed; failed += r.failed;
  if (r.skipped) { skipped++; if (ci) failed++; }
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
