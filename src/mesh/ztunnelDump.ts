// ztunnel's admin `/config_dump` in every layout ztunnel has emitted, read into the five tables
// `istioctl ztunnel-config all` prints (istioctl 1.28+, istioctl/pkg/writer/ztunnel/configdump/): the same
// columns, the same cell text, the same row order. Pure: no I/O, no vscode.
//
// Layouts, from ztunnel's own serialization (istio/ztunnel src/admin.rs, src/state*.rs, src/workload.rs):
// - 1.18: `workloads` a map keyed by IP, each with one `workloadIp` and `waypointAddresses`; no services, only
//   `vips`; `policies` a map keyed `ns/name`; certificates snake_case, the leaf in `ca_cert`, the rest in `cert_chain`.
// - 1.19–1.21: the stores flattened into the dump: `by_addr` / `by_uid` / `by_hostname` (workloads), `by_vip` /
//   `by_host` / `staged_services` (services), `by_key` / `by_namespace` (policies); certificates as in 1.18.
// - 1.22: `workloads` and `services` maps keyed `network/ip`, `policies` keyed `ns/name`; camelCase certificates,
//   `certChain` = leaf, intermediates, root; `workloadState` (in-pod proxies and their connections) appears.
// - 1.23–1.25: `workloads`, `services`, `policies` lists; certificates as in 1.22.
// - 1.26+: as 1.23, but `certChain` = leaf and intermediates, the roots apart in `rootCerts`; connections carry
//   `protocol`. 1.30 adds `cidrVips` / `canonical` to services (not shown by istioctl).

export type DumpLayout = 'maps-1.18' | 'stores-1.19' | 'maps-1.22' | 'lists-1.23' | 'lists-1.26';

/** In words, for the panel and the CLI: which releases write the layout that was read. */
export const LAYOUT_DESCRIPTIONS: Record<DumpLayout, string> = {
  'maps-1.18': 'ztunnel 1.18 layout (maps keyed by IP, snake_case certificates)',
  'stores-1.19': 'ztunnel 1.19–1.21 layout (by_addr / by_uid / by_vip stores)',
  'maps-1.22': 'ztunnel 1.22 layout (maps keyed network/ip)',
  'lists-1.23': 'ztunnel 1.23–1.25 layout (lists, roots inside certChain)',
  'lists-1.26': 'ztunnel 1.26+ layout (lists, rootCerts apart)',
};

/** istioctl's column headers, exactly: also the keys of the rows in `-o json`. */
export const TABLE_HEADERS = {
  workloads: ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'],
  services: ['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'],
  policies: ['NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE'],
  certificates: ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'],
  connections: ['WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL'],
} as const;

export type TableName = keyof typeof TABLE_HEADERS;
export const TABLE_NAMES: readonly TableName[] = ['workloads', 'services', 'policies', 'certificates', 'connections'];
/** istioctl's section titles in `ztunnel-config all --with-headers`. */
export const TABLE_TITLES: Record<TableName, string> = {
  workloads: 'WORKLOAD INFO',
  services: 'SERVICE INFO',
  policies: 'POLICY INFO',
  certificates: 'SECRET INFO',
  connections: 'CONNECTIONS INFO',
};

export type TableRow<T extends TableName> = { readonly [H in (typeof TABLE_HEADERS)[T][number]]: string };
export type DumpTables = { readonly [T in TableName]: readonly TableRow<T>[] };

/** A workload as every layout gives it, for the checks beyond istioctl's columns (identity, uid, health). */
export interface DumpWorkload {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly hostname: string;
  readonly node: string;
  readonly protocol: string;
  readonly serviceAccount: string;
  readonly trustDomain: string;
  readonly clusterId: string;
  readonly status: string;
  /** The waypoint's destination as written (`network/ip`, `ns/hostname`), '' without one. */
  readonly waypoint: string;
  /** istioctl's ADDRESS cell: the IPs comma-joined, else the hostname. */
  readonly address: string;
  /** istioctl's WAYPOINT cell: the waypoint Service's name, `None`, or `NA` when no Service matches. */
  readonly waypointName: string;
}

export interface DumpCertificate {
  readonly identity: string;
  /** ztunnel's state text, `Unavailable: <why>` kept whole. */
  readonly state: string;
  readonly certs: readonly { readonly type: 'Leaf' | 'Intermediate' | 'Root'; readonly serialNumber: string; readonly validFrom: string; readonly expirationTime: string }[];
}

export interface ZtunnelDumpRead {
  readonly layout: DumpLayout;
  /** `version.istioVersion` (1.22+) or `version.istio_version` (earlier), when the dump has it. */
  readonly istioVersion?: string;
  readonly tables: DumpTables;
  /** Why a table is empty because of the layout (not because the mesh is empty): one sentence each. */
  readonly absent: Partial<Record<TableName, string>>;
  readonly workloads: readonly DumpWorkload[];
  readonly certificates: readonly DumpCertificate[];
  /** In-pod proxied pods of this ztunnel (`workloadState`), `namespace/name`. */
  readonly proxiedPods: readonly string[];
  /** `config.xdsAddress`: where this ztunnel gets its XDS (istiod), when the dump carries its config. */
  readonly xdsAddress?: string;
}

export type ZtunnelDumpResultOf = { readonly ok: true; readonly dump: ZtunnelDumpRead } | { readonly ok: false; readonly error: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str) : [];
}

/** A list, or a map's values: istioctl's `unmarshalListOrMap`. */
function listOrMap(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value)) return Object.values(value).filter(isObject);
  return [];
}

/** Go's `a < b` on strings (bytes), not the locale's order: istioctl sorts that way. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `strings.Cut(s, "/")`'s after part: '' when there is no slash. */
function afterSlash(value: string): string {
  const slash = value.indexOf('/');
  return slash < 0 ? '' : value.slice(slash + 1);
}

function layoutOf(root: Json): DumpLayout | undefined {
  if ('by_addr' in root || 'by_uid' in root || 'by_vip' in root) return 'stores-1.19';
  if (isObject(root.workloads)) {
    const first = Object.values(root.workloads).find(isObject);
    const snakeCerts = listOrMap(root.certificates).some((c) => 'ca_cert' in c || 'cert_chain' in c);
    // 1.18 flattened its WorkloadStore: `workload_to_vip` and `policies_by_namespace` sit beside `workloads`.
    if ('workload_to_vip' in root || 'policies_by_namespace' in root || (first && 'workloadIp' in first) || (!first && snakeCerts)) return 'maps-1.18';
    return 'maps-1.22';
  }
  if (Array.isArray(root.workloads) || Array.isArray(root.services) || Array.isArray(root.certificates)) {
    const certs = listOrMap(root.certificates);
    if (certs.some((c) => 'rootCerts' in c)) return 'lists-1.26';
    if (certs.length > 0) return 'lists-1.23';
    // No certificate to tell by (a node without captured pods): 1.26 also added workloads' `capacity`.
    const version = isObject(root.version) ? /^(\d+)\.(\d+)/.exec(str(root.version.istioVersion)) : null;
    if (version) return Number(version[1]) > 1 || Number(version[2]) >= 26 ? 'lists-1.26' : 'lists-1.23';
    return listOrMap(root.workloads).some((w) => 'capacity' in w) ? 'lists-1.26' : 'lists-1.23';
  }
  return undefined;
}

/** `destination` as a string: `network/ip` or `ns/hostname`. Pre-1.19 builds wrote `{address: <tag>, content: …}`. */
function destinationOf(gateway: unknown): string {
  if (!isObject(gateway)) return '';
  const d = gateway.destination;
  if (typeof d === 'string') return d;
  if (isObject(d)) {
    const content = d.content;
    if (typeof content === 'string') return content;
    if (isObject(content)) {
      if (typeof content.address === 'string') return `${str(content.network)}/${content.address}`;
      if (typeof content.hostname === 'string') return `${str(content.namespace)}/${content.hostname}`;
    }
  }
  return '';
}

interface DumpService {
  readonly name: string;
  readonly namespace: string;
  readonly hostname: string;
  readonly vips: readonly string[];
  readonly waypoint?: string;
  readonly endpointUids: readonly string[];
}

function serviceOf(s: Json): DumpService {
  const endpoints = listOrMap(s.endpoints);
  return {
    name: str(s.name),
    namespace: str(s.namespace),
    hostname: str(s.hostname),
    vips: strings(s.vips),
    waypoint: s.waypoint === undefined || s.waypoint === null ? undefined : destinationOf(s.waypoint),
    endpointUids: endpoints.map((e) => str(e.workloadUid)),
  };
}

type ParsedWorkload = Omit<DumpWorkload, 'address' | 'waypointName'> & { readonly hasWaypoint: boolean };

function workloadOf(w: Json): ParsedWorkload {
  // 1.18 wrote one `workloadIp` and the waypoint as bare `waypointAddresses`; later, `workloadIps` and `waypoint`.
  const ips = Array.isArray(w.workloadIps) ? strings(w.workloadIps) : str(w.workloadIp) ? [str(w.workloadIp)] : [];
  const waypointAddresses = strings(w.waypointAddresses);
  const hasWaypoint = (w.waypoint !== undefined && w.waypoint !== null) || waypointAddresses.length > 0;
  return {
    uid: str(w.uid),
    namespace: str(w.namespace),
    name: str(w.name),
    ips,
    hostname: str(w.hostname),
    node: str(w.node),
    protocol: str(w.protocol),
    serviceAccount: str(w.serviceAccount),
    trustDomain: str(w.trustDomain),
    clusterId: str(w.clusterId),
    status: str(w.status),
    waypoint: w.waypoint !== undefined ? destinationOf(w.waypoint) : waypointAddresses[0] ?? '',
    hasWaypoint,
  };
}

/** Several keys for one object (dual-stack by address, one service per VIP): keep one. */
function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (k === '') return true;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** istioctl's `waypointName` / `serviceWaypointName`: the Service whose `ns/hostname` or a VIP is the destination. */
function waypointCell(hasWaypoint: boolean, destination: string, services: readonly DumpService[]): string {
  if (!hasWaypoint) return 'None';
  for (const s of services) {
    if (`${s.namespace}/${s.hostname}` === destination) return s.name;
    if (s.vips.includes(destination)) return s.name;
  }
  return 'NA';
}

/** Decimal serial (as ztunnel writes it) → lower-case hex (as istioctl prints it). */
export function serialToHex(serial: string): string {
  // istioctl parses the decimal serial into a big.Int and prints it with %x.
  return /^\d+$/.test(serial) ? BigInt(serial).toString(16) : serial;
}

/** Valid now, as istioctl's VALID CERT column says it (false when either time is missing or unreadable). */
export function certValidAt(validFrom: string, expirationTime: string, now: Date): boolean {
  if (expirationTime === '' && validFrom === '') return false;
  const from = Date.parse(validFrom);
  const to = Date.parse(expirationTime);
  if (Number.isNaN(from) || Number.isNaN(to)) return false;
  return now.getTime() > from && now.getTime() < to;
}

function orNA(value: string): string {
  return value === '' ? 'NA' : value;
}

interface RawCert {
  readonly serialNumber: string;
  readonly validFrom: string;
  readonly expirationTime: string;
}

function rawCert(c: Json): RawCert {
  return {
    serialNumber: str(c.serialNumber ?? c.serial_number),
    validFrom: str(c.validFrom ?? c.valid_from),
    expirationTime: str(c.expirationTime ?? c.expiration_time),
  };
}

/** Leaf / Intermediate / Root per layout: istioctl's rule for certChain (+ rootCerts), and the same meaning for the older split. */
function certificateOf(entry: Json, layout: DumpLayout): DumpCertificate {
  const identity = str(entry.identity);
  const state = str(entry.state);
  const typed: DumpCertificate['certs'][number][] = [];
  if (layout === 'maps-1.18' || layout === 'stores-1.19') {
    // `ca_cert` holds the leaf, `cert_chain` the chain above it, its last the root.
    const leaf = listOrMap(entry.ca_cert).map(rawCert);
    const chain = listOrMap(entry.cert_chain).map(rawCert);
    leaf.forEach((c) => typed.push({ type: 'Leaf', ...c }));
    chain.forEach((c, i) => typed.push({ type: i === chain.length - 1 ? 'Root' : 'Intermediate', ...c }));
  } else {
    const chain = listOrMap(entry.certChain).map(rawCert);
    const roots = listOrMap(entry.rootCerts).map(rawCert);
    const legacy = roots.length === 0;
    chain.forEach((c, i) => typed.push({ type: i === 0 ? 'Leaf' : i === chain.length - 1 && legacy ? 'Root' : 'Intermediate', ...c }));
    roots.forEach((c) => typed.push({ type: 'Root', ...c }));
  }
  return { identity, state, certs: typed };
}

function certificateRows(certs: readonly DumpCertificate[], now: Date): TableRow<'certificates'>[] {
  const rows: TableRow<'certificates'>[] = [];
  for (const cert of certs) {
    const status = cert.state.includes('Unavailable') ? 'Unavailable' : cert.state;
    if (cert.certs.length === 0) {
      rows.push({ 'CERTIFICATE NAME': cert.identity, TYPE: 'NA', STATUS: status, 'VALID CERT': 'false', 'SERIAL NUMBER': 'NA', 'NOT AFTER': 'NA', 'NOT BEFORE': 'NA' });
      continue;
    }
    for (const c of cert.certs) {
      rows.push({
        'CERTIFICATE NAME': cert.identity,
        TYPE: c.type,
        STATUS: status,
        'VALID CERT': String(certValidAt(c.validFrom, c.expirationTime, now)),
        'SERIAL NUMBER': serialToHex(c.serialNumber),
        'NOT AFTER': orNA(c.expirationTime),
        'NOT BEFORE': orNA(c.validFrom),
      });
    }
  }
  return rows;
}

/** `net.SplitHostPort`: `10.0.0.1:80` and `[fd00::1]:80`; undefined when there is no port. */
function splitHostPort(addr: string): { host: string; port: string } | undefined {
  const m = /^\[([^\]]*)\]:([^:]*)$/.exec(addr) ?? /^([^:[\]]*):([^:]*)$/.exec(addr);
  return m ? { host: m[1], port: m[2] } : undefined;
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function connectionRows(workloadState: unknown, services: readonly DumpService[], workloads: readonly DumpWorkload[]): TableRow<'connections'>[] {
  // istioctl names addresses: a service's first VIP → its hostname, a workload's first IP → name.namespace.
  const serviceNames = new Map<string, string>();
  for (const s of services) serviceNames.set(afterSlash(s.vips[0] ?? '') || 'None', s.hostname);
  const workloadNames = new Map<string, string>();
  for (const w of workloads) workloadNames.set(w.ips[0] || 'None', `${w.name}.${w.namespace}`);
  const lookup = (addr: string): string => {
    const split = splitHostPort(addr);
    if (!split) return addr;
    const name = serviceNames.get(split.host) ?? workloadNames.get(split.host);
    return name === undefined ? addr : joinHostPort(name, split.port);
  };
  const states = Object.values(isObject(workloadState) ? workloadState : {})
    .filter(isObject)
    .map((s) => ({ info: isObject(s.info) ? s.info : {}, connections: isObject(s.connections) ? s.connections : {} }))
    .sort((a, b) => compare(str(a.info.namespace), str(b.info.namespace)) || compare(str(a.info.name), str(b.info.name)));
  const rows: TableRow<'connections'>[] = [];
  for (const s of states) {
    const workload = `${str(s.info.name)}.${str(s.info.namespace)}`;
    for (const c of listOrMap(s.connections.inbound)) {
      rows.push({ WORKLOAD: workload, DIRECTION: 'Inbound', LOCAL: lookup(str(c.actualDst)), REMOTE: lookup(str(c.src)), 'REMOTE TARGET': str(c.originalDst), PROTOCOL: str(c.protocol) });
    }
    for (const c of listOrMap(s.connections.outbound)) {
      rows.push({ WORKLOAD: workload, DIRECTION: 'Outbound', LOCAL: lookup(str(c.src)), REMOTE: lookup(str(c.actualDst)), 'REMOTE TARGET': lookup(str(c.originalDst)), PROTOCOL: str(c.protocol) });
    }
  }
  return rows;
}

function describeFound(value: unknown): string {
  if (Array.isArray(value)) return `a JSON array of ${value.length} item(s)`;
  if (value === null) return 'JSON null';
  if (typeof value !== 'object') return `a JSON ${typeof value}`;
  const keys = Object.keys(value as Json);
  if (keys.length === 0) return 'an empty JSON object';
  const shown = keys.slice(0, 6).join(', ');
  return `a JSON object with ${keys.length === 1 ? 'the key' : 'the keys'} ${shown}${keys.length > 6 ? `, … (${keys.length} keys)` : ''}`;
}

/**
 * Read a `/config_dump` body or `istioctl ztunnel-config all -o json` output (the same JSON). Never throws:
 * what is not a config dump comes back as one sentence naming what was found.
 */
export function readZtunnelDump(input: string | unknown, options: { now?: Date } = {}): ZtunnelDumpResultOf {
  let root: unknown = input;
  if (typeof input === 'string') {
    const trimmed = input.trim();
    if (trimmed === '') return { ok: false, error: 'This is not a ztunnel config dump: the file is empty.' };
    try {
      root = JSON.parse(trimmed);
    } catch {
      const start = trimmed.slice(0, 40).replace(/\s+/g, ' ');
      return { ok: false, error: `This is not a ztunnel config dump: the file is not JSON (it starts with "${start}${trimmed.length > 40 ? '…' : ''}").` };
    }
  }
  if (!isObject(root)) return { ok: false, error: `This is not a ztunnel config dump: it is ${describeFound(root)}, not an object with workloads, services, policies and certificates.` };
  const layout = layoutOf(root);
  if (!layout) {
    return { ok: false, error: `This is not a ztunnel config dump: it is ${describeFound(root)}, and none of workloads, services, certificates or by_addr / by_uid / by_vip.` };
  }
  const now = options.now ?? new Date();
  const absent: Partial<Record<TableName, string>> = {};

  let rawWorkloads: Json[];
  let rawServices: Json[];
  let rawPolicies: Json[];
  if (layout === 'stores-1.19') {
    rawWorkloads = isObject(root.by_uid) ? listOrMap(root.by_uid) : listOrMap(root.by_addr);
    // `by_host` maps a hostname to the Services of every namespace defining it; `by_vip` repeats a Service per VIP.
    rawServices = isObject(root.by_host) ? Object.values(root.by_host).flatMap(listOrMap) : listOrMap(root.by_vip);
    rawPolicies = listOrMap(root.by_key);
  } else {
    rawWorkloads = listOrMap(root.workloads);
    rawServices = listOrMap(root.services);
    rawPolicies = listOrMap(root.policies);
  }
  if (layout === 'maps-1.18') absent.services = 'ztunnel 1.18 dumps have no services, only the VIPs of workloads, so there is no service table.';
  if (layout === 'maps-1.18' || layout === 'stores-1.19') absent.connections = 'ztunnel before 1.22 does not list connections in its config dump (no workloadState).';
  else if (!isObject(root.workloadState)) absent.connections = 'This dump has no workloadState: the ztunnel proxies no pod in-pod, so it lists no connections.';

  const parsedWorkloads = unique(rawWorkloads.map(workloadOf), (w) => w.uid || `${w.namespace}/${w.name}/${w.ips.join(',')}`);
  const services = unique(rawServices.map(serviceOf), (s) => `${s.namespace}/${s.hostname}`);

  const workloads: DumpWorkload[] = parsedWorkloads
    .map(({ hasWaypoint, ...w }) => ({ ...w, address: w.ips.join(',') || w.hostname, waypointName: waypointCell(hasWaypoint, w.waypoint, services) }))
    .sort((a, b) => compare(`${a.namespace}.${a.name}`, `${b.namespace}.${b.name}`) || compare(a.node, b.node));
  const workloadRows = workloads.map((w) => ({ NAMESPACE: w.namespace, 'POD NAME': w.name, ADDRESS: w.address, NODE: w.node, WAYPOINT: w.waypointName, PROTOCOL: w.protocol }));

  const healthyUids = new Set(workloads.filter((w) => w.status === 'Healthy').map((w) => w.uid));
  const serviceRows = [...services]
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.hostname, b.hostname))
    .map((s) => ({
      NAMESPACE: s.namespace,
      'SERVICE NAME': s.name,
      'SERVICE VIP': s.vips.map(afterSlash).join(','),
      WAYPOINT: waypointCell(s.waypoint !== undefined, s.waypoint ?? '', services),
      ENDPOINTS: `${s.endpointUids.filter((uid) => healthyUids.has(uid)).length}/${s.endpointUids.length}`,
    }));

  const policyRows = rawPolicies
    .map((p) => ({ NAMESPACE: str(p.namespace), 'POLICY NAME': str(p.name), ACTION: str(p.action), SCOPE: str(p.scope) }))
    .sort((a, b) => compare(a.NAMESPACE, b.NAMESPACE) || compare(a['POLICY NAME'], b['POLICY NAME']));

  // Certificates keep the dump's order (ztunnel sorts them by identity); istioctl does not sort them.
  const certificates = listOrMap(root.certificates).map((c) => certificateOf(c, layout));
  const proxiedPods = Object.values(isObject(root.workloadState) ? root.workloadState : {})
    .filter(isObject)
    .map((s) => (isObject(s.info) ? `${str(s.info.namespace)}/${str(s.info.name)}` : ''))
    .filter((key) => key !== '' && key !== '/');
  const version = isObject(root.version) ? str(root.version.istioVersion) || str(root.version.istio_version) : '';
  return {
    ok: true,
    dump: {
      layout,
      istioVersion: version || undefined,
      tables: {
        workloads: workloadRows,
        services: serviceRows,
        policies: policyRows,
        certificates: certificateRows(certificates, now),
        connections: connectionRows(root.workloadState, services, workloads),
      },
      absent,
      workloads,
      certificates,
      proxiedPods,
      xdsAddress: isObject(root.config) ? str(root.config.xdsAddress) || undefined : undefined,
    },
  };
}

/** Go's text/tabwriter as istioctl sets it up: minwidth 0, padding 1 (5 for certificates), spaces. */
export function formatTable<T extends TableName>(table: T, rows: readonly TableRow<T>[]): string {
  const headers = TABLE_HEADERS[table] as readonly string[];
  const padding = table === 'certificates' ? 5 : 1;
  const lines = [headers, ...rows.map((r) => headers.map((h) => (r as Record<string, string>)[h] ?? ''))];
  const widths = headers.map((_, i) => Math.max(...lines.map((l) => [...l[i]].length)) + padding);
  return lines.map((l) => l.map((cell, i) => (i === l.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join('') + '\n').join('');
}

/** `istioctl ztunnel-config all` (with `--with-headers`: the `------ WORKLOAD INFO ------` titles). */
export function formatAllTables(tables: DumpTables, withHeaders = false): string {
  let out = '\n';
  TABLE_NAMES.forEach((name, i) => {
    if (i > 0) out += '\n';
    if (withHeaders) out += `------ ${TABLE_TITLES[name]} ------\n\n`;
    out += formatTable(name, tables[name] as readonly TableRow<typeof name>[]);
  });
  return out;
}
