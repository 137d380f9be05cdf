import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PodFacts } from '../../../src/mesh/dataplane';
import {
  findDisagreements,
  identitiesFromServiceAccounts,
  mergeWorkloads,
  parseConfigDump,
  serialToHex,
  type CertificateRow,
} from '../../../src/mesh/ztunnelConfig';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const now = new Date('2026-11-22T04:00:00Z');

function pod(namespace: string, name: string, extra: Partial<PodFacts> = {}): PodFacts {
  return { name, namespace, labels: {}, hasSidecar: false, hostNetwork: false, serviceAccount: 'default', ready: true, phase: 'Running', ...extra };
}

describe('parseConfigDump: workloads as `istioctl ztunnel-config workload` shows them', () => {
  const dump = parseConfigDump(fixture('configDump-list.json'), { now, ztunnelPod: 'ztunnel-abcde' });

  it('gives one row per workload with namespace, pod, address, node, waypoint and protocol, sorted like istioctl', () => {
    assert.deepEqual(
      dump.workloads.map((w) => [w.namespace, w.pod, w.address, w.node, w.waypoint, w.protocol]),
      [
        ['accounts', 'accounts-7d4b9c6f8-m3vw9', '10.244.1.22', 'cluster-1-worker', 'waypoint', 'TCP'],
        ['accounts', 'accounts-7d4b9c6f8-q8zrt', '10.244.2.21', 'cluster-1-worker2', 'waypoint', 'HBONE'],
        ['finance', 'curl-6c9f7d8b5-x2k4p', '10.244.1.11', 'cluster-1-worker', 'None', 'HBONE'],
        ['istio-system', 'istiod-5b8c6d7f9-abcde', '10.244.0.5', 'cluster-1-control-plane', 'None', 'TCP'],
        ['prometheus', 'prometheus-0', '10.244.2.30', 'cluster-1-worker2', 'None', 'TCP'],
      ],
    );
  });

  it('derives each workload SPIFFE identity from its trust domain, namespace and service account', () => {
    const curl = dump.workloads.find((w) => w.pod.startsWith('curl'));
    assert.equal(curl?.identity, 'spiffe://cluster.local/ns/finance/sa/curl');
  });

  it('lists the pods this ztunnel proxies in-pod (workloadState)', () => {
    assert.deepEqual(dump.proxiedPods, ['finance/curl-6c9f7d8b5-x2k4p']);
  });

  it('reads the older map-shaped dump (workloadIp, services keyed by network/ip) the same way', () => {
    const legacy = parseConfigDump(fixture('configDump-map.json'), { now });
    assert.deepEqual(
      legacy.workloads.map((w) => [w.namespace, w.pod, w.address, w.waypoint, w.protocol, w.identity]),
      [
        ['accounts', 'accounts-7d4b9c6f8-q8zrt', '10.244.2.21', 'waypoint', 'HBONE', 'spiffe://cluster.local/ns/accounts/sa/accounts'],
        ['finance', 'curl-6c9f7d8b5-x2k4p', '10.244.1.11', 'None', 'HBONE', 'spiffe://cluster.local/ns/finance/sa/curl'],
      ],
    );
  });

  it('says NA for a waypoint address no Service has, and the host name when the destination is a hostname', () => {
    const parsed = parseConfigDump({
      workloads: [
        { name: 'a', namespace: 'x', workloadIps: ['1.1.1.1'], protocol: 'HBONE', waypoint: { destination: '/10.9.9.9' } },
        { name: 'b', namespace: 'x', workloadIps: ['1.1.1.2'], protocol: 'HBONE', waypoint: { destination: 'x/wp.x.svc.cluster.local' } },
      ],
      services: [],
    });
    assert.deepEqual(parsed.workloads.map((w) => w.waypoint), ['NA', 'wp']);
  });

  it('rejects text that is not JSON (the caller says the dump was unreadable)', () => {
    assert.throws(() => parseConfigDump('<html>not found</html>'));
  });
});

describe('parseConfigDump: certificates as `istioctl ztunnel-config certificate` shows them', () => {
  const dump = parseConfigDump(fixture('configDump-list.json'), { now, ztunnelPod: 'ztunnel-abcde' });
  const rows = dump.certificates;

  it('gives one row per certificate of the chain, CA first then Cert Chain, with hex serials', () => {
    const accounts = rows.filter((r) => r.identity.endsWith('/sa/accounts'));
    assert.deepEqual(
      accounts.map((r) => [r.type, r.state, r.valid, r.serialNumber, r.notAfter, r.notBefore]),
      [
        ['CA', 'Available', true, 'e5dfb59150b2ba7f108d93dcec5aa613', '2026-11-23T00:00:00Z', '2026-11-22T00:00:00Z'],
        ['Cert Chain', 'Available', true, '8a516645c40ce76c2c0d27ab4e2461c1', '2036-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ],
    );
    assert.ok(accounts.every((r) => r.ztunnelPod === 'ztunnel-abcde'));
  });

  it('shortens `Unavailable: <why>` to Unavailable and keeps the reason', () => {
    const prometheus = rows.find((r) => r.identity.endsWith('/sa/prometheus'));
    assert.equal(prometheus?.state, 'Unavailable');
    assert.match(prometheus?.stateDetail ?? '', /Connection refused/);
    assert.equal(prometheus?.valid, false);
    assert.equal(prometheus?.type, '-');
  });

  it('marks an expired certificate as not valid', () => {
    const curl = rows.find((r) => r.identity.endsWith('/sa/curl') && r.type === 'CA');
    assert.equal(curl?.valid, true);
    const later = parseConfigDump(fixture('configDump-list.json'), { now: new Date('2026-11-22T07:00:00Z') });
    assert.equal(later.certificates.find((r) => r.identity.endsWith('/sa/curl') && r.type === 'CA')?.valid, false);
  });

  it('reads the early snake_case certificate fields', () => {
    const legacy = parseConfigDump(fixture('configDump-map.json'), { now });
    assert.deepEqual(
      legacy.certificates.map((r) => [r.type, r.serialNumber, r.notAfter]),
      [
        ['CA', 'ff', '2026-11-23T00:00:00Z'],
        ['Cert Chain', '1000', '2036-01-01T00:00:00Z'],
      ],
    );
  });

  it('converts decimal serials exactly, beyond 2^53', () => {
    assert.equal(serialToHex('18446744073709551617'), '10000000000000001');
  });
});

describe('mergeWorkloads', () => {
  it('keeps one row per workload, preferring the view of the ztunnel on the pod node', () => {
    const row = (protocol: string) => ({
      workloads: [{ namespace: 'a', pod: 'p', address: '1', node: 'n2', waypoint: 'None', protocol, serviceAccount: 'sa', identity: 'i', uid: 'u' }],
      certificates: [],
      proxiedPods: [],
    });
    const merged = mergeWorkloads([
      { ztunnelPod: 'z1', node: 'n1', dump: row('HBONE') },
      { ztunnelPod: 'z2', node: 'n2', dump: row('TCP') },
      { ztunnelPod: 'z3', node: 'n3', error: 'forbidden' },
    ]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0].protocol, 'TCP');
  });
});

describe('findDisagreements', () => {
  const dump = parseConfigDump(fixture('configDump-list.json'), { now });
  const captured = { redirection: 'enabled' };

  it('flags a pod annotated as captured that ztunnel lists as TCP (stale capture, istio/istio #61182)', () => {
    const found = findDisagreements({
      pods: [{ pod: pod('accounts', 'accounts-7d4b9c6f8-m3vw9', captured), namespaceAmbient: true }],
      workloads: dump.workloads,
      certificates: [],
      now,
    });
    assert.deepEqual(found.map((d) => [d.kind, d.pod]), [['stale-capture', 'accounts-7d4b9c6f8-m3vw9']]);
    assert.match(found[0].message, /TCP.*restart/);
  });

  it('flags a pod annotated as captured that no ztunnel lists at all', () => {
    const found = findDisagreements({ pods: [{ pod: pod('finance', 'ghost-1', captured), namespaceAmbient: true }], workloads: dump.workloads, certificates: [], now });
    assert.deepEqual(found.map((d) => d.kind), ['missing-workload']);
  });

  it('says nothing about captured pods listed as HBONE, or pods that are not captured and listed as TCP', () => {
    const found = findDisagreements({
      pods: [
        { pod: pod('finance', 'curl-6c9f7d8b5-x2k4p', captured), namespaceAmbient: true },
        { pod: pod('prometheus', 'prometheus-0'), namespaceAmbient: false },
      ],
      workloads: dump.workloads,
      certificates: [],
      now,
    });
    assert.deepEqual(found, []);
  });

  it('warns about a leaf certificate with less than a quarter of its lifetime left, and fails an expired one', () => {
    const cert = (notBefore: string, notAfter: string): CertificateRow => ({
      identity: 'spiffe://cluster.local/ns/a/sa/b', type: 'CA', state: 'Available', valid: true, serialNumber: '1', notBefore, notAfter,
    });
    const at = (iso: string) => findDisagreements({ pods: [], workloads: [], certificates: [cert('2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z')], now: new Date(iso) });
    assert.deepEqual(at('2026-11-22T12:00:00Z'), []);
    const late = at('2026-11-22T20:00:00Z');
    assert.deepEqual(late.map((d) => [d.kind, d.severity]), [['cert-expiring', 'warning']]);
    assert.match(late[0].message, /expires in 4h 0m/);
    assert.deepEqual(at('2026-11-23T00:00:01Z').map((d) => d.kind), ['cert-expired']);
  });

  it('reports a dump leaf close to expiry and an identity without certificate, not the long-lived chain certificates', () => {
    // curl's leaf (24 h) has 2 h left at 04:00; accounts' has 20 h; their roots run to 2036.
    const found = findDisagreements({ pods: [], workloads: [], certificates: dump.certificates, now });
    assert.deepEqual(found.map((d) => [d.kind, d.identity]), [
      ['cert-expiring', 'spiffe://cluster.local/ns/finance/sa/curl'],
      ['cert-unavailable', 'spiffe://cluster.local/ns/prometheus/sa/prometheus'],
    ]);
  });
});

describe('identitiesFromServiceAccounts (the fallback when port-forward is forbidden)', () => {
  it('derives the SPIFFE ID from each running pod service account and the trust domain, with its capture state', () => {
    const rows = identitiesFromServiceAccounts(
      [
        { pod: pod('finance', 'curl-1', { serviceAccount: 'curl', redirection: 'enabled', podIP: '10.0.0.1', nodeName: 'n1' }), namespaceAmbient: true },
        { pod: pod('finance', 'job-1', { phase: 'Succeeded' }), namespaceAmbient: true },
        { pod: pod('accounts', 'accounts-1', { serviceAccount: 'accounts' }), namespaceAmbient: true },
      ],
      'example.org',
    );
    assert.deepEqual(
      rows.map((r) => [r.namespace, r.pod, r.identity, r.capture]),
      [
        ['accounts', 'accounts-1', 'spiffe://example.org/ns/accounts/sa/accounts', 'not captured'],
        ['finance', 'curl-1', 'spiffe://example.org/ns/finance/sa/curl', 'captured'],
      ],
    );
  });
});
