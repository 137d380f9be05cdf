// ztunnel's admin `/config_dump` turned into the rows `istioctl ztunnel-config workload` and
// `istioctl ztunnel-config certificate` print, plus the places where ztunnel and the pods' own
// annotations disagree. Pure: the caller fetches the JSON (port-forward to 15000) and the pods.
//
// The dump's shape moved between ztunnel releases, so the reader accepts both:
// - `workloads` / `services`: a map keyed by `network/ip` (up to ~1.22) or a list (later);
// - certificates: `certChain`/`serialNumber`/`validFrom`/`expirationTime` (camelCase, later releases)
//   or `cert_chain`/`serial_number`/`valid_from`/`expiration_time` (early releases);
// - a workload's address: `workloadIps: [...]` or the older single `workloadIp`.
import { CAPTURE_STATE_LABELS, captureState, type PodFacts } from './dataplane';
import { spiffeId } from './identity';

/** One row of `istioctl ztunnel-config workload` (wide), plus what the identities view needs. */
export interface ZtunnelWorkloadRow {
  readonly namespace: string;
  /** The pod's name (`NAME` column). */
  readonly pod: string;
  /** The first workload IP (`IP`/`ADDRESS` column); '' when ztunnel has none. */
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
  /** istioctl's words: the first certificate of the chain is `CA`, the rest `Cert Chain`; `-` when there is none. */
  readonly type: 'CA' | 'Cert Chain' | '-';
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
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** A map or a list of objects, as a list (the dump has used both). */
function entries(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value)) return Object.values(value).filter(isObject);
  return [];
}

/** `network/10.0.0.1` → `10.0.0.1`; a bare IP stays as is. */
function ipOf(networkAddress: string): string {
  const slash = networkAddress.lastIndexOf('/');
  return slash >= 0 ? networkAddress.slice(slash + 1) : networkAddress;
}

function looksLikeIp(value: string): boolean {
  return /^[0-9.]+$/.test(value) || value.includes(':');
}

interface ServiceRef {
  readonly name: string;
  readonly hostname: string;
  readonly vips: readonly string[];
}

/** istioctl's waypoint column: the Service behind `waypoint.destination`, `None` without one. */
function waypointName(workload: Json, services: readonly ServiceRef[]): string {
  const waypoint = workload.waypoint;
  if (!isObject(waypoint)) return 'None';
  // `destination` is `network/ip` of the waypoint's VIP, or `namespace/hostname` in later releases;
  // some releases nest it as `{ address: {...} }` or `{ hostname: {...} }`.
  let destination = text(waypoint.destination);
  if (!destination && isObject(waypoint.destination)) {
    const d = waypoint.destination as Json;
    destination = text(d.address) || `${text(d.namespace)}/${text(d.hostname)}`;
  }
  if (!destination) return 'NA';
  const target = ipOf(destination);
  const byAddress = looksLikeIp(target) ? services.find((s) => s.vips.some((vip) => ipOf(vip) === target)) : undefined;
  if (byAddress) return byAddress.name;
  const byHost = services.find((s) => s.hostname === target);
  if (byHost) return byHost.name;
  // A hostname we have no Service for still names the waypoint well enough: `waypoint.ns.svc...` → `waypoint`.
  return looksLikeIp(target) ? 'NA' : target.split('.')[0];
}

function workloadRow(workload: Json, services: readonly ServiceRef[]): ZtunnelWorkloadRow {
  const ips = Array.isArray(workload.workloadIps) ? workload.workloadIps.map(text) : [text(workload.workloadIp)];
  const namespace = text(workload.namespace);
  const serviceAccount = text(workload.serviceAccount) || 'default';
  const trustDomain = text(workload.trustDomain) || 'cluster.local';
  return {
    namespace,
    pod: text(workload.name),
    address: ips.find((ip) => ip !== '') ?? '',
    node: text(workload.node),
    waypoint: waypointName(workload, services),
    protocol: text(workload.protocol) || (workload.nativeHbone === true || workload.nativeTunnel === true ? 'HBONE' : 'TCP'),
    serviceAccount,
    identity: spiffeId(trustDomain, namespace, serviceAccount),
    uid: text(workload.uid),
    clusterId: text(workload.clusterId) || undefined,
    status: text(workload.status) || undefined,
  };
}

interface DumpCert {
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

function dumpCert(cert: Json): DumpCert {
  return {
    serial: text(cert.serialNumber ?? cert.serial_number),
    notBefore: text(cert.validFrom ?? cert.valid_from),
    notAfter: text(cert.expirationTime ?? cert.expiration_time),
  };
}

/** Decimal serial (as ztunnel writes it) → lower-case hex (as istioctl prints it). */
export function serialToHex(decimal: string): string {
  if (!/^\d+$/.test(decimal)) return decimal;
  return BigInt(decimal).toString(16);
}

function isValidAt(cert: DumpCert, now: Date): boolean {
  const from = Date.parse(cert.notBefore);
  const to = Date.parse(cert.notAfter);
  if (Number.isNaN(from) || Number.isNaN(to)) return false;
  return now.getTime() > from && now.getTime() < to;
}

function certificateRows(dump: Json, now: Date, ztunnelPod: string | undefined): CertificateRow[] {
  const rows: CertificateRow[] = [];
  for (const entry of entries(dump.certificates)) {
    const identity = text(entry.identity);
    const rawState = text(entry.state);
    const unavailable = rawState.startsWith('Unavailable');
    const state = unavailable ? 'Unavailable' : rawState;
    const stateDetail = unavailable ? rawState.replace(/^Unavailable:?\s*/, '') || undefined : undefined;
    // Early releases split the leaf (`ca_cert`) from the rest (`cert_chain`); later ones send one chain.
    const chain = [...entries(entry.ca_cert), ...entries(entry.certChain ?? entry.cert_chain)].map(dumpCert);
    if (chain.length === 0) {
      rows.push({ identity, type: '-', state, stateDetail, valid: false, serialNumber: '', notAfter: '', notBefore: '', ztunnelPod });
      continue;
    }
    chain.forEach((cert, index) => {
      rows.push({
        identity,
        type: index === 0 ? 'CA' : 'Cert Chain',
        state,
        stateDetail,
        valid: isValidAt(cert, now),
        serialNumber: serialToHex(cert.serial),
        notAfter: cert.notAfter,
        notBefore: cert.notBefore,
        ztunnelPod,
      });
    });
  }
  return rows;
}

/** Parse one ztunnel's `/config_dump` (the JSON text or the parsed object). Throws on text that is not JSON. */
export function parseConfigDump(dump: string | unknown, options: { now?: Date; ztunnelPod?: string } = {}): ParsedConfigDump {
  const root = typeof dump === 'string' ? (JSON.parse(dump) as unknown) : dump;
  if (!isObject(root)) throw new Error('the config dump is not a JSON object');
  const services: ServiceRef[] = entries(root.services).map((s) => ({
    name: text(s.name),
    hostname: text(s.hostname),
    vips: Array.isArray(s.vips) ? s.vips.map(text) : Array.isArray(s.addresses) ? s.addresses.map(text) : [],
  }));
  const workloads = entries(root.workloads).map((w) => workloadRow(w, services));
  // istioctl's order: namespace.name, then node.
  workloads.sort((a, b) => `${a.namespace}.${a.pod}`.localeCompare(`${b.namespace}.${b.pod}`) || a.node.localeCompare(b.node));
  const proxiedPods = Object.values(isObject(root.workloadState) ? root.workloadState : {})
    .filter(isObject)
    .map((state) => (isObject(state.info) ? `${text(state.info.namespace)}/${text(state.info.name)}` : ''))
    .filter((key) => key !== '/' && key !== '');
  return { workloads, certificates: certificateRows(root, options.now ?? new Date(), options.ztunnelPod), proxiedPods };
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
  return [...byKey.values()].map((v) => v.row).sort((a, b) => `${a.namespace}.${a.pod}`.localeCompare(`${b.namespace}.${b.pod}`));
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
    if (cert.type !== 'CA') continue;
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
    .filter(({ pod }) => pod.phase !== 'Succeeded' && pod.phase !== 'Failed')
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
