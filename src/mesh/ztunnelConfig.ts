// One ztunnel's `/config_dump` (read by ztunnelDump.ts, every layout) turned into what the identities view
// shows — istioctl's workload and certificate rows plus each pod's SPIFFE identity — and the places where
// ztunnel and the pods' own annotations disagree. Pure: the caller fetches the JSON and the pods.
import { CAPTURE_STATE_LABELS, captureState, type PodFacts } from './dataplane';
import { spiffeId } from './identity';
import { certValidAt, readZtunnelDump, serialToHex, type DumpLayout, type DumpTables, type TableName } from './ztunnelDump';
import { isFinishedPhase } from '../kube/podPhase';

/** One row of `istioctl ztunnel-config workload`, plus what the identities view needs. */
export interface ZtunnelWorkloadRow {
  readonly namespace: string;
  /** The pod's name (`POD NAME` column). */
  readonly pod: string;
  /** istioctl's ADDRESS: every workload IP comma-joined (dual stack), else the workload's hostname. */
  readonly address: string;
  readonly node: string;
  /** The waypoint Service's name, `None` without a waypoint, `NA` when the waypoint is not a known Service. */
  readonly waypoint: string;
  /** `HBONE` (captured: ztunnel tunnels its traffic) or `TCP` (not captured). */
  readonly protocol: string;
  readonly serviceAccount: string;
  /** The SPIFFE ID ztunnel would present for the workload. */
  readonly identity: string;
  readonly uid: string;
  readonly clusterId?: string;
  /** `Healthy` / `Unhealthy`, when the dump says. */
  readonly status?: string;
}

/** One row of `istioctl ztunnel-config certificate`: one per certificate of an identity's chain. */
export interface CertificateRow {
  readonly identity: string;
  /** istioctl 1.23+'s words; `NA` when the identity has no certificate (yet). */
  readonly type: 'Leaf' | 'Intermediate' | 'Root' | 'NA';
  /** `Available`, `Initializing` or `Unavailable` (istioctl shortens `Unavailable: <why>`). */
  readonly state: string;
  /** The reason after `Unavailable:`, when ztunnel gave one. */
  readonly stateDetail?: string;
  /** `now` lies between notBefore and notAfter (istioctl's VALID CERT). */
  readonly valid: boolean;
  /** Hex, as istioctl prints it; '' when there is no certificate. */
  readonly serialNumber: string;
  /** RFC3339, '' when there is no certificate. */
  readonly notAfter: string;
  readonly notBefore: string;
  /** The ztunnel pod (and so the node) holding the certificate: certificates are per node. */
  readonly ztunnelPod?: string;
}

export interface ParsedConfigDump {
  readonly workloads: readonly ZtunnelWorkloadRow[];
  readonly certificates: readonly CertificateRow[];
  /** Pods this ztunnel proxies in-pod (`workloadState`), `namespace/name`: only pods on its own node. */
  readonly proxiedPods: readonly string[];
  /** Which of ztunnel's layouts the dump has, and the Istio version it names. */
  readonly layout: DumpLayout;
  readonly istioVersion?: string;
  /** The five tables exactly as istioctl prints them. */
  readonly tables: DumpTables;
  /** Why a table is empty because of the layout. */
  readonly absent: Partial<Record<TableName, string>>;
  /** `config.xdsAddress`: where this ztunnel gets its XDS (istiod), for the health report. */
  readonly xdsAddress?: string;
  /** How many services ztunnel holds from XDS (the health report's XDS line). */
  readonly serviceCount?: number;
}

/**
 * Parse one ztunnel's `/config_dump` (the JSON text or the parsed object). Throws an Error whose message is
 * one sentence naming what was found when it is not a config dump.
 */
export function parseConfigDump(dump: string | unknown, options: { now?: Date; ztunnelPod?: string } = {}): ParsedConfigDump {
  const now = options.now ?? new Date();
  const read = readZtunnelDump(dump, { now });
  if (!read.ok) throw new Error(read.error);
  const d = read.dump;
  const workloads = d.workloads.map((w) => {
    const serviceAccount = w.serviceAccount || 'default';
    return {
      namespace: w.namespace,
      pod: w.name,
      address: w.address,
      node: w.node,
      waypoint: w.waypointName,
      protocol: w.protocol,
      serviceAccount,
      identity: spiffeId(w.trustDomain || 'cluster.local', w.namespace, serviceAccount),
      uid: w.uid,
      clusterId: w.clusterId || undefined,
      status: w.status || undefined,
    };
  });
  const certificates: CertificateRow[] = d.certificates.flatMap((c): CertificateRow[] => {
    const unavailable = c.state.includes('Unavailable');
    const state = unavailable ? 'Unavailable' : c.state;
    const stateDetail = unavailable ? c.state.replace(/^.*Unavailable:?\s*/, '') || undefined : undefined;
    const base = { identity: c.identity, state, stateDetail, ztunnelPod: options.ztunnelPod };
    if (c.certs.length === 0) return [{ ...base, type: 'NA' as const, valid: false, serialNumber: '', notAfter: '', notBefore: '' }];
    return c.certs.map((cert) => ({
      ...base,
      type: cert.type,
      valid: certValidAt(cert.validFrom, cert.expirationTime, now),
      serialNumber: serialToHex(cert.serialNumber),
      notAfter: cert.expirationTime,
      notBefore: cert.validFrom,
    }));
  });
  return { workloads, certificates, proxiedPods: d.proxiedPods, layout: d.layout, istioVersion: d.istioVersion, tables: d.tables, absent: d.absent, xdsAddress: d.xdsAddress, serviceCount: d.tables.services.length };
}

/** One ztunnel's answer (or why there is none), as gathered from each ztunnel pod. */
export interface ZtunnelDumpResult {
  readonly ztunnelPod: string;
  readonly node?: string;
  readonly dump?: ParsedConfigDump;
  readonly error?: string;
  /** The kube layer's reason for the error (`forbidden` decides the fallback). */
  readonly reason?: string;
}

/**
 * The cluster's workload table from every ztunnel's dump. Every ztunnel receives the whole table over
 * XDS, but what matters for a pod is the view of the ztunnel on its own node, so that one wins.
 */
export function mergeWorkloads(results: readonly ZtunnelDumpResult[]): ZtunnelWorkloadRow[] {
  const byKey = new Map<string, { row: ZtunnelWorkloadRow; local: boolean }>();
  for (const result of results) {
    for (const row of result.dump?.workloads ?? []) {
      const key = row.uid || `${row.namespace}/${row.pod}/${row.address}`;
      const local = result.node !== undefined && result.node === row.node;
      const known = byKey.get(key);
      if (!known || (local && !known.local)) byKey.set(key, { row, local });
    }
  }
  return [...byKey.values()].map((v) => v.row).sort((a, b) => compareKeys(`${a.namespace}.${a.pod}`, `${b.namespace}.${b.pod}`));
}

/** Go's byte order, as istioctl sorts. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function mergeCertificates(results: readonly ZtunnelDumpResult[]): CertificateRow[] {
  return results.flatMap((result) => result.dump?.certificates ?? []);
}

/** Where ztunnel's view and the cluster's say different things, as a user must hear it. */
export type DisagreementKind =
  /** istio-cni says `enabled` but ztunnel lists the pod as TCP: the capture went stale (istio/istio #61182). */
  | 'stale-capture'
  /** istio-cni says `enabled` but no ztunnel lists the pod at all. */
  | 'missing-workload'
  /** The leaf certificate is past most of its lifetime: rotation is late. */
  | 'cert-expiring'
  | 'cert-expired'
  /** ztunnel could not get a certificate for the identity (`Unavailable: <why>`). */
  | 'cert-unavailable';

export interface Disagreement {
  readonly kind: DisagreementKind;
  readonly severity: 'warning' | 'error';
  readonly namespace?: string;
  readonly pod?: string;
  readonly identity?: string;
  /** One sentence. */
  readonly message: string;
}

/**
 * A workload certificate is "close to expiry" when less than this share of its lifetime is left. Istio
 * rotates at about half-life, so a certificate below a quarter means rotation has been failing for hours.
 */
export const CERT_EXPIRY_WARNING_SHARE = 0.25;

export interface DisagreementInput {
  /** The pods of the namespaces in view, with whether their namespace is labelled ambient. */
  readonly pods: readonly { readonly pod: PodFacts; readonly namespaceAmbient: boolean }[];
  readonly workloads: readonly ZtunnelWorkloadRow[];
  readonly certificates: readonly CertificateRow[];
  readonly now?: Date;
}

export function findDisagreements(input: DisagreementInput): Disagreement[] {
  const now = input.now ?? new Date();
  const found: Disagreement[] = [];
  const byPod = new Map(input.workloads.map((row) => [`${row.namespace}/${row.pod}`, row]));
  for (const { pod, namespaceAmbient } of input.pods) {
    // Only pods istio-cni claims to have captured: for the rest, TCP is what ztunnel should say.
    if (captureState(pod, namespaceAmbient) !== 'captured') continue;
    const row = byPod.get(`${pod.namespace}/${pod.name}`);
    if (!row) {
      found.push({
        kind: 'missing-workload',
        severity: 'error',
        namespace: pod.namespace,
        pod: pod.name,
        message: `${pod.namespace}/${pod.name} is annotated as captured, but no ztunnel lists it: restart the workload.`,
      });
    } else if (row.protocol !== 'HBONE') {
      found.push({
        kind: 'stale-capture',
        severity: 'error',
        namespace: pod.namespace,
        pod: pod.name,
        message: `${pod.namespace}/${pod.name} is annotated as captured, but ztunnel lists it as ${row.protocol || 'not tunnelled'}: the capture is stale (istio/istio #61182); restart the workload.`,
      });
    }
  }
  for (const cert of input.certificates) {
    if (cert.state === 'Unavailable') {
      found.push({
        kind: 'cert-unavailable',
        severity: 'error',
        identity: cert.identity,
        message: `No certificate for ${cert.identity}${cert.stateDetail ? `: ${cert.stateDetail}` : ''}.`,
      });
      continue;
    }
    // Only the leaf matters: roots outlive workload certificates by years.
    if (cert.type !== 'Leaf') continue;
    const from = Date.parse(cert.notBefore);
    const to = Date.parse(cert.notAfter);
    if (Number.isNaN(from) || Number.isNaN(to)) continue;
    const left = to - now.getTime();
    if (left <= 0) {
      found.push({ kind: 'cert-expired', severity: 'error', identity: cert.identity, message: `The certificate of ${cert.identity} expired at ${cert.notAfter}.` });
    } else if (left < (to - from) * CERT_EXPIRY_WARNING_SHARE) {
      found.push({
        kind: 'cert-expiring',
        severity: 'warning',
        identity: cert.identity,
        message: `The certificate of ${cert.identity} expires in ${formatDuration(left)} (at ${cert.notAfter}); ztunnel should have rotated it by now.`,
      });
    }
  }
  return found;
}

/** `3h 12m`, `45m`, `20s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}

/** An identity as the fallback derives it (no ztunnel dump): from the pod's service account. */
export interface DerivedIdentityRow {
  readonly namespace: string;
  readonly pod: string;
  readonly address: string;
  readonly node: string;
  readonly serviceAccount: string;
  readonly identity: string;
  /** The pod's capture state in words (`captured`, `not captured`...). */
  readonly capture: string;
}

/**
 * When port-forward to ztunnel is forbidden: the identities Istio would issue, from each pod's service
 * account and the trust domain. Not what ztunnel holds, and the view says so.
 */
export function identitiesFromServiceAccounts(
  pods: readonly { readonly pod: PodFacts; readonly namespaceAmbient: boolean }[],
  trustDomain: string,
): DerivedIdentityRow[] {
  return pods
    .filter(({ pod }) => !isFinishedPhase(pod.phase))
    .map(({ pod, namespaceAmbient }) => {
      return {
        namespace: pod.namespace,
        pod: pod.name,
        address: pod.podIP ?? '',
        node: pod.nodeName ?? '',
        serviceAccount: pod.serviceAccount,
        identity: spiffeId(trustDomain, pod.namespace, pod.serviceAccount),
        capture: CAPTURE_STATE_LABELS[captureState(pod, namespaceAmbient)] || 'outside',
      };
    })
    .sort((a, b) => `${a.namespace}.${a.pod}`.localeCompare(`${b.namespace}.${b.pod}`));
}
