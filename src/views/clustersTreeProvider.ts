// The Clusters view's data provider: thin. Model changes are gathered for a short delay; each redraw then
// takes one reading of every changed context (ClusterView) and re-fires onDidChangeTreeData for exactly the
// nodes that changed. Rows, badges and the status bar draw from those readings, never from the live model,
// so whenever VS Code asks them they show the same state.
import * as vscode from 'vscode';
import { Disposable } from '../shared/disposable';
import type { ClusterView, NamespaceEntry } from '../mesh/clusterModel';
import type { MeshChange, MeshModel } from '../mesh/meshModel';
import { ContextNode } from './contextNode';
import type { AccessLookup, ExplorerNode, ExplorerServices, HealthLookup, NamespaceFilters } from './explorerNode';
import { MessageNode } from './messageNode';
import { NamespaceNode } from './namespaceNode';
import { redrawPlan } from './redrawPlan';

export class ClustersTreeProvider extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changeEmitter = this.own(new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  /** Fires after each (debounced) redraw request, with the changes it covered: for decorations and tests. */
  private readonly renderEmitter = this.own(new vscode.EventEmitter<readonly MeshChange[]>());
  readonly onDidRequestRender = this.renderEmitter.event;

  private readonly services: ExplorerServices;
  private readonly contextNodes = new Map<string, ContextNode>();
  /** The reading each context was last drawn from. */
  private readonly views = new Map<string, ClusterView>();
  private pendingChanges: MeshChange[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly model: MeshModel,
    private readonly filters: () => NamespaceFilters,
    private readonly refreshDelayMs: () => number,
    health?: HealthLookup,
    access?: AccessLookup,
  ) {
    super();
    this.services = { model, filters, health, access, view: (context) => this.view(context), viewNow: (context) => this.viewNow(context) };
    this.own(model.onDidChange((change) => this.schedule(change)));
    if (health) this.own(health.onDidChange((context) => this.schedule({ context, scope: 'cluster' })));
    // A context found read-only gets its lock as soon as the review answers.
    if (access) this.own(access.onDidChange((context) => this.schedule({ context, scope: 'cluster' })));
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
      // The same node for the same context name, whatever changed in its entry (it became current, the file was
      // reloaded): VS Code passes commands the element it drew, so a replaced node would reach a command as a
      // stale object (or not at all) and its rows would keep a model that was disposed.
      const existing = this.contextNodes.get(info.name);
      if (existing) {
        existing.update(info);
        return existing;
      }
      const node = new ContextNode(this.services, info);
      this.contextNodes.set(info.name, node);
      return node;
    });
  }

  /** What the tree shows of a context: the reading of its last redraw (taken now if it was never drawn). */
  view(context: string): ClusterView {
    let view = this.views.get(context);
    if (!view) this.views.set(context, (view = this.model.cluster(context).view()));
    return view;
  }

  /** A namespace row as drawn, for its badge; undefined while its context was never drawn. */
  drawnNamespace(context: string, namespace: string): NamespaceEntry | undefined {
    return this.views.get(context)?.namespaces.get(namespace);
  }

  /**
   * For a context's children: redraw first if changes are still gathering, so the list VS Code gets now and
   * the rows, badges and status bar it redraws next come from the same reading.
   */
  private viewNow(context: string): ClusterView {
    if (this.pendingChanges.length > 0) this.flush();
    return this.view(context);
  }

  contextNode(context: string): ContextNode | undefined {
    return this.contextNodes.get(context);
  }

  /** Wire expansion: a collapsed context holds no watches, a collapsed namespace no workload watches. */
  attach(view: vscode.TreeView<ExplorerNode>): void {
    this.ownAll(
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
    this.flush();
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
    this.readAgain(plan.all ? undefined : new Set(changes.flatMap((c) => (c.scope === 'kubeconfig' ? [] : [c.context]))));
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

  /** Take new readings of these contexts (all drawn ones when undefined), before anything is redrawn. */
  private readAgain(contexts: ReadonlySet<string> | undefined): void {
    // After a kubeconfig change contexts may be gone (and their models replaced): forget those.
    const known = new Set(this.model.contexts().map((c) => c.name));
    for (const context of [...this.views.keys()]) if (!known.has(context)) this.views.delete(context);
    for (const context of contexts ?? [...this.views.keys()]) {
      if (known.has(context)) this.views.set(context, this.model.cluster(context).view());
    }
  }

  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }
}
