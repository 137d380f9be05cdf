// A kube context: marked when current, described by a short mesh summary, or by one sentence when it
// cannot be reached. Expanding it starts the cluster's watches; collapsing it stops them.
import * as vscode from 'vscode';
import type { CommandTarget } from '../commands/target';
import type { KubeContextInfo } from '../kube/types';
import type { ClusterModel, ClusterView } from '../mesh/clusterModel';
import { contextValue } from '../mesh/contextValue';
import { contextDescription, contextDetail, isIstioInstalled } from '../mesh/meshSummary';
import { CLUSTER_VIEW_COMMANDS as COMMANDS } from '../shared/commandIds';
import type { ExplorerServices } from './explorerNode';
import { ExplorerNode, reuseNodes } from './explorerNode';
import { MeshNode } from './meshNode';
import { MessageNode } from './messageNode';
import { NamespaceNode } from './namespaceNode';

/** The first request to the cluster has not been answered yet (nor failed): nothing about it is known. */
function connecting(view: ClusterView): boolean {
  return view.status !== 'error' && view.summary === undefined && view.namespaceCounts === undefined;
}

export class ContextNode extends ExplorerNode {
  readonly id: string;
  private readonly namespaceNodes = new Map<string, NamespaceNode>();
  private meshNode?: MeshNode;
  private meshCluster?: ClusterModel;

  constructor(
    private readonly services: ExplorerServices,
    private entry: KubeContextInfo,
  ) {
    super(undefined);
    this.id = `context/${entry.name}`;
  }

  /** Its kubeconfig entry as last read (current or not, cluster, user). */
  get info(): KubeContextInfo {
    return this.entry;
  }

  /** After a kubeconfig reload: the same context, re-read (the name, and so the node's identity, is unchanged). */
  update(info: KubeContextInfo): void {
    this.entry = info;
  }

  get context(): string {
    return this.entry.name;
  }

  /** What a command invoked on this row acts on. */
  get target(): CommandTarget {
    return { kind: 'context', context: this.context };
  }

  get cluster(): ClusterModel {
    return this.services.model.cluster(this.info.name);
  }

  /** The short line next to the context name, as drawn. */
  description(): string {
    const view = this.services.view(this.context);
    if (view.status === 'error' && view.problem) return view.problem.sentence;
    if (connecting(view)) return 'connecting…';
    return contextDescription(view.summary, view.namespaceCounts?.ambient);
  }

  getTreeItem(): vscode.TreeItem {
    const cluster = this.cluster;
    // A collapsed context still says what it is: one cheap summary load, no watches.
    if (!cluster.live && cluster.summary === undefined && cluster.status !== 'error') void cluster.loadSummary();
    const view = this.services.view(this.context);
    const item = new vscode.TreeItem(this.info.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.description();
    const error = view.status === 'error';
    const noIstio = view.summary !== undefined && !isIstioInstalled(view.summary);
    // Read-only is shown by the icon, not the description: the mesh summary must fit the default sidebar width.
    const readOnly = this.services.access?.readOnly(this.context) ?? false;
    // Until the cluster has answered, nothing about it is known: a spinner, not the healthy-looking VM icon.
    item.iconPath = error
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : connecting(view)
        ? new vscode.ThemeIcon('loading~spin')
        : readOnly
          ? new vscode.ThemeIcon('lock', this.info.isCurrent ? new vscode.ThemeColor('charts.green') : undefined)
        : new vscode.ThemeIcon(this.info.isCurrent ? 'vm-active' : 'vm', this.info.isCurrent ? new vscode.ThemeColor('charts.green') : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${this.info.name}**${this.info.isCurrent ? ' (current context)' : ''}${readOnly ? ' · read-only' : ''}\n\n`);
    md.appendMarkdown(`cluster \`${this.info.cluster}\` · user \`${this.info.user}\`${this.info.server ? ` · ${this.info.server}` : ''}\n\n`);
    if (readOnly) md.appendMarkdown('Read-only: its user may not label namespaces or restart workloads (SelfSubjectAccessReview).\n\n');
    const detail = connecting(view) ? 'Waiting for the API server to answer…' : view.status === 'error' ? item.description : contextDetail(view.summary, view.namespaceCounts?.ambient);
    if (detail) md.appendText(String(detail));
    item.tooltip = md;
    item.accessibilityInformation = {
      label: `${this.info.name}${this.info.isCurrent ? ' (current context)' : ''}${readOnly ? ' (read-only)' : ''}${item.description ? `, ${item.description}` : ''}`,
    };
    item.contextValue = contextValue('context', [
      this.info.isCurrent && 'current',
      view.status === 'loading' && 'loading',
      error && 'error',
      noIstio && 'noIstio',
      readOnly && 'readOnly',
    ]);
    return item;
  }

  override async getChildren(): Promise<ExplorerNode[]> {
    const cluster = this.cluster;
    await cluster.start();
    const view = this.services.viewNow(this.context);
    if (view.status === 'error') return this.problemNodes(view);
    // A kubeconfig change may have replaced the context's model: the Mesh node follows it.
    if (!this.meshNode || this.meshCluster !== cluster) this.meshNode = new MeshNode(this, cluster, this.services.health);
    this.meshCluster = cluster;
    const filters = this.services.filters();
    const entries = [...view.namespaces.values()].filter((e) => !(filters.hideSystemNamespaces && e.system) && !(filters.showOnlyAmbient && !e.dataplane.ambient));
    const drawn = (name: string) => this.services.view(this.context).namespaces.get(name);
    const namespaces = reuseNodes(this.namespaceNodes, entries.map((e) => e.name), (name) => new NamespaceNode(this, name, drawn));
    const empty = namespaces.length === 0 ? [new MessageNode(this, 'empty', filters.showOnlyAmbient ? 'No ambient namespaces' : 'No namespaces')] : [];
    return [this.meshNode, ...namespaces, ...empty];
  }

  /** The namespace node if it has been shown. */
  namespaceNode(name: string): NamespaceNode | undefined {
    return this.namespaceNodes.get(name);
  }

  private problemNodes(view: ClusterView): ExplorerNode[] {
    const problem = view.problem;
    return [
      new MessageNode(this, 'problem', problem?.sentence ?? `Could not load ${this.context}.`, {
        icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
        tooltip: problem?.detail,
        flags: ['error'],
      }),
      new MessageNode(this, 'retry', 'Retry', {
        icon: new vscode.ThemeIcon('refresh'),
        command: { command: COMMANDS.retry, title: 'Retry', arguments: [this] },
        flags: ['retry'],
      }),
      new MessageNode(this, 'show-log', 'Show Log', {
        icon: new vscode.ThemeIcon('output'),
        command: { command: COMMANDS.showLog, title: 'Show Log' },
        flags: ['showLog'],
      }),
    ];
  }

  /** Collapsed: stop the watches and forget the children (the summary stays for the description). */
  collapsed(): void {
    this.cluster.stop();
    this.namespaceNodes.clear();
    this.meshNode = undefined;
    this.meshCluster = undefined;
  }
}
