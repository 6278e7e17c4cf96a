// The CLI as a user runs it (a child process, so stdout and stderr are the real ones): `run` goes
// through the solver host with --timeout honoured (huge values clamped, not failing at once), --help
// lists every option of the usage line, BOM files are accepted, reserved and unknown --param names are
// refused, a passing check prints its mark once, and stderr stays quiet without --verbose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, parseParams } from './args';
import { stripBom } from './readSource';

const repo = path.resolve(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cli-hygiene-'));
const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };

function cli(args: string[], timeoutMs = 120_000): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server', 'cli.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const QUAD = 'experiment q {\n  solve s = demo.quadratic(a = 2, b = 4)\n  expect s.x_min == -1\n}\n';
// 100 seeds of 10^8 draws: minutes, unless the time limit stops it
const LONG = 'experiment long {\n  simulate m = demo.noisy_mean(mu = 0, n = 100000000, seeds = 100)\n  expect m.mean > 1000\n}\n';

test('run --help lists every option its usage line names', () => {
  const r = cli(['run', '--help']);
  assert.equal(r.code, 0);
  const usage = /^Usage: theorylab (.*)$/m.exec(r.out)![1];
  for (const opt of ['--budget', '--timeout', '--memory', '--device', '--out', '--json', '--verbose']) {
    assert.ok(usage.includes(opt), `usage line lacks ${opt}: ${usage}`);
    assert.ok(r.out.split('\n').slice(1).join('\n').includes(opt), `help text lacks ${opt}`);
  }
});

test('run honours --timeout through the solver host; a timeout beyond a 32-bit timer does not fail at once', () => {
  const long = write('long.tlab', LONG);
  const t0 = Date.now();
  const r = cli(['run', long, '--timeout', '1', '--device', 'cpu']);
  assert.ok(Date.now() - t0 < 60_000);
  assert.notEqual(r.code, 0);
  assert.match(r.out + r.err, /timed out after 1 s \(--timeout\)/);
  const ok = cli(['run', write('q.tlab', QUAD), '--timeout', '2147484', '--device', 'cpu']);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /1 passed, 0 failed/);
  assert.equal(ok.err, '', 'nothing on stderr without --verbose');
  const bad = cli(['run', write('q2.tlab', QUAD), '--timeout', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--timeout expects a number of seconds/);
});

test('a file starting with a BOM is checked and run', () => {
  const f = write('bom.tlab', `\uFEFF${QUAD}`);
  const c = cli(['check', f]);
  assert.equal(c.code, 0, c.out);
  const r = cli(['run', f, '--device', 'cpu']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /✓ line 3: s\.x_min == -1/);
  assert.equal(stripBom('\uFEFFx'), 'x');
  assert.equal(stripBom('x\uFEFF'), 'x\uFEFF');
});

test('a passing check prints its mark once: "✓ line N: 10 points"', () => {
  const f = write('d.tlab', 'derivation d {\n  given x: vector(3)\n  check x + x == 2 * x at 10 points\n}\n');
  const r = cli(['run', f]);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^ {2}✓ line 3: 10 points/m);
  assert.doesNotMatch(r.out, /✓ line 3: ✓/);
});

test('--param refuses reserved, malformed, unknown and repeated names', () => {
  for (const [arg, re] of [
    ['__proto__=1', /'__proto__' is not a parameter name/],
    ['constructor=1', /'constructor' is not a parameter name/],
    ['a.b=1', /'a\.b' is not a parameter name/],
    ['aa=1', /no parameter 'aa' — did you mean 'a'\? \(parameters: a, b, c\)/],
  ] as const) {
    const r = cli(['solve', 'demo.quadratic', '--param', arg, '--no-cache']);
    assert.equal(r.code, 2, arg);
    assert.match(r.err, re);
  }
  assert.throws(() => parseParams(['a=1', 'a=2'], 's', ['a']), /given twice/);
  const p = parseParams(['a=2', 'b=[1,2]'], 's', ['a', 'b']);
  assert.equal(Object.getPrototypeOf(p), null);
  assert.deepEqual({ ...p }, { a: 2, b: [1, 2] });
});

test('unknown options are refused with the list of known ones', () => {
  assert.throws(() => parseArgs(['--timout', '3'], ['json'], ['timeout']), /unknown option --timout \(known: --json, --timeout\)/);
  assert.deepEqual(parseArgs(['f', '--timeout=3'], [], ['timeout']).options.get('timeout'), ['3']);
});
