// The base of every node in the Clusters view, and what nodes need from the rest of the extension.
import type * as vscode from 'vscode';
import type { ClusterView } from '../mesh/clusterModel';
import type { HealthReport, HealthStatus } from '../mesh/health';
import type { MeshModel } from '../mesh/meshModel';

/** Which namespaces a context lists (settings and the view-title toggle). */
export interface NamespaceFilters {
  readonly hideSystemNamespaces: boolean;
  readonly showOnlyAmbient: boolean;
}

/** The last Check Ambient Health result per context (kept by the verify commands). */
export interface HealthLookup {
  worst(context: string): HealthStatus | undefined;
  /** The last report of the context (the Mesh node shows its XDS lines). */
  get(context: string): HealthReport | undefined;
  onDidChange(listener: (context: string) => void): { dispose(): void };
}

/** What each context's user may write (SelfSubjectAccessReview), as known now. */
export interface AccessLookup {
  readOnly(context: string): boolean;
  onDidChange(listener: (context: string) => void): { dispose(): void };
}

export interface ExplorerServices {
  readonly model: MeshModel;
  readonly filters: () => NamespaceFilters;
  readonly health?: HealthLookup;
  readonly access?: AccessLookup;
  /** What the tree shows of a context: the reading of its last redraw (rows draw from it, not the live model). */
  readonly view: (context: string) => ClusterView;
  /** The same, after redrawing whatever changes are still gathering (for children lists). */
  readonly viewNow: (context: string) => ClusterView;
}

/**
 * One tree node. Nodes are kept and reused across refreshes (VS Code matches a refreshed element by
 * identity), and read the model when asked for their TreeItem, so a refresh shows the current state.
 */
export abstract class ExplorerNode {
  /** Stable across refreshes: keeps expansion and selection. */
  abstract readonly id: string;

  constructor(readonly parent: ExplorerNode | undefined) {}

  abstract getTreeItem(): vscode.TreeItem;

  /** The node's contextValue (the grammar in src/mesh/contextValue.ts); commands read it from the node. */
  get contextValue(): string {
    return this.getTreeItem().contextValue ?? '';
  }

  getChildren(): ExplorerNode[] | Promise<ExplorerNode[]> {
    return [];
  }
}

/** Keep existing child nodes (by key), create missing ones, drop the rest. */
export function reuseNodes<N>(cache: Map<string, N>, keys: readonly string[], create: (key: string) => N): N[] {
  const wanted = new Set(keys);
  for (const key of cache.keys()) if (!wanted.has(key)) cache.delete(key);
  return keys.map((key) => {
    let node = cache.get(key);
    if (!node) cache.set(key, (node = create(key)));
    return node;
  });
}
