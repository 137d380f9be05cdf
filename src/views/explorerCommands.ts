// The Clusters view's own commands: refresh/retry, the "only ambient" filter, show log.
import * as vscode from 'vscode';
import { updateSetting } from '../config';
import { showLog } from '../log';
import type { ClustersTreeProvider } from './clustersTreeProvider';
import { CLUSTER_VIEW_COMMANDS as COMMANDS } from '../shared/commandIds';
import { targetOf } from '../commands/target';

export function registerExplorerCommands(provider: ClustersTreeProvider): vscode.Disposable[] {
  const model = provider.model;
  return [
    vscode.commands.registerCommand(COMMANDS.refresh, async (node?: unknown) => {
      const target = node === undefined ? undefined : targetOf(node);
      if (target?.kind === 'context') {
        await model.cluster(target.context).refresh();
      } else {
        await model.refresh();
        provider.refreshAll();
      }
    }),
    vscode.commands.registerCommand(COMMANDS.retry, async (node?: unknown) => {
      const context = targetOf(node)?.context;
      if (context) await model.cluster(context).refresh();
    }),
    vscode.commands.registerCommand(COMMANDS.showOnlyAmbient, () => updateSetting('explorer.showOnlyAmbient', true)),
    vscode.commands.registerCommand(COMMANDS.showAllNamespaces, () => updateSetting('explorer.showOnlyAmbient', false)),
    vscode.commands.registerCommand(COMMANDS.showLog, () => showLog()),
  ];
}
