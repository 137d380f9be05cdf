// The mesh summary of one context kept current from what istio-system holds (istiod Deployments, the ztunnel
// and istio-cni DaemonSets, the mesh ConfigMap), from one-off lists or from watches: each part replaced as it
// arrives, and whether the summary a user sees changed because of it.
import type { V1ConfigMap, V1DaemonSet, V1Deployment } from '../kube/types';
import { meshSummary } from './meshSummary';
import type { MeshSummary } from './meshSummary';

export interface IstioSystemParts {
  readonly deployments: readonly V1Deployment[];
  readonly daemonSets: readonly V1DaemonSet[];
  readonly meshConfig: V1ConfigMap | undefined;
}

export class MeshSummaryTracker {
  private parts: IstioSystemParts = { deployments: [], daemonSets: [], meshConfig: undefined };
  private current?: MeshSummary;

  /** Undefined until a first part arrived. */
  get summary(): MeshSummary | undefined {
    return this.current;
  }

  /** Replace the parts given; true when the summary changed. */
  update(parts: Partial<IstioSystemParts>): boolean {
    this.parts = { ...this.parts, ...parts };
    const before = this.current === undefined ? undefined : JSON.stringify(this.current);
    this.current = meshSummary(this.parts);
    return JSON.stringify(this.current) !== before;
  }
}
