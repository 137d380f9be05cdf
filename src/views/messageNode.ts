// A row that explains (an error, an empty list) and may offer an action (Retry, Show Log).
import * as vscode from 'vscode';
import { contextValue } from '../mesh/contextValue';
import { ExplorerNode } from './explorerNode';

export interface MessageOptions {
  readonly icon?: vscode.ThemeIcon;
  readonly command?: vscode.Command;
  readonly tooltip?: string;
  readonly flags?: ('error' | 'retry' | 'showLog')[];
}

export class MessageNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode | undefined,
    key: string,
    readonly message: string,
    private readonly options: MessageOptions = {},
  ) {
    super(parent);
    this.id = `${parent?.id ?? ''}/message/${key}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = this.options.icon;
    item.command = this.options.command;
    item.tooltip = this.options.tooltip ?? this.message;
    item.contextValue = contextValue('message', this.options.flags ?? []);
    return item;
  }
}
