// Which workload a pod belongs to: through its controller owner, and through the ReplicaSet for Deployments.
import type { OwnerRef, PodFacts } from './dataplane';

/** A workload as the tree groups pods; `Pod` stands for a pod without an owner (listed on its own). */
export interface WorkloadRef {
  readonly kind: string;
  readonly name: string;
}

export interface WorkloadGroup extends WorkloadRef {
  readonly pods: readonly PodFacts[];
}

/** Owner of each ReplicaSet by name (`undefined`: a ReplicaSet without a Deployment). */
export type ReplicaSetOwners = ReadonlyMap<string, OwnerRef | undefined>;

export function workloadOf(pod: PodFacts, replicaSetOwners: ReplicaSetOwners): WorkloadRef {
  const owner = pod.owner;
  if (!owner) return { kind: 'Pod', name: pod.name };
  if (owner.kind !== 'ReplicaSet') return { kind: owner.kind, name: owner.name };
  if (replicaSetOwners.has(owner.name)) {
    const rsOwner = replicaSetOwners.get(owner.name);
    return rsOwner ? { kind: rsOwner.kind, name: rsOwner.name } : { kind: 'ReplicaSet', name: owner.name };
  }
  // ReplicaSet not (yet) known: a Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`.
  const suffix = pod.podTemplateHash ? `-${pod.podTemplateHash}` : undefined;
  if (suffix && owner.name.endsWith(suffix) && owner.name.length > suffix.length) {
    return { kind: 'Deployment', name: owner.name.slice(0, -suffix.length) };
  }
  return { kind: 'ReplicaSet', name: owner.name };
}

const KIND_ORDER = ['Deployment', 'StatefulSet', 'DaemonSet'];

function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  // Then other owners (Job, ReplicaSet, custom), then bare pods last.
  return index >= 0 ? index : kind === 'Pod' ? KIND_ORDER.length + 1 : KIND_ORDER.length;
}

/**
 * Pods grouped by workload, Deployments first, then StatefulSets, DaemonSets, other owners, bare pods.
 * `knownWorkloads` (from the workload lists) are included even with no pods, e.g. scaled to zero.
 */
export function groupByWorkload(
  pods: Iterable<PodFacts>,
  replicaSetOwners: ReplicaSetOwners,
  knownWorkloads: Iterable<WorkloadRef> = [],
): WorkloadGroup[] {
  const groups = new Map<string, { kind: string; name: string; pods: PodFacts[] }>();
  const group = (ref: WorkloadRef) => {
    const key = `${ref.kind}/${ref.name}`;
    let existing = groups.get(key);
    if (!existing) groups.set(key, (existing = { kind: ref.kind, name: ref.name, pods: [] }));
    return existing;
  };
  for (const ref of knownWorkloads) group(ref);
  for (const pod of pods) group(workloadOf(pod, replicaSetOwners)).pods.push(pod);
  const result = [...groups.values()];
  for (const g of result) g.pods.sort((a, b) => a.name.localeCompare(b.name));
  return result.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.name.localeCompare(b.name));
}
