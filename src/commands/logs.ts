// The ztunnel log commands: Show ztunnel Logs (a context node: every ztunnel pod of that cluster; a
// namespace node: the same, pre-filtered to that namespace; the palette: pick a context) and Open ztunnel
// Log File… (the same view over a saved `kubectl logs` file).
import * as vscode from 'vscode';
import { LogPanel, registerLogPanelSerializer } from '../webview/logPanel';
import type { LogPanelDeps } from '../webview/logPanel';

export const LOG_COMMANDS = {
  show: 'ambient.logs.show',
  openFile: 'ambient.logs.openFile',
} as const;

/** What a tree node passes: a context node has `context`; a namespace node also has `name` (and a `namespace…` contextValue). */
interface NodeArgument {
  readonly context?: unknown;
  readonly name?: unknown;
  readonly contextValue?: unknown;
}

export interface ShowLogsTarget {
  readonly context: string;
  readonly namespace?: string;
}

/** The context (and namespace) a command was invoked on, from a tree node or a plain `{ context, namespace }`. */
export function showLogsTarget(argument: unknown): ShowLogsTarget | undefined {
  if (typeof argument === 'string') return { context: argument };
  if (argument === null || typeof argument !== 'object') return undefined;
  const node = argument as NodeArgument & { namespace?: unknown };
  if (typeof node.context !== 'string') return undefined;
  if (typeof node.namespace === 'string') return { context: node.context, namespace: node.namespace };
  const isNamespaceNode = typeof node.contextValue === 'string' && /^namespace\b/.test(node.contextValue);
  return isNamespaceNode && typeof node.name === 'string' ? { context: node.context, namespace: node.name } : { context: node.context };
}

export function registerLogCommands(deps: LogPanelDeps): vscode.Disposable[] {
  const show = async (argument?: unknown): Promise<LogPanel | undefined> => {
    let target = showLogsTarget(argument);
    if (!target) {
      const state = deps.kube.state();
      if (state.contexts.length === 0) {
        void vscode.window.showErrorMessage(state.problem?.message ?? 'No kube contexts found: ztunnel logs need a cluster.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        state.contexts.map((c) => ({ label: c.name, description: c.isCurrent ? 'current context' : undefined })),
        { title: 'Show ztunnel Logs', placeHolder: 'Which cluster’s ztunnel pods?' },
      );
      if (!picked) return undefined;
      target = { context: picked.label };
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
    vscode.commands.registerCommand(LOG_COMMANDS.show, show),
    vscode.commands.registerCommand(LOG_COMMANDS.openFile, openFile),
    registerLogPanelSerializer(deps),
    { dispose: () => [...LogPanel.open].forEach((panel) => panel.dispose()) },
  ];
}
