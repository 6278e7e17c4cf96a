// Benchmark: edit-to-updated-hint latency of live theory (server/tlab/autoRun.ts) for
// examples/scaling-laws.tlab through the real language server over stdio (dist/server.js, as the LSP
// tests spawn it; build first with `node scripts/build.mjs`). Each edit changes `let delta` in the
// experiment `bo_scaling` (21 scaling.bayes_optimal calls; a new value each time, so no cache hit) and
// the clock stops when the inlay hint of that line shows the new value, checked after every
// publishDiagnostics (the server publishes and asks for an inlay-hint refresh when the re-run ends).
// Reference in the same run: the same kind of edit followed at once by an explicit theorylab/run
// (what the "Run" lens costs without the ~300 ms debounce). No external peer applies.
// Run: npm run bench -- live-latency   (prints one markdown section)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtSeconds, mdTable } from '../scripts/bench-harness';
import { checkTlab } from '../server/tlab/checker';
import { DEFAULT_DELAY_MS, DEFAULT_MAX_SECONDS, estimateBlockCost } from '../server/tlab/autoRun';
import { LspClient, repoRoot, startServer } from '../test/lsp/harness';

const FILE = 'scaling-laws.tlab';
const EDITS = 7;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main(): Promise<void> {
  // A fresh result cache: every measured edit computes.
  process.env.XDG_CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-bench-cache-'));
  const original = fs.readFileSync(path.join(repoRoot, 'examples', FILE), 'utf8');
  const deltaLine = original.split('\n').findIndex((l) => /^\s*let delta = 0\.01\s*$/.test(l));
  if (deltaLine < 0) throw new Error(`no 'let delta = 0.01' line in examples/${FILE}`);
  const withDelta = (v: string) => original.split('\n').map((l, i) => (i === deltaLine ? l.replace('0.01', v) : l)).join('\n');

  // Cost estimates of every block (what decides auto-run).
  const a = checkTlab(original, { uri: 'file:///' + FILE });
  const costRows = a.blocks.map((b) => {
    const c = estimateBlockCost(a, b.name);
    return [b.name, String(c.calls), Number.isFinite(c.seconds) ? fmtSeconds(c.seconds) : `unknown (${c.unknown})`, c.seconds < DEFAULT_MAX_SECONDS ? 'yes' : 'no (waits for Run)'];
  });

  const c: LspClient = await startServer({ [FILE]: original }, { trusted: true, settings: { autoRunMaxSeconds: DEFAULT_MAX_SECONDS } });
  const uri = c.uri(FILE);
  const logs = () => c.notifications.filter((n) => n.method === 'window/logMessage').map((n) => String(n.params.message));
  try {
    await c.open(FILE, original);
    // Warm-up: the solver host starts and scaling.bayes_optimal builds its activation tables.
    const w0 = performance.now();
    const warm = await c.request<{ ok: boolean; message: string }>('theorylab/run', { uri, target: 'bo_scaling' }, 300_000);
    console.error(`[live-latency] warm-up run: ${warm.message} (${((performance.now() - w0) / 1000).toFixed(2)} s)`);
    if (!warm.ok && /internal error/.test(warm.message)) throw new Error(`the server failed:\n${logs().join('\n')}`);

    const hintShows = async (value: string) => {
      const hs = await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: deltaLine + 1, character: 0 } } });
      return hs.some((h) => h.position.line === deltaLine && String(h.label).includes(`= ${value}`));
    };
    /** Sends the edit, runs `after` (a manual run, or nothing), and waits until the hint shows `value`. */
    const measure = async (value: string, after?: () => Promise<unknown>) => {
      const t0 = performance.now();
      void c.change(FILE, withDelta(value)).catch(() => {});
      const manual = after?.();
      for (;;) {
        const next = c.waitForDiagnostics(uri, () => true, 5000).catch(() => null);
        if (await hintShows(value)) break;
        await next;
        if (performance.now() - t0 > 120_000) throw new Error(`hint never showed delta = ${value}\n${c.stderr}`);
      }
      const t = (performance.now() - t0) / 1000;
      await manual;
      return t;
    };

    // Live: edit and wait (no run request).
    const live: number[] = [], runSecs: number[] = [];
    for (let i = 1; i <= EDITS; i++) {
      const value = (0.01 + i / 1000).toFixed(3);
      const n = logs().length;
      live.push(await measure(value));
      // the run time the server reports for the block (runTarget's message, in the auto-run log)
      const m = logs().slice(n).map((l) => /bo_scaling: 1 block: .*\(([\d.]+) s\)/.exec(l)).find(Boolean);
      if (m) runSecs.push(Number(m[1]));
      console.error(`[live-latency] live edit delta = ${value}: ${live.at(-1)!.toFixed(3)} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Reference: auto-run off, the edit followed at once by theorylab/run.
    c.notify('workspace/didChangeConfiguration', { settings: { theorylab: { autoRun: { maxSeconds: 0 } } } });
    const manual: number[] = [];
    for (let i = 1; i <= EDITS; i++) {
      const value = (0.02 + i / 1000).toFixed(3);
      manual.push(await measure(value, () => c.request('theorylab/run', { uri, target: 'bo_scaling' }, 300_000)));
      console.error(`[live-latency] edit + Run delta = ${value}: ${manual.at(-1)!.toFixed(3)} s`);
    }

    const lines = [
      `### Live theory: edit-to-updated-hint latency (examples/${FILE})`, '',
      `The real language server over stdio (\`dist/server.js --stdio\`, trusted workspace, \`theorylab.autoRun.maxSeconds\` = ${DEFAULT_MAX_SECONDS}, fresh result cache). ` +
      `Each edit changes \`let delta\` in \`bo_scaling\` to a new value (${EDITS} edits; 21 \`scaling.bayes_optimal\` calls, none cached); ` +
      `the time runs from sending \`textDocument/didChange\` until \`textDocument/inlayHint\` returns the hint \`= <new value>\` on that line ` +
      '(checked after each `publishDiagnostics`; the server publishes and sends `workspace/inlayHint/refresh` when the re-run ends). ' +
      `Live includes the ${DEFAULT_DELAY_MS} ms debounce after the last edit. Reference in the same run: auto-run off, the edit followed at once by a \`theorylab/run\` request (the "Run" lens). No external peer applies. Median (min–max).`, '',
      mdTable(['path', 'edit → updated hint', 'block run (server-reported)', 'edits'], [
        ['live (auto-run)', `${fmtSeconds(median(live))} (${fmtSeconds(Math.min(...live))}–${fmtSeconds(Math.max(...live))})`, runSecs.length ? fmtSeconds(median(runSecs)) : '—', String(live.length)],
        ['edit + Run request', `${fmtSeconds(median(manual))} (${fmtSeconds(Math.min(...manual))}–${fmtSeconds(Math.max(...manual))})`, '', String(manual.length)],
      ]), '',
      `Cost estimates (registry \`cost(params)\` summed over distinct grid points) that decide which blocks of the file re-run by themselves:`, '',
      mdTable(['block', 'solver calls counted', 'estimated cost', `auto-run (< ${DEFAULT_MAX_SECONDS} s)`], costRows),
    ];
    console.log(lines.join('\n'));
  } finally {
    await c.shutdown();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
