/* eslint-disable @typescript-eslint/no-explicit-any -- reads arbitrary AuthorizationPolicy JSON */
// The destination ztunnel's L4 authorization, as the test cluster enforces it on every connection through
// the mesh. Written from Istio 1.28 directly (istiod pilot/pkg/serviceregistry/kube/controller/ambient/
// authorization.go, ztunnel src/rbac.rs and src/state.rs), apart from the extension's own evaluator in
// src/mesh, so the two check each other: a policy with targetRefs is a waypoint's; CUSTOM/AUDIT never reach
// ztunnel; an ALLOW rule with HTTP attributes is dropped; a DENY rule is kept without them, and a `from`,
// `to` or `when` part left with nothing L4 in it never matches. Any matching DENY denies; no ALLOW allows;
// otherwise an ALLOW must match.
import type { KubeObject } from './store';

const httpSource = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'];
const httpOperation = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
const l4When = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

export interface Peer {
  /** `spiffe://cluster.local/ns/N/sa/S`, absent for plain text. */
  identity?: string;
  ip?: string;
}

export interface Target {
  namespace: string;
  labels: Record<string, string>;
  ip?: string;
  port: number;
}

export type Decision = { allowed: true } | { allowed: false; error: string };

const nonEmpty = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;

function glob(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

function ipv4(ip: string | undefined): number | undefined {
  const m = ip ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip) : null;
  return m ? m.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0) : undefined;
}

export function inBlock(block: string, ip: string | undefined): boolean {
  const [base, bits = '32'] = block.split('/');
  const network = ipv4(base);
  const address = ipv4(ip);
  if (network === undefined || address === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(network / size) === Math.floor(address / size);
}

/** One field pair (`principals`/`notPrincipals`...): undefined when neither carries anything ztunnel reads. */
function pair(positive: string[] | undefined, negative: string[] | undefined, test: (v: string) => boolean): boolean | undefined {
  const pos = (positive ?? []).filter((v) => v !== '');
  const neg = (negative ?? []).filter((v) => v !== '');
  if (pos.length === 0 && neg.length === 0) return undefined;
  return (pos.length === 0 || pos.some(test)) && !neg.some(test);
}

/** A match that declares nothing never matches (ztunnel skips empty matches). */
function all(results: (boolean | undefined)[]): boolean {
  const declared = results.filter((r) => r !== undefined);
  return declared.length > 0 && declared.every(Boolean);
}

const validPort = (p: string) => /^\d+$/.test(p) && Number(p) <= 65535;

function ruleMatches(rule: any, policyNamespace: string, peer: Peer, target: Target): boolean {
  const principal = peer.identity?.startsWith('spiffe://') ? peer.identity.slice('spiffe://'.length) : undefined;
  const identity = /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(peer.identity ?? '');
  const namespace = identity?.[1] ?? '';
  const sa = (v: string) => {
    const [ns, name] = v.includes('/') ? v.split('/') : [policyNamespace, v];
    return identity !== null && identity[1] === ns && identity[2] === name;
  };
  const fromOk = (s: any = {}) =>
    all([
      pair(s.principals, s.notPrincipals, (p) => principal !== undefined && glob(p, principal)),
      pair(s.namespaces, s.notNamespaces, (n) => glob(n, namespace)),
      pair(s.serviceAccounts, s.notServiceAccounts, sa),
      pair(s.ipBlocks, s.notIpBlocks, (b) => inBlock(b, peer.ip)),
    ]);
  const toOk = (o: any = {}) => all([pair(o.ports?.filter(validPort), o.notPorts?.filter(validPort), (p) => Number(p) === target.port)]);
  const whenOk = (c: any) => {
    const test: Record<string, (v: string) => boolean> = {
      'source.ip': (v) => inBlock(v, peer.ip),
      'source.namespace': (v) => glob(v, namespace),
      'source.principal': (v) => principal !== undefined && glob(v, principal),
      'destination.ip': (v) => inBlock(v, target.ip),
      'destination.port': (v) => validPort(v) && Number(v) === target.port,
    };
    return l4When.has(c.key) && all([pair(c.values, c.notValues, test[c.key])]);
  };
  if (nonEmpty(rule.from) && !rule.from.some((f: any) => fromOk(f.source))) return false;
  if (nonEmpty(rule.to) && !rule.to.some((t: any) => toOk(t.operation))) return false;
  return (rule.when ?? []).every(whenOk);
}

function usesHttp(rule: any): boolean {
  return (
    (rule.from ?? []).some((f: any) => httpSource.some((k) => nonEmpty(f.source?.[k]))) ||
    (rule.to ?? []).some((t: any) => httpOperation.some((k) => nonEmpty(t.operation?.[k]))) ||
    (rule.when ?? []).some((c: any) => !l4When.has(c.key))
  );
}

function selects(policy: KubeObject, target: Target, rootNamespace: string): boolean {
  const ns = policy.metadata.namespace;
  if (ns !== target.namespace && ns !== rootNamespace) return false;
  // Without a selector, a root-namespace policy is mesh-wide and any other namespace-wide.
  if (!policy.spec?.selector) return ns === rootNamespace || ns === target.namespace;
  return Object.entries(policy.spec.selector.matchLabels ?? {}).every(([k, v]) => target.labels[k] === v);
}

function matches(policy: KubeObject, peer: Peer, target: Target): boolean {
  const action = (policy.spec?.action ?? 'ALLOW').toUpperCase();
  const rules = (policy.spec?.rules ?? []).filter((r: any) => !(action === 'ALLOW' && usesHttp(r)));
  return rules.some((r: any) => ruleMatches(r ?? {}, policy.metadata.namespace!, peer, target));
}

/** ztunnel's decision, with the `error` its access log carries when it refuses. */
export function authorize(policies: readonly KubeObject[], peer: Peer, target: Target, rootNamespace = 'istio-system'): Decision {
  const enforced = policies
    .filter((p) => !nonEmpty(p.spec?.targetRefs) && !p.spec?.targetRef)
    .filter((p) => ['ALLOW', 'DENY'].includes((p.spec?.action ?? 'ALLOW').toUpperCase()))
    .filter((p) => p.metadata.annotations?.['istio.io/dry-run'] !== 'true')
    .filter((p) => selects(p, target, rootNamespace))
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const isDeny = (p: KubeObject) => (p.spec?.action ?? 'ALLOW').toUpperCase() === 'DENY';
  const deny = enforced.find((p) => isDeny(p) && matches(p, peer, target));
  if (deny) return { allowed: false, error: `connection closed due to policy rejection: explicitly denied by: ${deny.metadata.namespace}/${deny.metadata.name}` };
  const allows = enforced.filter((p) => !isDeny(p));
  if (allows.length === 0 || allows.some((p) => matches(p, peer, target))) return { allowed: true };
  return { allowed: false, error: 'connection closed due to policy rejection: allow policies exist, but none allowed' };
}
