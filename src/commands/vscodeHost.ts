// The real window behind CommandHost: notifications, modal dialogs, quick picks, a cancellable progress
// notification and the clipboard.
import * as vscode from 'vscode';
import type { CommandHost, PickItem, PickOptions, Severity } from './host';

type VscodePick<T> = vscode.QuickPickItem & { value: T };

function toQuickPickItems<T>(items: readonly PickItem<T>[]): VscodePick<T>[] {
  return items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, picked: item.picked, value: item.value }));
}

export function createVscodeHost(): CommandHost {
  return {
    showMessage(severity: Severity, message: string, options: { modal?: boolean; detail?: string }, ...actions: string[]) {
      const show =
        severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      return Promise.resolve(show(message, { modal: options.modal ?? false, detail: options.detail }, ...actions));
    },
    async pickOne<T>(items: readonly PickItem<T>[], options: PickOptions) {
      const picked = await vscode.window.showQuickPick(toQuickPickItems(items), { title: options.title, placeHolder: options.placeHolder, matchOnDescription: true });
      return picked?.value;
    },
    async pickMany<T>(items: readonly PickItem<T>[], options: PickOptions) {
      const picked = await vscode.window.showQuickPick(toQuickPickItems(items), {
        title: options.title,
        placeHolder: options.placeHolder,
        canPickMany: true,
        matchOnDescription: true,
      });
      return picked?.map((p) => p.value);
    },
    withProgress(title, task) {
      return Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
          const controller = new AbortController();
          const subscription = token.onCancellationRequested(() => controller.abort());
          return task({ report: (message, increment) => progress.report({ message, increment }) }, controller.signal).finally(() => subscription.dispose());
        }),
      );
    },
    async copyToClipboard(text: string) {
      await vscode.env.clipboard.writeText(text);
    },
  };
}
