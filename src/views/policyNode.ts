// A namespace's AuthorizationPolicies in the Clusters tree: a group row, and one row per policy with its
// action and where it is enforced (ztunnel, waypoint, nowhere), a warning icon for its traps, and a click
// that opens it as read-only YAML.
import * as vscode from 'vscode';
import type { PolicyRow } from '../mesh/authorizationPolicy';
import { contextValue } from '../mesh/contextValue';
import { ExplorerNode } from './explorerNode';
import { OPEN_POLICY_COMMAND } from './policyDocument';

const ENFORCED_BY = { ztunnel: 'ztunnel', waypoint: 'waypoint', none: 'not enforced' } as const;

export function policyDescription(row: PolicyRow): string {
  return `${row.action} · ${ENFORCED_BY[row.enforcement.point]}`;
}

export function policyTooltip(row: PolicyRow): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${row.namespace}/${row.name}** — ${row.action}\n\n${row.enforcement.reason}\n\n`);
  for (const trap of row.traps) md.appendMarkdown(`$(warning) ${trap.message}\n\n`);
  if (row.conditions.length > 0) md.appendMarkdown(`Status:\n\n${row.conditions.map((c) => `- ${c}`).join('\n')}\n`);
  md.supportThemeIcons = true;
  return md;
}

export class PoliciesNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode,
    private readonly context: string,
    private readonly rows: readonly PolicyRow[],
  ) {
    super(parent);
    this.id = `${parent.id}/policies`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Authorization Policies', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const traps = this.rows.filter((r) => r.traps.length > 0).length;
    item.description = traps > 0 ? `${this.rows.length} · ${traps} with a warning` : String(this.rows.length);
    item.iconPath = new vscode.ThemeIcon(traps > 0 ? 'warning' : 'shield');
    item.contextValue = contextValue('policies', []);
    return item;
  }

  override getChildren(): ExplorerNode[] {
    return this.rows.map((row) => new PolicyNode(this, this.context, row));
  }
}

export class PolicyNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode,
    readonly context: string,
    readonly row: PolicyRow,
  ) {
    super(parent);
    this.id = `${parent.id}/${row.name}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.row.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = policyDescription(this.row);
    item.tooltip = policyTooltip(this.row);
    item.iconPath = new vscode.ThemeIcon(this.row.traps.length > 0 ? 'warning' : this.row.action === 'DENY' ? 'circle-slash' : 'pass');
    item.contextValue = contextValue('policy', this.row.traps.length > 0 ? ['trap'] : []);
    const ref = { context: this.context, namespace: this.row.namespace, name: this.row.name };
    item.command = { command: OPEN_POLICY_COMMAND, title: 'Open as YAML', arguments: [ref] };
    return item;
  }
}
