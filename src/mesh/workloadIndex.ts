// The workloads of the namespaces open in the tree, each with its own watches (Deployments, StatefulSets,
// DaemonSets, and ReplicaSets to find a pod's Deployment), so the tree can group pods by workload. Started when a
// namespace opens and stopped when it closes; the ClusterModel owns the generation its watches belong to.
import type { V1DaemonSet, V1Deployment, V1ReplicaSet, V1StatefulSet, WatchCallbacks, WatchHandle, WatchedResource } from '../kube/types';
import type { OwnerRef, PodFacts } from './dataplane';
import { groupByWorkload } from './workloads';
import type { WorkloadGroup, WorkloadRef } from './workloads';

/** What one namespace's watches need from the model: a watch of the model's generation, and where to say "changed". */
export interface WorkloadWatchHost {
  watch<T>(resource: WatchedResource, namespace: string, callbacks: WatchCallbacks<T>): WatchHandle;
  changed(): void;
  debug(message: string): void;
}

interface WorkloadWatch {
  readonly handles: WatchHandle[];
  /** ReplicaSet name → its owner (Deployment), or undefined for a ReplicaSet on its own. */
  readonly replicaSetOwners: Map<string, OwnerRef | undefined>;
  /** Known Deployments, StatefulSets, DaemonSets by `<kind>/<name>`. */
  readonly workloads: Map<string, WorkloadRef>;
  readonly ready: Promise<void>;
}

function ownerOf(object: { metadata?: { ownerReferences?: { kind: string; name: string; controller?: boolean }[] } }): OwnerRef | undefined {
  const refs = object.metadata?.ownerReferences;
  const ref = refs?.find((r) => r.controller) ?? refs?.[0];
  return ref ? { kind: ref.kind, name: ref.name } : undefined;
}

export class WorkloadIndex {
  private readonly watches = new Map<string, WorkloadWatch>();

  /**
   * Watch the workloads (and ReplicaSets) of one namespace. Resolves once listed; a failure (e.g. no rights)
   * leaves grouping to the pods' own owner references.
   */
  watch(namespace: string, host: WorkloadWatchHost): Promise<void> {
    const existing = this.watches.get(namespace);
    if (existing) return existing.ready;
    const replicaSetOwners = new Map<string, OwnerRef | undefined>();
    const workloads = new Map<string, WorkloadRef>();
    const handles: WatchHandle[] = [];
    const changed = () => host.changed();
    const ready = new Promise<void>((resolve) => {
      let waiting = 4;
      const once = () => {
        let done = false;
        return () => {
          if (done) return;
          done = true;
          if (--waiting === 0) resolve();
        };
      };
      const workloadCallbacks = <T extends V1Deployment | V1StatefulSet | V1DaemonSet>(kind: string): WatchCallbacks<T> => {
        const settled = once();
        return {
          onSync: (items) => {
            for (const key of [...workloads.keys()]) if (key.startsWith(`${kind}/`)) workloads.delete(key);
            for (const item of items) workloads.set(`${kind}/${item.metadata?.name}`, { kind, name: item.metadata?.name ?? '' });
            settled();
            changed();
          },
          onEvent: (event) => {
            const name = event.object.metadata?.name ?? '';
            const key = `${kind}/${name}`;
            if (event.type === 'DELETED') {
              if (!workloads.delete(key)) return;
            } else if (workloads.has(key)) return;
            else workloads.set(key, { kind, name });
            changed();
          },
          onError: (error) => {
            host.debug(`${kind} watch: ${error.message}`);
            settled();
          },
        };
      };
      const replicaSets = once();
      handles.push(
        host.watch<V1ReplicaSet>('replicasets', namespace, {
          onSync: (items) => {
            replicaSetOwners.clear();
            for (const item of items) replicaSetOwners.set(item.metadata?.name ?? '', ownerOf(item));
            replicaSets();
            changed();
          },
          onEvent: (event) => {
            const name = event.object.metadata?.name ?? '';
            if (event.type === 'DELETED') replicaSetOwners.delete(name);
            else if (!replicaSetOwners.has(name)) {
              replicaSetOwners.set(name, ownerOf(event.object));
              changed();
            }
          },
          onError: (error) => {
            host.debug(`ReplicaSet watch: ${error.message}`);
            replicaSets();
          },
        }),
        host.watch<V1Deployment>('deployments', namespace, workloadCallbacks('Deployment')),
        host.watch<V1StatefulSet>('statefulsets', namespace, workloadCallbacks('StatefulSet')),
        host.watch<V1DaemonSet>('daemonsets', namespace, workloadCallbacks('DaemonSet')),
      );
    });
    this.watches.set(namespace, { handles, replicaSetOwners, workloads, ready });
    return ready;
  }

  unwatch(namespace: string): void {
    const watch = this.watches.get(namespace);
    if (!watch) return;
    for (const handle of watch.handles) handle.stop();
    this.watches.delete(namespace);
  }

  unwatchAll(): void {
    for (const namespace of [...this.watches.keys()]) this.unwatch(namespace);
  }

  /** The namespaces watched now (to watch again after a refresh). */
  namespaces(): string[] {
    return [...this.watches.keys()];
  }

  /** The namespace's pods grouped by workload (with known workloads that have no pods). */
  groups(namespace: string, pods: Iterable<PodFacts>): WorkloadGroup[] {
    const watch = this.watches.get(namespace);
    return groupByWorkload(pods, watch?.replicaSetOwners ?? new Map(), watch?.workloads.values() ?? []);
  }
}
