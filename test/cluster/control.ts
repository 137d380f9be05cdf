// Control endpoint: plain HTTP on 127.0.0.1, no auth, for tests running in other processes.
//
//   POST /faults              body {"cluster":"cluster-1"|"all", ...FaultOptions}; merges into the current
//                             faults (send a field as 0/[] to clear it); answers {cluster: faults}.
//   GET  /faults?cluster=     the current faults ({cluster: faults} for every cluster when omitted).
//   GET  /logs?cluster=&pod=[&namespace=istio-system][&container=][&format=json]
//                             every line that pod's container has emitted (kept up to 20,000 per
//                             container; `X-Total-Emitted` says how many were ever written), one per line,
//                             or {pod, container, totalEmitted, lines} with format=json. Works for pods
//                             that have since been deleted (by name: the latest pod of that name).
//   GET  /requests?cluster=   counters: {total, byVerb, byStatus, watchesOpened, watchesDropped,
//                             logStreamsOpened, logStreamsDropped, execs, portForwards}.
//   POST /requests/reset?cluster=   zero the counters.
//   GET  /state?cluster=      {resourceVersion, oldestResumableVersion, counts: {resource: n}}.
//   POST /ztunnel-log?cluster=&node=   body {"level","target","message","fields"}: append one line to the
//                             node's ztunnel (for parser/classifier tests that need a specific line).
//   POST /ztunnel-rate?cluster=   body {"linesPerSecond": N}: background lines per second per ztunnel pod
//                             from now on (0 stops them; benchmarks raise it for a measured window).
//   POST /istio-version?cluster=  body {"version":"1.24"|"1.26"|"1.28"|"1.30"}: the cluster's ztunnels claim that
//                             release (config dump layout, BuildInfo, metrics, pod image tags).
//   POST /ztunnel-fault?cluster=&node=  body with any of:
//                             {"ready": false|true}   the node's ztunnel pod turns NotReady (Ready and
//                                                     ContainersReady False) / Ready again;
//                             {"xds": "down"|"up"}    it logs `XDS client connection error ...` every second
//                                                     until "up", which logs `Stream established`;
//                             {"forgetPod": "ns/pod"} ztunnel loses that pod: still annotated as captured,
//                                                     but every ztunnel lists it as TCP and its traffic is
//                                                     plain text, until the pod is replaced (stale capture).
//   POST /node-reboot?cluster=&node=   the node reboots under its pods (istio/istio #57285, #60882): its ztunnel
//                             comes back without the pods it had, which keep istio-cni's annotation (stale
//                             captures) until they are replaced; answers {node, stale: ["ns/pod", ...]}.
//   POST /cni-miss?cluster=&pod=ns/name   istio-cni's node agent misses that pod (as after an agent restart,
//                             istio/istio #61182): it stays uncaptured in an ambient namespace until replaced.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterSim, FaultOptions } from './cluster';
import { istioRelease } from './istioRelease';
import { resourceByKind, resourceTypes } from './resources';
import { formatZtunnelLine, ztunnelContainer } from './ztunnel';

export class ControlServer {
  readonly server: http.Server;
  url = '';

  constructor(private readonly sims: Map<string, ClusterSim>, private readonly setFaults: (cluster: string, faults: FaultOptions) => void) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body, null, 2));
    };
    const sim = (name: string | null) => (name ? this.sims.get(name) : undefined);
    try {
      const body = req.method === 'POST' ? await new Promise<string>((resolve) => {
        let text = '';
        req.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
      }) : '';
      const cluster = url.searchParams.get('cluster');
      switch (`${req.method} ${url.pathname}`) {
        case 'POST /faults': {
          const { cluster: target = 'all', ...faults } = body ? JSON.parse(body) : {};
          if (target !== 'all' && !this.sims.has(target)) return json(404, { error: `unknown cluster ${target}` });
          this.setFaults(target, faults);
          return json(200, Object.fromEntries([...this.sims].map(([n, s]) => [n, s.faults])));
        }
        case 'GET /faults':
          if (cluster) return sim(cluster) ? json(200, sim(cluster)!.faults) : json(404, { error: `unknown cluster ${cluster}` });
          return json(200, Object.fromEntries([...this.sims].map(([n, s]) => [n, s.faults])));
        case 'GET /logs': {
          const s = sim(cluster ?? 'cluster-1');
          const pod = url.searchParams.get('pod');
          if (!s || !pod) return json(400, { error: 'cluster and pod are required' });
          const namespace = url.searchParams.get('namespace') ?? 'istio-system';
          const containers = s.logs.findByName(namespace, pod);
          const containerName = url.searchParams.get('container') ?? (containers?.has(ztunnelContainer) ? ztunnelContainer : [...(containers?.keys() ?? [])][0]);
          const log = containerName ? containers?.get(containerName) : undefined;
          if (!log) return json(404, { error: `no logs for ${namespace}/${pod}` });
          const lines = log.lines.map((l) => l.text);
          if (url.searchParams.get('format') === 'json') return json(200, { pod, container: containerName, totalEmitted: log.totalEmitted, lines });
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Total-Emitted': String(log.totalEmitted) });
          return void res.end(lines.map((l) => `${l}\n`).join(''));
        }
        case 'GET /requests': {
          if (cluster) return sim(cluster) ? json(200, sim(cluster)!.counters) : json(404, { error: `unknown cluster ${cluster}` });
          return json(200, Object.fromEntries([...this.sims].map(([n, s]) => [n, s.counters])));
        }
        case 'POST /requests/reset': {
          for (const [n, s] of this.sims) {
            if (cluster && n !== cluster) continue;
            Object.assign(s.counters, { total: 0, byVerb: {}, byStatus: {}, watchesOpened: 0, watchesDropped: 0, logStreamsOpened: 0, logStreamsDropped: 0, execs: 0, portForwards: 0 });
          }
          return json(200, { ok: true });
        }
        case 'GET /state': {
          const s = sim(cluster ?? 'cluster-1');
          if (!s) return json(404, { error: `unknown cluster ${cluster}` });
          return json(200, { resourceVersion: s.store.resourceVersion, oldestResumableVersion: s.store.oldestResumableVersion, counts: Object.fromEntries(resourceTypes.map((r) => [r.plural, s.store.count(r)])) });
        }
        case 'POST /ztunnel-log': {
          const s = sim(cluster ?? 'cluster-1');
          const node = url.searchParams.get('node') ?? 'node-1';
          const z = s?.ztunnel.forNode(node);
          if (!s || !z) return json(404, { error: `no ztunnel on ${cluster}/${node}` });
          const line = JSON.parse(body || '{}');
          const text = formatZtunnelLine(line.level ?? 'info', line.target ?? 'access', line.message ?? '', line.fields ?? '');
          s.logs.container('istio-system', z.podName, z.podUid, ztunnelContainer).append(text);
          return json(200, { pod: z.podName, line: text });
        }
        case 'POST /ztunnel-rate': {
          const s = sim(cluster ?? 'cluster-1');
          const { linesPerSecond } = JSON.parse(body || '{}') as { linesPerSecond?: number };
          if (!s) return json(404, { error: `unknown cluster ${cluster}` });
          if (typeof linesPerSecond !== 'number' || !(linesPerSecond >= 0)) return json(400, { error: 'linesPerSecond must be a number >= 0' });
          s.ztunnel.logRate = linesPerSecond;
          return json(200, { cluster: s.name, linesPerSecond });
        }
        case 'POST /istio-version': {
          // The cluster's ztunnels move to another release (a data-plane upgrade without restarts): their
          // dump layout, BuildInfo and metrics follow; the ztunnel pods' image tags say the same.
          const s = sim(cluster ?? 'cluster-1');
          if (!s) return json(404, { error: `unknown cluster ${cluster}` });
          const { version } = JSON.parse(body || '{}') as { version?: string };
          try {
            s.setIstioRelease(istioRelease(version ?? ''));
          } catch (error) {
            return json(400, { error: (error as Error).message });
          }
          return json(200, { cluster: s.name, version: s.istio.version });
        }
        case 'POST /ztunnel-fault': {
          const s = sim(cluster ?? 'cluster-1');
          const node = url.searchParams.get('node') ?? 'node-1';
          if (!s || !s.nodeNames().includes(node)) return json(404, { error: `no node ${cluster}/${node}` });
          const fault = JSON.parse(body || '{}') as { ready?: boolean; xds?: 'up' | 'down'; forgetPod?: string };
          if (fault.ready !== undefined) s.setZtunnelReady(node, fault.ready);
          if (fault.xds !== undefined) s.ztunnel.setXdsDown(node, fault.xds === 'down');
          if (fault.forgetPod) {
            const [namespace, name] = fault.forgetPod.split('/');
            const pod = s.store.get(resourceByKind('Pod'), namespace, name);
            if (!pod) return json(404, { error: `no pod ${fault.forgetPod}` });
            s.ztunnel.forgotten.add(pod.metadata.uid);
          }
          return json(200, { node, pod: s.ztunnel.forNode(node)?.podName, xdsDown: s.ztunnel.isXdsDown(node), forgotten: s.ztunnel.forgotten.size });
        }
        case 'POST /node-reboot': {
          const s = sim(cluster ?? 'cluster-1');
          const node = url.searchParams.get('node') ?? 'node-1';
          if (!s || !s.nodeNames().includes(node)) return json(404, { error: `no node ${cluster}/${node}` });
          const stale = s.store.list(resourceByKind('Pod')).filter((p) => p.spec?.nodeName === node && s.ztunnel.isMeshed(p));
          for (const pod of stale) s.ztunnel.forgotten.add(pod.metadata.uid);
          return json(200, { node, stale: stale.map((p) => `${p.metadata.namespace}/${p.metadata.name}`) });
        }
        case 'POST /cni-miss': {
          const s = sim(cluster ?? 'cluster-1');
          const [namespace, name] = (url.searchParams.get('pod') ?? '').split('/');
          const pod = s?.store.get(resourceByKind('Pod'), namespace, name);
          if (!s || !pod) return json(404, { error: `no pod ${cluster}/${namespace}/${name}` });
          s.cni.missedByNodeAgent.add(pod.metadata.uid);
          return json(200, { pod: `${namespace}/${name}`, missed: true });
        }
        default:
          return json(404, { error: `no such control endpoint: ${req.method} ${url.pathname}` });
      }
    } catch (err) {
      json(500, { error: (err as Error).message });
    }
  }
}
