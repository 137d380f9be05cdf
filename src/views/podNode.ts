// A pod and its capture state; the tooltip shows the SPIFFE identity ztunnel presents for it.
import * as vscode from 'vscode';
import type { CommandTarget } from '../commands/target';
import type { ClusterModel } from '../mesh/clusterModel';
import { contextValue } from '../mesh/contextValue';
import { CAPTURE_STATE_EXPLANATIONS, CAPTURE_STATE_LABELS } from '../mesh/dataplane';
import type { CaptureState } from '../mesh/dataplane';
import { DEFAULT_TRUST_DOMAIN, spiffeId } from '../mesh/identity';
import { ExplorerNode } from './explorerNode';

const STATE_ICONS: Record<CaptureState, [icon: string, color?: string]> = {
  captured: ['pass-filled', 'testing.iconPassed'],
  pending: ['watch', 'list.warningForeground'],
  notCaptured: ['warning', 'list.warningForeground'],
  optedOut: ['circle-slash'],
  sidecar: ['layers-active', 'charts.blue'],
  hostNetwork: ['server-environment'],
  completed: ['check'],
  outside: ['circle-outline'],
};

export class PodNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode,
    /** Resolved on each use: after a kubeconfig change the context's model may have been replaced. */
    private readonly clusterOf: () => ClusterModel,
    readonly namespace: string,
    readonly name: string,
  ) {
    super(parent);
    this.id = `${parent.id}/pod/${name}`;
  }

  get cluster(): ClusterModel {
    return this.clusterOf();
  }

  get context(): string {
    return this.cluster.context;
  }

  get pod(): string {
    return this.name;
  }

  /** What a command invoked on this row acts on. */
  get target(): CommandTarget {
    return { kind: 'pod', context: this.context, namespace: this.namespace, pod: this.name };
  }

  /** Known from the watch, so copying the SPIFFE ID needs no extra request. */
  get serviceAccount(): string | undefined {
    return this.cluster.podEntry(this.namespace, this.name)?.facts.serviceAccount;
  }

  /** The pod's SPIFFE ID, with the cluster's trust domain (undefined once the pod is gone). */
  spiffeId(): string | undefined {
    const entry = this.cluster.podEntry(this.namespace, this.name);
    if (!entry) return undefined;
    return spiffeId(this.cluster.summary?.trustDomain ?? DEFAULT_TRUST_DOMAIN, this.namespace, entry.facts.serviceAccount);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const entry = this.cluster.podEntry(this.namespace, this.name);
    if (!entry) {
      item.description = 'gone';
      item.contextValue = contextValue('pod', []);
      return item;
    }
    const [icon, color] = STATE_ICONS[entry.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = CAPTURE_STATE_LABELS[entry.state] || undefined;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${this.name}**\n\n`);
    md.appendMarkdown(`${CAPTURE_STATE_EXPLANATIONS[entry.state]}\n\n`);
    md.appendMarkdown(`SPIFFE ID: \`${this.spiffeId()}\`\n\n`);
    const facts = entry.facts;
    const details = [
      `service account \`${facts.serviceAccount}\``,
      facts.nodeName && `node \`${facts.nodeName}\``,
      facts.podIP && `IP \`${facts.podIP}\``,
      facts.phase && `phase ${facts.phase}${facts.ready ? ', ready' : ''}`,
    ].filter(Boolean);
    md.appendMarkdown(details.join(' · '));
    item.tooltip = md;
    item.contextValue = contextValue('pod', [entry.state]);
    return item;
  }
}
