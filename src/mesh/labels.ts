// The Istio labels and annotations the ambient model reads. One place, so a typo cannot split the model.

/** `ambient` enrolls a namespace or pod; `none` opts a pod out. The pod label wins over the namespace's. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Sidecar injection: `enabled` injects, `disabled` overrides a revision label. */
export const INJECTION_LABEL = 'istio-injection';
/** Sidecar injection by control-plane revision. */
export const REVISION_LABEL = 'istio.io/rev';
/** `<name>` | `#none`: the waypoint traffic to this namespace, Service or pod goes through. */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** The namespace of the waypoint `istio.io/use-waypoint` names, when it is not the object's own. */
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
/** On a waypoint Gateway: the traffic it serves, `service` (the default), `workload`, `all` or `none`. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** Written by istio-cni: `enabled` (captured) or `pending` (set up, no ztunnel has accepted it yet). */
export const REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';
/** Present on pods that carry an injected sidecar; istio-cni skips them. */
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

/** Prefixes of the labels a user cares about when asking "is this namespace in the mesh, and how". */
const ISTIO_LABEL_PREFIXES = ['istio.io/', 'istio-injection', 'topology.istio.io/', 'networking.istio.io/'];

export function isIstioLabel(key: string): boolean {
  return ISTIO_LABEL_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** Only the Istio labels of a label map (what tooltips list, and all the model keeps of namespace labels). */
export function istioLabels(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (isIstioLabel(key)) result[key] = value;
  }
  return result;
}
