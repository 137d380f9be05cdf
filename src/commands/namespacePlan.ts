// The plan of what to patch, decided from what the cluster said before any write: which namespaces get
// which label patch, which are already as asked, which do not exist. Pure, so the rules are unit-tested.
import type { WorkloadKind } from '../kube/types';
import { isAmbient, sidecarInjectionLabels } from '../mesh/dataplane';
import { DATAPLANE_MODE_LABEL } from '../mesh/labels';

export interface NamespaceRef {
  readonly context: string;
  readonly namespace: string;
}

export interface WorkloadRef extends NamespaceRef {
  readonly kind: WorkloadKind;
  readonly name: string;
}

export type Labels = Readonly<Record<string, string>>;
/** A merge patch of labels: `null` removes the label, keys not listed are untouched. */
export type LabelPatch = Record<string, string | null>;

export function namespaceKey(ref: NamespaceRef): string {
  return `${ref.context}/${ref.namespace}`;
}

export function workloadKey(ref: WorkloadRef): string {
  return `${ref.context}/${ref.namespace}/${ref.kind}/${ref.name}`;
}

export function describeWorkload(ref: WorkloadRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name} (${ref.context})`;
}

export type EnrollStep =
  | { readonly kind: 'patch'; readonly ref: NamespaceRef; readonly patch: LabelPatch; readonly sidecarLabelsKept: readonly string[] }
  | { readonly kind: 'already-enrolled'; readonly ref: NamespaceRef }
  | { readonly kind: 'missing'; readonly ref: NamespaceRef };

/**
 * `existing` holds each context's namespaces and their labels as listed before the write. A namespace
 * missing there is reported, never created.
 */
export function planEnroll(
  targets: readonly NamespaceRef[],
  existing: ReadonlyMap<string, ReadonlyMap<string, Labels>>,
  options: { removeSidecarLabels: boolean },
): EnrollStep[] {
  return targets.map((ref): EnrollStep => {
    const labels = existing.get(ref.context)?.get(ref.namespace);
    if (!labels) return { kind: 'missing', ref };
    const patch: LabelPatch = {};
    if (!isAmbient(labels)) patch[DATAPLANE_MODE_LABEL] = 'ambient';
    const sidecar = sidecarInjectionLabels(labels).map((l) => l.key);
    if (options.removeSidecarLabels) for (const key of sidecar) patch[key] = null;
    if (Object.keys(patch).length === 0) return { kind: 'already-enrolled', ref };
    return { kind: 'patch', ref, patch, sidecarLabelsKept: options.removeSidecarLabels ? [] : sidecar };
  });
}

export type UnenrollStep =
  | { readonly kind: 'patch'; readonly ref: NamespaceRef; readonly patch: LabelPatch }
  | { readonly kind: 'not-enrolled'; readonly ref: NamespaceRef }
  | { readonly kind: 'missing'; readonly ref: NamespaceRef };

export function planUnenroll(targets: readonly NamespaceRef[], existing: ReadonlyMap<string, ReadonlyMap<string, Labels>>): UnenrollStep[] {
  return targets.map((ref): UnenrollStep => {
    const labels = existing.get(ref.context)?.get(ref.namespace);
    if (!labels) return { kind: 'missing', ref };
    if (labels[DATAPLANE_MODE_LABEL] === undefined) return { kind: 'not-enrolled', ref };
    return { kind: 'patch', ref, patch: { [DATAPLANE_MODE_LABEL]: null } };
  });
}

/** Namespaces (among the targets) whose new pods would still get sidecars, with the labels responsible. */
export function sidecarConflicts(
  targets: readonly NamespaceRef[],
  existing: ReadonlyMap<string, ReadonlyMap<string, Labels>>,
): { ref: NamespaceRef; labels: { key: string; value: string }[] }[] {
  return targets
    .map((ref) => ({ ref, labels: sidecarInjectionLabels(existing.get(ref.context)?.get(ref.namespace)) }))
    .filter((c) => c.labels.length > 0);
}

const KIND_ORDER: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** What Restart Workloads restarts, in a stable order (kind as kubectl lists them, then name). */
export function planRestart(workloads: readonly WorkloadRef[], kinds: readonly WorkloadKind[]): WorkloadRef[] {
  return workloads
    .filter((w) => kinds.includes(w.kind))
    .sort(
      (a, b) =>
        a.context.localeCompare(b.context) ||
        a.namespace.localeCompare(b.namespace) ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        a.name.localeCompare(b.name),
    );
}
