// A Deployment, StatefulSet, DaemonSet (or other owner) and the capture progress of its pods.
import * as vscode from 'vscode';
import type { CommandTarget } from '../commands/target';
import { contextValue } from '../mesh/contextValue';
import type { NodeFlag } from '../mesh/contextValue';
import { ExplorerNode, reuseNodes } from './explorerNode';
import type { NamespaceNode } from './namespaceNode';
import { PodNode } from './podNode';

const KIND_ICONS: Record<string, string> = {
  Deployment: 'layers',
  StatefulSet: 'database',
  DaemonSet: 'server',
  Job: 'run',
};

const KIND_FLAGS: Record<string, NodeFlag<'workload'>> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
};

export class WorkloadNode extends ExplorerNode {
  readonly id: string;
  private readonly podNodes = new Map<string, PodNode>();

  constructor(
    readonly namespaceNode: NamespaceNode,
    readonly kind: string,
    readonly name: string,
  ) {
    super(namespaceNode);
    this.id = `${namespaceNode.id}/${kind}/${name}`;
  }

  get context(): string {
    return this.namespaceNode.context;
  }

  get namespace(): string {
    return this.namespaceNode.name;
  }

  /** What a command invoked on this row acts on. */
  get target(): CommandTarget {
    return { kind: 'workload', context: this.context, namespace: this.namespace, workloadKind: this.kind, name: this.name };
  }

  private pods() {
    const group = this.namespaceNode.cluster.workloadGroups(this.namespace).find((g) => g.kind === this.kind && g.name === this.name);
    return group?.pods ?? [];
  }

  getTreeItem(): vscode.TreeItem {
    const pods = this.pods();
    const item = new vscode.TreeItem(this.name, pods.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(KIND_ICONS[this.kind] ?? 'symbol-misc');
    const states = pods.map((p) => this.namespaceNode.cluster.podEntry(this.namespace, p.name)?.state);
    const expected = states.filter((s) => s === 'captured' || s === 'pending' || s === 'notCaptured').length;
    const captured = states.filter((s) => s === 'captured').length;
    const capture = expected > 0 ? ` · ${captured}/${expected} captured` : '';
    item.description = `${this.kind}${pods.length === 0 ? ' · no pods' : capture}`;
    item.tooltip = `${this.kind} ${this.namespace}/${this.name}: ${pods.length} pod(s)`;
    item.contextValue = contextValue('workload', [
      KIND_FLAGS[this.kind] ?? 'other',
      expected > 0 && 'ambient',
      expected > 0 && captured < expected && 'partial',
    ]);
    return item;
  }

  override getChildren(): ExplorerNode[] {
    const names = this.pods().map((p) => p.name);
    return reuseNodes(this.podNodes, names, (name) => new PodNode(this, () => this.namespaceNode.cluster, this.namespace, name));
  }
}
