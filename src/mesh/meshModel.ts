// All kube contexts of the user's kubeconfig, each with its ClusterModel (created on first use).
import type { KubeClients, KubeconfigState, KubeContextInfo } from '../kube/types';
import { ClusterModel } from './clusterModel';
import type { ClusterChange, ClusterModelOptions } from './clusterModel';
import { Emitter } from './events';
import type { Disposable } from './events';

export type MeshChange = ClusterChange | { readonly scope: 'kubeconfig' };

export class MeshModel {
  private readonly changes = new Emitter<MeshChange>();
  readonly onDidChange = this.changes.event;
  private readonly clusters = new Map<string, { model: ClusterModel; subscription: Disposable; signature: string }>();
  private readonly subscription: Disposable;

  constructor(
    private readonly kube: KubeClients,
    private readonly options: ClusterModelOptions,
  ) {
    this.subscription = kube.onDidChange((state) => this.kubeconfigChanged(state));
  }

  kubeconfig(): KubeconfigState {
    return this.kube.state();
  }

  contexts(): readonly KubeContextInfo[] {
    return this.kube.state().contexts;
  }

  currentContext(): string | undefined {
    return this.kube.state().currentContext;
  }

  cluster(context: string): ClusterModel {
    let entry = this.clusters.get(context);
    if (!entry) {
      const model = new ClusterModel(this.kube.client(context), this.options);
      const info = this.contexts().find((c) => c.name === context);
      entry = { model, subscription: model.onDidChange((change) => this.changes.fire(change)), signature: info ? signature(info) : '' };
      this.clusters.set(context, entry);
    }
    return entry.model;
  }

  /** Models created so far (contexts that were shown). */
  knownClusters(): ClusterModel[] {
    return [...this.clusters.values()].map((entry) => entry.model);
  }

  /** Re-derive what depends on the system-namespace setting, in every loaded context. */
  reclassify(): void {
    for (const model of this.knownClusters()) model.reclassify();
  }

  /** Re-read the kubeconfig and re-list every context that was loaded. */
  async refresh(): Promise<void> {
    this.kube.reload();
    await Promise.all(this.knownClusters().map((model) => model.refresh()));
  }

  private kubeconfigChanged(state: KubeconfigState): void {
    const signatures = new Map(state.contexts.map((c) => [c.name, signature(c)]));
    for (const [context, entry] of this.clusters) {
      // Keep the watches of contexts that did not change; a vanished or re-pointed context starts over.
      if (signatures.get(context) === entry.signature) continue;
      entry.subscription.dispose();
      entry.model.dispose();
      this.clusters.delete(context);
    }
    this.changes.fire({ scope: 'kubeconfig' });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const entry of this.clusters.values()) {
      entry.subscription.dispose();
      entry.model.dispose();
    }
    this.clusters.clear();
    this.changes.dispose();
  }
}

function signature(info: KubeContextInfo): string {
  return [info.cluster, info.user, info.server ?? '', info.namespace ?? ''].join('\n');
}
