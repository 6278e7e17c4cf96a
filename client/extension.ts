// Extension entry point: starts the language server and shows its state. Kept thin on purpose:
// languages, solvers and results live in the server; webviews live in their own client/ modules.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind,
} from 'vscode-languageclient/node';
import { cancelTarget, runTarget, SERVER_NODE_FLAGS, serverStatus, ServerStatusParams } from '../protocol';
import { listenForPlots, registerPlotPanel, runArgs } from './plotPanel';
import { registerChartPanel } from './chartPanel';
import { openWalkthroughOnce } from './walkthrough';

/** What activate() returns: the integration tests and sibling client modules reach the client here. */
export interface TheoryLabApi {
  client(): LanguageClient | undefined;
  /** The last status the server reported (undefined before the first one). */
  lastStatus(): ServerStatusParams | undefined;
  output: vscode.OutputChannel;
}

let client: LanguageClient | undefined;
let lastStatus: ServerStatusParams | undefined;

/**
 * The whole `theorylab` section, as workspace/configuration would return it: the server validates it
 * (server/settings.ts, the one place that knows setting names) and re-reads it on every change.
 */
function settings(): unknown {
  return vscode.workspace.getConfiguration().get('theorylab') ?? {};
}

export async function activate(context: vscode.ExtensionContext): Promise<TheoryLabApi> {
  const output = vscode.window.createOutputChannel('Theory Lab');
  const status = vscode.window.createStatusBarItem('theorylab.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Theory Lab';
  status.command = 'theorylab.showOutput';
  const showStatus = (s: ServerStatusParams) => {
    lastStatus = s;
    // A spinner while results may still change (an auto-run is scheduled or anything runs).
    const icon = s.state === 'busy' || s.state === 'starting' || s.quiescent === false ? '$(sync~spin)' : s.state === 'error' ? '$(error)' : '$(beaker)';
    status.text = `${icon} Theory Lab: ${s.backend}${s.runningJobs ? ` (${s.runningJobs} running)` : ''}`;
    status.tooltip = `Theory Lab server: ${s.state}\nCompute backend: ${s.backend}` +
      `${s.runningJobs ? `\nRunning jobs: ${s.runningJobs}` : ''}${s.quiescent === false ? '\nResults may still change' : ''}${s.message ? `\n${s.message}` : ''}\n\nClick to show the output.`;
    status.backgroundColor = s.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  };
  showStatus({ state: 'starting', backend: '…', runningJobs: 0 });
  status.show();
  void openWalkthroughOnce(context);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    // `--inspect` lets "Attach to Node process" debug the server when the extension runs in debug mode.
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'tlab' }, { language: 'clevr' }],
    outputChannel: output,
    // Settings travel at start-up and again (workspace/didChangeConfiguration) whenever they change.
    synchronize: { configurationSection: 'theorylab' },
    // storageDir: where the server keeps each file's last results, shown at once on reopen (server/tlab/persist.ts).
    // `trusted` must be sent: the server treats a workspace as untrusted unless told otherwise.
    initializationOptions: () => ({ trusted: vscode.workspace.isTrusted, settings: settings(), storageDir: context.storageUri?.fsPath }),
    middleware: {
      // `theorylab.inlayHints.enabled` is applied on this side: the server always computes them.
      provideInlayHints: (doc, range, token, next) =>
        (vscode.workspace.getConfiguration('theorylab', doc).get('inlayHints.enabled', true) ? next(doc, range, token) : []),
    },
  };

  // Webviews live in their own modules; they reach the current client through this getter.
  const plots = registerPlotPanel(context, output, () => client);
  registerChartPanel(context, output, () => client);

  const start = async () => {
    const c = new TheoryLabClient('theorylab', 'Theory Lab', serverOptions, clientOptions);
    c.onNotification(serverStatus, showStatus);
    listenForPlots(c, plots);
    c.onDidChangeState((e) => {
      if (e.newState === State.Stopped) showStatus({ state: 'error', backend: lastStatus?.backend ?? '—', runningJobs: 0, message: 'language server stopped' });
      if (e.newState === State.Starting) showStatus({ state: 'starting', backend: lastStatus?.backend ?? '…', runningJobs: 0 });
    });
    client = c;
    await c.start();
  };

  const activeUri = (): string | undefined => {
    const ed = vscode.window.activeTextEditor;
    if (!ed || (ed.document.languageId !== 'tlab' && ed.document.languageId !== 'clevr')) {
      void vscode.window.showWarningMessage('Theory Lab: open a .tlab or .clevr file first.');
      return undefined;
    }
    return ed.document.uri.toString();
  };

  context.subscriptions.push(
    output, status,
    vscode.commands.registerCommand('theorylab.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('theorylab.restartServer', async () => {
      output.appendLine('[client] restarting the language server');
      const old = client;
      client = undefined;
      await old?.stop().catch((e) => output.appendLine(`[client] stop failed: ${e}`));
      await start();
    }),
    // `target` comes from code lenses (a block name); from the palette it is absent = the whole file.
    vscode.commands.registerCommand('theorylab.run', async (arg1?: unknown, arg2?: unknown) => {
      const { uri, target, backend, seed } = runArgs(arg1, arg2);
      const u = uri ?? activeUri();
      if (!u || !client) return undefined;
      const r = await client.sendRequest(runTarget, { uri: u, target, backend, seed });
      // A cancel is what the user asked for (no red toast); nothing to run is a warning that says why.
      if (r.cancelled) vscode.window.setStatusBarMessage('$(circle-slash) Theory Lab: run cancelled', 4000);
      else if (r.nothingToRun) void vscode.window.showWarningMessage(`Theory Lab: ${r.message}`);
      else if (!r.ok) void vscode.window.showErrorMessage(`Theory Lab: ${r.message}`);
      else vscode.window.setStatusBarMessage(`$(check) Theory Lab: ${r.message}`, 6000);
      return r;
    }),
    vscode.commands.registerCommand('theorylab.cancel', async (arg1?: unknown, arg2?: unknown) => {
      const { uri, target } = runArgs(arg1, arg2);
      const u = uri ?? activeUri();
      if (!u || !client) return;
      await client.sendRequest(cancelTarget, { uri: u, target });
    }),
    // Trusting the workspace lets solvers run automatically: the server learns it at start-up.
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.commands.executeCommand('theorylab.restartServer')),
    { dispose: () => { void client?.stop(); } },
  );

  try {
    await start();
  } catch (e) {
    output.appendLine(`[client] the language server failed to start: ${(e as Error)?.stack ?? e}`);
    showStatus({ state: 'error', backend: '—', runningJobs: 0, message: String((e as Error)?.message ?? e) });
  }
  return { client: () => client, lastStatus: () => lastStatus, output };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/**
 * The language client, except that a server which exits with code 0 (every restart and window reload:
 * `shutdown` + `exit`) is logged as information: vscode-languageclient reports any exit as an error.
 */
class TheoryLabClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    if (/^Server process exited with code 0\.?$/.test(message)) { this.info('the language server exited normally (code 0)'); return; }
    super.error(message, data, showNotification);
  }
}
