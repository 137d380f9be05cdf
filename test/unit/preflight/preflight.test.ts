// The pre-flight rules over hand-written objects of real shapes (Kubernetes 1.35 pods and
// NetworkPolicies, Istio 1.28 AuthorizationPolicy security.istio.io/v1 and istio-cni annotations).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '../../../src/kube/types';
import { evaluatePreflight, needsAttention, preflightLogLines, type PreflightInput } from '../../../src/mesh/preflight';
import type { GatewayObject } from '../../../src/mesh/waypoints';
import { allowWebOnly, authorizationPolicy, networkPolicy, pod } from './fixtures';

const shop = { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } };
const ops = { name: 'ops', labels: { 'kubernetes.io/metadata.name': 'ops', team: 'ops' } };
const agents = [
  { name: 'ztunnel-a', node: 'node-1', ready: true },
  { name: 'ztunnel-b', node: 'node-2', ready: true },
];
const myApp = () => pod('shop', 'my-app-7d9c8b6f5-x2x4z', { labels: { 'app.kubernetes.io/name': 'my-app' }, ports: [{ name: 'http', containerPort: 8080 }], readinessPort: 'http' });
const curl = () => pod('shop', 'curl-6f7c9d8b4-abcde', { labels: { app: 'curl' }, ip: '10.244.2.7' });
/** Captured already (ops is in ambient): it will send HBONE to shop once shop is enrolled. */
const opsCurl = () => pod('ops', 'curl-5c4d3b2a1-zzzzz', { labels: { app: 'curl' }, ip: '10.244.3.9', annotations: { 'ambient.istio.io/redirection': 'enabled' } });

function run(overrides: Partial<PreflightInput> & { pods: V1Pod[] }) {
  return evaluatePreflight({
    context: 'cluster-1',
    namespace: shop,
    namespaces: [shop, ops],
    cniPods: agents,
    ztunnelPods: agents,
    ...overrides,
    sourcePods: overrides.sourcePods ?? [...overrides.pods, opsCurl()],
  });
}

function ids(report: ReturnType<typeof run>) {
  return report.findings.map((f) => f.id);
}

describe('pre-flight: a namespace with nothing in the way', () => {
  it('has no findings and says so in one log line', () => {
    const report = run({ pods: [myApp(), curl()], networkPolicies: [], authorizationPolicies: [], gateways: [] });
    assert.deepEqual(report.findings, []);
    assert.equal(report.worst, undefined);
    assert.equal(needsAttention(report.worst), false);
    assert.deepEqual(preflightLogLines(report), ['preflight: shop (cluster-1): no findings: ready to enroll']);
  });
});

describe('pre-flight: NetworkPolicies and HBONE', () => {
  it('the istio.io example (8080 only) drops HBONE to my-app from every pod that reaches it today', () => {
    const report = run({ pods: [myApp(), curl()], networkPolicies: [allowWebOnly('shop')] });
    const finding = report.findings.find((f) => f.id === 'networkpolicy-hbone');
    assert.ok(finding, ids(report).join());
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.pods, ['shop/my-app-7d9c8b6f5-x2x4z']);
    assert.deepEqual(finding.objects, ['NetworkPolicy shop/my-app-allow-ingress-web']);
    assert.match(finding.why, /shop\/curl-6f7c9d8b4-abcde/);
    assert.match(finding.why, /ops\/curl-5c4d3b2a1-zzzzz/);
    assert.match(finding.docs, /^https:\/\/istio\.io\/.*networkpolicy/);
    assert.equal(needsAttention(report.worst), true);
  });

  it('the same policy with 15008 added (the istio.io fix) has no HBONE finding', () => {
    const fixed = networkPolicy('shop', 'my-app-allow-ingress-web', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'my-app' } },
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }, { port: 15008, protocol: 'TCP' }] }],
    });
    assert.ok(!ids(run({ pods: [myApp(), curl()], networkPolicies: [fixed] })).includes('networkpolicy-hbone'));
  });

  it('15008 admitted by a port range from the same namespaceSelector is enough', () => {
    const policy = networkPolicy('shop', 'from-ops', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 8080 }, { port: 15000, endPort: 15010 }] }],
    });
    assert.ok(!ids(run({ pods: [myApp()], networkPolicies: [policy] })).includes('networkpolicy-hbone'));
  });

  it('15008 admitted for another peer than the one reaching 8080 still drops that peer', () => {
    const policy = networkPolicy('shop', 'split', {
      podSelector: {},
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 8080 }] },
        { from: [{ podSelector: { matchLabels: { app: 'curl' } } }], ports: [{ port: 15008 }] },
      ],
    });
    const finding = run({ pods: [myApp(), curl()], networkPolicies: [policy] }).findings.find((f) => f.id === 'networkpolicy-hbone');
    assert.ok(finding);
    assert.match(finding.why, /1 pod of the mesh \(ops\/curl-5c4d3b2a1-zzzzz\)/);
  });

  it('pods outside the mesh are not lost sources: they keep reaching the app port in plain text', () => {
    const plainOps = pod('ops', 'curl-5c4d3b2a1-zzzzz', { labels: { app: 'curl' }, ip: '10.244.3.9' });
    const fromOps = networkPolicy('shop', 'from-ops', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 8080 }] }] });
    assert.ok(!ids(run({ pods: [myApp()], sourcePods: [myApp(), plainOps], networkPolicies: [fromOps] })).includes('networkpolicy-hbone'));
    const sidecarOps = pod('ops', 'curl-5c4d3b2a1-zzzzz', { labels: { app: 'curl' }, ip: '10.244.3.9', annotations: { 'sidecar.istio.io/status': '{}' } });
    assert.ok(ids(run({ pods: [myApp()], sourcePods: [myApp(), sidecarOps], networkPolicies: [fromOps] })).includes('networkpolicy-hbone'), 'a sidecar sends HBONE to ambient pods');
  });

  it('an ipBlock over the pod network on all ports admits HBONE; one with the source excepted does not', () => {
    const open = networkPolicy('shop', 'pod-cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }] });
    assert.ok(!ids(run({ pods: [myApp()], networkPolicies: [open] })).includes('networkpolicy-hbone'));
  });

  it('a default-deny policy lets nothing reach the pods today, so enrolling loses no traffic', () => {
    const deny = networkPolicy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
    assert.ok(!ids(run({ pods: [myApp(), curl()], networkPolicies: [deny] })).includes('networkpolicy-hbone'));
  });

  it('flags probes that the policy does not admit from 169.254.7.127, with the named probe port resolved', () => {
    const report = run({ pods: [myApp()], networkPolicies: [allowWebOnly('shop')] });
    assert.ok(!ids(report).includes('networkpolicy-probes'), 'the 8080 rule has no from: the probe source is admitted');
    const fromPods = networkPolicy('shop', 'pods-only', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080 }, { port: 15008 }] }] });
    const blocked = run({ pods: [myApp()], networkPolicies: [fromPods] }).findings.find((f) => f.id === 'networkpolicy-probes');
    assert.ok(blocked);
    assert.match(blocked.why, /shop\/my-app-7d9c8b6f5-x2x4z: 8080/);
    const withProbe = networkPolicy('shop', 'pods-only', {
      podSelector: {},
      ingress: [{ from: [{ podSelector: {} }, { ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ port: 'http' }, { port: 15008 }] }],
    });
    assert.ok(!ids(run({ pods: [myApp()], networkPolicies: [withProbe] })).includes('networkpolicy-probes'));
  });

  it('pods that will not be captured (host network, opted out) are not judged for HBONE', () => {
    const host = pod('shop', 'agent-abcde', { hostNetwork: true, labels: { 'app.kubernetes.io/name': 'my-app' } });
    const optOut = pod('shop', 'legacy-1-a', { labels: { 'app.kubernetes.io/name': 'my-app', 'istio.io/dataplane-mode': 'none' } });
    const report = run({ pods: [host, optOut, curl()], networkPolicies: [allowWebOnly('shop')] });
    assert.ok(!ids(report).includes('networkpolicy-hbone'));
  });
});

describe('pre-flight: egress NetworkPolicies of the senders', () => {
  const opsEgress = (ports: { port: number; protocol?: string; endPort?: number }[]) =>
    networkPolicy('ops', 'egress-to-shop', {
      podSelector: { matchLabels: { app: 'curl' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }], ports }],
    });

  it("a captured sender whose namespace's egress admits 8080 but not 15008 loses my-app once shop is enrolled", () => {
    const report = run({ pods: [myApp()], networkPolicies: [opsEgress([{ port: 8080, protocol: 'TCP' }])] });
    const f = report.findings.find((x) => x.id === 'networkpolicy-egress-hbone');
    assert.ok(f, ids(report).join());
    assert.deepEqual(f.pods, ['shop/my-app-7d9c8b6f5-x2x4z']);
    assert.deepEqual(f.objects, ['NetworkPolicy ops/egress-to-shop']);
    assert.match(f.why, /^ops\/curl-5c4d3b2a1-zzzzz may send/);
    assert.ok(!ids(report).includes('networkpolicy-hbone'), 'shop itself has no ingress policy');
  });

  it('the same egress rule with 15008 added (or a range over it) is fine; an egress rule to another namespace does not count', () => {
    assert.ok(!ids(run({ pods: [myApp()], networkPolicies: [opsEgress([{ port: 8080 }, { port: 15008 }])] })).includes('networkpolicy-egress-hbone'));
    assert.ok(!ids(run({ pods: [myApp()], networkPolicies: [opsEgress([{ port: 8000, endPort: 16000 }])] })).includes('networkpolicy-egress-hbone'));
    const elsewhere = networkPolicy('ops', 'egress-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    assert.ok(!ids(run({ pods: [myApp()], networkPolicies: [elsewhere] })).includes('networkpolicy-egress-hbone'), 'ops cannot reach shop today: nothing is lost');
  });
});

describe('pre-flight: sidecars, host network, opted out', () => {
  it('a namespace with istio-injection=enabled is an error: the sidecar wins', () => {
    const report = run({ pods: [myApp()], namespace: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
    const f = report.findings.find((x) => x.id === 'sidecar-injection');
    assert.equal(f?.severity, 'error');
    assert.match(f!.fix, /istio-injection-/);
  });

  it('pods carrying a sidecar, or asking for one, need a restart without it', () => {
    const injected = pod('shop', 'reviews-1-a', { annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' } });
    const asks = pod('shop', 'ratings-1-a', { labels: { app: 'ratings', 'sidecar.istio.io/inject': 'true' } });
    const f = run({ pods: [injected, asks, curl()] }).findings.find((x) => x.id === 'sidecar-pods');
    assert.deepEqual(f?.pods, ['shop/reviews-1-a', 'shop/ratings-1-a']);
  });

  it('host-network pods are a warning, opted-out pods are information', () => {
    const report = run({ pods: [pod('shop', 'agent-abcde', { hostNetwork: true }), pod('shop', 'legacy-1-a', { labels: { 'istio.io/dataplane-mode': 'none' } })] });
    assert.equal(report.findings.find((f) => f.id === 'host-network')?.severity, 'warning');
    assert.deepEqual(report.findings.find((f) => f.id === 'opted-out')?.pods, ['shop/legacy-1-a']);
  });
});

describe('pre-flight: AuthorizationPolicies that will land on ztunnel', () => {
  const httpOnly = { rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }] };

  it('an ALLOW with only HTTP rules denies everything to the pods it selects', () => {
    const policy = authorizationPolicy('shop', 'allow-get', { selector: { matchLabels: { 'app.kubernetes.io/name': 'my-app' } }, action: 'ALLOW', ...httpOnly });
    const f = run({ pods: [myApp(), curl()], authorizationPolicies: [policy] }).findings.find((x) => x.id === 'authz-l7-allow');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.pods, ['shop/my-app-7d9c8b6f5-x2x4z']);
    assert.match(f!.why, /all traffic to these pods is rejected/);
    assert.match(f!.why, /operation\.methods, operation\.paths/);
  });

  it('an ALLOW with L4 rules only (principals, ports) is fine', () => {
    const policy = authorizationPolicy('shop', 'allow-curl', {
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/curl'] } }], to: [{ operation: { ports: ['8080'] } }], when: [{ key: 'source.namespace', values: ['shop'] }] }],
    });
    assert.deepEqual(run({ pods: [myApp()], authorizationPolicies: [policy] }).findings, []);
  });

  it('a DENY with HTTP rules has no effect; a when on request.headers is HTTP too', () => {
    const policy = authorizationPolicy('shop', 'deny-admin', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[x-admin]', values: ['1'] }] }] });
    const f = run({ pods: [myApp()], authorizationPolicies: [policy] }).findings.find((x) => x.id === 'authz-l7-deny');
    assert.equal(f?.severity, 'warning');
    assert.match(f!.why, /request\.headers\[x-admin\]/);
  });

  it('a root-namespace policy applies mesh-wide; a selector matching no pod here is ignored', () => {
    const mesh = authorizationPolicy('istio-system', 'mesh-allow-get', { action: 'ALLOW', ...httpOnly });
    assert.ok(ids(run({ pods: [myApp()], authorizationPolicies: [mesh] })).includes('authz-l7-allow'));
    const elsewhere = authorizationPolicy('shop', 'db-only', { selector: { matchLabels: { app: 'db' } }, ...httpOnly });
    assert.ok(!ids(run({ pods: [myApp()], authorizationPolicies: [elsewhere] })).includes('authz-l7-allow'));
  });

  it('a policy with targetRefs to a missing waypoint is enforced nowhere; an existing one is fine', () => {
    const policy = authorizationPolicy('shop', 'waypoint-get', {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
      action: 'ALLOW',
      ...httpOnly,
    });
    const missing = run({ pods: [myApp()], authorizationPolicies: [policy], gateways: [] }).findings.find((x) => x.id === 'authz-missing-waypoint');
    assert.equal(missing?.severity, 'error');
    assert.match(missing!.title, /shop\/waypoint/);
    const present = run({ pods: [myApp()], authorizationPolicies: [policy], gateways: [{ metadata: { name: 'waypoint', namespace: 'shop' } }] });
    assert.deepEqual(present.findings, []);
  });
});

describe('pre-flight: nodes, pending pods, init containers', () => {
  it('pods on a node whose istio-cni or ztunnel is not ready are named with the node', () => {
    const onTwo = pod('shop', 'web-1-b', { node: 'node-2' });
    const report = run({
      pods: [myApp(), onTwo],
      cniPods: [
        { name: 'istio-cni-node-a', node: 'node-1', ready: true },
        { name: 'istio-cni-node-b', node: 'node-2', ready: false },
      ],
      ztunnelPods: [{ name: 'ztunnel-a', node: 'node-1', ready: true }],
    });
    const cni = report.findings.find((f) => f.id === 'cni-not-ready');
    assert.deepEqual(cni?.pods, ['shop/web-1-b']);
    assert.match(cni!.title, /node-2/);
    assert.deepEqual(report.findings.find((f) => f.id === 'ztunnel-not-ready')?.pods, ['shop/web-1-b']);
  });

  it('pods already pending are an error', () => {
    const stuck = pod('shop', 'web-1-c', { annotations: { 'ambient.istio.io/redirection': 'pending' } });
    assert.equal(run({ pods: [stuck] }).findings.find((f) => f.id === 'pods-pending')?.severity, 'error');
  });

  it('init containers are flagged, native sidecars (restartPolicy Always) are not', () => {
    const withInit = pod('shop', 'migrate-1-a', { initContainers: [{ name: 'wait-for-db' }, { name: 'log-shipper', restartPolicy: 'Always' }] });
    const f = run({ pods: [withInit] }).findings.find((x) => x.id === 'init-containers');
    assert.deepEqual(f?.objects, ['shop/migrate-1-a (wait-for-db)']);
    const nativeOnly = pod('shop', 'web-1-d', { initContainers: [{ name: 'log-shipper', restartPolicy: 'Always' }] });
    assert.ok(!ids(run({ pods: [nativeOnly] })).includes('init-containers'));
  });

  it('finished pods are not judged', () => {
    const done = pod('shop', 'job-abcde', { phase: 'Succeeded', hostNetwork: true });
    assert.deepEqual(run({ pods: [done] }).findings, []);
  });

  it('what could not be read is a warning, not a silent pass', () => {
    const report = run({ pods: [myApp()], errors: { 'NetworkPolicies': 'networkpolicies.networking.k8s.io is forbidden: User "dev" cannot list' } });
    assert.equal(report.findings[0].id, 'unreadable');
    assert.match(report.findings[0].why, /forbidden/);
  });

  it('findings are ordered worst first, one log line each with the pods', () => {
    const report = run({ pods: [myApp(), curl(), pod('shop', 'agent-abcde', { hostNetwork: true })], networkPolicies: [allowWebOnly('shop')] });
    assert.deepEqual(ids(report), ['networkpolicy-hbone', 'host-network']);
    assert.deepEqual(preflightLogLines(report), [
      'preflight: shop (cluster-1): error: NetworkPolicy drops HBONE (TCP 15008) to 1 pod [shop/my-app-7d9c8b6f5-x2x4z]',
      'preflight: shop (cluster-1): warning: 1 pod uses the host network [shop/agent-abcde]',
    ]);
  });
});

describe('pre-flight: waypoint bindings', () => {
  // A waypoint Gateway as `istioctl waypoint apply -n shop` writes it, programmed by istiod (Istio 1.28).
  const waypointGateway = (name: string, waypointFor?: string): GatewayObject => ({
    metadata: { name, namespace: 'shop', labels: waypointFor ? { 'istio.io/waypoint-for': waypointFor } : ({} as Record<string, string>) },
    spec: { gatewayClassName: 'istio-waypoint' },
    status: { conditions: [{ type: 'Programmed', status: 'True', reason: 'Programmed', message: 'Resource programmed' }] },
  });
  const labelled = { ...shop, labels: { ...shop.labels, 'istio.io/use-waypoint': 'waypiont' } };

  it('a namespace label naming a waypoint that does not exist is a warning with the likely name', () => {
    const report = run({ namespace: labelled, pods: [myApp()], gateways: [waypointGateway('waypoint')] });
    const finding = report.findings.find((f) => f.id === 'waypoint-binding');
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding!.title, 'Waypoint shop/waypiont, used by namespace shop, does not exist: that traffic goes through no waypoint. Did you mean waypoint?');
    assert.ok(needsAttention(report.worst), "Enroll's confirmation shows it");
  });

  it('pods bound to a service-only waypoint are listed in one finding; the right name, or #none, gives none', () => {
    const bound = (name: string) => pod('shop', name, { labels: { app: 'api', 'istio.io/use-waypoint': 'waypoint' } });
    const report = run({ pods: [bound('api-1'), bound('api-2'), myApp()], gateways: [waypointGateway('waypoint')] });
    const findings = report.findings.filter((f) => f.id === 'waypoint-binding');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.pods, ['shop/api-1', 'shop/api-2']);
    assert.match(findings[0]!.title, /used by 2 pods \(shop\/api-1, shop\/api-2\), serves service traffic only/);
    const fine = run({ pods: [bound('api-1')], gateways: [waypointGateway('waypoint', 'all')] });
    assert.deepEqual(fine.findings, []);
    const optedOut = run({ namespace: { ...shop, labels: { ...shop.labels, 'istio.io/use-waypoint': '#none' } }, pods: [myApp()], gateways: [] });
    assert.deepEqual(optedOut.findings, []);
  });

  it('says nothing about bindings when the Gateways could not be read', () => {
    const report = run({ namespace: labelled, pods: [myApp()], gateways: undefined });
    assert.equal(report.findings.filter((f) => f.id === 'waypoint-binding').length, 0);
  });
});
