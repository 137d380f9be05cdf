/* eslint-disable @typescript-eslint/no-explicit-any -- reads arbitrary pod/service JSON */
// The ztunnel DaemonSet's behaviour: log lines in ztunnel's plain format (ambient-facts.md), written
// into each ztunnel pod's `istio-proxy` container log, and the admin `/config_dump` a port-forward to
// :15000 returns. Lines mirror istio/ztunnel's tracing output (inpod::statemanager, xds::client, access).
import { randomInt } from 'node:crypto';
import type { ClusterSim } from './cluster';
import { isCaptured } from './istioCni';
import { networkAdmits } from './networkPolicies';
import type { KubeObject } from './store';
import { resourceByKind } from './resources';
import { isPodReady } from './controllers';
import { ztunnelBanner, ztunnelBuildInfo } from './istioRelease';
import type { ContainerLog } from './podLogs';

const Pod = resourceByKind('Pod');
const Service = resourceByKind('Service');
const ConfigMap = resourceByKind('ConfigMap');

export const ztunnelNamespace = 'istio-system';
export const ztunnelContainer = 'istio-proxy';

/** `2026-11-22T02:30:00.123456Z`: ztunnel prints microseconds. */
// ztunnel's timestamps only go forward within a pod's log; random microseconds alone could put a later line
// before an earlier one written in the same millisecond (the log view orders rows by the time they show).
let lastMicros = 0;

function ztunnelTime(at = new Date()): string {
  const micros = Math.max(at.getTime() * 1000 + randomInt(1000), lastMicros + 1);
  lastMicros = micros;
  const ms = Math.floor(micros / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`;
}

export function formatZtunnelLine(level: string, target: string, message: string, fields = '', at = new Date()): string {
  return `${ztunnelTime(at)}\t${level}\t${target}\t${message}${fields ? `\t${fields}` : ''}`;
}

function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)];
}

export interface Connection {
  src: KubeObject;
  dst: KubeObject;
  service?: KubeObject;
  port: number;
  bytesSent?: number;
  bytesRecv?: number;
  error?: string;
  /** How long ztunnel held it (a connect that timed out: its connect timeout). */
  durationMs?: number;
  /** The destination ztunnel refused it (authorization.ts): the `error` of its inbound line. */
  rejected?: string;
}

/** What the source ztunnel logs when the destination refuses the HBONE CONNECT (ztunnel Error::HttpStatus). */
const hboneUnauthorized = 'http status: 401 Unauthorized';

interface ZtunnelState {
  podUid: string;
  podName: string;
  node: string;
  xdsId: number;
  credit: number;
  startedAt: number;
}

/** istiod's address as ztunnel dials it. */
const xdsAddress = 'https://istiod.istio-system.svc:15012';

export class ZtunnelFleet {
  private readonly byNode = new Map<string, ZtunnelState>();
  private timer: NodeJS.Timeout | undefined;
  /** Nodes whose ztunnel cannot reach istiod (fault injection), with the retry timer. */
  private readonly xdsDown = new Map<string, NodeJS.Timeout>();
  /**
   * Pods (by uid) ztunnel has lost track of although istio-cni annotated them: a stale capture. ztunnel
   * lists them as plain TCP and their traffic is not tunnelled. A restart (new pod, new uid) repairs it.
   */
  readonly forgotten = new Set<string>();

  constructor(
    private readonly sim: ClusterSim,
    /** Background lines per second per ztunnel pod. */
    public logRate: number,
  ) {}

  startBackground(): void {
    // Short ticks: at thousands of lines a second a real ztunnel writes continuously, not in bursts.
    const tickMs = 50;
    this.timer = setInterval(() => {
      for (const z of this.byNode.values()) {
        z.credit += (this.logRate * tickMs) / 1000;
        while (z.credit >= 1) {
          z.credit -= 1;
          this.periodicLine(z);
        }
      }
    }, tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const t of this.xdsDown.values()) clearInterval(t);
    this.xdsDown.clear();
  }

  /** Whether ztunnel really proxies this pod: captured by istio-cni and not forgotten. */
  isMeshed(pod: KubeObject): boolean {
    return isCaptured(pod) && !this.forgotten.has(pod.metadata.uid);
  }

  /** Fault: the node's ztunnel loses (or regains) its XDS stream to istiod. */
  setXdsDown(node: string, down: boolean): void {
    const existing = this.xdsDown.get(node);
    if (down && !existing) {
      const retry = () => {
        const z = this.byNode.get(node);
        if (!z) return;
        const backoff = (0.5 + Math.random() * 2).toFixed(2);
        // ztunnel 1.28.3's wording (src/xds.rs DisplayStatus; the backoff printed as a Rust Duration).
        this.write(z, 'warn', `xds::client:xds{id=${z.xdsId}}`, `XDS client connection error: gRPC connection error connecting to ${xdsAddress}: status: Unavailable, message: "tcp connect error: Connection refused (os error 111)", retrying in ${backoff}s`);
      };
      retry();
      const t = setInterval(retry, 1000);
      t.unref();
      this.xdsDown.set(node, t);
    } else if (!down && existing) {
      clearInterval(existing);
      this.xdsDown.delete(node);
      const z = this.byNode.get(node);
      if (z) {
        z.xdsId++;
        this.write(z, 'info', `xds::client:xds{id=${z.xdsId}}`, 'Stream established');
        this.write(z, 'info', `xds::client:xds{id=${z.xdsId}}`, 'received response', `type_url="type.googleapis.com/istio.workload.Address" size=${this.sim.store.count(Pod)} removes=0`);
      }
    }
  }

  isXdsDown(node: string): boolean {
    return this.xdsDown.has(node);
  }

  trustDomain(): string {
    const mesh = this.sim.store.get(ConfigMap, ztunnelNamespace, 'istio')?.data?.mesh ?? '';
    return /trustDomain:\s*"?([^\s"]+)/.exec(mesh)?.[1] ?? 'cluster.local';
  }

  identity(pod: KubeObject): string {
    return `spiffe://${this.trustDomain()}/ns/${pod.metadata.namespace}/sa/${pod.spec?.serviceAccountName ?? 'default'}`;
  }

  isZtunnelPod(pod: KubeObject): boolean {
    return pod.metadata.namespace === ztunnelNamespace && pod.metadata.labels?.app === 'ztunnel';
  }

  private log(z: ZtunnelState): ContainerLog {
    return this.sim.logs.container(ztunnelNamespace, z.podName, z.podUid, ztunnelContainer);
  }

  private write(z: ZtunnelState | undefined, level: string, target: string, message: string, fields = ''): void {
    if (z) this.log(z).append(formatZtunnelLine(level, target, message, fields));
  }

  forNode(node: string): ZtunnelState | undefined {
    return this.byNode.get(node);
  }

  /** The kubelet started a ztunnel pod (status is being set to Running): boot lines, then its workloads. */
  started(pod: KubeObject): void {
    const z: ZtunnelState = { podUid: pod.metadata.uid, podName: pod.metadata.name, node: pod.spec.nodeName, xdsId: 1, credit: 0, startedAt: Date.now() };
    this.byNode.set(z.node, z);
    const w = (level: string, target: string, message: string, fields = '') => this.write(z, level, target, message, fields);
    w('info', 'ztunnel', ztunnelBanner(this.sim.istio));
    w('info', 'ztunnel', `running with config: proxy: true\\nzt: true\\ndnsProxy: true\\nclusterId: ${this.sim.name}\\nnetwork: ""\\nxdsAddress: https://istiod.istio-system.svc:15012\\ncaAddress: https://istiod.istio-system.svc:15012\\nproxyMode: Shared\\ninpodEnabled: true`);
    w('info', 'app', 'in-pod mode enabled');
    w('info', 'hyper_util', 'listener established', 'address=[::]:15021 component="readiness"');
    w('info', 'hyper_util', 'listener established', 'address=127.0.0.1:15000 component="admin"');
    w('info', 'hyper_util', 'listener established', 'address=[::]:15020 component="stats"');
    w('info', 'readiness', "Task 'proxy factory' complete (1.873245ms), still awaiting 2 tasks");
    w('info', 'xds::client:xds{id=1}', 'Stream established');
    w('info', 'xds::client:xds{id=1}', 'received response', `type_url="type.googleapis.com/istio.workload.Address" size=${this.sim.store.count(Pod)} removes=0`);
    w('info', 'xds::client:xds{id=1}', 'received response', 'type_url="type.googleapis.com/istio.security.Authorization" size=0 removes=0');
    w('info', 'readiness', "Task 'state manager' complete (14.412331ms), still awaiting 1 tasks");
    for (const captured of this.capturedOnNode(z.node)) {
      w('info', 'inpod::statemanager', 'pod received, starting proxy', `uid="${captured.metadata.uid}" name="${captured.metadata.name}" namespace="${captured.metadata.namespace}"`);
    }
    w('info', 'inpod::statemanager', 'received snapshot sent');
    w('info', 'readiness', "Task 'workload proxy manager' complete (18.523019ms), marking server ready");
  }

  stopped(pod: KubeObject): void {
    const z = this.byNode.get(pod.spec?.nodeName);
    if (z?.podUid === pod.metadata.uid) this.byNode.delete(z.node);
  }

  podCaptured(pod: KubeObject): void {
    this.write(this.byNode.get(pod.spec.nodeName), 'info', 'inpod::statemanager', 'pod received, starting proxy', `uid="${pod.metadata.uid}" name="${pod.metadata.name}" namespace="${pod.metadata.namespace}"`);
  }

  podReleased(pod: KubeObject): void {
    this.write(this.byNode.get(pod.spec.nodeName), 'info', 'inpod::statemanager', 'pod delete request, shutting down proxy', `uid="${pod.metadata.uid}"`);
  }

  private memo: { key: string; captured: Map<string, KubeObject[]>; peers: KubeObject[] } | undefined;

  /** Captured pods by node and traffic peers, recomputed only when the store changed (20,000-pod clusters). */
  private view(): { captured: Map<string, KubeObject[]>; peers: KubeObject[] } {
    const key = `${this.sim.store.resourceVersion}/${this.forgotten.size}`;
    if (this.memo?.key === key) return this.memo;
    const captured = new Map<string, KubeObject[]>();
    const peers: KubeObject[] = [];
    for (const pod of this.sim.store.list(Pod)) {
      if (this.isMeshed(pod)) {
        const list = captured.get(pod.spec?.nodeName) ?? [];
        list.push(pod);
        captured.set(pod.spec?.nodeName, list);
      }
      if (pod.status?.podIP && !pod.spec?.hostNetwork && isPodReady(pod) && peers.length < 500) peers.push(pod);
    }
    this.memo = { key, captured, peers };
    return this.memo;
  }

  private capturedOnNode(node: string): KubeObject[] {
    return this.view().captured.get(node) ?? [];
  }

  /**
   * Access-log lines for one TCP connection: mTLS over HBONE (identities, :15008) when both ends are
   * captured, plain text (no identities) when only one is, nothing when neither is in the mesh.
   */
  connection(c: Connection): void {
    const srcIn = this.isMeshed(c.src);
    const dstIn = this.isMeshed(c.dst);
    if (!srcIn && !dstIn) return;
    const srcPort = 30000 + randomInt(30000);
    const dstIp = c.dst.status?.podIP;
    const svc = c.service ? ` dst.service="${c.service.metadata.name}.${c.service.metadata.namespace}.svc.cluster.local"` : '';
    // A refused connection moved no bytes (the HBONE CONNECT was answered 401 before any data).
    const stats = (error: string | undefined) =>
      error && c.rejected ? `bytes_sent=0 bytes_recv=0 duration="0ms" error="${error}"` : `bytes_sent=${c.bytesSent ?? 80 + randomInt(200)} bytes_recv=${c.bytesRecv ?? 200 + randomInt(2000)} duration="${c.durationMs ?? 1 + randomInt(20)}ms"${error ? ` error="${error}"` : ''}`;
    const outboundError = c.rejected ? hboneUnauthorized : c.error;
    const inboundError = c.rejected ?? c.error;
    const level = (error: string | undefined) => (error ? 'error' : 'info');
    const src = `src.addr=${c.src.status?.podIP}:${srcPort} src.workload="${c.src.metadata.name}" src.namespace="${c.src.metadata.namespace}"`;
    const dst = `dst.workload="${c.dst.metadata.name}" dst.namespace="${c.dst.metadata.namespace}"`;
    if (srcIn && dstIn) {
      const mtlsSrc = `${src} src.identity="${this.identity(c.src)}"`;
      const mtlsDst = `dst.addr=${dstIp}:15008 dst.hbone_addr=${dstIp}:${c.port}${svc} ${dst} dst.identity="${this.identity(c.dst)}"`;
      this.write(this.byNode.get(c.src.spec.nodeName), level(outboundError), 'access', 'connection complete', `${mtlsSrc} ${mtlsDst} direction="outbound" ${stats(outboundError)}`);
      if (!c.error) this.write(this.byNode.get(c.dst.spec.nodeName), level(inboundError), 'access', 'connection complete', `${mtlsSrc} ${mtlsDst} direction="inbound" ${stats(inboundError)}`);
    } else if (srcIn) {
      this.write(this.byNode.get(c.src.spec.nodeName), level(c.error), 'access', 'connection complete', `${src} dst.addr=${dstIp}:${c.port}${svc} ${dst} direction="outbound" ${stats(c.error)}`);
    } else {
      this.write(this.byNode.get(c.dst.spec.nodeName), level(inboundError), 'access', 'connection complete', `${src} dst.addr=${dstIp}:${c.port}${svc} ${dst} direction="inbound" ${stats(inboundError)}`);
    }
  }

  /** One background line: mostly traffic between captured workloads and XDS updates, sometimes trouble. */
  private periodicLine(z: ZtunnelState): void {
    const roll = randomInt(100);
    const local = this.capturedOnNode(z.node);
    const xds = `xds::client:xds{id=${z.xdsId}}`;
    if (roll < 60 && local.length > 0) {
      const src = pick(local);
      const peers = this.view().peers.filter((p) => p.metadata.uid !== src.metadata.uid);
      if (peers.length > 0) {
        const dst = pick(peers);
        const service = this.sim.store.list(Service, dst.metadata.namespace).find((s) => s.spec?.selector && Object.entries(s.spec.selector).every(([k, v]) => dst.metadata.labels?.[k] === v));
        const port = service?.spec?.ports?.[0]?.targetPort ?? service?.spec?.ports?.[0]?.port ?? 8080;
        const srcIn = true;
        const dstIn = this.isMeshed(dst);
        // The CNI drops what a NetworkPolicy does not admit (HBONE's 15008 between captured pods): no traffic.
        const world = { policies: this.sim.store.list(resourceByKind('NetworkPolicy')), namespaces: this.sim.store.list(resourceByKind('Namespace')) };
        if (!networkAdmits(world, src, dst, dstIn ? 15008 : Number(port))) return;
        const dstIp = dst.status.podIP;
        const svc = service ? ` dst.service="${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local"` : '';
        const base = `src.addr=${src.status.podIP}:${30000 + randomInt(30000)} src.workload="${src.metadata.name}" src.namespace="${src.metadata.namespace}"`;
        const stats = `bytes_sent=${80 + randomInt(300)} bytes_recv=${200 + randomInt(3000)} duration="${1 + randomInt(40)}ms"`;
        const fields = srcIn && dstIn
          ? `${base} src.identity="${this.identity(src)}" dst.addr=${dstIp}:15008 dst.hbone_addr=${dstIp}:${port}${svc} dst.workload="${dst.metadata.name}" dst.namespace="${dst.metadata.namespace}" dst.identity="${this.identity(dst)}" direction="outbound" ${stats}`
          : `${base} dst.addr=${dstIp}:${port}${svc} dst.workload="${dst.metadata.name}" dst.namespace="${dst.metadata.namespace}" direction="outbound" ${stats}`;
        return this.write(z, 'info', 'access', 'connection complete', fields);
      }
    }
    // Without istiod there are no XDS responses; the retry timer writes the connection errors.
    if (roll >= 60 && this.xdsDown.has(z.node)) return;
    if (roll < 90) {
      const type = pick(['type.googleapis.com/istio.workload.Address', 'type.googleapis.com/istio.workload.Address', 'type.googleapis.com/istio.security.Authorization']);
      return this.write(z, 'info', xds, 'received response', `type_url="${type}" size=${1 + randomInt(3)} removes=${randomInt(2)}`);
    }
    if (roll < 97) {
      if (randomInt(2) === 0) {
        // istiod closed the stream (MaxConnectionAge): ztunnel 1.28.3 logs that at debug ("XDS client terminated"),
        // so at info only the new stream shows.
        z.xdsId++;
        return this.write(z, 'info', `xds::client:xds{id=${z.xdsId}}`, 'Stream established');
      }
      return this.write(z, 'warn', 'hickory_proto::xfer::dns_exchange', 'failed to associate send_message response to the sender');
    }
    const src = local.length > 0 ? pick(local) : undefined;
    const fields = src
      ? `src.addr=${src.status.podIP}:${30000 + randomInt(30000)} src.workload="${src.metadata.name}" src.namespace="${src.metadata.namespace}" src.identity="${this.identity(src)}" dst.addr=10.${this.sim.index}.250.${1 + randomInt(200)}:15008 dst.hbone_addr=10.${this.sim.index}.250.7:8443 direction="outbound" bytes_sent=0 bytes_recv=0 duration="2ms" error="TLS handshake failed: invalid peer certificate: UnknownIssuer"`
      : `src.addr=10.${this.sim.index}.250.9:${30000 + randomInt(30000)} dst.addr=10.${this.sim.index}.250.7:15008 direction="inbound" bytes_sent=0 bytes_recv=0 duration="1ms" error="TLS handshake failed: CERTIFICATE_VERIFY_FAILED"`;
    this.write(z, 'error', 'access', 'connection complete', fields);
  }

  /**
   * ztunnel's admin `/config_dump` (src/admin.rs ConfigDump), as seen by the ztunnel on `node`, in the layout of
   * the release the cluster claims (istioRelease.ts): lists since 1.23; the roots apart in `rootCerts` since 1.26.
   */
  configDump(node: string): unknown {
    const store = this.sim.store;
    const release = this.sim.istio;
    const clusterId = this.sim.name;
    const pods = store.list(Pod).filter((p) => p.status?.podIP && !p.spec?.hostNetwork);
    const services = store.list(Service);
    const serviceKeysFor = (pod: KubeObject) =>
      services.filter((s) => s.metadata.namespace === pod.metadata.namespace && s.spec?.selector && Object.entries(s.spec.selector).every(([k, v]) => pod.metadata.labels?.[k] === v)).map((s) => `${s.metadata.namespace}/${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`);
    const workloads = pods.map((p) => {
      const owner = p.metadata.ownerReferences?.[0];
      const workloadName = owner?.kind === 'ReplicaSet' ? owner.name.replace(/-[^-]+$/, '') : (owner?.name ?? p.metadata.name);
      return {
        uid: `${clusterId}//Pod/${p.metadata.namespace}/${p.metadata.name}`,
        workloadIps: [p.status.podIP],
        protocol: this.isMeshed(p) ? 'HBONE' : 'TCP',
        name: p.metadata.name,
        namespace: p.metadata.namespace,
        serviceAccount: p.spec?.serviceAccountName ?? 'default',
        workloadName,
        workloadType: owner?.kind === 'ReplicaSet' ? 'deployment' : (owner?.kind?.toLowerCase() ?? 'pod'),
        canonicalName: p.metadata.labels?.['service.istio.io/canonical-name'] ?? p.metadata.labels?.app ?? workloadName,
        canonicalRevision: p.metadata.labels?.['service.istio.io/canonical-revision'] ?? 'latest',
        clusterId,
        trustDomain: this.trustDomain(),
        locality: {},
        node: p.spec?.nodeName,
        status: isPodReady(p) ? 'Healthy' : 'Unhealthy',
        services: serviceKeysFor(p),
        ...(release.connectionProtocol ? { capacity: 1 } : {}),
      };
    });
    const serviceDump = services.filter((s) => s.spec?.clusterIP && s.spec.clusterIP !== 'None').map((s) => {
      const endpoints: Record<string, unknown> = {};
      for (const p of pods) {
        if (p.metadata.namespace === s.metadata.namespace && s.spec?.selector && Object.entries(s.spec.selector).every(([k, v]) => p.metadata.labels?.[k] === v)) {
          endpoints[`${clusterId}//Pod/${p.metadata.namespace}/${p.metadata.name}`] = { workloadUid: `${clusterId}//Pod/${p.metadata.namespace}/${p.metadata.name}`, service: '', port: Object.fromEntries((s.spec.ports ?? []).map((port: any) => [String(port.port), Number(port.targetPort ?? port.port)])), status: isPodReady(p) ? 'Healthy' : 'Unhealthy' };
        }
      }
      return {
        name: s.metadata.name,
        namespace: s.metadata.namespace,
        hostname: `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`,
        vips: [`${clusterId}/${s.spec.clusterIP}`],
        ports: Object.fromEntries((s.spec.ports ?? []).map((port: any) => [String(port.port), Number(port.targetPort ?? port.port)])),
        endpoints,
        subjectAltNames: [],
        ipFamilies: 'IPv4',
        ...(release.canonicalServices ? { canonical: true } : {}),
      };
    });
    // Certificates: one per identity of the captured workloads on this node (ztunnel fetches them on demand).
    const identities = new Map<string, KubeObject>();
    for (const p of this.capturedOnNode(node)) identities.set(this.identity(p), p);
    const certificates = [...identities.keys()].sort().map((identity) => {
      const pod = identities.get(identity)!;
      const issued = Date.parse(pod.status?.startTime ?? pod.metadata.creationTimestamp);
      const cert = (validFrom: number, hours: number, serial: string) => ({
        pem: Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(`${identity}|${serial}`).toString('base64')}\n-----END CERTIFICATE-----\n`).toString('base64'),
        serialNumber: serial,
        validFrom: new Date(validFrom).toISOString().replace(/\.\d+Z$/, 'Z'),
        expirationTime: new Date(validFrom + hours * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      const serial = BigInt.asUintN(64, BigInt(identity.split('').reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7)) * 1_000_003n + BigInt(issued)).toString();
      const root = cert(Date.parse(store.get(ConfigMap, ztunnelNamespace, 'istio')?.metadata.creationTimestamp ?? new Date().toISOString()) - 86400_000, 24 * 3650, '302421148295093627498839744815409429585');
      const leaf = cert(issued, 24, serial);
      // 1.26+: certChain = leaf (and intermediates), the roots apart; before, the root closes certChain.
      return release.rootCertsApart ? { identity, state: 'Available', certChain: [leaf], rootCerts: [root] } : { identity, state: 'Available', certChain: [leaf, root] };
    });
    // The pods this ztunnel proxies in-pod (inpod/admin.rs ProxyState); no connection is open between requests.
    const workloadState = Object.fromEntries(
      this.capturedOnNode(node).map((p) => [p.metadata.uid, { state: 'Up', connections: { inbound: [], outbound: [] }, info: { name: p.metadata.name, namespace: p.metadata.namespace, serviceAccount: p.spec?.serviceAccountName ?? 'default' } }]),
    );
    return { workloads, services: serviceDump, policies: [], stagedServices: {}, staticConfig: { workloads: [], services: [], policies: [] }, version: ztunnelBuildInfo(release), config: { clusterId, network: '', proxyMode: 'Shared', inpodEnabled: true, xdsAddress: 'https://istiod.istio-system.svc:15012' }, certificates, workloadState };
  }
}
