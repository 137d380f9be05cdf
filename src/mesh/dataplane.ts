// How a namespace and its pods take part in the mesh, derived from labels and annotations alone
// (the rules istio-cni and the sidecar injector apply; see ambient-facts.md "Enrollment").
import type { V1Namespace, V1Pod } from '../kube/types';
import {
  DATAPLANE_MODE_LABEL,
  INJECTION_LABEL,
  REDIRECTION_ANNOTATION,
  REVISION_LABEL,
  SIDECAR_STATUS_ANNOTATION,
  USE_WAYPOINT_LABEL,
  istioLabels,
} from './labels';

/** What the model keeps of a namespace: small on purpose, thousands of them live in memory. */
export interface NamespaceFacts {
  readonly name: string;
  /** Istio labels only. */
  readonly labels: Readonly<Record<string, string>>;
  readonly terminating: boolean;
}

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

/** What the model keeps of a pod (a V1Pod is several KB; this is what the tree and the counts need). */
export interface PodFacts {
  readonly name: string;
  readonly namespace: string;
  /** Istio labels only. */
  readonly labels: Readonly<Record<string, string>>;
  /** `ambient.istio.io/redirection`, when istio-cni has written it. */
  readonly redirection?: string;
  readonly hasSidecar: boolean;
  readonly hostNetwork: boolean;
  readonly serviceAccount: string;
  /** The controlling owner (ReplicaSet, StatefulSet, DaemonSet, Job...), if any. */
  readonly owner?: OwnerRef;
  /** `pod-template-hash`: lets a Deployment be found from its ReplicaSet's name when the ReplicaSet is not known. */
  readonly podTemplateHash?: string;
  readonly phase?: string;
  readonly nodeName?: string;
  readonly podIP?: string;
  readonly ready: boolean;
}

export function namespaceFacts(namespace: V1Namespace): NamespaceFacts {
  return {
    name: namespace.metadata?.name ?? '',
    labels: istioLabels(namespace.metadata?.labels),
    terminating: namespace.status?.phase === 'Terminating' || namespace.metadata?.deletionTimestamp !== undefined,
  };
}

export function podFacts(pod: V1Pod): PodFacts {
  const metadata = pod.metadata ?? {};
  const annotations = metadata.annotations ?? {};
  const controller = metadata.ownerReferences?.find((ref) => ref.controller) ?? metadata.ownerReferences?.[0];
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return {
    name: metadata.name ?? '',
    namespace: metadata.namespace ?? '',
    labels: istioLabels(metadata.labels),
    redirection: annotations[REDIRECTION_ANNOTATION],
    hasSidecar: annotations[SIDECAR_STATUS_ANNOTATION] !== undefined,
    hostNetwork: pod.spec?.hostNetwork === true,
    serviceAccount: pod.spec?.serviceAccountName ?? pod.spec?.serviceAccount ?? 'default',
    owner: controller ? { kind: controller.kind, name: controller.name } : undefined,
    podTemplateHash: metadata.labels?.['pod-template-hash'],
    phase: pod.status?.phase,
    nodeName: pod.spec?.nodeName,
    podIP: pod.status?.podIP,
    ready,
  };
}

/** The namespace's place in the mesh. `conflict`: both sidecar and ambient labels (sidecar injection wins). */
export type DataplaneMode = 'ambient' | 'sidecar' | 'conflict' | 'none';

export interface NamespaceDataplane {
  readonly mode: DataplaneMode;
  /** Labelled `istio.io/dataplane-mode=ambient` (also true in a conflict). */
  readonly ambient: boolean;
  /** Labelled for sidecar injection (also true in a conflict). */
  readonly sidecar: boolean;
  /** `istio.io/rev`, when sidecar injection picks a revision. */
  readonly revision?: string;
  /** `istio.io/use-waypoint`, unless `#none`. */
  readonly waypoint?: string;
}

/**
 * The labels that make Istio inject sidecars into a namespace's new pods (the sidecar wins over ambient):
 * `istio-injection=enabled`, or a non-empty `istio.io/rev` unless `istio-injection=disabled` overrides it,
 * as in the injector's webhook namespace selectors (an empty revision selects no webhook).
 */
export function sidecarInjectionLabels(labels: Readonly<Record<string, string>> | undefined): { key: string; value: string }[] {
  const found: { key: string; value: string }[] = [];
  const injection = labels?.[INJECTION_LABEL];
  if (injection === 'enabled') found.push({ key: INJECTION_LABEL, value: injection });
  const revision = labels?.[REVISION_LABEL];
  if (revision && injection !== 'disabled') found.push({ key: REVISION_LABEL, value: revision });
  return found;
}

/** `istio.io/dataplane-mode=ambient` on a namespace (or pod). */
export function isAmbient(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[DATAPLANE_MODE_LABEL] === 'ambient';
}

export function namespaceDataplane(labels: Readonly<Record<string, string>>): NamespaceDataplane {
  const ambient = isAmbient(labels);
  const injection = sidecarInjectionLabels(labels);
  const sidecar = injection.length > 0;
  const revision = injection.find((l) => l.key === REVISION_LABEL)?.value;
  const waypointLabel = labels[USE_WAYPOINT_LABEL];
  const waypoint = waypointLabel && waypointLabel !== '#none' ? waypointLabel : undefined;
  const mode: DataplaneMode = ambient && sidecar ? 'conflict' : ambient ? 'ambient' : sidecar ? 'sidecar' : 'none';
  return { mode, ambient, sidecar, revision, waypoint };
}

/**
 * A pod's capture state, as a user needs to act on it:
 * - `captured`: istio-cni redirected it (`enabled`);
 * - `pending`: redirection set up but no ztunnel accepted it yet: its traffic is blocked;
 * - `notCaptured`: enrolled, but istio-cni never captured it (typically needs a restart);
 * - `optedOut`: `istio.io/dataplane-mode=none` on the pod in an ambient namespace;
 * - `sidecar`: runs an injected sidecar (istio-cni skips it);
 * - `hostNetwork`: never captured;
 * - `completed`: a finished pod (Succeeded/Failed), nothing to capture;
 * - `outside`: not enrolled at all.
 */
export type CaptureState =
  | 'captured'
  | 'pending'
  | 'notCaptured'
  | 'optedOut'
  | 'sidecar'
  | 'hostNetwork'
  | 'completed'
  | 'outside';

export const CAPTURE_STATES: readonly CaptureState[] = [
  'captured',
  'pending',
  'notCaptured',
  'optedOut',
  'sidecar',
  'hostNetwork',
  'completed',
  'outside',
];

/** `namespaceAmbient`: the pod's namespace carries `istio.io/dataplane-mode=ambient`. */
export function captureState(pod: PodFacts, namespaceAmbient: boolean): CaptureState {
  if (pod.hostNetwork) return 'hostNetwork';
  if (pod.hasSidecar) return 'sidecar';
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return 'completed';
  // The annotation is istio-cni's own word: it holds even while a label change is being processed.
  if (pod.redirection === 'enabled') return 'captured';
  if (pod.redirection === 'pending') return 'pending';
  const podMode = pod.labels[DATAPLANE_MODE_LABEL];
  if (podMode === 'none') return namespaceAmbient ? 'optedOut' : 'outside';
  const enrolled = podMode === 'ambient' || namespaceAmbient;
  return enrolled ? 'notCaptured' : 'outside';
}

/** Pod counts per capture state, and how far capture has got among the pods that should be captured. */
export interface CaptureProgress {
  readonly counts: Readonly<Record<CaptureState, number>>;
  /** Pods that should be in the mesh: captured + pending + notCaptured. */
  readonly expected: number;
  readonly captured: number;
  /** Some pods that should be captured are not (yet). */
  readonly partial: boolean;
}

export function emptyCounts(): Record<CaptureState, number> {
  return { captured: 0, pending: 0, notCaptured: 0, optedOut: 0, sidecar: 0, hostNetwork: 0, completed: 0, outside: 0 };
}

export function captureProgress(counts: Readonly<Record<CaptureState, number>>): CaptureProgress {
  const expected = counts.captured + counts.pending + counts.notCaptured;
  return { counts, expected, captured: counts.captured, partial: counts.captured < expected };
}

/** How a namespace shows in the tree: badge letter, tone and the one-line description. */
export type BadgeTone = 'ok' | 'warning' | 'error' | 'info';

export interface NamespaceBadge {
  /** One or two letters for the file decoration; undefined for namespaces outside the mesh. */
  readonly letter?: string;
  readonly tone?: BadgeTone;
  readonly description: string;
}

export function namespaceBadge(dataplane: NamespaceDataplane, progress: CaptureProgress): NamespaceBadge {
  const waypoint = dataplane.waypoint ? `waypoint ${dataplane.waypoint}` : undefined;
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined).join(' · ');
  switch (dataplane.mode) {
    case 'conflict':
      return { letter: '!', tone: 'error', description: join('sidecar + ambient conflict', waypoint) };
    case 'sidecar':
      return {
        letter: 'S',
        tone: 'info',
        description: join(dataplane.revision ? `sidecar (rev ${dataplane.revision})` : 'sidecar', waypoint),
      };
    case 'ambient': {
      const capture = progress.expected === 0 ? 'no pods' : `${progress.captured}/${progress.expected} captured`;
      return { letter: 'A', tone: progress.partial ? 'warning' : 'ok', description: join('ambient', capture, waypoint) };
    }
    case 'none':
      return waypoint ? { letter: 'W', tone: 'info', description: waypoint } : { description: '' };
  }
}

/** Words for a capture state, as shown next to a pod. */
export const CAPTURE_STATE_LABELS: Readonly<Record<CaptureState, string>> = {
  captured: 'captured',
  pending: 'pending',
  notCaptured: 'not captured',
  optedOut: 'opted out',
  sidecar: 'sidecar',
  hostNetwork: 'host network',
  completed: 'completed',
  outside: '',
};

/** One sentence on what a capture state means for the user. */
export const CAPTURE_STATE_EXPLANATIONS: Readonly<Record<CaptureState, string>> = {
  captured: 'Captured by ztunnel (ambient.istio.io/redirection=enabled).',
  pending: 'Redirection is set up but no ztunnel has accepted the pod yet: its traffic is blocked.',
  notCaptured: 'Enrolled in ambient but not captured by istio-cni: restart the workload to capture it.',
  optedOut: 'Opted out of ambient with istio.io/dataplane-mode=none.',
  sidecar: 'Runs an injected sidecar; istio-cni leaves it to the sidecar.',
  hostNetwork: 'Uses the host network: ambient never captures it.',
  completed: 'Finished (Succeeded or Failed): nothing to capture.',
  outside: 'Not in the mesh.',
};
