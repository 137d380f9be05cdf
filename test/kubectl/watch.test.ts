// Watches under faults: a server that drops watches every 2 s must lose no event for a client that
// resumes from its last resourceVersion, and a resourceVersion older than the kept history is 410 Gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { resourceByKind } from '../cluster/resources';
import { runKubectl } from './kubectl';
import { eventually, postJson } from './testUtil';

let cluster: RunningTestCluster;

function client(context: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  kc.setCurrentContext(context);
  return kc;
}

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0, watchHistory: 50, bookmarkIntervalMs: 500 });
});
after(() => cluster.stop());

describe('watches', () => {
  it('a watch the server drops every 2 s loses no events when the client resumes from its resourceVersion', async () => {
    const kc = client('cluster-2');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const watch = new k8s.Watch(kc);
    const start = await core.listNamespace();
    let resourceVersion = start.metadata!.resourceVersion!;
    const seen: string[] = [];
    let reconnects = 0;
    let stopped = false;
    let current: AbortController | undefined;
    // The resume loop every watch client needs: reconnect from the last resourceVersion seen.
    const connect = async (): Promise<void> => {
      current = await watch.watch('/api/v1/namespaces', { resourceVersion, allowWatchBookmarks: true }, (type, obj: k8s.V1Namespace) => {
        resourceVersion = obj.metadata!.resourceVersion!;
        if (type === 'MODIFIED' && obj.metadata!.name === 'finance') seen.push(obj.metadata!.labels!.counter);
      }, () => {
        if (stopped) return;
        reconnects++;
        void connect();
      });
    };
    await connect();
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-2', dropWatchesEveryMs: 2000 });

    const total = 40;
    for (let i = 1; i <= total; i++) {
      await core.patchNamespace({ name: 'finance', body: { metadata: { labels: { counter: String(i) } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await new Promise((r) => setTimeout(r, 125));
    }
    await eventually('all events', () => seen.length >= total, 5000);
    stopped = true;
    current?.abort();
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-2', dropWatchesEveryMs: 0 });

    assert.deepEqual(seen, Array.from({ length: total }, (_, i) => String(i + 1)), 'every change once, in order');
    assert.ok(reconnects >= 2, `the server dropped the watch ${reconnects} times`);
    assert.ok(cluster.clusters['cluster-2'].counters.watchesDropped >= 2);
  });

  it('kubectl sees 410 Gone for a resourceVersion older than the kept history', async () => {
    const kc = client('cluster-1');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const old = (await core.listNamespace()).metadata!.resourceVersion!;
    // History keeps between 50 and 100 events here: 120 changes (made in-process, for speed) push `old` out of it.
    const sim = cluster.clusters['cluster-1'];
    const Namespace = resourceByKind('Namespace');
    for (let i = 0; i < 120; i++) {
      sim.store.update(Namespace, undefined, 'accounts', (ns) => (ns.metadata.labels = { ...ns.metadata.labels, churn: String(i) }));
    }
    const r = await runKubectl(['get', '--raw', `/api/v1/namespaces?watch=true&resourceVersion=${old}`], { kubeconfig: cluster.kubeconfigPath, context: 'cluster-1', timeoutMs: 10_000 });
    assert.equal(r.timedOut, false);
    const event = JSON.parse(r.stdout.trim().split('\n')[0]);
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.kind, 'Status');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
    assert.match(event.object.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  });

  it('a recent resourceVersion resumes with exactly the events after it', async () => {
    const kc = client('cluster-1');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const from = (await core.listNamespace()).metadata!.resourceVersion!;
    await core.patchNamespace({ name: 'finance', body: { metadata: { labels: { step: 'one' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.patchNamespace({ name: 'finance', body: { metadata: { labels: { step: 'two' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const r = await runKubectl(['get', '--raw', `/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Dfinance&resourceVersion=${from}&timeoutSeconds=1`], { kubeconfig: cluster.kubeconfigPath, context: 'cluster-1' });
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => `${e.type}:${e.object.metadata.labels.step}`), ['MODIFIED:one', 'MODIFIED:two']);
  });

  it('a label-selected watch sees an object leave the selection as DELETED', async () => {
    const kc = client('cluster-1');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const watch = new k8s.Watch(kc);
    const events: string[] = [];
    const from = (await core.listNamespace()).metadata!.resourceVersion!;
    const req = await watch.watch('/api/v1/namespaces', { resourceVersion: from, labelSelector: 'istio.io/dataplane-mode=ambient' }, (type, obj: k8s.V1Namespace) => events.push(`${type}:${obj.metadata!.name}`), () => {});
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await core.patchNamespace({ name: 'accounts', body: { metadata: { labels: { 'istio.io/dataplane-mode': 'ambient' } } } }, merge);
    await core.patchNamespace({ name: 'accounts', body: { metadata: { labels: { 'istio.io/dataplane-mode': null } } } }, merge);
    await eventually('both events', () => events.length >= 2);
    req.abort();
    assert.deepEqual(events, ['ADDED:accounts', 'DELETED:accounts']);
  });
});
