// The ztunnel log commands: Show ztunnel Logs (a context node: every ztunnel pod of that cluster; a
// namespace node: the same, pre-filtered to that namespace; the palette: pick a context) and Open ztunnel
// Log File… (the same view over a saved `kubectl logs` file).
import * as vscode from 'vscode';
import { LogPanel, registerLogPanelSerializer } from '../webview/logPanel';
import type { LogPanelDeps } from '../webview/logPanel';
import { LOG_COMMANDS } from '../shared/commandIds';
import { guarded } from './guarded';
import type { CommandHost } from './host';
import { pickContext, pickContextToAdd } from './pickers';
import { targetOf } from './target';

export interface ShowLogsTarget {
  readonly context: string;
  readonly namespace?: string;
}

/** The context (and namespace) a command was invoked on: a row, a plain `{ context, namespace }`, a context name. */
export function showLogsTarget(argument: unknown): ShowLogsTarget | undefined {
  const target = targetOf(argument);
  if (!target) return undefined;
  return target.kind === 'context' ? { context: target.context } : { context: target.context, namespace: target.namespace };
}

export interface LogCommandDeps extends Omit<LogPanelDeps, 'pickContextToAdd'> {
  /** The window: the context pick and messages go through it, as for every other command. */
  readonly host: CommandHost;
  readonly log: LogPanelDeps['log'] & { show?(preserveFocus?: boolean): void };
}

export function registerLogCommands(commandDeps: LogCommandDeps): vscode.Disposable[] {
  // The panel's "Add cluster…" asks through the same host as every command's pick.
  const deps: LogCommandDeps & LogPanelDeps = {
    ...commandDeps,
    pickContextToAdd: (followed) => pickContextToAdd(commandDeps, 'Add a cluster to this ztunnel log view', followed),
  };
  const show = async (argument?: unknown): Promise<LogPanel | undefined> => {
    let target = showLogsTarget(argument);
    if (!target) {
      const context = await pickContext(deps, 'Show ztunnel Logs');
      if (!context) return undefined;
      target = { context };
    }
    return LogPanel.create(deps, { kind: 'cluster', contexts: [target.context], namespace: target.namespace });
  };

  const openFile = async (argument?: unknown): Promise<LogPanel | undefined> => {
    let uri = argument instanceof vscode.Uri ? argument : typeof argument === 'string' ? vscode.Uri.file(argument) : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Open ztunnel Log File',
        canSelectMany: false,
        filters: { 'Log files': ['log', 'txt', 'json', 'jsonl'], 'All files': ['*'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    return LogPanel.create(deps, { kind: 'file', path: uri.fsPath });
  };

  return [
    vscode.commands.registerCommand(LOG_COMMANDS.show, guarded(deps, 'Show ztunnel Logs', show)),
    vscode.commands.registerCommand(LOG_COMMANDS.openFile, guarded(deps, 'Open ztunnel Log File', openFile)),
    registerLogPanelSerializer(deps),
    { dispose: () => [...LogPanel.open].forEach((panel) => panel.dispose()) },
  ];
}
