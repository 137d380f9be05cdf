// The kube layer against the test cluster (HTTPS, two clusters, RBAC, ztunnel pods): everything the
// features above rely on, through the same code paths the extension uses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeError } from '../../src/kube/errors';
import { httpGetViaPortForward } from '../../src/kube/portForward';
import type { ClusterClient, KubeClients, V1Namespace, V1Pod, WatchEvent, WorkloadKind } from '../../src/kube/types';
import { runKubectl } from '../kubectl/kubectl';
import { recordingLogger } from '../unit/kube/fakeApiServer';
import { clientsFor, startCluster, until } from './harness';
import type { TestCluster } from './harness';

describe('kube layer against the test cluster', () => {
  let cluster: TestCluster;
  let clients: KubeClients;
  let c1: ClusterClient;
  const logger = recordingLogger();

  before(async () => {
    cluster = await startCluster();
    clients = clientsFor(cluster.kubeconfigPath, { logger });
    c1 = clients.client('cluster-1');
  });
  after(async () => {
    clients?.dispose();
    await cluster?.stop();
  });

  it('sees every context of the kubeconfig', () => {
    const names = clients.state().contexts.map((c) => c.name);
    for (const expected of ['cluster-1', 'cluster-2', 'cluster-1-viewer', 'cluster-2-viewer']) assert.ok(names.includes(expected), expected);
    assert.equal(clients.state().problem, undefined);
  });

  it('lists namespaces on both clusters', async () => {
    for (const context of ['cluster-1', 'cluster-2']) {
      const names = (await clients.client(context).listNamespaces()).map((n) => n.metadata?.name);
      for (const ns of ['finance', 'accounts', 'istio-system', 'prometheus', 'bookinfo', 'legacy']) assert.ok(names.includes(ns), `${context} has ${ns}`);
    }
  });

  it('lists pods, workloads, services, service accounts and nodes', async () => {
    const deployments = await c1.listDeployments('finance');
    assert.ok(deployments.some((d) => d.metadata?.name === 'curl'));
    const ztunnel = (await c1.listDaemonSets('istio-system')).find((d) => d.metadata?.name === 'ztunnel');
    assert.ok(ztunnel);
    const ztunnelPods = await c1.listPods('istio-system', { labelSelector: 'app=ztunnel' });
    assert.ok(ztunnelPods.length > 0);
    assert.ok(ztunnelPods.every((p) => p.metadata?.labels?.app === 'ztunnel'), 'the label selector applies');
    const service = (await c1.listServices('accounts')).find((s) => s.metadata?.name === 'accounts');
    assert.ok(service?.spec?.ports?.some((p) => p.port === 8080));
    assert.ok((await c1.listServiceAccounts('finance')).some((sa) => sa.metadata?.name === 'default'));
    assert.ok((await c1.listNodes()).length > 0);
    assert.ok((await c1.listStatefulSets('prometheus')).length > 0);
    assert.ok((await c1.listDaemonSets('prometheus')).length > 0);
    assert.ok((await c1.listReplicaSets('finance')).length > 0);
    const allPods = await c1.listPods();
    assert.ok(allPods.some((p) => p.metadata?.namespace === 'finance') && allPods.some((p) => p.metadata?.namespace === 'istio-system'));
  });

  it('paginates a long list transparently', async () => {
    const small = clientsFor(cluster.kubeconfigPath, { pageSize: 2 });
    try {
      const paged = await small.client('cluster-1').listPods();
      const whole = await c1.listPods();
      assert.equal(paged.length, whole.length);
      assert.ok(paged.length > 2, 'more pods than one page');
    } finally {
      small.dispose();
    }
  });

  it('reads the istio ConfigMap', async () => {
    const configMap = await c1.readConfigMap('istio-system', 'istio');
    assert.equal(configMap.metadata?.name, 'istio');
    assert.ok(configMap.data && Object.keys(configMap.data).length > 0);
  });

  it('adds and removes a namespace label, leaving every other label alone', async () => {
    const before = (await c1.readNamespace('finance')).metadata?.labels ?? {};
    const added = await c1.patchNamespaceLabels('finance', { 'kube-layer-test': 'yes' });
    assert.deepEqual(added.metadata?.labels, { ...before, 'kube-layer-test': 'yes' });
    const removed = await c1.patchNamespaceLabels('finance', { 'kube-layer-test': null });
    assert.deepEqual(removed.metadata?.labels, before);
    assert.deepEqual((await c1.readNamespace('finance')).metadata?.labels, before);
  });

  it('changes nothing on a dry run', async () => {
    const before = (await c1.readNamespace('legacy')).metadata?.labels ?? {};
    const answer = await c1.patchNamespaceLabels('legacy', { 'istio.io/dataplane-mode': 'ambient' }, { dryRun: true });
    assert.equal(answer.metadata?.labels?.['istio.io/dataplane-mode'], 'ambient', 'the server says what would happen');
    assert.deepEqual((await c1.readNamespace('legacy')).metadata?.labels ?? {}, before, 'but nothing changed');
  });

  it('watches namespaces: a full list, then the change', async () => {
    const syncs: V1Namespace[][] = [];
    const events: WatchEvent<V1Namespace>[] = [];
    const handle = c1.watch<V1Namespace>('namespaces', undefined, {}, { onSync: (i) => syncs.push(i), onEvent: (e) => events.push(e) });
    try {
      await until(() => syncs.length === 1, 10_000, 'first list');
      assert.ok(syncs[0].some((n) => n.metadata?.name === 'accounts'));
      await c1.patchNamespaceLabels('accounts', { 'watch-test': '1' });
      await until(() => events.some((e) => e.type === 'MODIFIED' && e.object.metadata?.labels?.['watch-test'] === '1'), 10_000, 'MODIFIED event');
    } finally {
      handle.stop();
      await c1.patchNamespaceLabels('accounts', { 'watch-test': null });
    }
  });

  const restartCases: { kind: WorkloadKind; namespace: string; list: (c: ClusterClient) => Promise<{ metadata?: { name?: string } }[]> }[] = [
    { kind: 'Deployment', namespace: 'finance', list: (c) => c.listDeployments('finance') },
    { kind: 'StatefulSet', namespace: 'prometheus', list: (c) => c.listStatefulSets('prometheus') },
    { kind: 'DaemonSet', namespace: 'prometheus', list: (c) => c.listDaemonSets('prometheus') },
  ];
  for (const { kind, namespace, list } of restartCases) {
    it(`restarts a ${kind}: its pods are replaced`, async () => {
      const name = (await list(c1))[0]?.metadata?.name;
      assert.ok(name, `a ${kind} in ${namespace}`);
      const workload = await c1.readWorkload(kind, namespace, name);
      const selector = Object.entries(workload.spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const oldPods = new Set((await c1.listPods(namespace, { labelSelector: selector })).map((p) => p.metadata?.uid));
      assert.ok(oldPods.size > 0);

      // Watch the pods while restarting: new ones appear, the old ones go.
      const seen: WatchEvent<V1Pod>[] = [];
      let synced = false;
      const handle = c1.watch<V1Pod>('pods', namespace, { labelSelector: selector }, { onSync: () => (synced = true), onEvent: (e) => seen.push(e) });
      try {
        await until(() => synced, 10_000, 'pods listed');
        const restarted = await c1.restartWorkload(kind, namespace, name);
        const restartedAt = restarted.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
        assert.match(restartedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        await until(
          async () => {
            const pods = await c1.listPods(namespace, { labelSelector: selector });
            return pods.length >= oldPods.size && pods.every((p) => !oldPods.has(p.metadata?.uid) && !p.metadata?.deletionTimestamp);
          },
          30_000,
          'all pods replaced',
        );
        await until(
          () =>
            seen.some((e) => e.type === 'ADDED' && !oldPods.has(e.object.metadata?.uid)) &&
            seen.some((e) => e.type === 'DELETED' && oldPods.has(e.object.metadata?.uid)),
          10_000,
          'the watch saw new pods come and old pods go',
        );
      } finally {
        handle.stop();
      }
    });
  }

  describe('ztunnel streams', () => {
    let ztunnelPod: string;
    before(async () => {
      const pods = await c1.listPods('istio-system', { labelSelector: 'app=ztunnel' });
      ztunnelPod = pods.find((p) => p.status?.phase === 'Running')?.metadata?.name ?? pods[0].metadata!.name!;
    });

    it('reads the last N log lines with tailLines and ends cleanly without follow', async () => {
      const lines: string[] = [];
      const ended = new Promise<Error | undefined>((resolve) =>
        c1.followLogs('istio-system', ztunnelPod, 'istio-proxy', { follow: false, tailLines: 3 }, { onLine: (l) => lines.push(l), onEnd: resolve }),
      );
      assert.equal(await ended, undefined);
      assert.equal(lines.length, 3);
    });

    it('follows from sinceTime with timestamps, and stops cleanly', async () => {
      const first: string[] = [];
      await new Promise<void>((resolve) =>
        c1.followLogs('istio-system', ztunnelPod, 'istio-proxy', { follow: false, timestamps: true }, { onLine: (l) => first.push(l), onEnd: () => resolve() }),
      );
      assert.ok(first.length >= 2, 'the pod has some history');
      const cut = first[Math.floor(first.length / 2)].split(' ')[0];
      assert.ok(!Number.isNaN(Date.parse(cut)), `a timestamp prefix: ${cut}`);

      const lines: string[] = [];
      const ends: (Error | undefined)[] = [];
      const handle = c1.followLogs('istio-system', ztunnelPod, 'istio-proxy', { follow: true, timestamps: true, sinceTime: cut }, {
        onLine: (l) => lines.push(l),
        onEnd: (e) => ends.push(e),
      });
      await until(() => lines.length > 0, 10_000, 'lines since the cut');
      assert.ok(lines.every((l) => Date.parse(l.split(' ')[0]) >= Date.parse(cut) - 1000), 'nothing older than sinceTime');
      handle.stop();
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(ends, [undefined], 'stop() ends the stream cleanly, once');
    });

    it('port-forwards to ztunnel 15000 and reads /config_dump', async () => {
      const body = await httpGetViaPortForward(c1, 'istio-system', ztunnelPod, 15000, '/config_dump');
      const dump = JSON.parse(body) as Record<string, unknown>;
      assert.ok(typeof dump === 'object' && dump !== null);
      assert.ok(Object.keys(dump).length > 0);
    });

    it('says why a port-forward failed: closed port, missing pod, viewer', async () => {
      const closedPort = httpGetViaPortForward(c1, 'istio-system', ztunnelPod, 12345, '/config_dump', { timeoutMs: 5000 });
      await assert.rejects(closedPort, { reason: 'unreachable', message: `cluster-1: nothing is listening on port 12345 in istio-system/${ztunnelPod} (connection refused).` });
      const missingPod = httpGetViaPortForward(c1, 'istio-system', 'no-such-pod', 15000, '/config_dump', { timeoutMs: 5000 });
      await assert.rejects(missingPod, { reason: 'not-found', message: 'cluster-1: pods "no-such-pod" in namespace "istio-system" was not found (404 Not Found).' });
      const viewer = httpGetViaPortForward(clients.client('cluster-1-viewer'), 'istio-system', ztunnelPod, 15000, '/config_dump', { timeoutMs: 5000 });
      await assert.rejects(viewer, {
        reason: 'forbidden',
        message: `cluster-1-viewer: user "cluster-1-viewer" is not allowed to create pods/portforward "${ztunnelPod}" in namespace "istio-system" (403 Forbidden).`,
      });
    });
  });

  it('execs curl in finance/curl and gets accounts-cluster-1 with exit code 0', async () => {
    const pod = (await c1.listPods('finance')).find((p) => p.metadata?.name?.startsWith('curl') && p.status?.phase === 'Running');
    assert.ok(pod?.metadata?.name);
    const result = await c1.exec('finance', pod.metadata.name, undefined, ['curl', '-s', 'accounts.accounts.svc.cluster.local:8080']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /accounts-cluster-1/);
  });

  it('reports a failing command with the same exit code kubectl reports', async () => {
    const pod = (await c1.listPods('finance')).find((p) => p.metadata?.name?.startsWith('curl') && p.status?.phase === 'Running');
    const argv = ['curl', '-s', 'nowhere.invalid.svc.cluster.local:8080'];
    const ours = await c1.exec('finance', pod!.metadata!.name!, undefined, argv);
    const theirs = await runKubectl(['exec', '-n', 'finance', pod!.metadata!.name!, '--', ...argv], { kubeconfig: cluster.kubeconfigPath, context: 'cluster-1' });
    assert.notEqual(ours.exitCode, 0);
    assert.equal(ours.exitCode, theirs.code);
  });

  it('collects stderr separately and times out a command that runs too long', async () => {
    const pod = (await c1.listPods('finance')).find((p) => p.metadata?.name?.startsWith('curl') && p.status?.phase === 'Running')!.metadata!.name!;
    const failed = await c1.exec('finance', pod, undefined, ['cat', '/nope']);
    assert.equal(failed.exitCode, 1);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /can't open '\/nope'/);

    const started = Date.now();
    await assert.rejects(c1.exec('finance', pod, undefined, ['sleep', '10'], { timeoutMs: 500 }), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.reason, 'timeout');
      assert.equal(e.message, `cluster-1: "sleep" in finance/${pod} did not finish within 1 s.`);
      return true;
    });
    assert.ok(Date.now() - started < 3000);
  });

  it('says which command could not run', async () => {
    const pod = (await c1.listPods('finance')).find((p) => p.metadata?.name?.startsWith('curl') && p.status?.phase === 'Running')!.metadata!.name!;
    await assert.rejects(c1.exec('finance', pod, undefined, ['no-such-binary']), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.match(e.message, new RegExp(`^cluster-1: could not run "no-such-binary" in finance/${pod}: .+\\.$`));
      return true;
    });
  });

  it('refuses exec to a viewer with one clear sentence', async () => {
    const viewer = clients.client('cluster-1-viewer');
    const pod = (await viewer.listPods('finance')).find((p) => p.metadata?.name?.startsWith('curl'))!.metadata!.name!;
    await assert.rejects(viewer.exec('finance', pod, undefined, ['true']), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.reason, 'forbidden');
      assert.equal(e.message, `cluster-1-viewer: user "cluster-1-viewer" is not allowed to create pods/exec "${pod}" in namespace "finance" (403 Forbidden).`);
      return true;
    });
  });

  it('refuses a viewer write with one clear sentence', async () => {
    const viewer = clients.client('cluster-1-viewer');
    await assert.rejects(viewer.patchNamespaceLabels('finance', { 'istio.io/dataplane-mode': 'ambient' }), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.reason, 'forbidden');
      assert.equal(e.status, 403);
      assert.equal(e.message, 'cluster-1-viewer: user "viewer" is not allowed to patch namespaces "finance" (403 Forbidden).');
      return true;
    });
    assert.ok((await viewer.listNamespaces()).length > 0, 'the viewer can still read');
  });
});
