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
  type CertificateRow,
} from '../../../src/mesh/ztunnelConfig';
import { serialToHex } from '../../../src/mesh/ztunnelDump';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const now = new Date('2026-12-03T12:00:00Z');

function pod(namespace: string, name: string, extra: Partial<PodFacts> = {}): PodFacts {
  return { name, namespace, labels: {}, hasSidecar: false, hostNetwork: false, serviceAccount: 'default', ready: true, phase: 'Running', ...extra };
}

// Fixtures: configDump-1.28.json is the layout ztunnel 1.28 emits (lists, roots in rootCerts); configDump-1.20.json
// the 1.19–1.21 stores (by_addr / by_uid / by_vip, snake_case certificates). See ztunnelDump.test.ts for every layout.
describe('parseConfigDump: what the identities view shows from a ztunnel 1.28 dump', () => {
  const dump = parseConfigDump(fixture('configDump-1.28.json'), { now, ztunnelPod: 'ztunnel-abcde' });

  it('gives one row per workload with istioctl\'s cells: comma-joined dual-stack addresses, hostname fallback, None/NA waypoints', () => {
    assert.deepEqual(
      dump.workloads.map((w) => [w.namespace, w.pod, w.address, w.node, w.waypoint, w.protocol]),
      [
        ['accounts', 'accounts-6b7f9c8d4-p4k7z', '10.244.1.20,fd00:10:244:1::14', 'ambient-worker', 'waypoint', 'HBONE'],
        ['finance', 'curl-7d9b8c6f5-x2x8q', '10.244.1.12', 'ambient-worker', 'waypoint', 'HBONE'],
        ['finance', 'waypoint-5d8c6d7f9b-9hj2k', '10.244.2.31', 'ambient-worker2', 'None', 'TCP'],
        ['istio-system', 'ztunnel-abcde', '10.244.1.2', 'ambient-worker', 'None', 'TCP'],
        ['legacy', 'vm-1', 'vm-1.legacy.example.com', '', 'None', 'TCP'],
        ['reports', 'reports-6c8f7b9d4-kq2lm', '10.244.2.40', 'ambient-worker2', 'NA', 'HBONE'],
      ],
    );
  });

  it('derives each workload SPIFFE identity from its trust domain, namespace and service account', () => {
    const curl = dump.workloads.find((w) => w.pod.startsWith('curl'));
    assert.equal(curl?.identity, 'spiffe://cluster.local/ns/finance/sa/curl');
  });

  it('lists the pods this ztunnel proxies in-pod (workloadState)', () => {
    assert.deepEqual([...dump.proxiedPods].sort(), ['accounts/accounts-6b7f9c8d4-p4k7z', 'ambient-probe/ztunnel-probe-0', 'finance/curl-7d9b8c6f5-x2x8q']);
  });

  it('reads a 1.20 dump (by_uid stores) into the same workload rows', () => {
    const old = parseConfigDump(fixture('configDump-1.20.json'), { now });
    assert.equal(old.layout, 'stores-1.19');
    assert.deepEqual(old.workloads.map((w) => w.pod), dump.workloads.map((w) => w.pod));
  });

  it('rejects text that is not JSON with one sentence saying what it found', () => {
    assert.throws(() => parseConfigDump('<html>not found</html>'), /not JSON \(it starts with "<html>not found/);
  });
});

describe('parseConfigDump: certificates as `istioctl ztunnel-config certificate` shows them', () => {
  const dump = parseConfigDump(fixture('configDump-1.28.json'), { now, ztunnelPod: 'ztunnel-abcde' });
  const rows = dump.certificates;

  it('gives Leaf, Intermediate and the rootCerts Root, with hex serials, per ztunnel pod', () => {
    const accounts = rows.filter((r) => r.identity.endsWith('/sa/accounts'));
    assert.deepEqual(
      accounts.map((r) => [r.type, r.state, r.valid, r.serialNumber, r.notAfter, r.notBefore]),
      [
        ['Leaf', 'Available', true, 'e2a3a37126ce58f294ef0a5679ebe211', '2026-12-04T07:30:00Z', '2026-12-03T07:30:00Z'],
        ['Intermediate', 'Available', true, '55aa54d38e5267eea', '2031-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
        ['Root', 'Available', true, 'e38431ccd52d915f9fed84d397dc7c51', '2035-05-30T00:00:00Z', '2025-06-01T00:00:00Z'],
      ],
    );
    assert.ok(accounts.every((r) => r.ztunnelPod === 'ztunnel-abcde'));
  });

  it('shortens `Unavailable: <why>` to Unavailable, keeps the reason, and types a missing certificate NA', () => {
    const legacy = rows.find((r) => r.identity.endsWith('/ns/legacy/sa/default'));
    assert.equal(legacy?.state, 'Unavailable');
    assert.match(legacy?.stateDetail ?? '', /signing gRPC error/);
    assert.equal(legacy?.valid, false);
    assert.equal(legacy?.type, 'NA');
  });

  it('marks an expired certificate as not valid', () => {
    const leaf = (d: typeof dump) => d.certificates.find((r) => r.identity.endsWith('/sa/curl') && r.type === 'Leaf');
    assert.equal(leaf(dump)?.valid, true);
    assert.equal(leaf(parseConfigDump(fixture('configDump-1.28.json'), { now: new Date('2026-12-04T09:00:00Z') }))?.valid, false);
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
      layout: 'lists-1.26' as const,
      tables: { workloads: [], services: [], policies: [], certificates: [], connections: [] },
      absent: {},
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
  const dump = parseConfigDump(fixture('configDump-1.28.json'), { now });
  const captured = { redirection: 'enabled' };

  it('flags a pod annotated as captured that ztunnel lists as TCP (stale capture, istio/istio #61182)', () => {
    const found = findDisagreements({
      pods: [{ pod: pod('finance', 'waypoint-5d8c6d7f9b-9hj2k', captured), namespaceAmbient: true }],
      workloads: dump.workloads,
      certificates: [],
      now,
    });
    assert.deepEqual(found.map((d) => [d.kind, d.pod]), [['stale-capture', 'waypoint-5d8c6d7f9b-9hj2k']]);
    assert.match(found[0].message, /TCP.*restart/);
  });

  it('flags a pod annotated as captured that no ztunnel lists at all', () => {
    const found = findDisagreements({ pods: [{ pod: pod('finance', 'ghost-1', captured), namespaceAmbient: true }], workloads: dump.workloads, certificates: [], now });
    assert.deepEqual(found.map((d) => d.kind), ['missing-workload']);
  });

  it('says nothing about captured pods listed as HBONE, or pods that are not captured and listed as TCP', () => {
    const found = findDisagreements({
      pods: [
        { pod: pod('finance', 'curl-7d9b8c6f5-x2x8q', captured), namespaceAmbient: true },
        { pod: pod('istio-system', 'ztunnel-abcde'), namespaceAmbient: false },
      ],
      workloads: dump.workloads,
      certificates: [],
      now,
    });
    assert.deepEqual(found, []);
  });

  it('warns about a leaf certificate with less than a quarter of its lifetime left, and fails an expired one', () => {
    const cert = (notBefore: string, notAfter: string): CertificateRow => ({
      identity: 'spiffe://cluster.local/ns/a/sa/b', type: 'Leaf', state: 'Available', valid: true, serialNumber: '1', notBefore, notAfter,
    });
    const at = (iso: string) => findDisagreements({ pods: [], workloads: [], certificates: [cert('2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z')], now: new Date(iso) });
    assert.deepEqual(at('2026-11-22T12:00:00Z'), []);
    const late = at('2026-11-22T20:00:00Z');
    assert.deepEqual(late.map((d) => [d.kind, d.severity]), [['cert-expiring', 'warning']]);
    assert.match(late[0].message, /expires in 4h 0m/);
    assert.deepEqual(at('2026-11-23T00:00:01Z').map((d) => d.kind), ['cert-expired']);
  });

  it('reports a dump leaf close to expiry and an identity without certificate, not the long-lived chain certificates', () => {
    // At 01:45 accounts' 24 h leaf has 5 h 45 m left (under a quarter), curl's 6 h 15 m; the intermediate and root run for years.
    const found = findDisagreements({ pods: [], workloads: [], certificates: dump.certificates, now: new Date('2026-12-04T01:45:00Z') });
    assert.deepEqual(found.map((d) => [d.kind, d.identity]), [
      ['cert-expiring', 'spiffe://cluster.local/ns/accounts/sa/accounts'],
      ['cert-unavailable', 'spiffe://cluster.local/ns/legacy/sa/default'],
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
