// What the kube layer puts on the wire, captured by a local HTTPS server: the rollout-restart patch must be
// byte-for-byte kubectl's, the label patch must touch only the labels it names, lists must paginate.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { defaultContainer, rfc3339 } from '../../../src/kube/clusterClient';
import { KubeError } from '../../../src/kube/errors';
import { createKubeClients } from '../../../src/kube/kubeClients';
import type { KubeClients, WorkloadKind } from '../../../src/kube/types';
import { sendJson, startFakeApiServer, tempDir, writeKubeconfig } from './fakeApiServer';
import type { FakeApiServer } from './fakeApiServer';

describe('requests on the wire', () => {
  let api: FakeApiServer;
  let clients: KubeClients;

  before(async () => {
    api = await startFakeApiServer(() => undefined);
    const file = writeKubeconfig(tempDir(), { context: 'cluster-1', server: api.url });
    clients = createKubeClients({ kubeconfigPaths: [file], watchFiles: false, pageSize: 2 });
  });
  after(async () => {
    clients.dispose();
    await api.close();
  });
  beforeEach(() => {
    api.requests.length = 0;
    api.respond = (req, res) => sendJson(res, 200, { kind: 'Object', apiVersion: 'v1', metadata: { name: req.path.split('/').pop() } });
  });

  const restartCases: [WorkloadKind, string][] = [
    ['Deployment', '/apis/apps/v1/namespaces/finance/deployments/curl'],
    ['StatefulSet', '/apis/apps/v1/namespaces/prometheus/statefulsets/prom'],
    ['DaemonSet', '/apis/apps/v1/namespaces/istio-system/daemonsets/ztunnel'],
  ];
  for (const [kind, expectedPath] of restartCases) {
    it(`restarts a ${kind} exactly as kubectl rollout restart does`, async () => {
      const [, , , , , namespace, , name] = expectedPath.split('/');
      const now = new Date('2026-11-03T10:20:30.456Z');
      await clients.client('cluster-1').restartWorkload(kind, namespace, name, { now });
      assert.deepEqual(
        api.requests.map((r) => `${r.method} ${r.path}`),
        [`GET ${expectedPath}`, `PATCH ${expectedPath}`],
        'reads the workload first, as kubectl does',
      );
      const req = api.requests[1];
      assert.equal(req.method, 'PATCH');
      assert.equal(req.path, expectedPath);
      assert.equal(req.headers['content-type'], 'application/strategic-merge-patch+json');
      assert.deepEqual([...req.query.entries()], [['fieldManager', 'kubectl-rollout']]);
      assert.deepEqual(JSON.parse(req.body), {
        spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-03T10:20:30Z' } } } },
      });
    });
  }

  it('picks the container kubectl would exec into when none is named', () => {
    const containers = [{ name: 'istio-proxy' }, { name: 'app' }];
    assert.equal(defaultContainer({ spec: { containers } }), 'istio-proxy');
    assert.equal(defaultContainer({ metadata: { annotations: { 'kubectl.kubernetes.io/default-container': 'app' } }, spec: { containers } }), 'app');
    assert.equal(defaultContainer({ metadata: { annotations: { 'kubectl.kubernetes.io/default-container': 'gone' } }, spec: { containers } }), 'istio-proxy');
  });

  it('writes restartedAt in RFC3339 without fractions, as Go does', () => {
    assert.equal(rfc3339(new Date('2026-01-02T03:04:05.999Z')), '2026-01-02T03:04:05Z');
  });

  it('refuses a second restart within the same second, as kubectl does, without patching', async () => {
    const now = new Date('2026-11-03T10:20:30.900Z');
    api.respond = (req, res) =>
      sendJson(res, 200, {
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: { name: 'curl', namespace: 'finance' },
        spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-03T10:20:30Z' } } } },
      });
    await assert.rejects(clients.client('cluster-1').restartWorkload('Deployment', 'finance', 'curl', { now }), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.reason, 'conflict');
      assert.equal(e.message, 'cluster-1: Deployment finance/curl was already restarted within the past second; wait a moment and restart again.');
      return true;
    });
    assert.deepEqual(
      api.requests.map((r) => r.method),
      ['GET'],
    );
  });

  it('waits for the next second instead of refusing when a restart was sent this very second (no explicit time)', async () => {
    api.respond = (req, res) => {
      if (req.method !== 'GET') return sendJson(res, 200, { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'curl', namespace: 'finance' } });
      // The workload was restarted in the current second, as a double click would do.
      const annotations = { 'kubectl.kubernetes.io/restartedAt': rfc3339(new Date()) };
      sendJson(res, 200, { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'curl', namespace: 'finance' }, spec: { template: { metadata: { annotations } } } });
    };
    const asked = Date.now();
    await clients.client('cluster-1').restartWorkload('Deployment', 'finance', 'curl');
    assert.deepEqual(api.requests.map((r) => r.method), ['GET', 'PATCH']);
    const sent = JSON.parse(api.requests[1].body).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    assert.ok(Date.parse(sent) > Math.floor(asked / 1000) * 1000, `restartedAt ${sent} is in a later second than ${new Date(asked).toISOString()}`);
  });

  it('sends dryRun=All for a dry-run restart', async () => {
    await clients.client('cluster-1').restartWorkload('Deployment', 'finance', 'curl', { dryRun: true });
    const query = api.requests[1].query;
    assert.equal(query.get('dryRun'), 'All');
    assert.equal(query.get('fieldManager'), 'kubectl-rollout');
  });

  it('merge-patches only the named namespace labels, removing with null', async () => {
    await clients.client('cluster-1').patchNamespaceLabels('finance', { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': null });
    const req = api.requests[0];
    assert.equal(req.method, 'PATCH');
    assert.equal(req.path, '/api/v1/namespaces/finance');
    assert.equal(req.headers['content-type'], 'application/merge-patch+json');
    assert.equal(req.query.get('dryRun'), null);
    assert.deepEqual(JSON.parse(req.body), { metadata: { labels: { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': null } } });
  });

  it('sends dryRun=All for a dry-run label change', async () => {
    await clients.client('cluster-1').patchNamespaceLabels('finance', { a: 'b' }, { dryRun: true });
    assert.equal(api.requests[0].query.get('dryRun'), 'All');
  });

  it('follows continue tokens until the list is complete', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    api.respond = (req, res) => {
      const start = Number(req.query.get('continue') ?? '0');
      const limit = Number(req.query.get('limit'));
      const items = all.slice(start, start + limit).map((name) => ({ metadata: { name, namespace: 'finance' } }));
      const next = start + limit < all.length ? String(start + limit) : undefined;
      sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7', ...(next ? { continue: next } : {}) }, items });
    };
    const pods = await clients.client('cluster-1').listPods('finance', { labelSelector: 'app=curl' });
    assert.deepEqual(
      pods.map((p) => p.metadata?.name),
      all,
    );
    assert.deepEqual(
      api.requests.map((r) => [r.path, r.query.get('limit'), r.query.get('continue'), r.query.get('labelSelector')]),
      [
        ['/api/v1/namespaces/finance/pods', '2', null, 'app=curl'],
        ['/api/v1/namespaces/finance/pods', '2', '2', 'app=curl'],
        ['/api/v1/namespaces/finance/pods', '2', '4', 'app=curl'],
      ],
    );
  });

  it('reuses TLS connections within a context instead of a handshake per request', async () => {
    api.respond = (_req, res) => sendJson(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] });
    const fresh = createKubeClients({ kubeconfigPaths: [writeKubeconfig(tempDir(), { context: 'pooled', server: api.url })], watchFiles: false });
    try {
      const before = api.tlsConnections;
      for (let i = 0; i < 10; i++) await fresh.client('pooled').listNamespaces();
      assert.equal(api.requests.length, 10);
      // client-node alone would make 10 handshakes; undici may open a second connection while the first is released.
      assert.ok(api.tlsConnections - before <= 2, `${api.tlsConnections - before} TLS connections for 10 requests`);
    } finally {
      fresh.dispose();
    }
  });

  it('lists across all namespaces when no namespace is given', async () => {
    api.respond = (_req, res) => sendJson(res, 200, { kind: 'List', apiVersion: 'v1', metadata: {}, items: [] });
    const client = clients.client('cluster-1');
    await client.listPods();
    await client.listDeployments();
    await client.listServiceAccounts(undefined);
    await client.listNodes();
    assert.deepEqual(
      api.requests.map((r) => r.path),
      ['/api/v1/pods', '/apis/apps/v1/deployments', '/api/v1/serviceaccounts', '/api/v1/nodes'],
    );
  });
});
