// What goes wrong in real clusters, against the test cluster: a context that is down, an expired token,
// watches and log streams cut by the server, history compacted under a watch.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { KubeError } from '../../src/kube/errors';
import type { ClusterClient, KubeClients, V1Namespace, WatchEvent } from '../../src/kube/types';
import { closedPort, recordingLogger } from '../unit/kube/fakeApiServer';
import { clientsFor, extendedKubeconfig, sleep, startCluster, until } from './harness';
import type { TestCluster } from './harness';

describe('kube layer resilience', () => {
  let cluster: TestCluster;
  let clients: KubeClients;
  let c1: ClusterClient;
  let extraFile: string;
  let blackHole: net.Server;
  const logger = recordingLogger();

  before(async () => {
    // A short watch history so that a watch kept away for a while comes back to 410 Gone.
    cluster = await startCluster({ watchHistory: 10 });
    // A server that accepts connections and never answers: the worst kind of "down".
    blackHole = net.createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', () => resolve()));
    extraFile = extendedKubeconfig(cluster, { deadServer: `https://127.0.0.1:${await closedPort()}` });
    clients = clientsFor(cluster.kubeconfigPath, { logger, watch: { backoffBaseMs: 200, backoffMaxMs: 2000 } });
    c1 = clients.client('cluster-1');
  });
  afterEach(() => {
    cluster.setFaults('cluster-1', { serverErrorRate: 0, dropWatchesEveryMs: 0, dropLogStreamsEveryMs: 0, forbid: [], latencyMs: 0 });
  });
  after(async () => {
    clients?.dispose();
    blackHole?.close();
    await cluster?.stop();
  });

  it('an unreachable context never blocks a healthy one', async () => {
    const hungServer = `https://127.0.0.1:${(blackHole.address() as net.AddressInfo).port}`;
    const mixed = clientsFor(cluster.kubeconfigPath, { requestTimeoutMs: 20_000, watch: { backoffBaseMs: 100, backoffMaxMs: 500 } });
    const withDead = clientsFor(extraFile, { requestTimeoutMs: 2000 });
    const hung = clientsFor(extendedKubeconfig(cluster, { deadServer: hungServer }), { requestTimeoutMs: 4000 });
    const deadErrors: [Error, boolean][] = [];
    const deadWatch = withDead.client('dead').watch('pods', undefined, {}, { onSync: () => undefined, onEvent: () => undefined, onError: (e, r) => deadErrors.push([e, r]) });
    const hungWatch = hung.client('dead').watch('namespaces', undefined, {}, { onSync: () => undefined, onEvent: () => undefined, onError: () => undefined });
    const hungList = hung.client('dead').listNamespaces().catch((e: unknown) => e);
    try {
      const started = Date.now();
      const synced = new Promise<number>((resolve) => {
        const h = mixed.client('cluster-2').watch<V1Namespace>('namespaces', undefined, {}, {
          onSync: (items) => {
            h.stop();
            resolve(items.length);
          },
          onEvent: () => undefined,
        });
      });
      const namespaces = await mixed.client('cluster-1').listNamespaces();
      assert.ok(namespaces.length > 0);
      assert.ok((await synced) > 0);
      assert.ok(Date.now() - started < 3000, `healthy contexts answered in ${Date.now() - started} ms while others hang`);
      await until(() => deadErrors.length > 0, 10_000, 'the dead context reports');
      assert.equal(deadErrors[0][1], true, 'and keeps retrying');
      assert.ok(deadErrors[0][0] instanceof KubeError && deadErrors[0][0].reason === 'unreachable');
      assert.match(deadErrors[0][0].message, /^Cannot reach dead \(https:\/\/127\.0\.0\.1:\d+\): connection refused\.$/);
    } finally {
      deadWatch.stop();
      hungWatch.stop();
      withDead.dispose();
      hung.dispose();
      mixed.dispose();
    }
    const hungFailure = await hungList;
    assert.ok(hungFailure instanceof KubeError && hungFailure.reason === 'timeout', 'the hung server ends in a timeout, not a hang');
  });

  it('an expired token is an unauthorized error that says to log in again', async () => {
    const expired = clientsFor(extraFile);
    try {
      await assert.rejects(expired.client('expired').listNamespaces(), (e: unknown) => {
        assert.ok(e instanceof KubeError);
        assert.equal(e.reason, 'unauthorized');
        assert.equal(e.status, 401);
        assert.equal(e.message, 'expired: the credentials of user "expired-user" were rejected (401); the token may have expired — log in again or refresh the credentials in your kubeconfig.');
        return true;
      });
    } finally {
      expired.dispose();
    }
  });

  it('a watch the server drops every 2 s loses no events', async () => {
    cluster.setFaults('cluster-1', { dropWatchesEveryMs: 2000 });
    const syncs: V1Namespace[][] = [];
    const seen = new Set<string>();
    const errors: Error[] = [];
    const handle = c1.watch<V1Namespace>('namespaces', undefined, {}, {
      onSync: (items) => syncs.push(items),
      onEvent: (e: WatchEvent<V1Namespace>) => {
        const value = e.object.metadata?.labels?.['drop-test'];
        if (e.type === 'MODIFIED' && e.object.metadata?.name === 'legacy' && value) seen.add(value);
      },
      onError: (e) => errors.push(e),
    });
    const changes = 40;
    try {
      await until(() => syncs.length === 1, 10_000, 'first list');
      for (let i = 1; i <= changes; i++) {
        await c1.patchNamespaceLabels('legacy', { 'drop-test': String(i) });
        await sleep(150); // 40 changes over ~6 s: three drops happen in the middle
      }
      await until(() => seen.size === changes, 15_000, `all ${changes} events (have ${seen.size})`);
      assert.equal(seen.size, changes);
      const drops = cluster.clusters['cluster-1'].counters.watchesDropped;
      assert.ok(drops >= 2, `the server dropped the watch (${drops} times)`);
      assert.equal(syncs.length, 1, 'every drop was resumed from its resourceVersion, without a re-list');
      assert.deepEqual(errors, [], 'drops that were recovered from are not errors');
    } finally {
      handle.stop();
      await c1.patchNamespaceLabels('legacy', { 'drop-test': null });
    }
  });

  it('re-lists after 410 Gone when the history moved past the watch', async () => {
    const syncs: V1Namespace[][] = [];
    const errors: [Error, boolean][] = [];
    const handle = c1.watch<V1Namespace>('namespaces', undefined, {}, { onSync: (items) => syncs.push(items), onEvent: () => undefined, onError: (e, r) => errors.push([e, r]) });
    try {
      await until(() => syncs.length === 1, 10_000, 'first list');
      // Cut the watch and keep it out (403 on watch), while enough changes happen to compact the history.
      cluster.setFaults('cluster-1', { forbid: [{ verb: 'watch', resource: 'namespaces' }], dropWatchesEveryMs: 100 });
      await sleep(300);
      cluster.setFaults('cluster-1', { dropWatchesEveryMs: 0 });
      for (let i = 0; i < 300; i++) await c1.patchNamespaceLabels('legacy', { 'gone-test': String(i % 2) });
      await c1.patchNamespaceLabels('legacy', { 'gone-test': 'final' });
      cluster.setFaults('cluster-1', { forbid: [] });
      await until(() => syncs.length >= 2, 20_000, 're-list');
      const legacy = syncs.at(-1)!.find((n) => n.metadata?.name === 'legacy');
      assert.equal(legacy?.metadata?.labels?.['gone-test'], 'final', 'the new list is current');
      const forbidden = errors.find(([e]) => (e as KubeError).reason === 'forbidden');
      assert.ok(forbidden?.[1], 'the forbidden watch was reported and retried');
      assert.equal(forbidden[0].message, 'cluster-1: user "cluster-1-admin" is not allowed to watch namespaces (403 Forbidden).');
    } finally {
      handle.stop();
      await c1.patchNamespaceLabels('legacy', { 'gone-test': null });
    }
  });

  it('a log stream cut by the server ends with a stream-dropped error', async () => {
    const pod = (await c1.listPods('istio-system', { labelSelector: 'app=ztunnel' }))[0].metadata!.name!;
    cluster.setFaults('cluster-1', { dropLogStreamsEveryMs: 1000 });
    const ended = new Promise<Error | undefined>((resolve) =>
      c1.followLogs('istio-system', pod, 'istio-proxy', { follow: true, tailLines: 1 }, { onLine: () => undefined, onEnd: resolve }),
    );
    const error = await ended;
    assert.ok(error instanceof KubeError, 'a drop is not a clean end');
    assert.equal(error.reason, 'stream-dropped');
    assert.match(error.message, new RegExp(`^cluster-1: the log stream of istio-system/${pod} \\(istio-proxy\\) was interrupted\\.$`));
  });

  it('server errors on list are retried until the watch syncs', async () => {
    cluster.setFaults('cluster-1', { serverErrorRate: 0.6 });
    const syncs: unknown[] = [];
    const handle = c1.watch('pods', 'finance', {}, { onSync: (items) => syncs.push(items), onEvent: () => undefined });
    try {
      await until(() => syncs.length >= 1, 20_000, 'a sync despite 5xx');
    } finally {
      handle.stop();
    }
  });
});
