import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceFacts, PodFacts } from '../../../src/mesh/dataplane';
import {
  captureCheck,
  cniCheck,
  conflictCheck,
  consistencyCheck,
  describeXds,
  evaluateHealth,
  fixAt,
  istiodCheck,
  lastXdsSignal,
  worstOf,
  xdsCheck,
  xdsStatus,
  ztunnelCheck,
  type HealthInput,
} from '../../../src/mesh/health';
import type { MeshSummary } from '../../../src/mesh/meshSummary';
import { parseZtunnelLine } from '../../../src/logs/parser';

const healthySummary: MeshSummary = {
  istiod: [{ name: 'istiod', version: '1.28.0', ready: 1, desired: 1 }],
  ztunnel: { ready: 2, desired: 2 },
  cni: { ready: 2, desired: 2 },
  trustDomain: 'cluster.local',
  trustDomainConfigured: false,
};
const nodes = [
  { name: 'worker-1', schedulable: true },
  { name: 'worker-2', schedulable: true },
];
const ztunnelPods = [
  { name: 'ztunnel-aaaaa', node: 'worker-1', ready: true, phase: 'Running' },
  { name: 'ztunnel-bbbbb', node: 'worker-2', ready: true, phase: 'Running' },
];

// ztunnel's plain log format (tab-separated), as `kubectl logs ds/ztunnel` prints it.
const streamEstablished = '2026-11-22T03:00:00.100000Z\tinfo\txds::client:xds{id=1}\tStream established';
const receivedResponse = '2026-11-22T03:00:00.200000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=12 removes=0';
const xdsError =
  '2026-11-22T03:05:00.000000Z\twarn\txds::client:xds{id=2}\tXDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unknown, message: "client error (Connect)", source: tcp connect error: Connection refused (os error 111), retrying in 100ms';
const accessLine = '2026-11-22T03:06:00.000000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.11:40000 dst.addr=10.244.2.21:15008 direction="outbound"';
const parse = (lines: string[]) => lines.map(parseZtunnelLine);

function ns(name: string, labels: Record<string, string> = {}): NamespaceFacts {
  return { name, labels, terminating: false };
}
function pod(namespace: string, name: string, extra: Partial<PodFacts> = {}): PodFacts {
  return { name, namespace, labels: {}, hasSidecar: false, hostNetwork: false, serviceAccount: 'default', ready: true, phase: 'Running', ...extra };
}
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

function input(extra: Partial<HealthInput> = {}): HealthInput {
  return {
    context: 'cluster-1',
    summary: healthySummary,
    nodes,
    ztunnelPods,
    cniPods: [
      { name: 'istio-cni-node-1', node: 'worker-1', ready: true },
      { name: 'istio-cni-node-2', node: 'worker-2', ready: true },
    ],
    xds: ztunnelPods.map((p) => ({ pod: p.name, node: p.node, entries: parse([streamEstablished, receivedResponse]) })),
    namespaces: [{ facts: ns('finance', AMBIENT), pods: [pod('finance', 'curl-1', { redirection: 'enabled' })] }],
    ...extra,
  };
}

describe('health checks of one context', () => {
  it('passes every check on a healthy ambient cluster', () => {
    const [report] = evaluateHealth([input()], ['finance']);
    assert.deepEqual(report.checks.map((c) => [c.id, c.status]), [
      ['istiod', 'pass'], ['ztunnel', 'pass'], ['cni', 'pass'], ['xds', 'pass'], ['capture', 'pass'], ['conflicts', 'pass'], ['consistency', 'pass'],
    ]);
    assert.equal(report.worst, 'pass');
  });

  it('fails istiod without a ready replica, and without any istiod', () => {
    assert.equal(istiodCheck(input({ summary: { ...healthySummary, istiod: [{ name: 'istiod', ready: 0, desired: 1 }] } })).status, 'fail');
    const none = istiodCheck(input({ summary: { ...healthySummary, istiod: [] } }));
    assert.equal(none.status, 'fail');
    assert.match(none.summary, /not installed/);
    assert.equal(istiodCheck(input({ summary: { ...healthySummary, istiod: [{ name: 'istiod', ready: 1, desired: 2 }] } })).status, 'warn');
  });

  it('fails ztunnel when a pod is not ready, naming the pod and its node', () => {
    const result = ztunnelCheck(
      input({
        summary: { ...healthySummary, ztunnel: { ready: 1, desired: 2 } },
        ztunnelPods: [ztunnelPods[0], { ...ztunnelPods[1], ready: false, phase: 'Pending' }],
      }),
    );
    assert.equal(result.status, 'fail');
    assert.ok(result.evidence.some((line) => line === 'ztunnel-bbbbb on worker-2 is not ready (Pending)'), result.evidence.join('\n'));
  });

  it('fails ztunnel when a schedulable node has no ztunnel pod, but not for a cordoned node', () => {
    const threeNodes = [...nodes, { name: 'worker-3', schedulable: true }];
    const missing = ztunnelCheck(input({ nodes: threeNodes }));
    assert.equal(missing.status, 'fail');
    assert.ok(missing.evidence.includes('no ztunnel pod on node worker-3'));
    assert.equal(ztunnelCheck(input({ nodes: [...nodes, { name: 'worker-3', schedulable: false }] })).status, 'pass');
  });

  it('fails when ambient is not installed (no ztunnel / istio-cni DaemonSet)', () => {
    const summary = { ...healthySummary, ztunnel: undefined, cni: undefined };
    assert.equal(ztunnelCheck(input({ summary })).status, 'fail');
    assert.equal(cniCheck(input({ summary })).status, 'fail');
  });

  it('fails XDS when a ztunnel last logged a connection error, quoting the line', () => {
    const result = xdsCheck(
      input({
        xds: [
          { pod: 'ztunnel-aaaaa', node: 'worker-1', entries: parse([streamEstablished, receivedResponse]) },
          { pod: 'ztunnel-bbbbb', node: 'worker-2', entries: parse([streamEstablished, xdsError, accessLine]) },
        ],
      }),
    );
    assert.equal(result.status, 'fail');
    assert.match(result.summary, /1 of 2/);
    assert.ok(result.evidence.some((line) => line.startsWith('ztunnel-bbbbb (worker-2): ') && line.includes('XDS client connection error')));
  });

  it('passes XDS again once a ztunnel re-established its stream after an error', () => {
    const entries = parse([xdsError, streamEstablished.replace('03:00:00.1', '03:06:00.1'), accessLine]);
    assert.equal(lastXdsSignal(entries)?.signal, 'connected');
    assert.equal(xdsCheck(input({ xds: [{ pod: 'ztunnel-aaaaa', entries }] })).status, 'pass');
  });

  it('says "not checked" (no verdict) when no ztunnel log says anything about XDS, and warns when only some are silent', () => {
    assert.equal(xdsCheck(input({ xds: [{ pod: 'ztunnel-aaaaa', entries: parse([accessLine]) }] })).status, 'unchecked');
    const forbidden = xdsCheck(input({ xds: [{ pod: 'ztunnel-aaaaa', entries: [], error: 'forbidden' }] }));
    assert.equal(forbidden.status, 'unchecked');
    assert.match(forbidden.summary, /^Not checked: .*forbidden/);
    const some = xdsCheck(input({ xds: [{ pod: 'ztunnel-aaaaa', entries: parse([accessLine]) }, { pod: 'ztunnel-bbbbb', entries: parse([streamEstablished, receivedResponse]) }] }));
    assert.equal(some.status, 'warn');
  });

  it('fails capture for ambient pods that istio-cni never captured, offering Restart Workloads for that namespace', () => {
    const result = captureCheck(
      input({
        namespaces: [
          { facts: ns('finance', AMBIENT), pods: [pod('finance', 'curl-1')] },
          { facts: ns('accounts', AMBIENT), pods: [pod('accounts', 'accounts-1', { redirection: 'enabled' })] },
          { facts: ns('default'), pods: [pod('default', 'web-1')] },
        ],
      }),
    );
    assert.equal(result.status, 'fail');
    assert.deepEqual(result.evidence, ['finance: 1 pod(s) not captured: curl-1']);
    assert.deepEqual(result.fixes, [{ title: 'Restart Workloads in finance', command: 'ambient.namespace.restartWorkloads', args: [{ context: 'cluster-1', namespace: 'finance' }] }]);
  });

  it('warns about pending pods (redirection set up, no ztunnel accepted them yet)', () => {
    const result = captureCheck(input({ namespaces: [{ facts: ns('finance', AMBIENT), pods: [pod('finance', 'curl-1', { redirection: 'pending' })] }] }));
    assert.equal(result.status, 'warn');
    assert.match(result.evidence[0], /pending/);
  });

  it('fails capture for a stale capture that only the ztunnel dump reveals', () => {
    const result = captureCheck(
      input({
        disagreements: [{ kind: 'stale-capture', severity: 'error', namespace: 'finance', pod: 'curl-1', message: 'finance/curl-1 is annotated as captured, but ztunnel lists it as TCP' }],
      }),
    );
    assert.equal(result.status, 'fail');
    assert.equal(result.fixes[0].command, 'ambient.namespace.restartWorkloads');
  });

  it('fails a namespace labelled both for sidecar injection and ambient; warns about leftover sidecar pods', () => {
    const conflict = conflictCheck(input({ namespaces: [{ facts: ns('finance', { ...AMBIENT, 'istio-injection': 'enabled' }), pods: [] }] }));
    assert.equal(conflict.status, 'fail');
    assert.match(conflict.evidence[0], /finance: .*istio-injection=enabled/);
    const leftovers = conflictCheck(input({ namespaces: [{ facts: ns('finance', AMBIENT), pods: [pod('finance', 'old-1', { hasSidecar: true })] }] }));
    assert.equal(leftovers.status, 'warn');
  });

  it('says "not checked: <reason>" (not warn, not pass) for a check whose data could not be read', () => {
    const result = captureCheck(input({ namespaces: undefined, errors: { namespaces: 'cluster-1: user "viewer" is not allowed to list pods (403 Forbidden)' } }));
    assert.equal(result.status, 'unchecked');
    assert.match(result.summary, /^Not checked: .*403 Forbidden\)\.$/);
  });
});

describe('multi-cluster consistency of the expected namespaces', () => {
  it('fails every report when a namespace is not enrolled on one context, offering Enroll only where it acts', () => {
    const checks = consistencyCheck(
      [
        { context: 'cluster-1', namespaces: [ns('finance', AMBIENT), ns('accounts', AMBIENT)] },
        { context: 'cluster-2', namespaces: [ns('finance', AMBIENT), ns('accounts')] },
      ],
      ['finance', 'accounts'],
    );
    for (const context of ['cluster-1', 'cluster-2']) {
      assert.equal(checks.get(context)?.status, 'fail', context);
      assert.match(checks.get(context)?.summary ?? '', /accounts is not enrolled on cluster-2/);
      assert.ok(checks.get(context)?.evidence.includes('accounts: ambient on cluster-1; not enrolled on cluster-2'));
    }
    assert.deepEqual(checks.get('cluster-1')?.fixes, []);
    assert.deepEqual(checks.get('cluster-2')?.fixes.map((f) => [f.command, f.args]), [['ambient.namespace.enroll', [{ context: 'cluster-2', namespace: 'accounts' }]]]);
  });

  it('fails every report, the complete one too, when a namespace ambient on one context is missing on another (issue 11)', () => {
    const seeds = ['finance', 'accounts', 'prometheus'];
    const checks = consistencyCheck(
      [
        { context: 'cluster-1', namespaces: seeds.map((n) => ns(n, AMBIENT)) },
        { context: 'cluster-2', namespaces: [ns('finance', AMBIENT), ns('accounts', AMBIENT)] },
      ],
      seeds,
    );
    assert.equal(checks.get('cluster-1')?.status, 'fail');
    assert.equal(checks.get('cluster-2')?.status, 'fail');
    assert.equal(checks.get('cluster-1')?.summary, 'The selected contexts differ: prometheus is missing on cluster-2.');
    assert.equal(checks.get('cluster-1')?.summary, checks.get('cluster-2')?.summary);
  });

  it('passes when every expected namespace is ambient on every context, and says so in every report', () => {
    const both = [ns('finance', AMBIENT), ns('accounts', AMBIENT)];
    const checks = consistencyCheck([{ context: 'c1', namespaces: both }, { context: 'c2', namespaces: both }], ['finance', 'accounts', 'prometheus']);
    assert.equal(checks.get('c1')?.status, 'pass');
    assert.equal(checks.get('c2')?.status, 'pass');
    assert.equal(checks.get('c2')?.summary, 'finance, accounts are enrolled on all 2 selected contexts.');
    assert.ok(checks.get('c2')?.evidence.includes('prometheus: does not exist on any selected context'));
  });

  it('gives the same verdict whatever the order of the contexts', () => {
    const a = { context: 'a', namespaces: [ns('finance', AMBIENT)] };
    const b = { context: 'b', namespaces: [ns('finance')] };
    const c = { context: 'c', namespaces: [] };
    const one = consistencyCheck([a, b, c], ['finance']);
    const other = consistencyCheck([c, b, a], ['finance']);
    for (const context of ['a', 'b', 'c']) {
      assert.equal(one.get(context)?.status, 'fail');
      assert.equal(one.get(context)?.summary, other.get(context)?.summary);
    }
  });

  it('names a context whose namespaces could not be read as not checked, in its own report and in the others', () => {
    const checks = consistencyCheck(
      [
        { context: 'cluster-1', namespaces: [ns('finance', AMBIENT)] },
        { context: 'cluster-3', unreadable: 'Cannot reach the API server of cluster-3.' },
      ],
      ['finance'],
    );
    assert.equal(checks.get('cluster-3')?.status, 'unchecked');
    assert.equal(checks.get('cluster-3')?.summary, 'Not checked: Cannot reach the API server of cluster-3.');
    assert.equal(checks.get('cluster-1')?.status, 'unchecked');
    assert.ok(checks.get('cluster-1')?.evidence.includes('cluster-3: not checked: Cannot reach the API server of cluster-3'));
  });
});

describe('an unreachable cluster', () => {
  it('is one sentence, "not checked", with no checks under it, and leaves the other report its own verdicts', () => {
    const reports = evaluateHealth([input(), { context: 'cluster-3', unreachable: 'Cannot reach the API server of cluster-3.' }], ['finance']);
    const unreachable = reports[1];
    assert.equal(unreachable.worst, 'unchecked');
    assert.equal(unreachable.error, 'Not checked: Cannot reach the API server of cluster-3.');
    assert.deepEqual(unreachable.checks, []);
    assert.deepEqual(reports[0].checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]), [['consistency', 'unchecked']]);
    assert.equal(reports[0].worst, 'unchecked');
  });
});

describe('fixes addressed by their place in the report', () => {
  const reports = evaluateHealth(
    [
      input({ namespaces: [{ facts: ns('finance', AMBIENT), pods: [pod('finance', 'curl-1')] }] }),
      input({ context: 'cluster-2', namespaces: [{ facts: ns('finance'), pods: [] }] }),
    ],
    ['finance'],
  );
  it('finds the fix at report/check/fix and nothing else', () => {
    const capture = reports[0].checks.findIndex((c) => c.id === 'capture');
    assert.deepEqual(fixAt(reports, { report: 0, check: capture, fix: 0 }), {
      title: 'Restart Workloads in finance',
      command: 'ambient.namespace.restartWorkloads',
      args: [{ context: 'cluster-1', namespace: 'finance' }],
    });
    const consistency = reports[1].checks.findIndex((c) => c.id === 'consistency');
    assert.equal(fixAt(reports, { report: 1, check: consistency, fix: 0 })?.title, 'Enroll finance');
  });
  it('refuses addresses that are not in the report (out of range, negative, fractional, strings, objects)', () => {
    for (const address of [
      { report: 2, check: 0, fix: 0 },
      { report: -1, check: 0, fix: 0 },
      { report: 0, check: 0.5, fix: 0 },
      { report: '0', check: 4, fix: 0 },
      { report: 0, check: 0, fix: 0 },
      { report: 0, check: { toString: () => '4' }, fix: 0 },
    ]) {
      assert.equal(fixAt(reports, address), undefined, JSON.stringify(address));
    }
  });
});

describe('XDS status per ztunnel, from its log (istio/ztunnel 1.28.3 src/xds/client.rs)', () => {
  // Lines as ztunnel 1.28.3 writes them (tracing plain format; the span is `xds{id=N}`, one per connection).
  const lines = [
    '2026-11-22T03:00:00.100000Z\tinfo\txds::client:xds{id=1}\tStream established',
    '2026-11-22T03:00:00.200000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=12 removes=0',
    '2026-11-22T03:00:00.210000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.security.Authorization" size=0 removes=0',
    '2026-11-22T03:04:59.000000Z\twarn\txds::client:xds{id=1}\tXDS client complete',
    '2026-11-22T03:05:00.000000Z\twarn\txds::client:xds{id=2}\tXDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unavailable, message: "tcp connect error: Connection refused (os error 111)", retrying in 20ms',
    '2026-11-22T03:05:01.000000Z\tinfo\txds::client:xds{id=3}\tStream established',
    '2026-11-22T03:05:01.300000Z\tinfo\txds::client:xds{id=3}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=14 removes=1',
  ];
  it('tells connected since, the stream, the last response of each type, and the errors', () => {
    const status = xdsStatus({ pod: 'ztunnel-aaaaa', node: 'worker-1', entries: parse(lines) });
    assert.equal(status.state, 'connected');
    assert.equal(status.connectedSince, '2026-11-22T03:05:01.000000Z');
    assert.equal(status.stream, 3);
    assert.deepEqual(status.responses.map((r) => [r.type, r.time, r.size, r.removes]), [
      ['Address', '2026-11-22T03:05:01.300000Z', 14, 1],
      ['Authorization', '2026-11-22T03:00:00.210000Z', 0, 0],
    ]);
    assert.equal(status.errors, 1);
    assert.match(status.lastError?.text ?? '', /^warn XDS client connection error: .*Connection refused/);
    assert.equal(
      describeXds({ ...status, admin: { xdsAddress: 'https://istiod.istio-system.svc:15012', workloads: 9, services: 4 } }),
      'ztunnel-aaaaa (worker-1): connected since 2026-11-22 03:05:01 UTC (stream 3) · last Address 2026-11-22 03:05:01 UTC (14), Authorization 2026-11-22 03:00:00 UTC (0) · ' +
        // The last error, clipped to 160 characters: the full line is in the log.
        '1 error(s), last 2026-11-22 03:05:00 UTC: warn XDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unavailable, message: "tcp connect error: … · ' +
        'admin :15000: 9 workloads, 4 services from https://istiod.istio-system.svc:15012',
    );
  });
  it('is not connected after a connection error or an ended stream with no new stream, and the check fails', () => {
    assert.equal(xdsStatus({ pod: 'z', entries: parse(lines.slice(0, 5)) }).state, 'disconnected');
    assert.equal(xdsStatus({ pod: 'z', entries: parse(lines.slice(0, 4)) }).state, 'disconnected');
    assert.equal(xdsCheck(input({ xds: [{ pod: 'z', entries: parse(lines.slice(0, 5)) }] })).status, 'fail');
  });
  it('counts a response ztunnel rejected (NACK) and warns', () => {
    const nack = '2026-11-22T03:06:00.000000Z\terror\txds::client:xds{id=3}\tsending response\ttype_url="type.googleapis.com/istio.workload.Address" nonce="b7e1" type=Nack error="workload foo: invalid address"';
    const status = xdsStatus({ pod: 'z', entries: parse([...lines, nack]) });
    assert.equal(status.nacks, 1);
    assert.equal(status.errors, 2);
    assert.equal(xdsCheck(input({ xds: [{ pod: 'z', entries: parse([...lines, nack]) }] })).status, 'warn');
  });
  it('takes a response as proof of a stream opened before the log read', () => {
    const status = xdsStatus({ pod: 'z', entries: parse(lines.slice(6)) });
    assert.equal(status.state, 'connected');
    assert.equal(status.connectedSince, undefined);
    assert.match(describeXds(status), /connected \(since before the log read\) \(stream 3\)/);
  });
  it('puts each ztunnel\'s XDS status in the report', () => {
    const [report] = evaluateHealth([input({ xds: [{ pod: 'ztunnel-aaaaa', entries: parse(lines) }] })], ['finance']);
    assert.equal(report.xds?.[0].state, 'connected');
    assert.match(report.checks.find((c) => c.id === 'xds')?.evidence[0] ?? '', /^ztunnel-aaaaa: connected since 2026-11-22 03:05:01 UTC/);
  });
});

describe('worstOf', () => {
  it('orders fail over warn over pass', () => {
    assert.equal(worstOf(['pass', 'warn', 'pass']), 'warn');
    assert.equal(worstOf(['warn', 'fail', 'pass']), 'fail');
    assert.equal(worstOf([]), 'pass');
    assert.equal(worstOf(['pass', 'unchecked']), 'unchecked');
    assert.equal(worstOf(['unchecked', 'warn']), 'warn');
  });
});

describe('multi-cluster consistency beyond the expected namespaces', () => {
  it('holds any namespace that is ambient on one selected context to every other one', () => {
    const checks = consistencyCheck(
      [
        { context: 'east', namespaces: [ns('shop', AMBIENT), ns('default')] },
        { context: 'west', namespaces: [ns('shop'), ns('default')] },
      ],
      [],
    );
    assert.equal(checks.get('east')?.status, 'fail');
    assert.equal(checks.get('east')?.summary, 'The selected contexts differ: shop is not enrolled on west.');
    assert.deepEqual(checks.get('west')?.fixes.map((f) => f.title), ['Enroll shop']);
    assert.ok(!checks.get('east')?.evidence.some((e) => e.startsWith('default')));
  });

  it('expects no namespace by default: nothing ambient anywhere passes and says why, naming the setting', () => {
    const checks = consistencyCheck([{ context: 'east', namespaces: [ns('shop'), ns('default')] }, { context: 'west', namespaces: [ns('shop')] }]);
    assert.equal(checks.get('east')?.status, 'pass');
    assert.equal(checks.get('west')?.summary, 'No namespace is ambient on the selected contexts, and none is expected (ambient.health.expectedNamespaces).');
    assert.deepEqual(checks.get('west')?.fixes, []);
  });
});
