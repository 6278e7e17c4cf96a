import { checkTlab } from '../../tlab/checker';
import { runTlab } from '../../tlab/runner';
import { InProcessRunner } from '../../engine/runner';
import * as fs from 'fs';
(async () => {
for (const f of process.argv.slice(2)) {
  const text = fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : f;
  const a = checkTlab(text, { uri: 'file:///x.tlab' });
  for (const e of a.diagnostics) console.log('  CHECK', e.severity, JSON.stringify(text.slice(e.span.start, e.span.end)), e.message);
  const t0 = performance.now();
  const r = await runTlab(a, { runner: new InProcessRunner(), budget: 'test' });
  console.log((performance.now()-t0).toFixed(1)+'ms');
  for (const b of r.blocks) {
    console.log(b.kind, b.name, b.seconds.toFixed(3));
    for (const e of b.expects) console.log('  expect', e.passed, e.message);
    for (const e of b.checks) console.log('  check', e.passed, e.message);
    for (const e of b.issues) console.log('  issue', e.severity, JSON.stringify(text.slice(e.span.start, e.span.end)), e.message);
    for (const p of b.plots) console.log('  plot', p.title, JSON.stringify(p.rows.slice(0,2)), (p.spec as any).data.values.length);
    for (const d of b.defined) console.log('  def', d.name, require('../../tlab/values').show(d.value));
  }
}
})();
