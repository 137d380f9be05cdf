/* eslint-disable @typescript-eslint/no-explicit-any -- reads arbitrary NetworkPolicy JSON */
// What the CNI lets through: NetworkPolicy (networking.k8s.io/v1) as the Kubernetes documentation defines it,
// enforced by the test cluster on the connections it carries, apart from the extension's own evaluator in
// src/mesh/networkPolicy.ts so the two check each other. A pod selected by no policy of a direction is open
// in that direction; once selected, a connection needs one rule of one selecting policy to admit it. In
// ambient mode ztunnel sends HBONE from inside the source pod's network namespace to the destination pod's
// port 15008, so pod policies apply to that port, not to the app's (istio/istio#52742).
import { inBlock } from './authorization';
import { matchesLabelSelectorObject } from './selectors';
import type { KubeObject } from './store';

type Direction = 'Ingress' | 'Egress';

export interface NetworkPolicyWorld {
  policies: readonly KubeObject[];
  namespaces: readonly KubeObject[];
}

function policyTypes(policy: KubeObject): Direction[] {
  const declared = policy.spec?.policyTypes as Direction[] | undefined;
  if (declared && declared.length > 0) return declared;
  // Without policyTypes: Ingress always, Egress when the policy has egress rules.
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function selectsPod(policy: KubeObject, pod: KubeObject): boolean {
  return policy.metadata.namespace === pod.metadata.namespace && matchesLabelSelectorObject(policy.spec?.podSelector ?? {}, pod.metadata.labels);
}

/** A `from`/`to` peer of a rule in `policy` matches `pod`. */
function peerMatches(peer: any, policy: KubeObject, pod: KubeObject, world: NetworkPolicyWorld): boolean {
  if (peer.ipBlock) {
    const ip = pod.status?.podIP;
    return inBlock(peer.ipBlock.cidr, ip) && !(peer.ipBlock.except ?? []).some((block: string) => inBlock(block, ip));
  }
  if (peer.namespaceSelector) {
    const ns = world.namespaces.find((n) => n.metadata.name === pod.metadata.namespace);
    if (!matchesLabelSelectorObject(peer.namespaceSelector, ns?.metadata.labels)) return false;
  } else if (pod.metadata.namespace !== policy.metadata.namespace) {
    return false;
  }
  return peer.podSelector ? matchesLabelSelectorObject(peer.podSelector, pod.metadata.labels) : true;
}

/** A rule's `ports` admit TCP `port` on `target` (named ports are the target container's). */
function portMatches(ports: any[] | undefined, target: KubeObject, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      return (target.spec?.containers ?? []).some((c: any) => (c.ports ?? []).some((cp: any) => cp.name === p.port && cp.containerPort === port));
    }
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

function admitted(direction: Direction, subject: KubeObject, other: KubeObject, destination: KubeObject, port: number, world: NetworkPolicyWorld): boolean {
  const selecting = world.policies.filter((p) => policyTypes(p).includes(direction) && selectsPod(p, subject));
  if (selecting.length === 0) return true;
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  const peers = direction === 'Ingress' ? 'from' : 'to';
  return selecting.some((policy) =>
    (policy.spec?.[key] ?? []).some((rule: any) => {
      const list = rule[peers] as any[] | undefined;
      const fromOk = !list || list.length === 0 || list.some((peer) => peerMatches(peer, policy, other, world));
      return fromOk && portMatches(rule.ports, destination, port);
    }),
  );
}

/** The CNI lets a TCP connection from pod `src` to pod `dst` on `port` through (egress of src, ingress of dst). */
export function networkAdmits(world: NetworkPolicyWorld, src: KubeObject, dst: KubeObject, port: number): boolean {
  return admitted('Egress', src, dst, dst, port, world) && admitted('Ingress', dst, src, dst, port, world);
}
