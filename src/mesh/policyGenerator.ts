// "Lock Down from Observed Traffic": from ztunnel access-log entries, one ALLOW AuthorizationPolicy
// (security.istio.io/v1) per destination workload naming the SPIFFE principals and ports actually seen,
// plus an optional namespace-wide allow-nothing baseline (istio.io "Authorization on Layer 4": `spec: {}`).
// Principals are the source identity without `spiffe://` (istio.io AuthorizationPolicy reference:
// `cluster.local/ns/default/sa/sleep`). Plain-text sources carry no identity, so no principal can allow
// them: they are listed in a warning comment and never enter a rule. Denied connections are not evidence of
// wanted traffic and are left out. Deterministic: everything is sorted, so the same traffic gives the same
// YAML. Pure: no vscode.
import type { ZtunnelLogEntry } from '../logs/entry';
import { entryFields } from '../logs/fields';
import { toYaml } from '../shared/yaml';

/** A destination workload as the cluster reports it: the labels its policy selects it by. */
export interface GeneratorWorkload {
  readonly namespace: string;
  /** The name ztunnel writes as `dst.workload`. */
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
}

/**
 * The workloads of apps/v1 Deployments / StatefulSets / DaemonSets as the API returns them: istiod names a pod's
 * workload after its controller (workload_name, the Deployment behind a ReplicaSet), which is what ztunnel writes
 * as `dst.workload`; the controller's `spec.selector.matchLabels` selects exactly its pods.
 */
export function workloadsOfControllers(
  objects: readonly { readonly metadata?: { readonly name?: string; readonly namespace?: string }; readonly spec?: { readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> } } }[],
): GeneratorWorkload[] {
  const out: GeneratorWorkload[] = [];
  for (const o of objects) {
    const name = o.metadata?.name;
    const namespace = o.metadata?.namespace;
    const selector = o.spec?.selector?.matchLabels;
    if (name !== undefined && namespace !== undefined && selector !== undefined) out.push({ namespace, name, selector });
  }
  return out;
}

export interface GeneratorOptions {
  /** Only destinations in these namespaces (all when absent). */
  readonly namespaces?: readonly string[];
  /** Only this destination workload (with `namespaces`). */
  readonly workload?: string;
  /** Add `allow-nothing` for each namespace that gets a policy. */
  readonly baseline: boolean;
}

interface Destination {
  readonly namespace: string;
  readonly workload: string;
  /** principal → ports */
  readonly principals: Map<string, Set<string>>;
  /** plain-text source (workload or address) → ports */
  readonly plaintext: Map<string, Set<string>>;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The port of `ip:port` / `[v6]:port`. */
function portOf(addr: string | undefined): string | undefined {
  if (addr === undefined) return undefined;
  const m = /:(\d+)$/.exec(addr);
  return m?.[1];
}

/** The port the destination workload was reached on: HBONE's inner target when present (dst.addr is :15008 then). */
function destinationPort(f: Record<string, unknown>): string | undefined {
  return portOf(str(f['dst.hbone_addr'])) ?? portOf(str(f['dst.addr']));
}

function principalOf(identity: string): string {
  return identity.startsWith('spiffe://') ? identity.slice('spiffe://'.length) : identity;
}

function plaintextSource(f: Record<string, unknown>): string {
  const workload = str(f['src.workload']);
  const namespace = str(f['src.namespace']);
  if (workload !== undefined) return namespace !== undefined ? `${namespace}/${workload}` : workload;
  const addr = str(f['src.addr']) ?? '?';
  return addr.replace(/:\d+$/, '');
}

function add(map: Map<string, Set<string>>, key: string, port: string): void {
  let ports = map.get(key);
  if (ports === undefined) map.set(key, (ports = new Set()));
  ports.add(port);
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byNumber = (a: string, b: string): number => Number(a) - Number(b) || byText(a, b);

export function observedDestinations(entries: Iterable<ZtunnelLogEntry>, options: Omit<GeneratorOptions, 'baseline'>): Destination[] {
  const found = new Map<string, Destination>();
  for (const entry of entries) {
    if (entry.class !== 'mtls' && entry.class !== 'plaintext') continue;
    if (entry.scope !== 'access') continue;
    const f = entryFields(entry);
    const namespace = str(f['dst.namespace']);
    const workload = str(f['dst.workload']);
    const port = destinationPort(f);
    if (namespace === undefined || workload === undefined || port === undefined) continue;
    if (options.namespaces !== undefined && !options.namespaces.includes(namespace)) continue;
    if (options.workload !== undefined && options.workload !== workload) continue;
    const key = `${namespace}/${workload}`;
    let dest = found.get(key);
    if (dest === undefined) found.set(key, (dest = { namespace, workload, principals: new Map(), plaintext: new Map() }));
    const identity = str(f['src.identity']);
    if (entry.class === 'mtls' && identity !== undefined) add(dest.principals, principalOf(identity), port);
    else add(dest.plaintext, plaintextSource(f), port);
  }
  return [...found.values()].sort((a, b) => byText(a.namespace, b.namespace) || byText(a.workload, b.workload));
}

export const ALLOW_NOTHING = 'allow-nothing';

export function policyName(workload: string): string {
  return `allow-observed-${workload}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 253);
}

/** Principals with the same ports share one rule; rules sorted by their ports, principals within sorted. */
function rules(principals: Map<string, Set<string>>): { from: { source: { principals: string[] } }[]; to: { operation: { ports: string[] } }[] }[] {
  const byPorts = new Map<string, { ports: string[]; principals: string[] }>();
  for (const [principal, portSet] of principals) {
    const ports = [...portSet].sort(byNumber);
    const key = ports.join(',');
    let group = byPorts.get(key);
    if (group === undefined) byPorts.set(key, (group = { ports, principals: [] }));
    group.principals.push(principal);
  }
  return [...byPorts.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([, g]) => ({ from: [{ source: { principals: g.principals.sort(byText) } }], to: [{ operation: { ports: g.ports } }] }));
}

function portsText(ports: Set<string>): string {
  return [...ports].sort(byNumber).join(', ');
}

export interface GeneratedPolicies {
  readonly yaml: string;
  /** The objects in the YAML, in its order (for a dry run and apply). */
  readonly objects: readonly Record<string, unknown>[];
}

export function generatePolicies(entries: Iterable<ZtunnelLogEntry>, workloads: readonly GeneratorWorkload[], options: GeneratorOptions): GeneratedPolicies {
  const destinations = observedDestinations(entries, options);
  const docs: string[] = [];
  const objects: Record<string, unknown>[] = [];
  const namespaces = [...new Set(destinations.map((d) => d.namespace))].sort(byText);
  for (const namespace of namespaces) {
    if (options.baseline) {
      const object = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: ALLOW_NOTHING, namespace }, spec: {} };
      objects.push(object);
      docs.push(`# Baseline: denies everything in ${namespace} that no ALLOW policy below permits.\n${toYaml(object)}`);
    }
    for (const dest of destinations.filter((d) => d.namespace === namespace)) {
      const comments: string[] = [];
      for (const [source, ports] of [...dest.plaintext.entries()].sort(([a], [b]) => byText(a, b))) {
        comments.push(`# WARNING: plain-text source ${source} (port ${portsText(ports)}) has no identity and cannot be allowed by principal; it will be denied.`);
      }
      const workload = workloads.find((w) => w.namespace === namespace && w.name === dest.workload);
      if (workload === undefined || Object.keys(workload.selector).length === 0) {
        docs.push([`# SKIPPED ${namespace}/${dest.workload}: the cluster reports no labels to select it by.`, ...comments].join('\n') + '\n');
        continue;
      }
      const matchLabels = Object.fromEntries(Object.entries(workload.selector).sort(([a], [b]) => byText(a, b)));
      const spec: Record<string, unknown> = { selector: { matchLabels }, action: 'ALLOW' };
      const ruleList = rules(dest.principals);
      if (ruleList.length > 0) spec['rules'] = ruleList;
      else comments.push('# No mutual-TLS source was seen: this policy allows nothing.');
      const object = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: policyName(dest.workload), namespace }, spec };
      objects.push(object);
      docs.push(`${comments.map((c) => `${c}\n`).join('')}${toYaml(object)}`);
    }
  }
  return { yaml: docs.join('---\n'), objects };
}
