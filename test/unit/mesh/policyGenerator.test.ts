// Access-log lines in ztunnel's plain format as ztunnel 1.24 writes them (src/proxy/metrics.rs, the
// `connection complete` access event; inbound lines carry dst.hbone_addr with the target port, and a
// plain-text source has no src.identity).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { generatePolicies, workloadsOfControllers, type GeneratorWorkload } from '../../../src/mesh/policyGenerator';

const t = '2024-08-21T15:32:05.754908Z';
function mtls(srcNs: string, srcSa: string, dstNs: string, dstWl: string, port: number, srcPort = 50000): string {
  return `${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.12:${srcPort} src.workload="${srcSa}" src.namespace="${srcNs}" src.identity="spiffe://cluster.local/ns/${srcNs}/sa/${srcSa}" dst.addr=10.244.2.7:15008 dst.hbone_addr="10.244.2.7:${port}" dst.service="${dstWl}.${dstNs}.svc.cluster.local" dst.workload="${dstWl}" dst.namespace="${dstNs}" dst.identity="spiffe://cluster.local/ns/${dstNs}/sa/${dstWl}" direction="inbound" bytes_sent=175 bytes_recv=80 duration="1ms"`;
}
function plain(srcIp: string, dstNs: string, dstWl: string, port: number): string {
  return `${t}\tinfo\taccess\tconnection complete\tsrc.addr=${srcIp}:41000 dst.addr=10.244.2.7:${port} dst.workload="${dstWl}" dst.namespace="${dstNs}" direction="inbound" bytes_sent=1 bytes_recv=2 duration="0ms"`;
}
const workloads: GeneratorWorkload[] = [
  { namespace: 'shop', name: 'cart', selector: { app: 'cart', version: 'v1' } },
  { namespace: 'shop', name: 'web', selector: { app: 'web' } },
];
const traffic = [
  mtls('shop', 'web', 'shop', 'cart', 8080),
  mtls('front', 'gateway', 'shop', 'web', 80),
  mtls('shop', 'web', 'shop', 'cart', 9090, 50001),
  mtls('shop', 'checkout', 'shop', 'cart', 8080),
  plain('10.0.5.9', 'shop', 'cart', 8080),
];
const gen = (lines: string[], baseline = true) => generatePolicies(lines.map(parseZtunnelLine), workloads, { namespaces: ['shop'], baseline });

describe('policy generator (Lock Down from Observed Traffic)', () => {
  it('gives the same YAML for the same traffic in any order', () => {
    assert.equal(gen(traffic).yaml, gen([...traffic].reverse()).yaml);
    assert.equal(gen([...traffic, ...traffic]).yaml, gen(traffic).yaml, 'repeated connections change nothing');
  });

  it('writes an allow-nothing baseline and one ALLOW policy per destination, selecting by the cluster labels', () => {
    const { yaml, objects } = gen(traffic);
    assert.deepEqual(objects.map((o) => (o['metadata'] as { name: string }).name), ['allow-nothing', 'allow-observed-cart', 'allow-observed-web']);
    assert.match(yaml, /name: allow-nothing\n {2}namespace: shop\nspec: \{\}\n/);
    assert.match(yaml, /apiVersion: security.istio.io\/v1\nkind: AuthorizationPolicy/);
    assert.match(yaml, /matchLabels:\n {6}app: cart\n {6}version: v1\n/);
    assert.equal(gen(traffic, false).objects.length, 2);
  });

  it('allows only the principals seen, with their ports merged (principals on the same ports share a rule)', () => {
    const cart = gen(traffic).objects[1]!['spec'] as { rules: { from: { source: { principals: string[] } }[]; to: { operation: { ports: string[] } }[] }[] };
    assert.deepEqual(
      cart.rules.map((r) => [r.from[0]!.source.principals, r.to[0]!.operation.ports]),
      [
        [['cluster.local/ns/shop/sa/web'], ['8080', '9090']],
        [['cluster.local/ns/shop/sa/checkout'], ['8080']],
      ].sort((a, b) => (a[1]!.join(',') < b[1]!.join(',') ? -1 : 1)),
    );
    const yaml = gen(traffic).yaml;
    for (const principal of yaml.matchAll(/- (cluster\.local\/\S+)/g)) {
      assert.ok(['cluster.local/ns/shop/sa/web', 'cluster.local/ns/shop/sa/checkout', 'cluster.local/ns/front/sa/gateway'].includes(principal[1]!), principal[1]);
    }
  });

  it('never allows a plain-text source by principal; it is listed as a warning', () => {
    const { yaml } = gen([plain('10.0.5.9', 'shop', 'cart', 8080)]);
    assert.match(yaml, /# WARNING: plain-text source 10\.0\.5\.9 \(port 8080\) has no identity/);
    assert.doesNotMatch(yaml, /principals/);
    assert.match(yaml, /allows nothing/);
  });

  it('skips a destination the cluster reports no labels for instead of writing a namespace-wide policy', () => {
    const { yaml, objects } = gen([mtls('shop', 'web', 'shop', 'orders', 8080)]);
    assert.match(yaml, /# SKIPPED shop\/orders/);
    assert.equal(objects.length, 1, 'only the baseline');
  });

  it('leaves out other namespaces and denied connections', () => {
    const denied = mtls('x', 'y', 'shop', 'cart', 8080).replace(' duration="1ms"', ' duration="0ms" error="connection closed due to policy rejection: allow policies exist, but none allowed"').replace('\tinfo\t', '\terror\t');
    const { yaml } = gen([denied, mtls('shop', 'web', 'other', 'cart', 8080)]);
    assert.equal(yaml, '');
  });

  it('selects a Deployment by its own selector, not by every template label', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cart', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'cart' } }, template: { metadata: { labels: { app: 'cart', version: 'v1', team: 'x' } } } },
    };
    const found = workloadsOfControllers([deployment, { metadata: { name: 'bare', namespace: 'shop' }, spec: {} }]);
    assert.deepEqual(found, [{ namespace: 'shop', name: 'cart', selector: { app: 'cart' } }]);
    const { yaml } = generatePolicies([mtls('shop', 'web', 'shop', 'cart', 8080)].map(parseZtunnelLine), found, { baseline: false });
    assert.match(yaml, /matchLabels:\n {6}app: cart\n {2}action: ALLOW/);
  });
});
