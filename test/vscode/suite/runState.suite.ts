// Run state in the code lens of each block, in a real VS Code (issue 19): a long block shows
// "running" with its solver's own progress while the next block of the same Run All waits as
// "queued"; a block with a static error says "not run: 1 error"; Cancel ends the run as cancelled
// (not failed); a finished block says when it finished and how long it took. The lens titles are read
// through VS Code's own code-lens command, i.e. after the client's middleware, as the editor draws them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, readyServer } from './util';

type RunResult = { ok: boolean; cancelled?: boolean; message: string } | undefined;

const FILE = `// run-state fixture
experiment slow "a long simulation" {
  simulate m = demo.noisy_mean(n = 200000, seeds = 2000)
}

experiment quick "a closed form" {
  solve q = demo.quadratic(a = 1, b = 2, c = 0)
  expect q.x_min == -1
}

experiment broken "a static error" {
  solve q = demo.quadratic(a = 1, b = 2, c = not_defined)
}
`;

/** The lens titles of the block whose header line starts with `experiment <name>`. */
async function blockLenses(doc: vscode.TextDocument, name: string): Promise<string[]> {
  const line = doc.getText().split('\n').findIndex((l) => l.startsWith(`experiment ${name} `));
  assert.ok(line >= 0, `block ${name} is in the fixture`);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
  return (lenses ?? []).filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

const waitLens = (doc: vscode.TextDocument, name: string, re: RegExp, ms = 60_000) =>
  eventually(`the ${name} lens matching ${re}`, ms, async () => {
    const t = await blockLenses(doc, name);
    return t.some((x) => re.test(x)) ? t : undefined;
  });

export function defineRunStateSuite(): void {
  suite('Run state in the code lens', () => {
    suiteSetup(async () => { await readyServer(); });

    test('running with progress, queued, not run, cancelled, then done at a time in a duration', async () => {
      const config = vscode.workspace.getConfiguration('theorylab');
      const before = config.inspect<number>('autoRun.maxSeconds')?.globalValue;
      await config.update('autoRun.maxSeconds', 0, vscode.ConfigurationTarget.Global);
      const doc = await vscode.workspace.openTextDocument({ language: 'tlab', content: FILE });
      await vscode.window.showTextDocument(doc);
      try {
        // Before any run: the static error is already in the lens of its block, nothing else is.
        await waitLens(doc, 'broken', /^\$\(error\) not run: 1 error$/);
        assert.ok(!(await blockLenses(doc, 'quick')).some((x) => /done|queued|running/.test(x)));

        // Run All: `slow` reports its seeds while `quick` waits behind it.
        const all = vscode.commands.executeCommand<RunResult>('theorylab.run', doc.uri.toString());
        const running = await waitLens(doc, 'slow', /^\$\(sync~spin\) running: seed \d+\/2000 · \d+%$/);
        assert.ok(running.includes('$(debug-stop) Cancel'), JSON.stringify(running));
        const queued = await blockLenses(doc, 'quick');
        assert.ok(queued.includes('$(clock) queued'), JSON.stringify(queued));
        // The progress moves on between two lens reads (the lens is refreshed during the run).
        const seed = (t: string[]) => Number(/seed (\d+)\/2000/.exec(t.join(' '))?.[1] ?? -1);
        const first = seed(running);
        await waitLens(doc, 'slow', /running: seed/, 1000);
        await eventually('a later seed in the lens', 30_000, async () => (seed(await blockLenses(doc, 'slow')) > first ? true : undefined));

        // Cancel: the run ends as cancelled, for the running block and the one still queued.
        await vscode.commands.executeCommand('theorylab.cancel', doc.uri.toString());
        const r = await all;
        assert.equal(r?.cancelled, true, JSON.stringify(r));
        await waitLens(doc, 'slow', /^\$\(circle-slash\) cancelled at \d\d:\d\d:\d\d$/);
        await waitLens(doc, 'quick', /^\$\(circle-slash\) cancelled at \d\d:\d\d:\d\d$/);
        assert.ok(!(await blockLenses(doc, 'slow')).some((x) => /failed/.test(x)));
        // The static error still keeps its block from running.
        await waitLens(doc, 'broken', /^\$\(error\) not run: 1 error$/);

        // Running one block: done, with the time it finished and how long it took (from the solver
        // cache when an earlier run in this VS Code asked the same question).
        const one = await vscode.commands.executeCommand<RunResult>('theorylab.run', doc.uri.toString(), 'quick');
        assert.ok(one?.ok, JSON.stringify(one));
        const done = await waitLens(doc, 'quick', /^\$\(check\) done at \d\d:\d\d:\d\d in \d+\.\d\d s( \(cached\))?$/);
        assert.ok(done.some((x) => x === '$(play) Run (✓ 1 passed)'), JSON.stringify(done));
        assert.ok((await blockLenses(doc, 'slow')).some((x) => /cancelled at/.test(x)), 'the other block keeps its state');
      } finally {
        await vscode.commands.executeCommand('theorylab.cancel', doc.uri.toString());
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await config.update('autoRun.maxSeconds', before, vscode.ConfigurationTarget.Global);
      }
    });
  });
}
