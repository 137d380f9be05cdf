import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { parsePrometheusText } from '../../../src/mesh/prometheusText';
import { TrafficGraphBuilder, workloadOfPod } from '../../../src/mesh/trafficGraph';
import type { AccessRow, MapEdge, TrafficGraph } from '../../../src/mesh/trafficGraph';
import { mtlsOutbound, plaintextInbound, policyDenied, t } from '../logs/ztunnelLines';

const t0 = Date.parse('2026-11-03T10:00:00Z');
const cluster = 'kind-east';

/** A fixture line at `at`, with another source port (another connection) when `port` is given. */
function row(line: string, at: number, port?: number): AccessRow {
  let text = line.replace(t, new Date(at).toISOString().replace('Z', '000Z'));
  if (port !== undefined) text = text.replace(/src\.addr=([\d.]+):\d+/, `src.addr=$1:${port}`);
  return { ...parseZtunnelLine(text), timeKey: at, cluster };
}

/** The inbound line the destination ztunnel writes for the same connection (Istio 1.23–1.28). */
const inbound = (line: string) => line.replace('direction="outbound"', 'direction="inbound"');

/** ztunnel's metric lines (istio/ztunnel src/proxy/metrics.rs CommonTrafficLabels, 1.22–1.28; labels abridged to the ones read). */
function metrics(opened: number, sent: number, recv: number, reporter: 'source' | 'destination', policy = 'mutual_tls'): string {
  const labels = `reporter="${reporter}",source_workload="curl",source_canonical_service="curl",source_canonical_revision="latest",source_workload_namespace="finance",source_principal="spiffe://cluster.local/ns/finance/sa/curl",source_app="curl",source_version="latest",source_cluster="Kubernetes",destination_service="accounts.accounts.svc.cluster.local",destination_service_namespace="accounts",destination_service_name="accounts",destination_workload="accounts",destination_canonical_service="accounts",destination_canonical_revision="latest",destination_workload_namespace="accounts",destination_principal="spiffe://cluster.local/ns/accounts/sa/accounts",destination_app="accounts",destination_version="latest",destination_cluster="Kubernetes",request_protocol="tcp",response_flags="-",connection_security_policy="${policy}"`;
  return [
    '# HELP istio_tcp_connections_opened The total number of TCP connections opened.',
    '# TYPE istio_tcp_connections_opened counter',
    `istio_tcp_connections_opened_total{${labels}} ${opened}`,
    '# TYPE istio_tcp_sent_bytes counter',
    `istio_tcp_sent_bytes_total{${labels}} ${sent}`,
    '# TYPE istio_tcp_received_bytes counter',
    `istio_tcp_received_bytes_total{${labels}} ${recv}`,
  ].join('\n');
}

function onlyEdge(graph: TrafficGraph): MapEdge {
  assert.equal(graph.edges.length, 1, JSON.stringify(graph.edges.map((e) => e.id)));
  return graph.edges[0]!;
}

describe('traffic graph: edges from access logs', () => {
  it('the outbound and inbound lines of one mTLS connection are one connection on a locked edge', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    b.addLogRow(row(mtlsOutbound, t0 + 1000));
    b.addLogRow(row(inbound(mtlsOutbound), t0 + 1002));
    const graph = b.build('open', t0 + 60_000);
    const edge = onlyEdge(graph);
    assert.equal(edge.connections, 1);
    assert.equal(edge.status, 'mtls');
    assert.equal(edge.allMtls, true);
    assert.equal(edge.port, 8080);
    assert.equal(edge.bytesSent, 175);
    assert.deepEqual(edge.sources, ['logs']);
    assert.deepEqual(edge.sourceIdentities, ['spiffe://cluster.local/ns/finance/sa/curl']);
    // Nodes are workloads (the pod's Deployment), in their namespaces and cluster.
    const names = graph.nodes.map((n) => `${n.kind}:${n.cluster}/${n.namespace}/${n.name}`).sort();
    assert.deepEqual(names, ['workload:kind-east/accounts/accounts', 'workload:kind-east/finance/curl']);
  });

  it('a plain-text connection makes a plain edge; one plain connection among mTLS ones unlocks the edge', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    b.addLogRow(row(plaintextInbound, t0 + 1000));
    const plain = onlyEdge(b.build('open', t0 + 2000));
    assert.equal(plain.status, 'plain');
    assert.equal(plain.allMtls, false);
    // The plain fixture has no source workload: the peer is an unknown IP, its own kind of node.
    const peer = b.build('open', t0 + 2000).nodes.find((n) => n.id === plain.source)!;
    assert.equal(peer.kind, 'unknown');
    assert.equal(peer.name, '10.244.0.9');

    const mixed = new TrafficGraphBuilder({ openedAt: t0 });
    mixed.addLogRow(row(mtlsOutbound, t0 + 1000, 40001));
    mixed.addLogRow(row(mtlsOutbound, t0 + 1100, 40002));
    mixed.addLogRow(row(mtlsOutbound.replace(/ src\.identity="[^"]*"/, '').replace(/ dst\.identity="[^"]*"/, '').replace(/dst\.addr=\S+ dst\.hbone_addr=(\S+)/, 'dst.addr=$1'), t0 + 1200, 40003));
    const edge = onlyEdge(mixed.build('open', t0 + 2000));
    assert.equal(edge.connections, 3);
    assert.equal(edge.mtls, 2);
    assert.equal(edge.plain, 1);
    assert.equal(edge.allMtls, false);
    assert.equal(edge.status, 'plain');
  });

  it('a refused connection (401 outbound, policy rejection inbound) is one denied connection', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    const outbound = policyDenied.replace('direction="inbound"', 'direction="outbound"').replace(/error="[^"]*"/, 'error="http status: 401 Unauthorized"');
    b.addLogRow(row(outbound, t0 + 1000));
    b.addLogRow(row(policyDenied, t0 + 1001));
    const edge = onlyEdge(b.build('open', t0 + 2000));
    assert.equal(edge.connections, 1);
    assert.equal(edge.denied, 1);
    assert.equal(edge.status, 'denied');
  });

  it('windows: a connection 3 minutes old is in the 5 and 15 minute windows, not the last minute', () => {
    const now = t0 + 20 * 60_000;
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    b.addLogRow(row(mtlsOutbound, now - 3 * 60_000));
    b.addLogRow(row(mtlsOutbound, now - 10_000, 40010));
    assert.equal(onlyEdge(b.build('1m', now)).connections, 1);
    assert.equal(onlyEdge(b.build('5m', now)).connections, 2);
    assert.equal(onlyEdge(b.build('15m', now)).connections, 2);
    assert.equal(onlyEdge(b.build('open', now)).connections, 2);
    assert.equal(b.build('1m', now).edges[0]!.perMinute, 1);
  });

  it('other lines (XDS, connection opened at debug) make no edge', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    assert.equal(b.addLogRow(row(mtlsOutbound.replace('connection complete', 'connection opened'), t0)), false);
    assert.equal(b.build('open', t0 + 1000).edges.length, 0);
  });
});

describe('traffic graph: logs and metrics merged', () => {
  it('metrics count the span they cover, logs only what came before it: no double counting', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    // Two connections in the log tail before the first scrape.
    b.addLogRow(row(mtlsOutbound, t0 - 30_000, 40021));
    b.addLogRow(row(mtlsOutbound, t0 - 20_000, 40022));
    b.addMetrics(cluster, 'ztunnel-a', t0, parsePrometheusText(metrics(10, 1000, 5000, 'destination')).samples);
    // Three more connections, each both logged and counted by the metrics.
    for (let i = 0; i < 3; i++) b.addLogRow(row(mtlsOutbound, t0 + 1000 + i, 40030 + i));
    b.addMetrics(cluster, 'ztunnel-a', t0 + 5000, parsePrometheusText(metrics(13, 1525, 5240, 'destination')).samples);
    const edge = onlyEdge(b.build('15m', t0 + 6000));
    assert.equal(edge.connections, 2 + 3);
    assert.equal(edge.bytesSent, 2 * 175 + 525);
    assert.equal(edge.bytesReceived, 2 * 80 + 240);
    assert.deepEqual(edge.sources, ['logs', 'metrics']);
    assert.equal(edge.allMtls, true);
  });

  it('the destination reporter is used when both ztunnels report the pair', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    const both = (o: number) => `${metrics(o, 0, 0, 'source')}\n${metrics(o, 0, 0, 'destination')}`;
    b.addMetrics(cluster, 'ztunnel-a', t0, parsePrometheusText(both(1)).samples);
    b.addMetrics(cluster, 'ztunnel-a', t0 + 5000, parsePrometheusText(both(5)).samples);
    const edge = onlyEdge(b.build('open', t0 + 6000));
    assert.equal(edge.connections, 4);
    assert.deepEqual(edge.sources, ['metrics']);
  });

  it('plain-text metric series (connection_security_policy="unknown") unlock the edge; a counter reset counts from zero', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    b.addMetrics(cluster, 'ztunnel-a', t0, parsePrometheusText(metrics(5, 0, 0, 'destination', 'unknown')).samples);
    b.addMetrics(cluster, 'ztunnel-a', t0 + 5000, parsePrometheusText(metrics(7, 0, 0, 'destination', 'unknown')).samples);
    // ztunnel restarted: its counters start again at 0.
    b.addMetrics(cluster, 'ztunnel-a', t0 + 10_000, parsePrometheusText(metrics(1, 0, 0, 'destination', 'unknown')).samples);
    const edge = onlyEdge(b.build('open', t0 + 11_000));
    assert.equal(edge.connections, 3);
    assert.equal(edge.status, 'plain');
    assert.equal(edge.allMtls, false);
  });

  it('denied connections come from the logs even where the metrics count', () => {
    const b = new TrafficGraphBuilder({ openedAt: t0 });
    const denied = policyDenied
      .replaceAll('reviews-v1-6584ddcf65-k78wz', 'curl-7d9c8b5f4-x2k8q').replaceAll('"bookinfo"', '"finance"').replace('src.namespace="bookinfo"', 'src.namespace="finance"')
      .replace(/dst\.workload="[^"]*" dst\.namespace="[^"]*"/, 'dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts"');
    b.addMetrics(cluster, 'ztunnel-a', t0, parsePrometheusText(metrics(0, 0, 0, 'destination')).samples);
    b.addLogRow(row(denied, t0 + 1000));
    b.addMetrics(cluster, 'ztunnel-a', t0 + 5000, parsePrometheusText(metrics(1, 0, 0, 'destination')).samples);
    const edge = onlyEdge(b.build('open', t0 + 6000));
    assert.equal(edge.connections, 1);
    assert.equal(edge.denied, 1);
    assert.equal(edge.status, 'denied');
  });
});

describe('workloadOfPod', () => {
  it('strips what the controllers add to pod names', () => {
    assert.equal(workloadOfPod('curl-7d9c8b5f4-x2k8q'), 'curl');
    assert.equal(workloadOfPod('productpage-v1-d5789fdfb-c5w2c'), 'productpage-v1');
    assert.equal(workloadOfPod('loki-0'), 'loki');
    assert.equal(workloadOfPod('ztunnel-x7k2p'), 'ztunnel');
    assert.equal(workloadOfPod('standalone'), 'standalone');
  });
});

describe('Prometheus text', () => {
  it('reads samples with labels, escapes, timestamps and special values; skips comments and junk', () => {
    const text = [
      '# HELP istio_build Istio component build info.',
      '# TYPE istio_build gauge',
      'istio_build{component="ztunnel",tag="1.28.0"} 1',
      'plain_metric 42 1700000000000',
      'escaped{a="x\\"y\\\\z\\n"} 1.5e3',
      'nan_metric NaN',
      'not a metric line {',
      'broken{a="unterminated} 1',
      '# EOF',
    ].join('\n');
    const { samples, skipped } = parsePrometheusText(text);
    assert.equal(skipped, 2);
    assert.deepEqual(samples[0], { name: 'istio_build', labels: { component: 'ztunnel', tag: '1.28.0' }, value: 1 });
    assert.equal(samples[1]!.value, 42);
    assert.deepEqual(samples[2]!.labels, { a: 'x"y\\z\n' });
    assert.equal(samples[2]!.value, 1500);
    assert.ok(Number.isNaN(samples[3]!.value));
  });
});
