import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceFacts, PodFacts } from '../../../src/mesh/dataplane';
import {
  captureCheck,
  cniCheck,
  conflictCheck,
  consistencyCheck,
  evaluateHealth,
  istiodCheck,
  lastXdsSignal,
  worstOf,
  xdsCheck,
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

  it('warns when a ztunnel log says nothing about XDS, or could not be read', () => {
    assert.equal(xdsCheck(input({ xds: [{ pod: 'ztunnel-aaaaa', entries: parse([accessLine]) }] })).status, 'warn');
    assert.equal(xdsCheck(input({ xds: [{ pod: 'ztunnel-aaaaa', entries: [], error: 'forbidden' }] })).status, 'warn');
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

  it('warns (does not pass or fail) a check whose data could not be read', () => {
    const result = captureCheck(input({ namespaces: undefined, errors: { namespaces: 'cluster-1: user "viewer" is not allowed to list pods (403 Forbidden)' } }));
    assert.equal(result.status, 'warn');
    assert.match(result.summary, /Could not check: .*403/);
  });
});

describe('multi-cluster consistency of the expected namespaces', () => {
  it('fails a context where an expected namespace exists but is not ambient, offering Enroll there', () => {
    const checks = consistencyCheck(
      [
        { context: 'cluster-1', namespaces: [ns('finance', AMBIENT), ns('accounts', AMBIENT)] },
        { context: 'cluster-2', namespaces: [ns('finance', AMBIENT), ns('accounts')] },
      ],
      ['finance', 'accounts'],
    );
    assert.equal(checks.get('cluster-1')?.status, 'pass');
    const second = checks.get('cluster-2');
    assert.equal(second?.status, 'fail');
    assert.ok(second?.evidence.includes('accounts: not enrolled (ambient on cluster-1)'));
    assert.deepEqual(second?.fixes.map((f) => [f.command, f.args]), [['ambient.namespace.enroll', [{ context: 'cluster-2', namespace: 'accounts' }]]]);
    assert.doesNotMatch(checks.get('cluster-1')?.summary ?? '', /all 2/);
  });

  it('passes when every expected namespace is ambient on every context, and says so', () => {
    const both = [ns('finance', AMBIENT), ns('accounts', AMBIENT)];
    const checks = consistencyCheck([{ context: 'c1', namespaces: both }, { context: 'c2', namespaces: both }], ['finance', 'accounts', 'prometheus']);
    assert.equal(checks.get('c2')?.status, 'pass');
    assert.match(checks.get('c2')?.summary ?? '', /finance, accounts enrolled here and on all 2 selected contexts/);
  });

  it('only warns when a namespace ambient elsewhere is missing here (nothing to enroll)', () => {
    const checks = consistencyCheck([{ context: 'c1', namespaces: [ns('finance', AMBIENT)] }, { context: 'c2', namespaces: [] }], ['finance']);
    assert.equal(checks.get('c2')?.status, 'warn');
  });
});

describe('worstOf', () => {
  it('orders fail over warn over pass', () => {
    assert.equal(worstOf(['pass', 'warn', 'pass']), 'warn');
    assert.equal(worstOf(['warn', 'fail', 'pass']), 'fail');
    assert.equal(worstOf([]), 'pass');
  });
});
