// Results in the editor (spec §7, issues 8 and 9), in a real VS Code: failed expectations as
// diagnostics with their values, hovers with computed values, stale marking after an edit, the plots
// panel (rendered SVG marks, pinned history across runs and a closed panel, SVG/CSV export into the
// workspace) and the G2L2 chart panel of a `sentence`.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChartPanelInfo, PlotsPanelInfo } from '../../../protocol/webviewMessages';
import { eventually, hoverText, openDemo, readyServer, workspaceFolder } from './util';
import { parseCsv } from '../../../protocol/csv';

type RunResult = { ok: boolean; message: string } | undefined;

const run = (uri: vscode.Uri, target?: string) => vscode.commands.executeCommand<RunResult>('theorylab.run', uri.toString(), target);
const plotInfo = () => vscode.commands.executeCommand<PlotsPanelInfo | undefined>('theorylab.test.plotPanelInfo');

async function hoverAt(doc: vscode.TextDocument, needle: string, into = 0): Promise<string> {
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `the document contains ${JSON.stringify(needle)}`);
  const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset + into));
  return hoverText(hs ?? []);
}

async function lensTitles(doc: vscode.TextDocument): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
  return (lenses ?? []).map((l) => l.command?.title ?? '');
}

/** An untitled .tlab editor holding `content` (nothing on disk changes); closed again by `closeUntitled`. */
async function untitledTlab(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'tlab', content });
  return vscode.window.showTextDocument(doc);
}

async function closeUntitled(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

async function demoText(): Promise<string> {
  return (await openDemo()).document.getText();
}

function plotsTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('theorylab.plots'));
}

export function defineResultsSuite(): void {
  suite('Results in the editor', () => {
    suiteSetup(async () => { await readyServer(); });

    test('a failing expect is an error diagnostic carrying the computed values; passing ones hover with ✓', async () => {
      const text = await demoText();
      assert.ok(text.includes('expect q.x_min[b = 4] == -1'), 'demo.tlab expects x_min = -1 at b = 4');
      const editor = await untitledTlab(text.replace('expect q.x_min[b = 4] == -1', 'expect q.x_min[b = 4] == -2'));
      const doc = editor.document;
      try {
        const r = await run(doc.uri);
        assert.equal(r?.ok, false, 'the run reports the failed expectation');
        assert.match(r!.message, /1 passed, 1 failed/);
        const diag = await eventually('the failed-expect diagnostic', 60_000, () =>
          vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'expect' || (typeof d.code === 'object' && d.code.value === 'expect')));
        assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
        assert.equal(diag.range.start.line, doc.getText().split('\n').findIndex((l) => l.includes('expect q.x_min[b = 4] == -2')));
        // The computed left side (-1) and the expected right side (-2) are both in the message.
        assert.match(diag.message, /-1 == -2 is false/);
        // Only that one fails: the ≈ expectation passes and says so, with its values, on hover.
        assert.equal(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length, 1);
        const hover = await hoverAt(doc, 'expect q.f_min[b = 2]', 2);
        assert.match(hover, /✓ q\.f_min\[b = 2\] ≈ 0\.5 within 1%: 0\.5 ≈ 0\.5/);
      } finally {
        await closeUntitled(doc);
      }
    });

    test('after a run, hovers show computed values (a solve result, a swept series, an expectation)', async () => {
      const demo = await openDemo();
      const r = await run(demo.document.uri);
      assert.ok(r?.ok, `run succeeded: ${r?.message}`);
      const q = await eventually('a hover with the value of q', 30_000, async () => {
        const h = await hoverAt(demo.document, 'solve q', 'solve '.length);
        return /\*\*q\*\* =/.test(h) ? h : undefined;
      });
      assert.match(q, /demo\.quadratic at 9 grid points/);
      assert.match(q, /\| b \| x_min \| f_min \|/);
      assert.doesNotMatch(q, /stale/);
      const series = await hoverAt(demo.document, 'q.x_min    label', 3);
      // x* = -b / (2a) with a = 2, over b = -4 … 4.
      assert.match(series, /\| b \| value \|[\s\S]*\| -4 \| 1 \|[\s\S]*\| -3 \| 0\.75 \|[\s\S]*\| 4 \| -1 \|/);
      assert.match(series, /9 (grid )?points/);
      const fmin = await hoverAt(demo.document, 'expect q.x_min[b = 4]', 2);
      assert.match(fmin, /✓ .*-1 == -1/);
    });

    test('editing a parameter marks the results stale (code lens and hover) until the next run', async () => {
      const config = vscode.workspace.getConfiguration('theorylab');
      const before = config.inspect<number>('autoRun.maxSeconds')?.globalValue;
      // Live auto-run would refresh the result right after the edit: turn it off for this test.
      await config.update('autoRun.maxSeconds', 0, vscode.ConfigurationTarget.Global);
      await eventually('the setting to apply', 10_000, () => (vscode.workspace.getConfiguration('theorylab').get('autoRun.maxSeconds') === 0 ? true : undefined));
      // The server hears of the change through workspace/didChangeConfiguration, sent before the edit below.
      const editor = await untitledTlab(await demoText());
      const doc = editor.document;
      try {
        const r = await run(doc.uri);
        assert.ok(r?.ok, `run succeeded: ${r?.message}`);
        const fresh = await eventually('the ✓ code lens after the run', 30_000, async () => {
          const t = await lensTitles(doc);
          return t.some((x) => /^\$\(play\) Run \(✓ 2 passed\)$/.test(x)) ? t : undefined;
        });
        assert.ok(!fresh.some((x) => /stale/.test(x)), JSON.stringify(fresh));
        assert.doesNotMatch(await hoverAt(doc, 'expect q.f_min[b = 2]', 2), /stale/);
        // Its plot in the plots panel, fresh.
        assert.equal(await vscode.commands.executeCommand<number>('theorylab.showPlots', doc.uri.toString()), 1);
        const ours = (i: PlotsPanelInfo | undefined) => i?.entries.find((e) => e.uri === doc.uri.toString() && !e.pinned);
        const shown = await eventually('the plot of the copy', 60_000, async () => ours(await plotInfo()));
        assert.equal(shown.stale, false);

        // Change the parameter `c` of the experiment: every result of the block depends on it.
        const c = doc.getText().indexOf('let c = 1');
        const ok = await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(c), doc.positionAt(c + 'let c = 1'.length)), 'let c = 3'));
        assert.ok(ok, 'the edit applied');
        const stale = await eventually('the stale code lens', 30_000, async () => {
          const t = await lensTitles(doc);
          return t.includes('$(play) Run (stale)') ? t : undefined;
        });
        assert.ok(stale.includes('$(play) Run (stale)'), JSON.stringify(stale));
        // The old values stay visible on hover, marked as stale — not silently wrong, not removed.
        const hover = await hoverAt(doc, 'expect q.f_min[b = 2]', 2);
        assert.match(hover, /✓ q\.f_min\[b = 2\] ≈ 0\.5/);
        assert.match(hover, /stale: the text changed since this was computed/);
        // The open plot is marked stale as well (the panel asks the server again after edits).
        await eventually('the stale plot in the panel', 30_000, async () => (ours(await plotInfo())?.stale ? true : undefined));
        // Re-running refreshes: c = 3 lifts the minimum by 2, so the ≈ 0.5 expectation now fails.
        const again = await run(doc.uri);
        assert.equal(again?.ok, false);
        const after = await eventually('the refreshed code lens', 30_000, async () => {
          const t = await lensTitles(doc);
          return t.some((x) => /^\$\(play\) Run \(✗ 1 failed, 1 passed\)$/.test(x)) ? t : undefined;
        });
        assert.ok(!after.some((x) => /stale/.test(x)));
        assert.doesNotMatch(await hoverAt(doc, 'expect q.f_min[b = 2]', 2), /stale/);
        await eventually('the refreshed plot in the panel', 30_000, async () => (ours(await plotInfo())?.stale === false ? true : undefined));
      } finally {
        await closeUntitled(doc);
        await config.update('autoRun.maxSeconds', before, vscode.ConfigurationTarget.Global);
      }
    });

    test('the plots panel keeps pinned plots across runs and a closed panel, and exports SVG, CSV, PNG and JSON into plots/', async () => {
      const demo = await openDemo();
      const uri = demo.document.uri;
      // Earlier tests ran untitled copies of demo.tlab: their plots are in the history too.
      const ours = (i: PlotsPanelInfo | undefined) => (i?.entries ?? []).filter((e) => e.uri === uri.toString() && e.title === 'minimum vs b');
      assert.ok((await run(uri))?.ok);
      assert.ok((await vscode.commands.executeCommand<number>('theorylab.showPlots', uri.toString())) >= 1);
      const first = await eventually('the rendered plot', 60_000, async () => {
        const i = await plotInfo();
        return i && i.markCount > 0 && ours(i).length ? i : undefined;
      });
      assert.equal(first.error, undefined);
      assert.equal(ours(first).length, 1, JSON.stringify(first.entries));
      const entry = ours(first)[0];
      assert.equal(entry.pinned, false);
      assert.equal(first.selected, entry.id);
      // 9 sweep points × 2 series of points plus 2 lines: well over a handful of SVG marks.
      assert.ok(first.markCount >= 10, `markCount ${first.markCount}`);

      // Pin it, run again: the pinned plot stays, the new run adds a fresh entry and shows it.
      await vscode.commands.executeCommand('theorylab.test.plotHistory', entry.id, 'pin');
      await eventually('the pinned entry', 10_000, async () => ((await plotInfo())?.entries.find((e) => e.id === entry.id)?.pinned ? true : undefined));
      await vscode.commands.executeCommand('theorylab.test.plotHistory', entry.id, 'rename', 'baseline a = 2');
      assert.ok((await run(uri))?.ok);
      await vscode.commands.executeCommand('theorylab.showPlots', uri.toString());
      const second = await eventually('a second entry beside the pinned one', 60_000, async () => {
        const i = await plotInfo();
        return i && ours(i).length === 2 && i.markCount > 0 ? i : undefined;
      });
      const pinned = second.entries.find((e) => e.id === entry.id);
      assert.deepEqual(pinned && { pinned: pinned.pinned, name: pinned.name }, { pinned: true, name: 'baseline a = 2' });
      const fresh = ours(second).find((e) => e.id !== entry.id)!;
      assert.equal(fresh.pinned, false);
      assert.equal(second.selected, fresh.id);

      // Close the panel and open it again without new plots: the history comes back from workspaceState.
      const tab = plotsTab();
      assert.ok(tab, 'the plots panel is a tab');
      await vscode.window.tabGroups.close(tab);
      await eventually('the closed panel', 10_000, async () => ((await plotInfo()) === undefined ? true : undefined));
      assert.equal(await vscode.commands.executeCommand<number>('theorylab.showPlots', vscode.Uri.joinPath(workspaceFolder(), 'no-such-file.tlab').toString()), 0);
      const restored = await eventually('the restored history', 60_000, async () => {
        const i = await plotInfo();
        return i && ours(i).length === 2 && i.markCount > 0 ? i : undefined;
      });
      assert.deepEqual(ours(restored).map((e) => [e.id, e.pinned]).sort(), [[entry.id, true], [fresh.id, false]].sort());
      assert.equal(restored.selected, fresh.id);

      // Export the shown plot: the figure as SVG, the data as CSV, both under plots/ in the workspace.
      const plotsDir = vscode.Uri.joinPath(workspaceFolder(), 'plots');
      const hadPlotsDir = await vscode.workspace.fs.stat(plotsDir).then(() => true, () => false);
      const written: vscode.Uri[] = [];
      try {
        const svgUri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('theorylab.test.exportPlot', 'svg'));
        written.push(svgUri);
        assert.equal(svgUri.path, vscode.Uri.joinPath(plotsDir, 'quadratic_minimum_minimum_vs_b.svg').path);
        const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(svgUri));
        assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        assert.match(svg, /<\/svg>\s*$/);
        assert.match(svg, /class="mark-line/, 'the lines of the plot are in the SVG');
        assert.match(svg, /minimum vs b/, 'the title is in the SVG');

        const csvUri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('theorylab.test.exportPlot', 'csv'));
        written.push(csvUri);
        assert.equal(csvUri.path, vscode.Uri.joinPath(plotsDir, 'quadratic_minimum_minimum_vs_b.csv').path);
        const csv = parseCsv(new TextDecoder().decode(await vscode.workspace.fs.readFile(csvUri)));
        const header = csv[0];
        const bCol = header.indexOf('b');
        assert.ok(bCol >= 0, `the CSV has a column b: ${header}`);
        const bs = [...new Set(csv.slice(1).map((l) => Number(l[bCol])))].sort((x, y) => x - y);
        assert.deepEqual(bs, [-4, -3, -2, -1, 0, 1, 2, 3, 4]);
        // x* = -b / (2a) = -b / 4 is in the data next to its b.
        const numbers = csv.slice(1).map((l) => l.map(Number));
        assert.ok(numbers.some((row) => row[bCol] === 4 && row.some((v, k) => k !== bCol && v === -1)), csv.join('\n'));

        // And the other two formats: PNG (the figure, rendered at 2×) and JSON (the same rows).
        const pngUri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('theorylab.test.exportPlot', 'png'));
        written.push(pngUri);
        const png = await vscode.workspace.fs.readFile(pngUri);
        assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
        assert.ok(png.length > 5000, `a PNG of ${png.length} bytes`);
        const jsonUri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('theorylab.test.exportPlot', 'json'));
        written.push(jsonUri);
        const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(jsonUri))) as { title: string; experiment: string; rows: Record<string, unknown>[] };
        assert.equal(json.title, 'minimum vs b');
        assert.equal(json.experiment, 'quadratic_minimum');
        assert.equal(json.rows.length, csv.length - 1);
      } finally {
        for (const f of written) await vscode.workspace.fs.delete(f).then(undefined, () => {});
        if (!hadPlotsDir) await vscode.workspace.fs.delete(plotsDir, { recursive: true }).then(undefined, () => {});
        // Leave the history as a fresh workspace has it: no pinned plot.
        await vscode.commands.executeCommand('theorylab.test.plotHistory', entry.id, 'delete');
      }
      assert.equal(await vscode.workspace.fs.stat(plotsDir).then(() => true, () => false), hadPlotsDir);
    });

    test('a figure reads like a paper figure: titles from labels, 10ⁿ log ticks, theory lines, simulated markers with error bars, legend in order, RFC 4180 CSV', async () => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), 'figures.tlab'));
      await vscode.window.showTextDocument(doc);
      const r = await run(doc.uri, 'power_law_mean');
      assert.ok(r?.ok, `run succeeded: ${r?.message}`);
      const lenses = await eventually('the done lens', 30_000, async () => {
        const t = await lensTitles(doc);
        return t.some((x) => /^\$\(check\) done at \d\d:\d\d:\d\d in /.test(x)) ? t : undefined;
      });
      assert.ok(lenses.includes('$(graph) Plot') && !lenses.some((x) => /📈|▶/.test(x)), JSON.stringify(lenses));
      await vscode.commands.executeCommand('theorylab.showPlots', doc.uri.toString(), 'power_law_mean');
      await eventually('the rendered figure', 60_000, async () => {
        const i = await plotInfo();
        return i && i.markCount > 0 && i.entries.find((e) => e.id === i.selected)?.title === 'mean of n^(-1/2) from 8 noisy draws' ? i : undefined;
      });
      const plotsDir = vscode.Uri.joinPath(workspaceFolder(), 'plots');
      const hadPlotsDir = await vscode.workspace.fs.stat(plotsDir).then(() => true, () => false);
      const written: vscode.Uri[] = [];
      try {
        const svgUri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('theorylab.test.exportPlot', 'svg'));
        written.push(svgUri);
        const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(svgUri));
        const texts = [...svg.matchAll(/<text[^>]*?(?:\/>|>([\s\S]*?)<\/text>)/g)].map((m) => (m[1] ?? '').replace(/<tspan[^>]*>/g, ' ').replace(/<\/tspan>/g, '').trim());
        assert.ok(texts.includes('n') && texts.includes('mean estimate'), `axis titles from the labels: ${texts.join(' | ')}`);
        assert.ok(!texts.includes('value'), 'no generic "value" axis title');
        for (const p of ['10¹', '10²', '10³', '10⁴', '10⁻¹', '10⁻²']) assert.ok(texts.includes(p), `log tick ${p}: ${texts.join(' | ')}`);
        const count = (cls: string) => [...svg.matchAll(new RegExp(`class="${cls} role-mark[\\s\\S]*?</g>`, 'g'))].reduce((n, m) => n + (m[0].match(/<path|<line/g) ?? []).length, 0);
        assert.equal(count('mark-rule'), 7, 'one error bar per simulated grid point');
        assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2, 'two theory lines');
        assert.ok(count('mark-symbol') >= 7 * 3, 'markers for the simulation (and hover points on the lines)');
        const order = ['μ = n^(-1/2) (theory)', 'standard error σ/√N (theory)', 'sample mean over 8 seeds, each of N = 8 draws (simulation)'];
        const at = order.map((l) => texts.findIndex((t) => t === l || t.replace(/\s+/g, ' ') === l));
        assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])), `legend in declaration order: ${at} in ${texts.join(' | ')}`);

        const csvUri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('theorylab.test.exportPlot', 'csv'));
        written.push(csvUri);
        const rows = parseCsv(new TextDecoder().decode(await vscode.workspace.fs.readFile(csvUri)));
        assert.deepEqual(rows[0], ['n', ...order, `${order[2]} (std)`]);
        assert.equal(rows.length, 1 + 7);
        assert.ok(rows.every((row) => row.length === rows[0].length), 'equal-length rows');
      } finally {
        for (const f of written) await vscode.workspace.fs.delete(f).then(undefined, () => {});
        if (!hadPlotsDir) await vscode.workspace.fs.delete(plotsDir, { recursive: true }).then(undefined, () => {});
      }
    });

    test('Show chart on a G2L2 sentence opens the chart panel with cells, nodes and a derivation tree', async () => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder(), 'clevr', 'spec.clevr'));
      await vscode.window.showTextDocument(doc);
      const line = doc.getText().split('\n').findIndex((l) => l.startsWith('sentence "how many spheres left of the large cube"'));
      assert.ok(line >= 0, 'spec.clevr has the sentence');
      const opened = await eventually('the chart of the sentence', 60_000, async () =>
        vscode.commands.executeCommand<{ cells: number; nodes: number } | undefined>('theorylab.showChart', doc.uri.toString(), line));
      assert.ok(opened.cells > 0 && opened.nodes > 0, JSON.stringify(opened));
      const info = await eventually('the rendered chart', 60_000, async () => {
        const i = await vscode.commands.executeCommand<ChartPanelInfo | undefined>('theorylab.test.chartPanelInfo');
        return i && i.cells > 0 && i.tree ? i : undefined;
      });
      assert.equal(info.sentence, 'how many spheres left of the large cube');
      // Multi-word lexicon entries are one token each: [how many] [spheres] [left of] [the] [large] [cube].
      assert.equal(info.tokens, 6);
      assert.ok(info.nodes > 0, `nodes ${info.nodes}`);
      // The root of the first parse is selected: its tree spans the whole sentence down to the words.
      assert.ok(info.tree!.split('\n').length > 3, info.tree);
      for (const w of ['how many', 'spheres', 'left of', 'cube']) assert.match(info.tree!, new RegExp(`"${w}"`));
    });
  });
}
