// The Clusters view's own commands: refresh/retry, the "only ambient" filter, copy SPIFFE ID, show log.
import * as vscode from 'vscode';
import { updateSetting } from '../config';
import { showLog } from '../log';
import type { ClustersTreeProvider } from './clustersTreeProvider';
import { COMMANDS } from './commandIds';
import { ContextNode } from './contextNode';
import { PodNode } from './podNode';

export function registerExplorerCommands(provider: ClustersTreeProvider): vscode.Disposable[] {
  const model = provider.model;
  return [
    vscode.commands.registerCommand(COMMANDS.refresh, async (node?: unknown) => {
      if (node instanceof ContextNode) {
        await node.cluster.refresh();
      } else {
        await model.refresh();
        provider.refreshAll();
      }
    }),
    vscode.commands.registerCommand(COMMANDS.retry, async (node?: unknown) => {
      const context = node instanceof ContextNode ? node.context : typeof node === 'string' ? node : undefined;
      if (context) await model.cluster(context).refresh();
    }),
    vscode.commands.registerCommand(COMMANDS.showOnlyAmbient, () => updateSetting('explorer.showOnlyAmbient', true)),
    vscode.commands.registerCommand(COMMANDS.showAllNamespaces, () => updateSetting('explorer.showOnlyAmbient', false)),
    vscode.commands.registerCommand(COMMANDS.copySpiffeId, async (node?: unknown) => {
      const id = node instanceof PodNode ? node.spiffeId() : undefined;
      if (!id) return;
      await vscode.env.clipboard.writeText(id);
      void vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
    }),
    vscode.commands.registerCommand(COMMANDS.showLog, () => showLog()),
  ];
}
