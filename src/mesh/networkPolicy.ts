// Kubernetes NetworkPolicy (networking.k8s.io/v1) ingress semantics, evaluated by the rules: which
// policies isolate a pod, and whether a given source may reach it on a given port. Used to say, before a
// namespace joins ambient, whether HBONE (TCP 15008) and the kubelet probes that istio-cni SNATs to
// 169.254.7.127 will still get in (istio.io "Ambient and Kubernetes NetworkPolicy", istio/istio #52742).
// Pure: objects are the API's JSON.
import { cidrContains } from './cidr';
import { selectorMatches, type LabelSelector } from './labelSelector';

/** Where ztunnel's HBONE tunnel enters a captured pod. */
export const HBONE_PORT = 15008;
/** The address istio-cni SNATs kubelet probes to in captured pods, so ztunnel lets them bypass policy. */
export const PROBE_SOURCE_IP = '169.254.7.127';

export interface NetworkPolicyPort {
  /** TCP (default), UDP or SCTP. */
  readonly protocol?: string;
  /** A number, or the name of a container port of the selected pod. Absent: every port. */
  readonly port?: number | string;
  /** With a numeric `port`: the inclusive end of a range. */
  readonly endPort?: number;
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  readonly to?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

export interface NetworkPolicy {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly podSelector?: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly NetworkPolicyIngressRule[];
    readonly egress?: readonly NetworkPolicyEgressRule[];
  };
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** The pod traffic is going to. `labels` are all of its labels (selectors match any label). */
export interface DestinationPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
}

/** Who sends: a pod (matched by selectors, and by ipBlock through its IP) or a bare address. */
export type TrafficSource =
  | {
      readonly kind: 'pod';
      readonly namespace: string;
      readonly namespaceLabels: Readonly<Record<string, string>>;
      readonly labels: Readonly<Record<string, string>>;
      readonly ip?: string;
    }
  | { readonly kind: 'ip'; readonly ip: string };

export function policyName(policy: NetworkPolicy): string {
  return `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
}

/** `policyTypes` as the API server defaults it: Ingress always, Egress when there are egress rules. */
export function policyTypesOf(policy: NetworkPolicy): readonly string[] {
  const given = policy.spec?.policyTypes;
  if (given && given.length > 0) return given;
  return policy.spec?.egress && policy.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The policies of the pod's namespace that select it and restrict its ingress (or egress). None: all of it is allowed. */
export function isolatingPolicies(policies: readonly NetworkPolicy[], pod: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> }, direction: 'Ingress' | 'Egress' = 'Ingress'): NetworkPolicy[] {
  return policies.filter(
    (p) =>
      (p.metadata?.namespace ?? '') === pod.namespace &&
      policyTypesOf(p).includes(direction) &&
      // An absent podSelector is rejected by the API server; treat it like `{}` (every pod), as kubectl shows it.
      selectorMatches(p.spec?.podSelector ?? {}, pod.labels),
  );
}

/** The ipBlock test (cidr.ts): kept exported here, where the NetworkPolicy evaluation reads it. */
export { cidrContains };

function peerAdmits(peer: NetworkPolicyPeer, policyNamespace: string, source: TrafficSource): boolean {
  if (peer.ipBlock) {
    const ip = source.ip;
    if (ip === undefined || !cidrContains(peer.ipBlock.cidr, ip)) return false;
    return !(peer.ipBlock.except ?? []).some((except) => cidrContains(except, ip));
  }
  // Selector peers match pods only: a bare address (a node, the probe SNAT address) is never a pod.
  if (source.kind !== 'pod') return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const namespaceOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, source.namespaceLabels) : source.namespace === policyNamespace;
  const podOk = peer.podSelector ? selectorMatches(peer.podSelector, source.labels) : true;
  return namespaceOk && podOk;
}

function portAdmits(rulePort: NetworkPolicyPort, pod: DestinationPod, port: number, protocol: string): boolean {
  if ((rulePort.protocol ?? 'TCP').toUpperCase() !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'string') {
    // A named port means the selected pod's container port of that name (and protocol).
    return pod.ports.some((p) => p.name === rulePort.port && p.containerPort === port && (p.protocol ?? 'TCP').toUpperCase() === protocol);
  }
  const end = rulePort.endPort ?? rulePort.port;
  return port >= rulePort.port && port <= end;
}

function ruleAdmits(rule: NetworkPolicyIngressRule, policyNamespace: string, pod: DestinationPod, source: TrafficSource, port: number, protocol: string): boolean {
  const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => portAdmits(p, pod, port, protocol));
  if (!portOk) return false;
  return !rule.from || rule.from.length === 0 || rule.from.some((peer) => peerAdmits(peer, policyNamespace, source));
}

export interface IngressVerdict {
  /** No policy isolates the pod: all ingress is allowed. */
  readonly isolated: boolean;
  readonly allowed: boolean;
  /** The isolating policies (`ns/name`): the ones to change when `allowed` is false. */
  readonly policies: readonly string[];
}

/** May `source` reach `pod` on `port`/`protocol`? Allowed when any rule of any isolating policy admits it. */
export function ingressAllowed(policies: readonly NetworkPolicy[], pod: DestinationPod, source: TrafficSource, port: number, protocol = 'TCP'): IngressVerdict {
  const isolating = isolatingPolicies(policies, pod);
  if (isolating.length === 0) return { isolated: false, allowed: true, policies: [] };
  const allowed = isolating.some((p) => (p.spec?.ingress ?? []).some((rule) => ruleAdmits(rule, p.metadata?.namespace ?? '', pod, source, port, protocol)));
  return { isolated: true, allowed, policies: isolating.map(policyName) };
}

/**
 * Does any rule admit `source` on some port other than `except`? That is traffic that flows today and,
 * once the destination is captured, arrives on HBONE instead.
 */
export function admitsOnOtherPorts(policies: readonly NetworkPolicy[], pod: DestinationPod, source: TrafficSource, except: number): boolean {
  const isolating = isolatingPolicies(policies, pod);
  if (isolating.length === 0) return true;
  return isolating.some((p) =>
    (p.spec?.ingress ?? []).some((rule) => {
      const namespace = p.metadata?.namespace ?? '';
      const fromOk = !rule.from || rule.from.length === 0 || rule.from.some((peer) => peerAdmits(peer, namespace, source));
      if (!fromOk) return false;
      if (!rule.ports || rule.ports.length === 0) return true;
      return rule.ports.some((rp) => {
        if ((rp.protocol ?? 'TCP').toUpperCase() !== 'TCP') return false;
        if (rp.port === undefined) return true;
        if (typeof rp.port === 'string') return pod.ports.some((cp) => cp.name === rp.port && cp.containerPort !== except);
        const end = rp.endPort ?? rp.port;
        return rp.port !== except || end !== except;
      });
    }),
  );
}

/** A pod sending traffic: the policies of its own namespace restrict its egress. */
export interface SendingPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

function egressRuleAdmits(rule: NetworkPolicyEgressRule, policyNamespace: string, destination: DestinationPod, peer: TrafficSource, port: number | 'other', except: number): boolean {
  const toOk = !rule.to || rule.to.length === 0 || rule.to.some((p) => peerAdmits(p, policyNamespace, peer));
  if (!toOk) return false;
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((rp) => {
    if (port !== 'other') return portAdmits(rp, destination, port, 'TCP');
    if ((rp.protocol ?? 'TCP').toUpperCase() !== 'TCP') return false;
    if (rp.port === undefined) return true;
    if (typeof rp.port === 'string') return destination.ports.some((cp) => cp.name === rp.port && cp.containerPort !== except);
    return rp.port !== except || (rp.endPort ?? rp.port) !== except;
  });
}

/**
 * May `sender` send to `destination` (reached as `destinationPeer`: its namespace labels, labels, IP) on
 * `port`? `'other'`: on some TCP port other than `except` (the traffic that flows today). Egress is judged by
 * the sender's namespace's policies.
 */
export function egressAllowed(
  policies: readonly NetworkPolicy[],
  sender: SendingPod,
  destination: DestinationPod,
  destinationPeer: TrafficSource,
  port: number | 'other',
  except = HBONE_PORT,
): IngressVerdict {
  const isolating = isolatingPolicies(policies, sender, 'Egress');
  if (isolating.length === 0) return { isolated: false, allowed: true, policies: [] };
  const allowed = isolating.some((p) => (p.spec?.egress ?? []).some((rule) => egressRuleAdmits(rule, p.metadata?.namespace ?? '', destination, destinationPeer, port, except)));
  return { isolated: true, allowed, policies: isolating.map(policyName) };
}
