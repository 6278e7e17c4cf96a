// The one VS Code integration suite: runs inside a real extension host with the examples/ folder open.
// It checks what only a real VS Code can show: the extension activates from the manifest, a .tlab file
// gets its language, and the language server answers through the client (hover).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TheoryLabApi } from '../../../client/extension';
import { eventually, hoverText, openDemo, readyServer } from './util';

const EXTENSION_ID = 'theorylab.theorylab';

export function defineExtensionSuite(): void {
  suite('Theory Lab extension', () => {
    let api: TheoryLabApi;

    test('is installed and activates', async () => {
      const ext = vscode.extensions.getExtension<TheoryLabApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
      api = await ext.activate();
      assert.equal(ext.isActive, true);
      assert.equal(typeof api.client, 'function');
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['theorylab.showOutput', 'theorylab.restartServer', 'theorylab.run', 'theorylab.cancel']) {
        assert.ok(commands.includes(c), `command ${c} is registered`);
      }
    });

    test('opens a .tlab file with the tlab language', async () => {
      const editor = await openDemo();
      assert.equal(path.basename(editor.document.uri.path), 'demo.tlab');
      assert.equal(editor.document.languageId, 'tlab');
    });

    test('the language server starts and reports its status', async () => {
      const status = await eventually('the serverStatus notification', 60_000,
        () => (api.lastStatus()?.state === 'ready' ? api.lastStatus() : undefined));
      assert.match(status!.backend, /^(cpu(:.+)?|webgpu:.+)$/);
      assert.equal(api.client()?.isRunning(), true);
    });

    test('hover on a solver id shows the solver documentation from the registry', async () => {
      const editor = await openDemo();
      const text = editor.document.getText();
      const offset = text.indexOf('demo.quadratic(');
      assert.ok(offset >= 0, 'demo.tlab calls demo.quadratic');
      // On the `quadratic` part of the id, not the namespace.
      const pos = editor.document.positionAt(offset + 'demo.qu'.length);
      const hover = await eventually('a hover on demo.quadratic', 60_000, async () => {
        const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos);
        return hs && hs.length ? hoverText(hs) : undefined;
      }).catch((e) => { throw new Error(`${(e as Error).message} (no hover from the language server)`); });
      assert.match(hover, /Closed-form minimiser of f\(x\) = a x² \+ b x \+ c/);
    });

    test('diagnostics reach the editor: a misspelt solver id is an error with a suggestion', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'tlab', content: 'experiment typo {\n  solve q = demo.quadratc(a = 1)\n}\n' });
      await vscode.window.showTextDocument(doc);
      const diag = await eventually('a diagnostic on the misspelt solver', 60_000, () =>
        vscode.languages.getDiagnostics(doc.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error));
      assert.match(diag.message, /demo\.quadratic/);
      assert.equal(diag.range.start.line, 1);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      // The shipped example checks clean (its server has answered by now: the hover test ran first).
      const demo = await openDemo();
      const errors = vscode.languages.getDiagnostics(demo.document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      assert.deepEqual(errors.map((d) => d.message), []);
    });

    test('Run on demo.tlab computes its plot and the plots webview draws it', async () => {
      const demo = await openDemo();
      const uri = demo.document.uri.toString();
      const run = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('theorylab.run', uri);
      assert.ok(run?.ok, `run succeeded: ${run?.message}`);
      const count = await vscode.commands.executeCommand<number>('theorylab.showPlots', uri);
      assert.ok(count >= 1, `the server returned ${count} plot(s) for demo.tlab`);
      // The webview renders with Vega inside VS Code: ask it what it drew.
      type Info = { entries: { title: string }[]; svgElementCount: number; markCount: number; error?: string };
      const info = await eventually('the plots webview to render', 60_000, async () => {
        const i = await vscode.commands.executeCommand<Info | undefined>('theorylab.test.plotPanelInfo');
        return i && i.markCount > 0 ? i : undefined;
      });
      assert.equal(info.error, undefined);
      assert.ok(info.entries.some((e) => e.title === 'minimum vs b'), JSON.stringify(info.entries));
    });

    test('inlay hints show computed values, and theorylab.inlayHints.enabled turns them off', async () => {
      const demo = await openDemo();
      const range = new vscode.Range(0, 0, demo.document.lineCount, 0);
      const hints = () => vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', demo.document.uri, range);
      const config = vscode.workspace.getConfiguration('theorylab');
      const on = await eventually('inlay hints after the run', 30_000, async () => { const h = await hints(); return h.length ? h : undefined; });
      assert.ok(on.length > 0);
      await config.update('inlayHints.enabled', false, vscode.ConfigurationTarget.Global);
      try {
        assert.equal((await hints()).length, 0);
      } finally {
        await config.update('inlayHints.enabled', undefined, vscode.ConfigurationTarget.Global);
      }
      assert.ok((await hints()).length > 0);
    });

    test('a .clevr file gets the clevr language and its runtime diagnostics', async () => {
      const folder = vscode.workspace.workspaceFolders![0];
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'clevr', 'spec.clevr'));
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, 'clevr');
      // spec.clevr's `two_spheres` program is the language spec's example of a runtime diagnostic.
      const diag = await eventually('the unique() diagnostic of spec.clevr', 60_000, () =>
        vscode.languages.getDiagnostics(doc.uri).find((d) => /unique: 2 objects match/.test(d.message)));
      assert.equal(diag.severity, vscode.DiagnosticSeverity.Warning);
    });

    test('restarting the server brings it back', async () => {
      await vscode.commands.executeCommand('theorylab.restartServer');
      await readyServer('the restarted server');
    });
  });
}
