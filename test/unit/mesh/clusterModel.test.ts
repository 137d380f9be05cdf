import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterClient, WatchCallbacks, WatchedResource } from '../../../src/kube/types';
import { ClusterModel } from '../../../src/mesh/clusterModel';
import type { ClusterChange } from '../../../src/mesh/clusterModel';
import { redrawPlan } from '../../../src/views/redrawPlan';
import { captured, daemonSet, istiod, namespace, pod } from './fixtures';

/** A ClusterClient whose lists and watches the test drives by hand. */
class FakeClient {
  readonly context = 'cluster-1';
  readonly watches: { resource: WatchedResource; namespace?: string; callbacks: WatchCallbacks<unknown>; stopped: boolean }[] = [];
  listFailure?: Error;

  watch<T>(resource: WatchedResource, namespace: string | undefined, _options: object, callbacks: WatchCallbacks<T>) {
    const entry = { resource, namespace, callbacks: callbacks as WatchCallbacks<unknown>, stopped: false };
    this.watches.push(entry);
    return { stop: () => void (entry.stopped = true) };
  }

  active(resource: WatchedResource, namespace?: string) {
    const found = this.watches.filter((w) => w.resource === resource && w.namespace === namespace && !w.stopped);
    assert.equal(found.length, 1, `one active ${resource} watch`);
    return found[0].callbacks;
  }

  async listNamespaces() {
    if (this.listFailure) throw this.listFailure;
    return [namespace('finance'), namespace('legacy', { 'istio.io/dataplane-mode': 'ambient' })];
  }
  async listDeployments() {
    return [istiod('docker.io/istio/pilot:1.28.3')];
  }
  async listDaemonSets() {
    return [daemonSet('ztunnel', 3, 3), daemonSet('istio-cni-node', 3, 3)];
  }
  async readConfigMap() {
    return { data: { mesh: 'trustDomain: corp.example' } };
  }
}

function setup() {
  const fake = new FakeClient();
  const model = new ClusterModel(fake as unknown as ClusterClient, { isSystemNamespace: (n) => n === 'kube-system' });
  const changes: ClusterChange[] = [];
  model.onDidChange((c) => changes.push(c));
  return { fake, model, changes };
}

async function startSynced(fake: FakeClient, model: ClusterModel) {
  const started = model.start();
  fake.active('namespaces').onSync([namespace('finance'), namespace('legacy', { 'istio.io/dataplane-mode': 'ambient' }), namespace('kube-system')]);
  fake.active('pods').onSync([
    pod('ledger', { namespace: 'finance' }),
    captured('app-1', { namespace: 'legacy' }),
    pod('app-2', { namespace: 'legacy' }),
    pod('batch', { namespace: 'legacy', labels: { 'istio.io/dataplane-mode': 'none' } }),
  ]);
  await started;
}

describe('cluster model', () => {
  it('loads a summary of a collapsed context without starting any watch', async () => {
    const { fake, model } = setup();
    await model.loadSummary();
    assert.equal(fake.watches.length, 0);
    assert.equal(model.summary?.istiod[0].version, '1.28.3');
    assert.equal(model.summary?.trustDomain, 'corp.example');
    assert.deepEqual(model.namespaceCounts, { ambient: 1, total: 2 });
  });

  it('reports an unreachable cluster as a problem, without throwing', async () => {
    const { fake, model } = setup();
    fake.listFailure = Object.assign(new Error('Cannot reach cluster-1 (connection refused).'), { reason: 'unreachable' });
    await model.loadSummary();
    assert.equal(model.status, 'error');
    assert.equal(model.problem?.reason, 'unreachable');
    assert.equal(model.problem?.sentence, 'Cannot reach cluster-1 (connection refused).');
  });

  it('is ready once namespaces and pods are listed, with capture progress per namespace', async () => {
    const { fake, model } = setup();
    await startSynced(fake, model);
    assert.equal(model.status, 'ready');
    assert.deepEqual(model.namespaceEntries().map((e) => e.name), ['finance', 'kube-system', 'legacy']);
    const legacy = model.namespaceEntry('legacy')!;
    assert.equal(legacy.badge.description, 'ambient · 1/2 captured');
    assert.equal(legacy.progress.counts.optedOut, 1);
    assert.equal(model.namespaceEntry('finance')!.badge.description, '');
    assert.equal(model.namespaceEntry('kube-system')!.system, true);
  });

  it('a label change arriving by watch updates the namespace row and says which namespace changed', async () => {
    const { fake, model, changes } = setup();
    await startSynced(fake, model);
    changes.length = 0;
    fake.active('namespaces').onEvent({ type: 'MODIFIED', object: namespace('finance', { 'istio.io/use-waypoint': 'finance-wp' }) });
    assert.deepEqual(changes, [{ context: 'cluster-1', scope: 'namespaces', namespaces: ['finance'], labelsChanged: true }]);
    assert.equal(model.namespaceEntry('finance')!.badge.description, 'waypoint finance-wp');
    // Only the row changed: the context's "n ambient" stays, so the tree redraws one row.
    assert.deepEqual([...redrawPlan(changes, false).rows.get('cluster-1')!], ['finance']);
    assert.deepEqual([...redrawPlan(changes, false).contexts], []);
  });

  it('enrolling a namespace by watch redraws its context row too: its summary counts the ambient namespaces', async () => {
    const { fake, model, changes } = setup();
    await startSynced(fake, model);
    changes.length = 0;
    fake.active('namespaces').onEvent({ type: 'MODIFIED', object: namespace('finance', { 'istio.io/dataplane-mode': 'ambient' }) });
    assert.equal(model.namespaceEntry('finance')!.badge.description, 'ambient · 0/1 captured');
    assert.deepEqual(model.namespaceCounts, { ambient: 2, total: 2 });
    // The demo's stale "· 1 ambient" after enrolling from the tree: only the row was redrawn.
    assert.deepEqual([...redrawPlan(changes, false).contexts], ['cluster-1'], 'the context row (and the rows under it) redrawn');
    changes.length = 0;
    fake.active('namespaces').onEvent({ type: 'MODIFIED', object: namespace('finance') });
    assert.deepEqual(model.namespaceCounts, { ambient: 1, total: 2 });
    assert.deepEqual([...redrawPlan(changes, false).contexts], ['cluster-1'], 'and again when it leaves');
  });

  it('a pod annotated by istio-cni moves the namespace to fully captured', async () => {
    const { fake, model } = setup();
    await startSynced(fake, model);
    fake.active('pods').onEvent({ type: 'MODIFIED', object: captured('app-2', { namespace: 'legacy' }) });
    assert.equal(model.namespaceEntry('legacy')!.badge.description, 'ambient · 2/2 captured');
    assert.equal(model.namespaceEntry('legacy')!.badge.tone, 'ok');
  });

  it('ignores pod updates that change nothing it shows', async () => {
    const { fake, model, changes } = setup();
    await startSynced(fake, model);
    changes.length = 0;
    fake.active('pods').onEvent({ type: 'MODIFIED', object: pod('ledger', { namespace: 'finance' }) });
    assert.equal(changes.length, 0);
  });

  it('a re-list after a dropped watch replaces the data', async () => {
    const { fake, model } = setup();
    await startSynced(fake, model);
    fake.active('pods').onSync([captured('app-1', { namespace: 'legacy' }), captured('app-2', { namespace: 'legacy' })]);
    assert.equal(model.namespaceEntry('legacy')!.badge.description, 'ambient · 2/2 captured');
    assert.equal(model.podCount, 2);
  });

  it('shows the error when the first list fails, then recovers when the retrying watch syncs', async () => {
    const { fake, model } = setup();
    const started = model.start();
    fake.active('namespaces').onError!(Object.assign(new Error('Cannot reach cluster-1.'), { reason: 'unreachable' }), true);
    await started;
    assert.equal(model.status, 'error');
    fake.active('namespaces').onSync([namespace('finance')]);
    fake.active('pods').onSync([]);
    assert.equal(model.status, 'ready');
    assert.equal(model.problem, undefined);
  });

  it('stop() ends every watch and late events of stopped watches are ignored', async () => {
    const { fake, model } = setup();
    await startSynced(fake, model);
    const pods = fake.active('pods');
    void model.watchWorkloads('legacy');
    model.stop();
    assert.ok(fake.watches.every((w) => w.stopped));
    pods.onEvent({ type: 'ADDED', object: pod('late', { namespace: 'finance' }) });
    assert.equal(model.podCount, 0);
    assert.equal(model.live, false);
  });

  it('groups an open namespace by workload through its ReplicaSets', async () => {
    const { fake, model } = setup();
    const started = model.start();
    fake.active('namespaces').onSync([namespace('shop')]);
    fake.active('pods').onSync([
      pod('web-abc-1', { namespace: 'shop', owner: { kind: 'ReplicaSet', name: 'web-abc' } }),
      pod('debug', { namespace: 'shop' }),
    ]);
    await started;
    const ready = model.watchWorkloads('shop');
    fake.active('replicasets', 'shop').onSync([{ metadata: { name: 'web-abc', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }] } }]);
    fake.active('deployments', 'shop').onSync([{ metadata: { name: 'web' } }, { metadata: { name: 'idle' } }]);
    fake.active('statefulsets', 'shop').onSync([]);
    fake.active('daemonsets', 'shop').onSync([]);
    await ready;
    assert.deepEqual(
      model.workloadGroups('shop').map((g) => `${g.kind}/${g.name}:${g.pods.length}`),
      ['Deployment/idle:0', 'Deployment/web:1', 'Pod/debug:1'],
    );
    model.unwatchWorkloads('shop');
    assert.ok(fake.watches.filter((w) => w.namespace === 'shop').every((w) => w.stopped));
  });

  it('updates the mesh summary from the istio-system watches while live', async () => {
    const { fake, model } = setup();
    await startSynced(fake, model);
    fake.active('daemonsets', 'istio-system').onSync([daemonSet('ztunnel', 2, 3)]);
    assert.deepEqual(model.summary?.ztunnel, { ready: 2, desired: 3 });
  });
});

describe('cluster model with a restricted user', () => {
  it('an unreadable istio-system is no outage: namespaces still count, the context is not in error', async () => {
    const fake = new FakeClient();
    fake.listDeployments = async () => {
      throw Object.assign(new Error('forbidden'), { reason: 'forbidden' });
    };
    const model = new ClusterModel(fake as unknown as ClusterClient, { isSystemNamespace: () => false });
    await model.loadSummary();
    assert.notEqual(model.status, 'error');
    assert.equal(model.summary, undefined);
    assert.deepEqual(model.namespaceCounts, { ambient: 1, total: 2 });
  });
});

describe('cluster model and the system-namespace setting', () => {
  it('reclassify() re-derives which namespaces are system ones, and the counts', async () => {
    const fake = new FakeClient();
    let system = new Set(['kube-system']);
    const model = new ClusterModel(fake as unknown as ClusterClient, { isSystemNamespace: (n) => system.has(n) });
    await startSynced(fake, model);
    assert.equal(model.namespaceEntry('finance')!.system, false);
    assert.deepEqual(model.namespaceCounts, { ambient: 1, total: 2 });
    system = new Set(['kube-system', 'finance']);
    model.reclassify();
    assert.equal(model.namespaceEntry('finance')!.system, true);
    assert.deepEqual(model.namespaceCounts, { ambient: 1, total: 1 });
  });
});
