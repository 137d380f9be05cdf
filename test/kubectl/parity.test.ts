// kubectl is the referee: the same label, unlabel and rollout restart done through src/kube/ and through
// kubectl 1.35 must leave the cluster in the same state (labels, annotations, field managers).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { ClusterClient, KubeClients } from '../../src/kube/types';
import { startTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';

type TestCluster = Awaited<ReturnType<typeof startTestCluster>>;

interface Snapshot {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

describe('src/kube and kubectl leave the same cluster state', () => {
  let cluster: TestCluster;
  let clients: KubeClients;
  let ours: ClusterClient;

  before(async () => {
    cluster = await startTestCluster({});
    clients = createKubeClients({ kubeconfigPaths: [cluster.kubeconfigPath], watchFiles: false });
    ours = clients.client('cluster-1');
  });
  after(async () => {
    clients?.dispose();
    await cluster?.stop();
  });

  async function kubectl(...args: string[]): Promise<string> {
    const result = await runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context: 'cluster-1' });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  async function namespaceState(name: string): Promise<Snapshot> {
    const ns = JSON.parse(await kubectl('get', 'namespace', name, '-o', 'json')) as { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } };
    return { labels: ns.metadata.labels ?? {}, annotations: ns.metadata.annotations ?? {} };
  }

  it('label and unlabel a namespace', async () => {
    const initial = await namespaceState('finance');

    await ours.patchNamespaceLabels('finance', { 'istio.io/dataplane-mode': 'ambient', 'parity/owner': 'team-a' });
    const afterOurLabel = await namespaceState('finance');
    await ours.patchNamespaceLabels('finance', { 'istio.io/dataplane-mode': null, 'parity/owner': null });
    const afterOurUnlabel = await namespaceState('finance');

    await kubectl('label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient', 'parity/owner=team-a');
    const afterKubectlLabel = await namespaceState('finance');
    await kubectl('label', 'namespace', 'finance', 'istio.io/dataplane-mode-', 'parity/owner-');
    const afterKubectlUnlabel = await namespaceState('finance');

    assert.deepEqual(afterOurLabel, afterKubectlLabel);
    assert.deepEqual(afterOurUnlabel, afterKubectlUnlabel);
    assert.deepEqual(afterOurUnlabel, initial, 'removal restores the namespace exactly');
    assert.equal(afterOurLabel.labels['istio.io/dataplane-mode'], 'ambient');
  });

  it('overwrite an existing label value as kubectl label --overwrite does', async () => {
    await kubectl('label', 'namespace', 'accounts', 'parity/tier=one');
    await ours.patchNamespaceLabels('accounts', { 'parity/tier': 'two' });
    const ourState = await namespaceState('accounts');
    await kubectl('label', 'namespace', 'accounts', 'parity/tier=one', '--overwrite');
    await kubectl('label', 'namespace', 'accounts', 'parity/tier=two', '--overwrite');
    assert.deepEqual(await namespaceState('accounts'), ourState);
    await kubectl('label', 'namespace', 'accounts', 'parity/tier-');
  });

  it('rollout restart a Deployment', async () => {
    type Deployment = {
      metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string; fieldsV1?: unknown }[] };
      spec: { template: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } } };
    };
    const read = async () => JSON.parse(await kubectl('get', 'deployment', 'curl', '-n', 'finance', '-o', 'json', '--show-managed-fields')) as Deployment;
    const restartManagers = (d: Deployment) =>
      (d.metadata.managedFields ?? []).filter((f) => f.manager === 'kubectl-rollout').map((f) => ({ manager: f.manager, operation: f.operation, fieldsV1: f.fieldsV1 }));

    await ours.restartWorkload('Deployment', 'finance', 'curl');
    const afterOurs = await read();
    await nextSecond(); // kubectl (and we) refuse a second restart within the same second
    await kubectl('rollout', 'restart', 'deployment/curl', '-n', 'finance');
    const afterKubectl = await read();

    const ourStamp = afterOurs.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    const kubectlStamp = afterKubectl.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    assert.match(ourStamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(kubectlStamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    const withoutStamp = (a: Record<string, string> | undefined) => Object.fromEntries(Object.entries(a ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/restartedAt'));
    assert.deepEqual(withoutStamp(afterOurs.spec.template.metadata.annotations), withoutStamp(afterKubectl.spec.template.metadata.annotations));
    assert.deepEqual(afterOurs.spec.template.metadata.labels, afterKubectl.spec.template.metadata.labels);
    assert.deepEqual(afterOurs.metadata.labels, afterKubectl.metadata.labels);
    assert.deepEqual(withoutRevision(afterOurs.metadata.annotations), withoutRevision(afterKubectl.metadata.annotations));
    assert.deepEqual(restartManagers(afterOurs), restartManagers(afterKubectl), 'the same field manager owns the same fields');
    assert.equal(restartManagers(afterOurs).length, 1);
  });

  it('a second restart within the same second: kubectl refuses, we wait for the next second and restart', async () => {
    await nextSecond(); // ~980 ms of the same second ahead: room for three quick requests
    await ours.restartWorkload('Deployment', 'finance', 'curl');
    const kubectlSecond = await runKubectl(['rollout', 'restart', 'deployment/curl', '-n', 'finance'], { kubeconfig: cluster.kubeconfigPath, context: 'cluster-1' });
    const firstStamp = await templateRestartedAt('finance', 'curl');
    await ours.restartWorkload('Deployment', 'finance', 'curl');
    const secondStamp = await templateRestartedAt('finance', 'curl');
    assert.notEqual(kubectlSecond.code, 0);
    assert.match(kubectlSecond.stderr, /already been triggered within the past second/);
    assert.ok(Date.parse(secondStamp) > Date.parse(firstStamp), `second restart ${secondStamp} after the first ${firstStamp}`);
  });

  it('rollout restart a DaemonSet and a StatefulSet', async () => {
    for (const [resource, kind, namespace, name] of [
      ['daemonset', 'DaemonSet', 'istio-system', 'ztunnel'],
      ['statefulset', 'StatefulSet', 'prometheus', ''],
    ] as const) {
      const target = name || (await ours.listStatefulSets(namespace))[0].metadata!.name!;
      await ours.restartWorkload(kind, namespace, target);
      const ourAnnotations = await templateAnnotationKeys(resource, namespace, target);
      await nextSecond();
      await kubectl('rollout', 'restart', `${resource}/${target}`, '-n', namespace);
      assert.deepEqual(await templateAnnotationKeys(resource, namespace, target), ourAnnotations);
      assert.ok(ourAnnotations.includes('kubectl.kubernetes.io/restartedAt'));
    }
  });

  async function templateAnnotationKeys(resource: string, namespace: string, name: string): Promise<string[]> {
    const obj = JSON.parse(await kubectl('get', resource, name, '-n', namespace, '-o', 'json')) as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    return Object.keys(obj.spec.template.metadata.annotations ?? {}).sort();
  }

  async function templateRestartedAt(namespace: string, name: string): Promise<string> {
    const obj = JSON.parse(await kubectl('get', 'deployment', name, '-n', namespace, '-o', 'json')) as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    return obj.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '';
  }
});

/** Wait until the wall clock enters the next second (restartedAt has one-second resolution). */
function nextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

/** The controller bumps deployment.kubernetes.io/revision on every restart: not part of what we compare. */
function withoutRevision(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => k !== 'deployment.kubernetes.io/revision'));
}
