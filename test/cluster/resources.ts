// The resource types the test API server serves, with the discovery facts kubectl and client-node read.

export interface ResourceType {
  /** '' (core), 'apps', or a group served like a real cluster with Istio and the Gateway API CRDs installed. */
  readonly group: string;
  readonly version: string;
  /** Plural lower-case name used in URLs and RBAC (`pods`). */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly string[];
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

export const resourceTypes: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: allVerbs, subresources: ['status'] },
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: allVerbs, subresources: ['status', 'log', 'exec', 'portforward'] },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], verbs: allVerbs, subresources: [] },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], verbs: allVerbs, subresources: [] },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], verbs: allVerbs, subresources: [] },
  { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs: allVerbs, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], verbs: allVerbs, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', plural: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], verbs: allVerbs, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], verbs: allVerbs, subresources: ['status'] },
  // networking.k8s.io is built in; the others are CRDs in a real cluster (Istio 1.28 installs
  // security.istio.io/v1, the Gateway API standard channel gateway.networking.k8s.io/v1), served with discovery.
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', singular: 'networkpolicy', kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'], verbs: allVerbs, subresources: [] },
  { group: 'security.istio.io', version: 'v1', plural: 'authorizationpolicies', singular: 'authorizationpolicy', kind: 'AuthorizationPolicy', namespaced: true, shortNames: ['ap'], categories: ['istio-io', 'security-istio-io'], verbs: allVerbs, subresources: ['status'] },
  { group: 'security.istio.io', version: 'v1', plural: 'peerauthentications', singular: 'peerauthentication', kind: 'PeerAuthentication', namespaced: true, shortNames: ['pa'], categories: ['istio-io', 'security-istio-io'], verbs: allVerbs, subresources: ['status'] },
  { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', singular: 'gateway', kind: 'Gateway', namespaced: true, shortNames: ['gtw'], categories: ['gateway-api'], verbs: allVerbs, subresources: ['status'] },
];

/** The API groups other than core, in discovery order. */
export function apiGroups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of resourceTypes) if (r.group && !seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

export function findResource(group: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((r) => r.group === group && r.plural === plural);
}

export function resourceByKind(kind: string): ResourceType {
  const found = resourceTypes.find((r) => r.kind === kind);
  if (!found) throw new Error(`unknown kind ${kind}`);
  return found;
}

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `deployments.apps` / `pods`: how the API server names a resource in messages. */
export function qualifiedName(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}
