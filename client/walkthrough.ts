// Opens the "Get started with Theory Lab" walkthrough once, on the first activation of the extension
// on this machine (remembered in globalState), beside whatever the user opened. The screenshot scripts
// keep it closed with THEORYLAB_NO_WALKTHROUGH=1 and the VS Code test tier (TLAB_VSCODE_SUITE_RESULT)
// by itself, since a walkthrough editor would take a column the tests and pictures expect.
import * as vscode from 'vscode';

const SHOWN_KEY = 'theorylab.walkthroughShown';
export const WALKTHROUGH_ID = 'theorylab.gettingStarted';

export async function openWalkthroughOnce(context: vscode.ExtensionContext): Promise<boolean> {
  if (context.globalState.get<boolean>(SHOWN_KEY) || process.env.THEORYLAB_NO_WALKTHROUGH === '1' || process.env.TLAB_VSCODE_SUITE_RESULT) return false;
  await context.globalState.update(SHOWN_KEY, true);
  const id = `${context.extension.id}#${WALKTHROUGH_ID}`;
  try {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', id, true);
    return true;
  } catch {
    return false; // an editor without walkthroughs: nothing to show
  }
}
