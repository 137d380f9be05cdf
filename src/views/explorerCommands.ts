// The Clusters view's own commands: refresh/retry, the "only ambient" filter, show log.
import * as vscode from 'vscode';
import { updateSetting } from '../config';
import { showLog } from '../log';
import type { ClustersTreeProvider } from './clustersTreeProvider';
import { COMMANDS } from './commandIds';
import { ContextNode } from './contextNode';

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
    vscode.commands.registerCommand(COMMANDS.showLog, () => showLog()),
  ];
}
