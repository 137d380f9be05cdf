// A realistic, deterministic mix of ztunnel output for the parser benchmark: mostly plain-format access
// logs (mTLS and plain text), with XDS, inpod, certificate, DNS and TLS-failure lines, some in JSON, the
// legacy format, behind `kubectl logs --prefix`, with tabs turned into spaces, ANSI colours, or no timestamp.
import { prng } from '../seededRandom';

const workloads = [
  { name: 'curl-7d9c8b5f4-x2k8q', ns: 'finance', sa: 'curl' },
  { name: 'accounts-5f6d7c8b9-abcde', ns: 'accounts', sa: 'accounts' },
  { name: 'productpage-v1-87d54dd59-fn6vw', ns: 'bookinfo', sa: 'bookinfo-productpage' },
  { name: 'reviews-v2-6f9b55c5db-c2dtw', ns: 'bookinfo', sa: 'bookinfo-reviews' },
  { name: 'ratings-v1-7c4bbf97db-zvkdw', ns: 'bookinfo', sa: 'bookinfo-ratings' },
  { name: 'legacy-batch-6b4b85489f-t6sl2', ns: 'legacy', sa: 'default' },
];

export function* ztunnelLogLines(count: number, seed = 42): Generator<string> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ip = () => `10.244.${Math.floor(random() * 4)}.${2 + Math.floor(random() * 250)}`;
  let micros = Date.UTC(2026, 10, 3, 9, 0, 0) * 1000;
  for (let i = 0; i < count; i++) {
    micros += 1 + Math.floor(random() * 4000);
    const time = new Date(Math.floor(micros / 1000)).toISOString().replace('Z', `${String(micros % 1000).padStart(3, '0')}Z`);
    const src = pick(workloads);
    const dst = pick(workloads);
    const roll = random();
    const bytes = `bytes_sent=${Math.floor(random() * 9000)} bytes_recv=${Math.floor(random() * 90000)} duration="${1 + Math.floor(random() * 900)}ms"`;
    let line: string;
    if (roll < 0.45) {
      const direction = random() < 0.5 ? 'inbound' : 'outbound';
      const dstIp = ip();
      line =
        `${time}\tinfo\taccess\tconnection complete\tsrc.addr=${ip()}:${30000 + Math.floor(random() * 30000)} src.workload="${src.name}" src.namespace="${src.ns}" src.identity="spiffe://cluster.local/ns/${src.ns}/sa/${src.sa}" ` +
        `dst.addr=${dstIp}:15008 dst.hbone_addr="${dstIp}:8080" dst.service="${dst.name.split('-')[0]}.${dst.ns}.svc.cluster.local" dst.workload="${dst.name}" dst.namespace="${dst.ns}" dst.identity="spiffe://cluster.local/ns/${dst.ns}/sa/${dst.sa}" direction="${direction}" ${bytes}`;
    } else if (roll < 0.6) {
      line = `${time}\tinfo\taccess\tconnection complete\tsrc.addr=${ip()}:${30000 + Math.floor(random() * 30000)} src.workload="${src.name}" src.namespace="${src.ns}" dst.addr=${ip()}:8080 dst.service="${dst.name.split('-')[0]}.${dst.ns}.svc.cluster.local" dst.workload="${dst.name}" dst.namespace="${dst.ns}" direction="outbound" ${bytes}`;
    } else if (roll < 0.68) {
      line = JSON.stringify({
        level: 'info',
        time,
        scope: 'access',
        message: 'connection complete',
        'src.addr': `${ip()}:41234`,
        'src.workload': src.name,
        'src.namespace': src.ns,
        'src.identity': `spiffe://cluster.local/ns/${src.ns}/sa/${src.sa}`,
        'dst.addr': `${ip()}:15008`,
        'dst.workload': dst.name,
        'dst.namespace': dst.ns,
        direction: 'inbound',
        bytes_sent: 16,
        bytes_recv: 912,
        duration: '3ms',
      });
    } else if (roll < 0.74) {
      // Tabs turned into runs of spaces by a terminal, unquoted values from another version.
      line = `${time}    info    access    connection complete    src.addr=${ip()}:40000 src.workload=${src.name} src.namespace=${src.ns} dst.addr=${ip()}:80 dst.workload=${dst.name} dst.namespace=${dst.ns} direction=outbound ${bytes}`;
    } else if (roll < 0.8) {
      line = `${time}\tinfo\txds::client:xds{id=${Math.floor(random() * 9)}}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=${Math.floor(random() * 40)} removes=0`;
    } else if (roll < 0.84) {
      line = `${time}\tinfo\tinpod::statemanager\tpod received, starting proxy\tuid=${Math.floor(random() * 1e9).toString(16)} name=${src.name} namespace=${src.ns}`;
    } else if (roll < 0.87) {
      line = `${time}\tdebug\tidentity::manager\tfetching certificate\tidentity=spiffe://cluster.local/ns/${src.ns}/sa/${src.sa}`;
    } else if (roll < 0.89) {
      line = `${time}\twarn\taccess\tconnection failed\tsrc.addr=${ip()}:51234 dst.addr=${ip()}:15008 direction="inbound" error="TLS handshake failed: invalid peer certificate: UnknownIssuer"`;
    } else if (roll < 0.92) {
      line = `[pod/ztunnel-${src.sa.slice(0, 5)}/istio-proxy] ${time}\tinfo\tdns\t\tsrc.addr=${ip()}:5353 hostname="${dst.name.split('-')[0]}" family=ipv4 duration="0ms"`;
    } else if (roll < 0.95) {
      line = `${time}  INFO outbound{id=${Math.floor(random() * 1e6).toString(16)}}: ztunnel::proxy::outbound: proxying to ${ip()}:8080 using HBONE via ${ip()}:15008 type Direct`;
    } else if (roll < 0.97) {
      line = `\x1b[2m${time}\x1b[0m \x1b[33mwarn\x1b[0m\txds::client:xds{id=1}\tXDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unavailable, retrying in 100ms`;
    } else if (roll < 0.99) {
      line = `${time}\terror\taccess\tconnection complete\tsrc.addr=${ip()}:33445 src.workload="${src.name}" src.namespace="${src.ns}" dst.addr=${ip()}:9080 direction="outbound" bytes_sent=0 bytes_recv=0 duration="10001ms" error="io error: deadline has elapsed"`;
    } else {
      line = pick(['inpod_enabled: true', 'inpod_mark: 1337', '  at ztunnel::proxy::run (src/proxy.rs:120)', 'readiness: Task \'proxy\' complete (1.2s), still awaiting 1 tasks']);
    }
    yield line;
  }
}
