// Proof that a pod is in the mesh, from two independent witnesses: istio-cni's annotation
// (`ambient.istio.io/redirection`) and the workload table of the ztunnel on the pod's node (protocol
// HBONE). Either alone is not proof: the annotation survives a node reboot after ztunnel lost the pod
// (istio/istio #57285, #60882), and ztunnel cannot list a pod istio-cni never redirected. Pure.
import { captureState, type PodFacts } from './dataplane';
import { workloadOf, type ReplicaSetOwners, type WorkloadRef } from './workloads';
import type { ZtunnelWorkloadRow } from './ztunnelConfig';

/**
 * - `captured`: annotation `enabled` and ztunnel lists the pod as HBONE;
 * - `pending`: annotation `pending`: no ztunnel accepted the pod, its traffic is blocked;
 * - `stale`: annotation `enabled` but ztunnel lists it as TCP or not at all;
 * - `notCaptured`: enrolled (or sidecar-injected in an ambient namespace) but not redirected;
 * - `unverified`: annotation `enabled`, ztunnel's table could not be read;
 * - `excluded`: not expected in the mesh (outside, opted out, host network, finished).
 */
export type ProofState = 'captured' | 'pending' | 'stale' | 'notCaptured' | 'unverified' | 'excluded';

export interface PodProof {
  readonly namespace: string;
  readonly pod: string;
  readonly state: ProofState;
  /** The owning workload (Deployment, StatefulSet, DaemonSet, other kinds, or `Pod`). */
  readonly workload: WorkloadRef;
  /** One sentence: the evidence behind `state`. */
  readonly evidence: string;
}

export interface ProofInput {
  readonly pods: readonly PodFacts[];
  readonly ambientNamespaces: ReadonlySet<string>;
  /** The merged ztunnel workload table (mergeWorkloads); undefined when no ztunnel dump could be read. */
  readonly workloads?: readonly ZtunnelWorkloadRow[];
  readonly replicaSetOwners?: ReplicaSetOwners;
}

export function proveCapture(input: ProofInput): PodProof[] {
  const rows = new Map((input.workloads ?? []).map((row) => [`${row.namespace}/${row.pod}`, row]));
  const owners = input.replicaSetOwners ?? new Map();
  return input.pods.map((pod): PodProof => {
    const base = { namespace: pod.namespace, pod: pod.name, workload: workloadOf(pod, owners) };
    const state = captureState(pod, input.ambientNamespaces.has(pod.namespace));
    switch (state) {
      case 'pending':
        return { ...base, state: 'pending', evidence: 'istio-cni set up redirection (pending) but no ztunnel accepted the pod: its traffic is blocked.' };
      case 'notCaptured':
        return { ...base, state: 'notCaptured', evidence: 'Enrolled, but istio-cni has not redirected it (no ambient.istio.io/redirection annotation).' };
      case 'sidecar':
        return input.ambientNamespaces.has(pod.namespace)
          ? { ...base, state: 'notCaptured', evidence: 'Still runs an injected sidecar: istio-cni skips it until it restarts without one.' }
          : { ...base, state: 'excluded', evidence: 'Runs an injected sidecar (sidecar mode).' };
      case 'captured': {
        if (!input.workloads) return { ...base, state: 'unverified', evidence: 'Annotated as captured; ztunnel could not be asked (config_dump unreadable).' };
        const row = rows.get(`${pod.namespace}/${pod.name}`);
        if (!row) return { ...base, state: 'stale', evidence: 'Annotated as captured, but no ztunnel lists it: the capture is stale.' };
        if (row.protocol !== 'HBONE') return { ...base, state: 'stale', evidence: `Annotated as captured, but ztunnel${row.node ? ` on ${row.node}` : ''} lists it as ${row.protocol || 'not tunnelled'}: the capture is stale.` };
        return { ...base, state: 'captured', evidence: `Annotated enabled, and ztunnel${row.node ? ` on ${row.node}` : ''} lists it as HBONE.` };
      }
      default:
        return { ...base, state: 'excluded', evidence: 'Not expected in the mesh.' };
    }
  });
}

/** Pods whose workload must restart to be captured: not proven captured, with a witness against them. */
export function needsRestart(proof: PodProof): boolean {
  return proof.state === 'notCaptured' || proof.state === 'stale' || proof.state === 'pending';
}

export const RESTARTABLE_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** The workloads to restart (each once, restartable kinds only), and the pods that need it but cannot be restarted that way. */
export function workloadsToRestart(proofs: readonly PodProof[]): { workloads: { namespace: string; kind: string; name: string }[]; orphans: PodProof[] } {
  const seen = new Map<string, { namespace: string; kind: string; name: string }>();
  const orphans: PodProof[] = [];
  for (const proof of proofs.filter(needsRestart)) {
    if (!RESTARTABLE_KINDS.includes(proof.workload.kind)) {
      orphans.push(proof);
      continue;
    }
    const key = `${proof.namespace}/${proof.workload.kind}/${proof.workload.name}`;
    if (!seen.has(key)) seen.set(key, { namespace: proof.namespace, kind: proof.workload.kind, name: proof.workload.name });
  }
  return { workloads: [...seen.values()], orphans };
}

export function proofCounts(proofs: readonly PodProof[]): Record<ProofState, number> {
  const counts: Record<ProofState, number> = { captured: 0, pending: 0, stale: 0, notCaptured: 0, unverified: 0, excluded: 0 };
  for (const p of proofs) counts[p.state]++;
  return counts;
}
