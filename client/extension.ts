// Extension entry point: starts the language server and shows its state. Kept thin: languages,
// solvers and results live in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { serverStatus, ServerStatusParams } from '../server/protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient | undefined }> {
  const output = vscode.window.createOutputChannel('Theory Lab');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.name = 'Theory Lab';
  status.text = '$(sync~spin) Theory Lab';
  status.tooltip = 'Theory Lab language server: starting';
  status.command = 'theorylab.showOutput';
  status.show();
  context.subscriptions.push(output, status,
    vscode.commands.registerCommand('theorylab.showOutput', () => output.show()));

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'tlab' }, { language: 'clevr' }],
    outputChannel: output,
    initializationOptions: { trusted: vscode.workspace.isTrusted },
  };
  client = new LanguageClient('theorylab', 'Theory Lab', serverOptions, clientOptions);
  client.onNotification(serverStatus, (s: ServerStatusParams) => {
    const icon = s.state === 'busy' ? '$(sync~spin)' : s.state === 'error' ? '$(error)' : '$(beaker)';
    status.text = `${icon} Theory Lab: ${s.backend}${s.runningJobs ? ` (${s.runningJobs} running)` : ''}`;
    status.tooltip = `Theory Lab server ${s.state}; compute backend ${s.backend}${s.message ? `\n${s.message}` : ''}`;
  });
  await client.start();
  return { client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
