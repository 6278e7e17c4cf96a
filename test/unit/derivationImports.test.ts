// A user function defined in an imported .tlab file is known inside a derivation: the checker's static
// derivation diagnostics and the runner's checks both see the lets of imported files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTlab } from '../../server/tlab/checker';
import { runTlab } from '../../server/tlab/blockRun';
import { InProcessRunner } from '../../server/engine/runner';

const files: Record<string, string> = {
  'common.tlab': 'let sq(u) = u * u\nlet two = 2\n',
  // offsets of the imported body overlap the derivation's: nothing may be reported or recorded there
  'broken.tlab': '// a comment that shifts the body\nlet bad(u) = u * nowhere\n',
};

function workspace(main: string) {
  const readFile = (_from: string, rel: string) => {
    const text = files[rel];
    if (text === undefined) throw new Error('file not found');
    return { uri: `file:///ws/${rel}`, text };
  };
  return checkTlab(main, { uri: 'file:///ws/main.tlab', readFile });
}

const MAIN = `import "common.tlab"
derivation squares {
  given x: vector(3)
  check grad(sum(sq(x)), x) == two * x
  check grad(sum(sq(x)), x) == 3 * x
}
`;

test('a function from an imported file is known inside a derivation (checker)', () => {
  const a = workspace(MAIN);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  assert.ok(!a.diagnostics.some((d) => /unknown name/.test(d.message)), JSON.stringify(a.diagnostics));
});

test('a derivation using an imported function runs: the right check passes, the wrong one fails (runner)', async () => {
  const a = workspace(MAIN);
  const report = await runTlab(a, { runner: new InProcessRunner(), budget: 'test' });
  const block = report.blocks.find((b) => b.name === 'squares')!;
  assert.deepEqual(block.issues, []);
  assert.equal(block.checks.length, 2);
  assert.equal(block.checks[0].passed, true, JSON.stringify(block.checks[0]));
  assert.equal(block.checks[1].passed, false);
  // hover values stay on the derivation's own expressions
  const at = MAIN.indexOf('sq(x)') + 1;
  const v = block.derivationValueAt!(at);
  assert.ok(v && v.span.start >= MAIN.indexOf('derivation') && MAIN.slice(v.span.start, v.span.end).length > 0, JSON.stringify(v));
});

test('a problem inside an imported body is reported at the derivation\'s call, not at the body\'s offsets', () => {
  const main = 'import "broken.tlab"\nderivation d {\n  given x: vector(2)\n  check bad(x) == x\n}\n';
  const off = files['broken.tlab'].indexOf('nowhere');
  assert.ok(off > main.indexOf('derivation') && off < main.length, 'the body\'s offset lies inside the derivation here');
  const a = workspace(main);
  const errs = a.diagnostics.filter((d) => d.source === 'derive');
  assert.ok(errs.length > 0, JSON.stringify(a.diagnostics));
  for (const d of errs) {
    assert.equal(main.slice(d.span.start, d.span.end), 'bad(x)', JSON.stringify(d));
    assert.match(d.message, /in `bad`: unknown name `nowhere`/);
  }
});

test('the file\'s own let wins over an imported one of the same name', async () => {
  const main = 'import "common.tlab"\nlet sq(u) = 3 * u\nderivation own {\n  given x: vector(2)\n  check sq(x) == 3 * x\n}\n';
  const a = workspace(main);
  const report = await runTlab(a, { runner: new InProcessRunner(), budget: 'test' });
  const block = report.blocks.find((b) => b.name === 'own')!;
  assert.equal(block.checks[0]?.passed, true, JSON.stringify(block));
});
