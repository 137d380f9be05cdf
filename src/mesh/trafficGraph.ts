// The traffic map's model: who talks to whom, drawn from ztunnel's own data. Pure (no vscode, no DOM).
//
// Two sources feed it:
//   - access-log entries (`connection complete`, `connection failed`): one per connection and ztunnel, with
//     both ends, the port, the bytes and what was refused. An mTLS connection is logged twice, by the source
//     ztunnel (outbound) and the destination ztunnel (inbound): the two lines share `src.addr` and the
//     destination (`dst.hbone_addr`, else `dst.addr`) and are merged into one connection here.
//   - ztunnel's metrics (`istio_tcp_connections_opened_total`, `istio_tcp_sent_bytes_total`,
//     `istio_tcp_received_bytes_total`, by `reporter`, source/destination workload and namespace and
//     `connection_security_policy`; istio/ztunnel src/proxy/metrics.rs): cumulative counters per ztunnel pod.
//
// The merge rule, so nothing is counted twice:
//   - Metrics are authoritative for an edge's connections, bytes and mTLS/plain split over the time they
//     cover (from the first scrape of that cluster to the last), when the (source, destination) pair has a
//     metric series there and the logs saw at most one port for it (metrics carry no port). Of the two
//     reporters, `destination` is used when the pair has a destination-reported series, else `source`
//     (both ztunnels count an mTLS connection).
//   - Log connections count outside that span (the log tail read before the first scrape), and for pairs
//     the metrics do not name or split by port.
//   - Denied and failed connections always come from the logs (the per-connection facts); metrics do not
//     say why a connection ended.
// An edge is mTLS ("locked") only when every connection counted on it was mutual TLS.
import { fieldText } from '../logs/entry';
import type { FieldValue, ZtunnelLogEntry } from '../logs/entry';
import { entryFields } from '../logs/fields';
import { POLICY_REJECTION_PREFIX } from '../logs/policyRejection';
import type { PromSample } from './prometheusText';

export type MapWindow = '1m' | '5m' | '15m' | 'open';
export const mapWindows: readonly MapWindow[] = ['1m', '5m', '15m', 'open'];
export const windowMs: Record<Exclude<MapWindow, 'open'>, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000 };

export type NodeKind = 'workload' | 'service' | 'unknown';
export type EdgeStatus = 'mtls' | 'plain' | 'denied' | 'failed';
export type EdgeSource = 'logs' | 'metrics';

export interface MapNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Workload name, service hostname, or the peer's IP. */
  readonly name: string;
  readonly namespace?: string;
  /** The kube context that reported it (absent for a file). */
  readonly cluster?: string;
  /** SPIFFE identities seen for it. */
  readonly identities: readonly string[];
}

export interface MapEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Destination port as the logs name it; undefined when only metrics saw the pair. */
  readonly port?: number;
  readonly connections: number;
  readonly mtls: number;
  readonly plain: number;
  readonly denied: number;
  readonly failed: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Connections per minute over the window. */
  readonly perMinute: number;
  readonly status: EdgeStatus;
  /** Every connection counted was mutual TLS. */
  readonly allMtls: boolean;
  /** Which source gave the counts (`metrics`), and which gave per-connection facts (`logs`). */
  readonly sources: readonly EdgeSource[];
  readonly sourceIdentities: readonly string[];
  readonly destinationIdentities: readonly string[];
  /** For the log view: the pod-level names the logs used. */
  readonly sourceWorkload: string;
  readonly sourceNamespace?: string;
  readonly destinationWorkload: string;
  readonly destinationNamespace?: string;
}

export interface TrafficGraph {
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  readonly from: number;
  readonly to: number;
  /** Connections seen in the logs and metric scrapes taken, for the status line. */
  readonly logConnections: number;
  readonly scrapes: number;
}

/** What the aggregator reads of a log row (`shared/logProtocol.LogRow` fits). */
export interface AccessRow extends ZtunnelLogEntry {
  readonly timeKey: number;
  readonly cluster?: string;
}

interface Peer {
  readonly node: string;
  readonly workload: string;
  readonly namespace?: string;
  readonly identity?: string;
}

interface Connection {
  time: number;
  readonly cluster: string;
  readonly src: Peer;
  readonly dst: Peer;
  readonly port?: number;
  bytesSent: number;
  bytesReceived: number;
  mtls: boolean;
  denied: boolean;
  failed: boolean;
}

const kubeGenerated = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/;
const statefulOrdinal = /^(.+)-\d+$/;
const daemonSuffix = /^(.+)-[a-z0-9]{5}$/;

/**
 * The workload a pod name belongs to, the way Kubernetes controllers name pods: Deployment
 * `<name>-<pod-template-hash>-<suffix>`, StatefulSet `<name>-<ordinal>`, DaemonSet/Job `<name>-<suffix>`. The
 * access log names pods (`src.workload` is the pod name), the metrics name workloads.
 */
export function workloadOfPod(pod: string): string {
  return kubeGenerated.exec(pod)?.[1] ?? statefulOrdinal.exec(pod)?.[1] ?? daemonSuffix.exec(pod)?.[1] ?? pod;
}

export interface TrafficGraphOptions {
  /** Resolves a pod to its workload (the tree knows owners); default `workloadOfPod`. */
  readonly workloadOf?: (cluster: string, namespace: string, pod: string) => string | undefined;
  /** Log lines of one connection (outbound and inbound) are merged when they are this close (ms). */
  readonly mergeWindowMs?: number;
  /** At most this many connections kept (oldest dropped). */
  readonly maxConnections?: number;
  /** The map's open time: the `open` window starts here. */
  readonly openedAt?: number;
}

interface Point {
  readonly time: number;
  readonly value: number;
}

interface Series {
  readonly cluster: string;
  readonly pair: string;
  readonly reporter: string;
  readonly metric: 'opened' | 'sent' | 'received';
  readonly mtls: boolean;
  readonly points: Point[];
}

const metricNames: Record<string, Series['metric']> = {
  istio_tcp_connections_opened_total: 'opened',
  istio_tcp_sent_bytes_total: 'sent',
  istio_tcp_received_bytes_total: 'received',
};

function str(fields: Record<string, FieldValue>, key: string): string | undefined {
  const value = fieldText(fields[key]);
  return value === '' ? undefined : value;
}

function num(fields: Record<string, FieldValue>, key: string): number {
  const value = Number(fields[key]);
  return Number.isFinite(value) ? value : 0;
}

function hostOf(addr: string | undefined): string | undefined {
  if (!addr) return undefined;
  const at = addr.lastIndexOf(':');
  return at > 0 ? addr.slice(0, at).replace(/^\[|\]$/g, '') : addr;
}

function portOf(addr: string | undefined): number | undefined {
  if (!addr) return undefined;
  const port = Number(addr.slice(addr.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

const unknownLabel = 'unknown';

export class TrafficGraphBuilder {
  private readonly connections: Connection[] = [];
  /** Recent connections by their merge key (`src.addr|destination`). */
  private readonly recent = new Map<string, Connection>();
  private readonly series = new Map<string, Series>();
  /** Per cluster: the first and last scrape times (the span the metrics cover). */
  private readonly coverage = new Map<string, { first: number; last: number }>();
  private readonly nodes = new Map<string, MapNode>();
  /** Ports the logs saw per (cluster, pair). */
  private readonly pairPorts = new Map<string, Set<number | undefined>>();
  private scrapes = 0;
  readonly openedAt: number;

  constructor(private readonly options: TrafficGraphOptions = {}) {
    this.openedAt = options.openedAt ?? Date.now();
  }

  private workload(cluster: string, namespace: string | undefined, pod: string): string {
    return (namespace !== undefined ? this.options.workloadOf?.(cluster, namespace, pod) : undefined) ?? workloadOfPod(pod);
  }

  private node(kind: NodeKind, cluster: string, name: string, namespace?: string, identity?: string): string {
    const id = `${kind}|${cluster}|${namespace ?? ''}|${name}`;
    const existing = this.nodes.get(id);
    if (!existing) {
      this.nodes.set(id, { id, kind, name, namespace, cluster: cluster === '' ? undefined : cluster, identities: identity ? [identity] : [] });
    } else if (identity && !existing.identities.includes(identity)) {
      this.nodes.set(id, { ...existing, identities: [...existing.identities, identity] });
    }
    return id;
  }

  private peer(cluster: string, fields: Record<string, FieldValue>, side: 'src' | 'dst'): Peer {
    const pod = str(fields, `${side}.workload`);
    const namespace = str(fields, `${side}.namespace`);
    const identity = str(fields, `${side}.identity`);
    if (pod) {
      const workload = this.workload(cluster, namespace, pod);
      return { node: this.node('workload', cluster, workload, namespace, identity), workload: pod, namespace, identity };
    }
    const service = side === 'dst' ? str(fields, 'dst.service') : undefined;
    if (service) {
      const ns = service.split('.')[1];
      return { node: this.node('service', cluster, service, ns, identity), workload: service, namespace: ns, identity };
    }
    const ip = hostOf(side === 'dst' ? (str(fields, 'dst.hbone_addr') ?? str(fields, 'dst.addr')) : str(fields, 'src.addr')) ?? unknownLabel;
    return { node: this.node('unknown', cluster, ip, undefined, identity), workload: ip, identity };
  }

  /** One log row; anything but an access-log connection is ignored. Returns whether it counted. */
  addLogRow(row: AccessRow): boolean {
    if (row.message !== 'connection complete' && row.message !== 'connection failed') return false;
    if (row.format === 'raw') return false;
    const fields = entryFields(row);
    const cluster = row.cluster ?? '';
    const error = str(fields, 'error') ?? '';
    const denied = row.class === 'denied' || error.includes(POLICY_REJECTION_PREFIX);
    const failed = !denied && (error !== '' || row.class === 'tls-error');
    const srcAddr = str(fields, 'src.addr');
    const target = str(fields, 'dst.hbone_addr') ?? str(fields, 'dst.addr');
    const key = `${srcAddr ?? ''}|${target ?? ''}`;
    const mergeWindow = this.options.mergeWindowMs ?? 30_000;
    const earlier = srcAddr && target ? this.recent.get(key) : undefined;
    if (earlier && Math.abs(earlier.time - row.timeKey) <= mergeWindow) {
      // The other ztunnel's line for the same connection: merge its facts, count it once.
      earlier.denied ||= denied;
      earlier.failed = !earlier.denied && (earlier.failed || failed);
      earlier.mtls ||= row.class === 'mtls';
      earlier.bytesSent = Math.max(earlier.bytesSent, num(fields, 'bytes_sent'));
      earlier.bytesReceived = Math.max(earlier.bytesReceived, num(fields, 'bytes_recv'));
      return true;
    }
    const src = this.peer(cluster, fields, 'src');
    const dst = this.peer(cluster, fields, 'dst');
    const connection: Connection = {
      time: row.timeKey,
      cluster,
      src,
      dst,
      port: portOf(target),
      bytesSent: num(fields, 'bytes_sent'),
      bytesReceived: num(fields, 'bytes_recv'),
      // A denied or failed connection over HBONE still names both identities: that was mTLS.
      mtls: row.class === 'mtls' || ((denied || failed) && (str(fields, 'src.identity') !== undefined || str(fields, 'dst.hbone_addr') !== undefined)),
      denied,
      failed,
    };
    this.connections.push(connection);
    const pair = `${cluster}|${src.node}>${dst.node}`;
    const ports = this.pairPorts.get(pair) ?? new Set();
    ports.add(connection.port);
    this.pairPorts.set(pair, ports);
    if (srcAddr && target) this.recent.set(key, connection);
    this.prune(row.timeKey);
    return true;
  }

  private prune(now: number): void {
    const max = this.options.maxConnections ?? 200_000;
    if (this.connections.length > max) this.connections.splice(0, this.connections.length - max);
    if (this.recent.size > 10_000) {
      const horizon = now - (this.options.mergeWindowMs ?? 30_000);
      for (const [key, c] of this.recent) if (c.time < horizon) this.recent.delete(key);
    }
  }

  /** One scrape of one ztunnel's `/stats/prometheus`. */
  addMetrics(cluster: string, ztunnelPod: string, time: number, samples: readonly PromSample[]): void {
    this.scrapes++;
    const span = this.coverage.get(cluster);
    this.coverage.set(cluster, span ? { first: Math.min(span.first, time), last: Math.max(span.last, time) } : { first: time, last: time });
    for (const sample of samples) {
      const metric = metricNames[sample.name];
      if (!metric) continue;
      const l = sample.labels;
      const srcNs = l.source_workload_namespace;
      const srcName = l.source_workload;
      const dstNs = l.destination_workload_namespace;
      const dstName = l.destination_workload;
      const known = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== unknownLabel;
      // A pair the logs can be matched with: both workloads named (or the destination service).
      if (!known(srcName) || !known(srcNs)) continue;
      const srcId = this.node('workload', cluster, srcName, srcNs, known(l.source_principal) ? `spiffe://${l.source_principal.replace(/^spiffe:\/\//, '')}` : undefined);
      let dstId: string;
      if (known(dstName) && known(dstNs)) dstId = this.node('workload', cluster, dstName, dstNs, known(l.destination_principal) ? `spiffe://${l.destination_principal.replace(/^spiffe:\/\//, '')}` : undefined);
      else if (known(l.destination_service)) dstId = this.node('service', cluster, l.destination_service, l.destination_service_namespace);
      else continue;
      const reporter = l.reporter ?? 'source';
      const mtls = l.connection_security_policy === 'mutual_tls';
      const key = `${cluster}|${ztunnelPod}|${metric}|${reporter}|${mtls}|${srcId}>${dstId}|${l.response_flags ?? ''}`;
      let series = this.series.get(key);
      if (!series) {
        series = { cluster, pair: `${cluster}|${srcId}>${dstId}`, reporter, metric, mtls, points: [] };
        this.series.set(key, series);
      }
      series.points.push({ time, value: sample.value });
      // Enough history for the longest window, and the first point for "since open".
      const horizon = time - windowMs['15m'] - 60_000;
      while (series.points.length > 2 && series.points[1]!.time < horizon && series.points[0]!.time < this.openedAt) series.points.shift();
    }
  }

  /** The increase of a counter over [from, to]: resets (a restarted ztunnel) count from zero. */
  private static increase(points: readonly Point[], from: number, to: number): number {
    let base: number | undefined;
    let total = 0;
    for (const p of points) {
      if (p.time > to) break;
      if (p.time <= from) {
        base = p.value;
        continue;
      }
      if (base === undefined) {
        base = p.value; // the first reading in the window: what came before it is not known to be inside
        continue;
      }
      total += p.value >= base ? p.value - base : p.value;
      base = p.value;
    }
    return total;
  }

  build(window: MapWindow, now = Date.now()): TrafficGraph {
    const from = window === 'open' ? this.openedAt : now - windowMs[window];
    interface Acc {
      source: string;
      target: string;
      port?: number;
      connections: number;
      mtls: number;
      plain: number;
      denied: number;
      failed: number;
      sent: number;
      received: number;
      sources: Set<EdgeSource>;
      srcIds: Set<string>;
      dstIds: Set<string>;
      srcWorkload: string;
      srcNamespace?: string;
      dstWorkload: string;
      dstNamespace?: string;
      pair: string;
    }
    const edges = new Map<string, Acc>();
    // Metrics first: which pairs they are authoritative for.
    const byPair = new Map<string, Series[]>();
    for (const s of this.series.values()) {
      const list = byPair.get(s.pair) ?? [];
      list.push(s);
      byPair.set(s.pair, list);
    }
    const authoritative = new Map<string, { connections: number; mtls: number; plain: number; sent: number; received: number }>();
    for (const [pair, list] of byPair) {
      const ports = this.pairPorts.get(pair);
      if (ports && ports.size > 1) continue; // metrics carry no port: the logs stay authoritative per port
      const reporter = list.some((s) => s.reporter === 'destination') ? 'destination' : 'source';
      const totals = { connections: 0, mtls: 0, plain: 0, sent: 0, received: 0 };
      for (const s of list) {
        if (s.reporter !== reporter) continue;
        const inc = TrafficGraphBuilder.increase(s.points, from, now);
        if (s.metric === 'opened') {
          totals.connections += inc;
          if (s.mtls) totals.mtls += inc;
          else totals.plain += inc;
        } else if (s.metric === 'sent') totals.sent += inc;
        else totals.received += inc;
      }
      authoritative.set(pair, totals);
    }
    const accFor = (pair: string, source: string, target: string, port: number | undefined): Acc => {
      const id = `${source}>${target}:${port ?? ''}`;
      let acc = edges.get(id);
      if (!acc) {
        acc = { source, target, port, connections: 0, mtls: 0, plain: 0, denied: 0, failed: 0, sent: 0, received: 0, sources: new Set(), srcIds: new Set(), dstIds: new Set(), srcWorkload: '', dstWorkload: '', pair };
        edges.set(id, acc);
      }
      return acc;
    };
    let logConnections = 0;
    for (const c of this.connections) {
      if (c.time < from || c.time > now) continue;
      logConnections++;
      const pair = `${c.cluster}|${c.src.node}>${c.dst.node}`;
      const acc = accFor(pair, c.src.node, c.dst.node, c.port);
      acc.sources.add('logs');
      acc.srcWorkload = this.nodes.get(c.src.node)?.kind === 'workload' ? (this.nodes.get(c.src.node)!.name) : c.src.workload;
      acc.srcNamespace = c.src.namespace;
      acc.dstWorkload = this.nodes.get(c.dst.node)?.kind === 'workload' ? (this.nodes.get(c.dst.node)!.name) : c.dst.workload;
      acc.dstNamespace = c.dst.namespace;
      if (c.src.identity) acc.srcIds.add(c.src.identity);
      if (c.dst.identity) acc.dstIds.add(c.dst.identity);
      if (c.denied) acc.denied++;
      else if (c.failed) acc.failed++;
      const span = this.coverage.get(c.cluster);
      const covered = authoritative.has(pair) && span !== undefined && c.time >= span.first && c.time <= span.last;
      if (covered) continue; // the metrics count this one
      acc.connections++;
      if (c.mtls) acc.mtls++;
      else acc.plain++;
      acc.sent += c.bytesSent;
      acc.received += c.bytesReceived;
    }
    for (const [pair, totals] of authoritative) {
      const [source, target] = pair.slice(pair.indexOf('|') + 1).split('>') as [string, string];
      const port = [...(this.pairPorts.get(pair) ?? [])][0];
      if (totals.connections === 0 && totals.sent === 0 && totals.received === 0 && !edges.has(`${source}>${target}:${port ?? ''}`)) continue;
      const acc = accFor(pair, source, target, port);
      acc.sources.add('metrics');
      acc.connections += totals.connections;
      acc.mtls += totals.mtls;
      acc.plain += totals.plain;
      acc.sent += totals.sent;
      acc.received += totals.received;
      const src = this.nodes.get(source);
      const dst = this.nodes.get(target);
      if (acc.srcWorkload === '') {
        acc.srcWorkload = src?.name ?? '';
        acc.srcNamespace = src?.namespace;
      }
      if (acc.dstWorkload === '') {
        acc.dstWorkload = dst?.name ?? '';
        acc.dstNamespace = dst?.namespace;
      }
      for (const id of src?.identities ?? []) acc.srcIds.add(id);
      for (const id of dst?.identities ?? []) acc.dstIds.add(id);
    }
    const minutes = Math.max((now - from) / 60_000, 1 / 60);
    const out: MapEdge[] = [];
    const used = new Set<string>();
    for (const [id, a] of edges) {
      if (a.connections === 0 && a.denied === 0 && a.failed === 0) continue;
      used.add(a.source);
      used.add(a.target);
      const status: EdgeStatus = a.denied > 0 ? 'denied' : a.failed > 0 ? 'failed' : a.plain > 0 ? 'plain' : 'mtls';
      out.push({
        id,
        source: a.source,
        target: a.target,
        port: a.port,
        connections: a.connections,
        mtls: a.mtls,
        plain: a.plain,
        denied: a.denied,
        failed: a.failed,
        bytesSent: a.sent,
        bytesReceived: a.received,
        perMinute: a.connections / minutes,
        status,
        allMtls: a.plain === 0 && a.mtls > 0,
        sources: [...a.sources].sort() as EdgeSource[],
        sourceIdentities: [...a.srcIds].sort(),
        destinationIdentities: [...a.dstIds].sort(),
        sourceWorkload: a.srcWorkload,
        sourceNamespace: a.srcNamespace,
        destinationWorkload: a.dstWorkload,
        destinationNamespace: a.dstNamespace,
      });
    }
    out.sort((x, y) => x.id.localeCompare(y.id));
    const nodes = [...this.nodes.values()].filter((n) => used.has(n.id)).sort((x, y) => x.id.localeCompare(y.id));
    return { nodes, edges: out, from, to: now, logConnections, scrapes: this.scrapes };
  }
}
