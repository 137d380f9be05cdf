// Registers the three verify commands. Each handler returns what it showed (the identities model, the
// connectivity results, the health reports), so extension-host tests run them with executeCommand.
import * as vscode from 'vscode';
import type { KubeClients } from '../kube/types';
import type { HealthResults } from '../mesh/health';
import { VerifyPanels } from '../webview/identitiesPanel';
import { guarded } from './guarded';
import type { CommandHost } from './host';
import { testConnectivity } from './verifyConnectivity';
import type { VerifyDeps, VerifyHost, VerifyLog } from './verifyDeps';
import { checkAmbientHealth } from './verifyHealth';
import { showConfigDumpFile, showWorkloadIdentities } from './verifyIdentities';
import { VERIFY_COMMANDS } from '../shared/commandIds';


export interface RegisterVerifyDeps {
  readonly kube: Pick<KubeClients, 'state' | 'client'>;
  /** The window (the commands' CommandHost); the verify commands add a text input to it. */
  readonly host: CommandHost;
  readonly log: VerifyLog;
  readonly extensionUri: vscode.Uri;
  /** Shared with the tree: the Mesh node shows each context's worst result. */
  readonly health?: HealthResults;
  /** The `health.expectedNamespaces` setting, read when a check runs. */
  readonly expectedNamespaces?: () => readonly string[];
}


export function registerVerifyCommands(deps: RegisterVerifyDeps): vscode.Disposable[] {
  const host: VerifyHost = {
    ...deps.host,
    inputText: async (options) =>
      vscode.window.showInputBox({ title: options.title, prompt: options.prompt, value: options.value, validateInput: options.validate, ignoreFocusOut: true }),
  };
  const panels = new VerifyPanels(deps.extensionUri, deps.log);
  const verify: VerifyDeps = { kube: deps.kube, host, log: deps.log, views: panels, health: deps.health, expectedNamespaces: deps.expectedNamespaces };
  return [
    panels,
    vscode.commands.registerCommand(VERIFY_COMMANDS.showIdentities, guarded(verify, 'Show Workload Identities', (arg?: unknown) => showWorkloadIdentities(verify, arg))),
    vscode.commands.registerCommand(VERIFY_COMMANDS.testConnectivity, guarded(verify, 'Test Connectivity', (arg?: unknown) => testConnectivity(verify, arg))),
    vscode.commands.registerCommand(VERIFY_COMMANDS.checkHealth, guarded(verify, 'Check Ambient Health', (arg?: unknown) => checkAmbientHealth(verify, arg))),
    vscode.commands.registerCommand(VERIFY_COMMANDS.openConfigDump, guarded(verify, 'Open ztunnel Config Dump', async (arg?: unknown) => {
      let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Open ztunnel Config Dump',
          canSelectMany: false,
          filters: { 'Config dumps': ['json'], 'All files': ['*'] },
        });
        uri = picked?.[0];
      }
      if (!uri) return undefined;
      const target = uri;
      return showConfigDumpFile(verify, target.fsPath, async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
    })),
  ];
}
