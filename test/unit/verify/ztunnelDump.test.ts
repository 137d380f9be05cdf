// The config-dump reader against one fixture per layout ztunnel has emitted, each written here with the shapes of
// ztunnel's serialization at that release (istio/ztunnel src/admin.rs, src/state*.rs, src/workload.rs):
//   configDump-1.18.json  ztunnel 1.18.7  workloads keyed by IP (`workloadIp`, `waypointAddresses`), `vips` only,
//                                         snake_case certificates (`ca_cert` = leaf, `cert_chain` = the rest)
//   configDump-1.20.json  ztunnel 1.20.8  `by_addr` / `by_uid` / `by_vip` / `by_host` / `by_key` stores
//   configDump-1.22.json  ztunnel 1.22.8  maps keyed `network/ip`, camelCase `certChain` with the root last
//   configDump-1.24.json  ztunnel 1.24.6  lists, root still last in `certChain`, connections without protocol
//   configDump-1.28.json  ztunnel 1.28.3  lists, `rootCerts` apart, connections with protocol
// Expected rows follow istioctl 1.28's writer (istioctl/pkg/writer/ztunnel/configdump/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatAllTables, formatTable, readZtunnelDump, TABLE_HEADERS, type ZtunnelDumpRead } from '../../../src/mesh/ztunnelDump';

const now = new Date('2026-12-03T12:00:00Z');
const fixture = (release: string) => readFileSync(join(import.meta.dirname, 'fixtures', `configDump-${release}.json`), 'utf8');

function read(release: string): ZtunnelDumpRead {
  const result = readZtunnelDump(fixture(release), { now });
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.dump;
}

const cells = (rows: readonly Record<string, string>[]) => rows.map((r) => Object.values(r));

describe('readZtunnelDump: which layout it read', () => {
  for (const [release, layout, version] of [
    ['1.18', 'maps-1.18', '1.18.7'],
    ['1.20', 'stores-1.19', '1.20.8'],
    ['1.22', 'maps-1.22', '1.22.8'],
    ['1.24', 'lists-1.23', '1.24.6'],
    ['1.28', 'lists-1.26', '1.28.3'],
  ] as const) {
    it(`names the ztunnel ${release} dump's layout (${layout}) and the Istio version in it`, () => {
      const dump = read(release);
      assert.equal(dump.layout, layout);
      assert.equal(dump.istioVersion, version);
    });
  }

  it('reads where the ztunnel gets its XDS from the config it carries (1.22+), nothing where the dump has no config', () => {
    for (const release of ['1.22', '1.24', '1.28'] as const) assert.equal(read(release).xdsAddress, 'https://istiod.istio-system.svc:15012', release);
    for (const release of ['1.18', '1.20'] as const) assert.equal(read(release).xdsAddress, undefined, release);
  });
});

describe('readZtunnelDump: a list dump without certificates (a node with no captured pod)', () => {
  it('tells 1.26+ from 1.23–1.25 by the version it names, else by the workloads\' capacity (added in 1.26)', () => {
    const strip = (release: string, drop: (d: Record<string, unknown>) => void) => {
      const d = JSON.parse(fixture(release)) as Record<string, unknown>;
      d.certificates = [];
      drop(d);
      const r = readZtunnelDump(d);
      assert.ok(r.ok);
      return r.dump.layout;
    };
    assert.equal(strip('1.28', () => {}), 'lists-1.26');
    assert.equal(strip('1.24', () => {}), 'lists-1.23');
    assert.equal(strip('1.28', (d) => delete d.version), 'lists-1.26');
    assert.equal(strip('1.24', (d) => delete d.version), 'lists-1.23');
  });
});

describe('readZtunnelDump: workloads as `istioctl ztunnel-config workload` prints them', () => {
  it('1.28: comma-joins dual-stack addresses, falls back to the hostname, None without waypoint, NA for an unknown one, sorted by namespace.name', () => {
    assert.deepEqual(cells(read('1.28').tables.workloads), [
      ['accounts', 'accounts-6b7f9c8d4-p4k7z', '10.244.1.20,fd00:10:244:1::14', 'ambient-worker', 'waypoint', 'HBONE'],
      ['finance', 'curl-7d9b8c6f5-x2x8q', '10.244.1.12', 'ambient-worker', 'waypoint', 'HBONE'],
      ['finance', 'waypoint-5d8c6d7f9b-9hj2k', '10.244.2.31', 'ambient-worker2', 'None', 'TCP'],
      ['istio-system', 'ztunnel-abcde', '10.244.1.2', 'ambient-worker', 'None', 'TCP'],
      ['legacy', 'vm-1', 'vm-1.legacy.example.com', '', 'None', 'TCP'],
      ['reports', 'reports-6c8f7b9d4-kq2lm', '10.244.2.40', 'ambient-worker2', 'NA', 'HBONE'],
    ]);
  });

  it('keys the rows by istioctl\'s headers exactly', () => {
    assert.deepEqual(Object.keys(read('1.28').tables.workloads[0]), [...TABLE_HEADERS.workloads]);
  });

  it('1.24 and 1.20 (by_uid) give the same rows as 1.28', () => {
    assert.deepEqual(read('1.24').tables.workloads, read('1.28').tables.workloads);
    assert.deepEqual(read('1.20').tables.workloads, read('1.28').tables.workloads);
  });

  it('1.22: a dual-stack workload keyed once per address is one row; a hostname-only workload is not in the address map', () => {
    const rows = read('1.22').tables.workloads;
    assert.equal(rows.filter((r) => r['POD NAME'] === 'accounts-6b7f9c8d4-p4k7z').length, 1);
    assert.deepEqual(rows.map((r) => r['POD NAME']), ['accounts-6b7f9c8d4-p4k7z', 'curl-7d9b8c6f5-x2x8q', 'waypoint-5d8c6d7f9b-9hj2k', 'ztunnel-abcde', 'reports-6c8f7b9d4-kq2lm']);
  });

  it('1.18: one workloadIp each; waypointAddresses name no Service (the dump has none), so the waypoint is NA', () => {
    assert.deepEqual(cells(read('1.18').tables.workloads), [
      ['accounts', 'accounts-6b7f9c8d4-p4k7z', '10.244.1.20', 'ambient-worker', 'NA', 'HBONE'],
      ['finance', 'curl-7d9b8c6f5-x2x8q', '10.244.1.12', 'ambient-worker', 'NA', 'HBONE'],
      ['finance', 'waypoint-5d8c6d7f9b-9hj2k', '10.244.2.31', 'ambient-worker2', 'None', 'TCP'],
      ['istio-system', 'ztunnel-abcde', '10.244.1.2', 'ambient-worker', 'None', 'TCP'],
      ['reports', 'reports-6c8f7b9d4-kq2lm', '10.244.2.40', 'ambient-worker2', 'NA', 'HBONE'],
    ]);
  });

  it('sorts by namespace.name in byte order, then node (istioctl compares strings with <, not the locale)', () => {
    const result = readZtunnelDump({
      workloads: [
        { uid: '3', name: 'b', namespace: 'ns', workloadIps: ['10.0.0.3'], node: 'n2', protocol: 'TCP' },
        { uid: '1', name: 'B', namespace: 'ns', workloadIps: ['10.0.0.1'], node: 'n1', protocol: 'TCP' },
        { uid: '2', name: 'b', namespace: 'ns', workloadIps: ['10.0.0.2'], node: 'n1', protocol: 'TCP' },
      ],
    });
    assert.ok(result.ok);
    assert.deepEqual(result.dump.tables.workloads.map((r) => r.ADDRESS), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('reads the pre-1.19 development waypoint `{address: <tag>, content: …}` by its content, never as the tag', () => {
    const result = readZtunnelDump({
      workloads: [{ uid: 'u', name: 'a', namespace: 'x', workloadIps: ['10.0.0.1'], protocol: 'HBONE', waypoint: { destination: { address: 'Address', content: '/10.96.0.9' } } }],
      services: [{ name: 'wp', namespace: 'x', hostname: 'wp.x.svc.cluster.local', vips: ['/10.96.0.9'], endpoints: {} }],
    });
    assert.ok(result.ok);
    assert.equal(result.dump.tables.workloads[0].WAYPOINT, 'wp');
  });
});

describe('readZtunnelDump: services as `istioctl ztunnel-config service` prints them', () => {
  const expected = [
    ['accounts', 'accounts', '10.96.44.20,fd00:10:96::2c14', 'waypoint', '1/2'],
    ['accounts', 'waypoint', '10.96.44.10', 'None', '0/0'],
    ['finance', 'curl', '10.96.12.5', 'None', '1/1'],
    ['finance', 'waypoint', '10.96.12.9', 'None', '1/1'],
    ['reports', 'reports', '10.96.70.3', 'NA', '0/1'],
  ];

  it('1.28: every VIP without its network, the waypoint by VIP or NA, ENDPOINTS healthy/all by the workloads\' status', () => {
    assert.deepEqual(cells(read('1.28').tables.services), expected);
    assert.deepEqual(cells(read('1.24').tables.services), expected);
  });

  it('1.22: a dual-stack Service keyed once per VIP is one row', () => {
    assert.deepEqual(cells(read('1.22').tables.services), expected);
  });

  it('1.20: services come from by_host; that release had no service waypoints, so every one is None', () => {
    assert.deepEqual(cells(read('1.20').tables.services), expected.map((r) => [r[0], r[1], r[2], 'None', r[4]]));
  });

  it('1.18: no service objects at all, and the reader says so instead of an unexplained empty table', () => {
    const dump = read('1.18');
    assert.deepEqual(dump.tables.services, []);
    assert.match(dump.absent.services ?? '', /1\.18 dumps have no services/);
  });
});

describe('readZtunnelDump: policies as `istioctl ztunnel-config policy` prints them', () => {
  const expected = [
    ['accounts', 'allow-curl', 'Allow', 'WorkloadSelector'],
    ['istio-system', 'mesh-default', 'Allow', 'Global'],
    ['reports', 'deny-all', 'Deny', 'Namespace'],
  ];
  for (const release of ['1.18', '1.20', '1.22', '1.24', '1.28']) {
    it(`${release}: sorted by namespace then name, whatever order the dump has`, () => {
      assert.deepEqual(cells(read(release).tables.policies), expected);
    });
  }
});

describe('readZtunnelDump: certificates as `istioctl ztunnel-config certificate` prints them', () => {
  const accountsLeaf = ['spiffe://cluster.local/ns/accounts/sa/accounts', 'Leaf', 'Available', 'true', 'e2a3a37126ce58f294ef0a5679ebe211', '2026-12-04T07:30:00Z', '2026-12-03T07:30:00Z'];
  const accountsIntermediate = ['spiffe://cluster.local/ns/accounts/sa/accounts', 'Intermediate', 'Available', 'true', '55aa54d38e5267eea', '2031-01-01T00:00:00Z', '2026-01-01T00:00:00Z'];
  const root = (identity: string) => [identity, 'Root', 'Available', 'true', 'e38431ccd52d915f9fed84d397dc7c51', '2035-05-30T00:00:00Z', '2025-06-01T00:00:00Z'];
  const expected = [
    accountsLeaf,
    accountsIntermediate,
    root('spiffe://cluster.local/ns/accounts/sa/accounts'),
    ['spiffe://cluster.local/ns/finance/sa/curl', 'Leaf', 'Available', 'true', 'aa40f391e9fb9eae5862d66df17e7593', '2026-12-04T08:00:00Z', '2026-12-03T08:00:00Z'],
    root('spiffe://cluster.local/ns/finance/sa/curl'),
    ['spiffe://cluster.local/ns/legacy/sa/default', 'NA', 'Unavailable', 'false', 'NA', 'NA', 'NA'],
    ['spiffe://cluster.local/ns/reports/sa/reports', 'NA', 'Initializing', 'false', 'NA', 'NA', 'NA'],
  ];

  it('1.28 (rootCerts): the roots from rootCerts are Root rows after the chain', () => {
    assert.deepEqual(cells(read('1.28').tables.certificates), expected);
  });

  it('1.24 and 1.22 (root last in certChain): the last certificate of the chain is the Root', () => {
    assert.deepEqual(cells(read('1.24').tables.certificates), expected);
    assert.deepEqual(cells(read('1.22').tables.certificates), expected);
  });

  it('1.18 and 1.20 (ca_cert + cert_chain): ca_cert is the Leaf, the last of cert_chain the Root', () => {
    assert.deepEqual(cells(read('1.18').tables.certificates), expected);
    assert.deepEqual(cells(read('1.20').tables.certificates), expected);
  });

  it('VALID CERT is false outside notBefore..notAfter', () => {
    const later = readZtunnelDump(fixture('1.28'), { now: new Date('2026-12-04T09:00:00Z') });
    assert.ok(later.ok);
    assert.deepEqual(later.dump.tables.certificates.filter((r) => r.TYPE === 'Leaf').map((r) => r['VALID CERT']), ['false', 'false']);
  });

  it('a 1.28 chain of one leaf with a root in rootCerts is Leaf + Root, never Leaf + Intermediate + Root', () => {
    assert.deepEqual(read('1.28').tables.certificates.filter((r) => r['CERTIFICATE NAME'].endsWith('/sa/curl')).map((r) => r.TYPE), ['Leaf', 'Root']);
  });
});

describe('readZtunnelDump: connections as `istioctl ztunnel-config connections` prints them', () => {
  it('1.28: per workload (namespace, name order), inbound then outbound, addresses named by Service VIP or workload IP', () => {
    assert.deepEqual(cells(read('1.28').tables.connections), [
      ['accounts-6b7f9c8d4-p4k7z.accounts', 'Inbound', 'accounts-6b7f9c8d4-p4k7z.accounts:8080', 'curl-7d9b8c6f5-x2x8q.finance:45678', 'accounts.accounts.svc.cluster.local', 'HBONE'],
      ['accounts-6b7f9c8d4-p4k7z.accounts', 'Inbound', 'accounts-6b7f9c8d4-p4k7z.accounts:8080', 'waypoint-5d8c6d7f9b-9hj2k.finance:39012', '', 'HBONE'],
      ['curl-7d9b8c6f5-x2x8q.finance', 'Outbound', 'curl-7d9b8c6f5-x2x8q.finance:45678', 'accounts-6b7f9c8d4-p4k7z.accounts:15008', 'accounts.accounts.svc.cluster.local:8080', 'HBONE'],
      ['curl-7d9b8c6f5-x2x8q.finance', 'Outbound', 'curl-7d9b8c6f5-x2x8q.finance:51000', '93.184.216.34:443', '93.184.216.34:443', 'TCP'],
    ]);
  });

  it('1.22 and 1.24: the same rows with an empty PROTOCOL (connections carry no protocol before 1.26)', () => {
    for (const release of ['1.22', '1.24']) {
      const rows = read(release).tables.connections;
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => r.PROTOCOL === ''));
    }
  });

  it('1.18 and 1.20: no workloadState, and the reader says connections are not in dumps of that release', () => {
    for (const release of ['1.18', '1.20']) {
      const dump = read(release);
      assert.deepEqual(dump.tables.connections, []);
      assert.match(dump.absent.connections ?? '', /before 1\.22/);
    }
  });
});

describe('readZtunnelDump: a dump it cannot read', () => {
  const error = (input: unknown) => {
    const result = readZtunnelDump(input);
    assert.equal(result.ok, false);
    return result.ok ? '' : result.error;
  };

  it('names what it found, in one sentence, never an empty table', () => {
    assert.equal(error(''), 'This is not a ztunnel config dump: the file is empty.');
    assert.equal(error('<html>404</html>'), 'This is not a ztunnel config dump: the file is not JSON (it starts with "<html>404</html>").');
    assert.equal(error('[1,2]'), 'This is not a ztunnel config dump: it is a JSON array of 2 item(s), not an object with workloads, services, policies and certificates.');
    assert.equal(
      error('{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump"}]}'),
      'This is not a ztunnel config dump: it is a JSON object with the key configs, and none of workloads, services, certificates or by_addr / by_uid / by_vip.',
    );
    for (const e of [error(''), error('[1,2]'), error('{"a":1}')]) assert.equal(e.split('. ').length, 1);
  });
});

describe('formatTable: text/tabwriter as istioctl sets it up', () => {
  it('pads every column but the last to its widest cell plus one space (five for certificates)', () => {
    const dump = read('1.28');
    assert.equal(
      formatTable('policies', dump.tables.policies),
      'NAMESPACE    POLICY NAME  ACTION SCOPE\n' +
        'accounts     allow-curl   Allow  WorkloadSelector\n' +
        'istio-system mesh-default Allow  Global\n' +
        'reports      deny-all     Deny   Namespace\n',
    );
    const certLines = formatTable('certificates', dump.tables.certificates).split('\n');
    assert.match(certLines[0], /^CERTIFICATE NAME {35}TYPE {13}STATUS/);
  });

  it('prints the five tables in istioctl\'s order with its section titles', () => {
    const text = formatAllTables(read('1.28').tables, true);
    const titles = [...text.matchAll(/^------ (.*) ------$/gm)].map((m) => m[1]);
    assert.deepEqual(titles, ['WORKLOAD INFO', 'SERVICE INFO', 'POLICY INFO', 'SECRET INFO', 'CONNECTIONS INFO']);
  });
});
