// A kube context: marked when current, described by a short mesh summary, or by one sentence when it
// cannot be reached. Expanding it starts the cluster's watches; collapsing it stops them.
import * as vscode from 'vscode';
import type { KubeContextInfo } from '../kube/types';
import type { ClusterModel, ClusterView } from '../mesh/clusterModel';
import { contextValue } from '../mesh/contextValue';
import { contextDescription, isIstioInstalled } from '../mesh/meshSummary';
import { COMMANDS } from './commandIds';
import type { ExplorerServices } from './explorerNode';
import { ExplorerNode, reuseNodes } from './explorerNode';
import { MeshNode } from './meshNode';
import { MessageNode } from './messageNode';
import { NamespaceNode } from './namespaceNode';

export class ContextNode extends ExplorerNode {
  readonly id: string;
  private readonly namespaceNodes = new Map<string, NamespaceNode>();
  private meshNode?: MeshNode;

  constructor(
    private readonly services: ExplorerServices,
    readonly info: KubeContextInfo,
  ) {
    super(undefined);
    this.id = `context/${info.name}`;
  }

  get context(): string {
    return this.info.name;
  }

  get cluster(): ClusterModel {
    return this.services.model.cluster(this.info.name);
  }

  /** The short line next to the context name, as drawn. */
  description(): string {
    const view = this.services.view(this.context);
    if (view.status === 'error' && view.problem) return view.problem.sentence;
    if (view.status === 'loading' && !view.summary) return 'loading…';
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
    item.iconPath = error
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : new vscode.ThemeIcon(this.info.isCurrent ? 'vm-active' : 'vm', this.info.isCurrent ? new vscode.ThemeColor('charts.green') : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${this.info.name}**${this.info.isCurrent ? ' (current context)' : ''}\n\n`);
    md.appendMarkdown(`cluster \`${this.info.cluster}\` · user \`${this.info.user}\`${this.info.server ? ` · ${this.info.server}` : ''}\n\n`);
    if (item.description) md.appendText(String(item.description));
    item.tooltip = md;
    item.accessibilityInformation = {
      label: `${this.info.name}${this.info.isCurrent ? ' (current context)' : ''}${item.description ? `, ${item.description}` : ''}`,
    };
    item.contextValue = contextValue('context', [this.info.isCurrent && 'current', view.status === 'loading' && 'loading', error && 'error', noIstio && 'noIstio']);
    return item;
  }

  override async getChildren(): Promise<ExplorerNode[]> {
    const cluster = this.cluster;
    await cluster.start();
    const view = this.services.viewNow(this.context);
    if (view.status === 'error') return this.problemNodes(view);
    this.meshNode ??= new MeshNode(this, cluster, this.services.health);
    const filters = this.services.filters();
    const entries = [...view.namespaces.values()].filter((e) => !(filters.hideSystemNamespaces && e.system) && !(filters.showOnlyAmbient && !e.dataplane.ambient));
    const drawn = (name: string) => this.services.view(this.context).namespaces.get(name);
    const namespaces = reuseNodes(this.namespaceNodes, entries.map((e) => e.name), (name) => new NamespaceNode(this, cluster, name, drawn));
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
  }
}
