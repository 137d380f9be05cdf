// The Clusters view's data provider: thin. Nodes read the mesh model; model changes are gathered for a
// short delay and re-fired as onDidChangeTreeData for exactly the nodes that changed.
import * as vscode from 'vscode';
import type { MeshChange, MeshModel } from '../mesh/meshModel';
import { ContextNode } from './contextNode';
import type { ExplorerNode, ExplorerServices, HealthLookup, NamespaceFilters } from './explorerNode';
import { MessageNode } from './messageNode';
import { NamespaceNode } from './namespaceNode';
import { redrawPlan } from './redrawPlan';

export class ClustersTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  /** Fires after each (debounced) redraw request, with the changes it covered: for decorations and tests. */
  private readonly renderEmitter = new vscode.EventEmitter<readonly MeshChange[]>();
  readonly onDidRequestRender = this.renderEmitter.event;

  private readonly services: ExplorerServices;
  private readonly contextNodes = new Map<string, ContextNode>();
  private pendingChanges: MeshChange[] = [];
  private timer?: NodeJS.Timeout;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly model: MeshModel,
    private readonly filters: () => NamespaceFilters,
    private readonly refreshDelayMs: () => number,
    health?: HealthLookup,
  ) {
    this.services = { model, filters, health };
    this.subscriptions.push(model.onDidChange((change) => this.schedule(change)));
    if (health) this.subscriptions.push(health.onDidChange((context) => this.schedule({ context, scope: 'cluster' })));
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: ExplorerNode): ExplorerNode[] | Promise<ExplorerNode[]> {
    return node ? node.getChildren() : this.roots();
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  private roots(): ExplorerNode[] {
    const state = this.model.kubeconfig();
    if (state.problem && state.contexts.length === 0) {
      return [new MessageNode(undefined, 'kubeconfig', state.problem.message, { icon: new vscode.ThemeIcon('error'), flags: ['error'] })];
    }
    const names = new Set(state.contexts.map((c) => c.name));
    for (const name of [...this.contextNodes.keys()]) if (!names.has(name)) this.contextNodes.delete(name);
    return state.contexts.map((info) => {
      // Keep the node (and so its expansion and children) unless its kubeconfig entry changed, e.g. it became current.
      const existing = this.contextNodes.get(info.name);
      if (existing && JSON.stringify(existing.info) === JSON.stringify(info)) return existing;
      const node = new ContextNode(this.services, info);
      this.contextNodes.set(info.name, node);
      return node;
    });
  }

  contextNode(context: string): ContextNode | undefined {
    return this.contextNodes.get(context);
  }

  /** Wire expansion: a collapsed context holds no watches, a collapsed namespace no workload watches. */
  attach(view: vscode.TreeView<ExplorerNode>): void {
    this.subscriptions.push(
      view.onDidCollapseElement(({ element }) => {
        if (element instanceof ContextNode) {
          element.collapsed();
          this.changeEmitter.fire(element);
        } else if (element instanceof NamespaceNode) {
          element.collapsed();
        }
      }),
    );
  }

  /** Redraw everything now (filters changed, kubeconfig reloaded, Refresh). */
  refreshAll(): void {
    this.changeEmitter.fire(undefined);
  }

  private schedule(change: MeshChange): void {
    this.pendingChanges.push(change);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.refreshDelayMs());
  }

  /** Turn the gathered model changes into the smallest set of nodes to redraw. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    if (changes.length === 0) return;
    const plan = redrawPlan(changes, this.filters().showOnlyAmbient);
    if (plan.all) {
      this.changeEmitter.fire(undefined);
    } else {
      const elements: ExplorerNode[] = [];
      for (const context of plan.contexts) {
        const node = this.contextNodes.get(context);
        if (node) elements.push(node);
      }
      for (const [context, names] of plan.rows) {
        const node = this.contextNodes.get(context);
        for (const name of names) {
          // Rows not drawn yet (context collapsed, or filtered out) need nothing.
          const row = node?.namespaceNode(name);
          if (row) elements.push(row);
        }
      }
      if (elements.length > 0) this.changeEmitter.fire(elements);
    }
    this.renderEmitter.fire(changes);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
    this.renderEmitter.dispose();
  }
}
