// A namespace: its ambient badge (through the decoration of its resource URI), description, Istio labels
// and pod counts; its children are its workloads and its pods without owner.
import * as vscode from 'vscode';
import type { CommandTarget } from '../commands/target';
import type { ClusterModel, NamespaceEntry } from '../mesh/clusterModel';
import { contextValue, namespaceContextValue } from '../mesh/contextValue';
import { CAPTURE_STATES, CAPTURE_STATE_LABELS } from '../mesh/dataplane';
import type { ContextNode } from './contextNode';
import { ExplorerNode, reuseNodes } from './explorerNode';
import { namespaceUri } from './nodeUri';
import { PodNode } from './podNode';
import { PoliciesNode } from './policyNode';
import { WorkloadNode } from './workloadNode';

export function namespaceTooltip(entry: NamespaceEntry, context: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${entry.name}** in \`${context}\`\n\n`);
  if (entry.dataplane.mode === 'conflict') {
    md.appendMarkdown('$(warning) Both sidecar injection and ambient are enabled: sidecar injection wins for new pods. Remove one of the labels.\n\n');
  }
  const labels = Object.entries(entry.facts.labels);
  if (labels.length === 0) md.appendMarkdown('No Istio labels.\n\n');
  else {
    md.appendMarkdown('Istio labels:\n\n');
    for (const [key, value] of labels) md.appendMarkdown(`- \`${key}=${value}\`\n`);
    md.appendMarkdown('\n');
  }
  const counts = CAPTURE_STATES.filter((state) => entry.progress.counts[state] > 0).map(
    (state) => `- ${CAPTURE_STATE_LABELS[state] || 'not in mesh'}: ${entry.progress.counts[state]}`,
  );
  md.appendMarkdown(counts.length > 0 ? `Pods:\n\n${counts.join('\n')}\n` : 'No pods.\n');
  md.supportThemeIcons = true;
  return md;
}

export class NamespaceNode extends ExplorerNode {
  readonly id: string;
  private readonly workloadNodes = new Map<string, WorkloadNode>();
  private readonly podNodes = new Map<string, PodNode>();

  constructor(
    readonly contextNode: ContextNode,
    readonly name: string,
    /** The row as of the tree's last redraw: what getTreeItem shows, the same reading as its badge. */
    private readonly drawn: (name: string) => NamespaceEntry | undefined,
  ) {
    super(contextNode);
    this.id = `${contextNode.id}/ns/${name}`;
  }

  /** Resolved on each use: after a kubeconfig change the context's model may have been replaced. */
  get cluster(): ClusterModel {
    return this.contextNode.cluster;
  }

  get context(): string {
    return this.contextNode.context;
  }

  get namespace(): string {
    return this.name;
  }

  /** What a command invoked on this row acts on. */
  get target(): CommandTarget {
    return { kind: 'namespace', context: this.context, namespace: this.name };
  }

  /** The namespace's current row (undefined once it is gone). */
  entry(): NamespaceEntry | undefined {
    return this.cluster.namespaceEntry(this.name);
  }

  get resourceUri(): vscode.Uri {
    return namespaceUri(this.context, this.name);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.resourceUri = this.resourceUri;
    item.iconPath = new vscode.ThemeIcon('symbol-namespace');
    const entry = this.drawn(this.name);
    if (entry) {
      item.description = entry.badge.description || undefined;
      item.tooltip = namespaceTooltip(entry, this.context);
      item.contextValue = namespaceContextValue(entry);
    } else {
      item.contextValue = contextValue('namespace', []);
    }
    return item;
  }

  override async getChildren(): Promise<ExplorerNode[]> {
    await this.cluster.watchWorkloads(this.name);
    const groups = this.cluster.workloadGroups(this.name);
    const owned = groups.filter((g) => g.kind !== 'Pod');
    const bare = groups.filter((g) => g.kind === 'Pod').map((g) => g.name);
    const workloads = reuseNodes(this.workloadNodes, owned.map((g) => `${g.kind}/${g.name}`), (key) => {
      const [kind, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      return new WorkloadNode(this, kind, name);
    });
    const pods = reuseNodes(this.podNodes, bare, (name) => new PodNode(this, () => this.cluster, this.name, name));
    const policies = await this.policiesNode();
    if (workloads.length === 0 && pods.length === 0) return [...policies, new NoPodsNode(this)];
    return [...policies, ...workloads, ...pods];
  }

  /** The namespace's AuthorizationPolicies, read on expand; a cluster without the CRD (or a read refused) shows none. */
  private async policiesNode(): Promise<ExplorerNode[]> {
    try {
      const { rows } = await this.cluster.readPolicies(this.name);
      return rows.length > 0 ? [new PoliciesNode(this, this.context, rows)] : [];
    } catch {
      return [];
    }
  }

  /** Stop the workload watches when the namespace is collapsed. */
  collapsed(): void {
    this.cluster.unwatchWorkloads(this.name);
  }
}

class NoPodsNode extends ExplorerNode {
  readonly id: string;
  constructor(parent: ExplorerNode) {
    super(parent);
    this.id = `${parent.id}/empty`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('No workloads or pods', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = contextValue('message', []);
    return item;
  }
}
