// API semantics other suites build on, checked with real clients: pagination, dry run, optimistic
// concurrency, patch types and their errors, validation, Status bodies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { resourceByKind } from '../cluster/resources';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';

let cluster: RunningTestCluster;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

/** The Status body of a failed call, as client-node hands it over. */
async function failureOf(call: Promise<unknown>): Promise<{ code: number; status: { kind: string; status: string; reason: string; message: string; code: number; details?: Record<string, unknown> } }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code: number; body: string };
    return { code: e.code, status: JSON.parse(e.body) };
  }
  assert.fail('the call succeeded');
}

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0, extraNamespaces: 120, podsPerExtraNamespace: 5 });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});
after(() => cluster.stop());

describe('API semantics', () => {
  it('kubectl get pods -A pages through every pod with limit/continue', async () => {
    const expected = cluster.clusters['cluster-1'].store.count(resourceByKind('Pod'));
    const r = await kubectl(['get', 'pods', '-A', '--chunk-size=100', '--no-headers']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    assert.equal(rows.length, expected);
    assert.equal(new Set(rows.map((row) => row.split(/\s+/).slice(0, 2).join('/'))).size, expected, 'no pod twice');
    const page = await core.listPodForAllNamespaces({ limit: 100 });
    assert.equal(page.items.length, 100);
    assert.equal(page.metadata?.remainingItemCount, expected - 100);
    assert.ok(page.metadata?._continue);
  });

  it('label selectors support =, !=, in, notin, exists and !key; field selectors spec.nodeName and status.phase', async () => {
    const names = async (labelSelector?: string, fieldSelector?: string) => (await core.listPodForAllNamespaces({ labelSelector, fieldSelector })).items.map((p) => p.metadata!.name!).sort();
    const ztunnels = await names('app=ztunnel');
    assert.equal(ztunnels.length, 3);
    assert.deepEqual(await names('app in (ztunnel)'), ztunnels);
    assert.ok((await names('app notin (ztunnel),app')).every((n) => !n.startsWith('ztunnel-')));
    assert.ok((await names('app!=ztunnel')).some((n) => n.startsWith('istio-cni-node-')), '!= matches pods without the label');
    assert.deepEqual(await names('istio.io/dataplane-mode'), (await names('istio.io/dataplane-mode=none')));
    assert.ok(!(await names('!pod-template-hash')).some((n) => n.startsWith('curl-')));
    const onNode1 = await names('app=ztunnel', 'spec.nodeName=node-1');
    assert.equal(onNode1.length, 1);
    assert.deepEqual(await names('app=ztunnel', 'status.phase=Running,spec.nodeName=node-1'), onNode1);
    const bad = await failureOf(core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }));
    assert.equal(bad.code, 400);
  });

  it('dry-run patches return the result and change nothing', async () => {
    const before = await core.readNamespace({ name: 'finance' });
    const dry = await core.patchNamespace({ name: 'finance', dryRun: 'All', body: { metadata: { labels: { 'istio.io/dataplane-mode': 'ambient' } } } }, merge);
    assert.equal(dry.metadata?.labels?.['istio.io/dataplane-mode'], 'ambient');
    const after = await core.readNamespace({ name: 'finance' });
    assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
    assert.equal(after.metadata?.labels?.['istio.io/dataplane-mode'], undefined);
  });

  it('a stale resourceVersion in a patch is a 409 Conflict', async () => {
    const ns = await core.readNamespace({ name: 'accounts' });
    await core.patchNamespace({ name: 'accounts', body: { metadata: { labels: { a: '1' } } } }, merge);
    const { code, status } = await failureOf(core.patchNamespace({ name: 'accounts', body: { metadata: { resourceVersion: ns.metadata!.resourceVersion, labels: { a: '2' } } } }, merge));
    assert.equal(code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.message, 'Operation cannot be fulfilled on namespaces "accounts": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('an invalid label value is a 422 Invalid with the field', async () => {
    const { code, status } = await failureOf(core.patchNamespace({ name: 'accounts', body: { metadata: { labels: { 'istio.io/dataplane-mode': 'not valid!' } } } }, merge));
    assert.equal(code, 422);
    assert.equal(status.reason, 'Invalid');
    assert.match(status.message, /^Namespace "accounts" is invalid: metadata\.labels: Invalid value: "not valid!": a valid label must be/);
    assert.deepEqual((status.details as { causes: { field: string }[] }).causes.map((c) => c.field), ['metadata.labels']);
  });

  it('a missing object is a 404 NotFound Status naming it', async () => {
    const { code, status } = await failureOf(apps.readNamespacedDeployment({ name: 'nope', namespace: 'finance' }));
    assert.equal(code, 404);
    assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
  });

  it('a strategic merge patch merges containers by name; a JSON patch edits one field; a failed test op is 422', async () => {
    const patched = await apps.patchNamespacedDeployment({ name: 'curl', namespace: 'finance', body: { spec: { template: { spec: { containers: [{ name: 'curl', env: [{ name: 'MODE', value: 'test' }] }] } } } } }, strategic);
    const containers = patched.spec!.template.spec!.containers;
    assert.equal(containers.length, 1);
    assert.equal(containers[0].image, 'curlimages/curl:8.16.0', 'the image survives the merge');
    assert.deepEqual(containers[0].env?.map((e) => [e.name, e.value]), [['MODE', 'test']]);
    assert.equal(patched.metadata?.generation, 2, 'a template change bumps generation');

    const scaled = await apps.patchNamespacedDeployment({ name: 'curl', namespace: 'finance', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    assert.equal(scaled.spec?.replicas, 2);
    const { code } = await failureOf(apps.patchNamespacedDeployment({ name: 'curl', namespace: 'finance', body: [{ op: 'test', path: '/spec/replicas', value: 5 }] }));
    assert.equal(code, 422);
  });

  it('creating an existing namespace is 409 AlreadyExists; a new one gets its default ServiceAccount', async () => {
    const { code, status } = await failureOf(core.createNamespace({ body: { metadata: { name: 'finance' } } }));
    assert.equal(code, 409);
    assert.equal(status.reason, 'AlreadyExists');
    assert.equal(status.message, 'namespaces "finance" already exists');
    const created = await core.createNamespace({ body: { metadata: { name: 'team-x', labels: { 'istio.io/dataplane-mode': 'ambient' } } } });
    assert.equal(created.metadata?.labels?.['kubernetes.io/metadata.name'], 'team-x');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok((await core.listNamespacedServiceAccount({ namespace: 'team-x' })).items.some((sa) => sa.metadata?.name === 'default'));
  });

  it('kubectl get deploy uses the server-side table columns', async () => {
    const r = await kubectl(['get', 'deploy', '-n', 'istio-system', '-o', 'wide']);
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = r.stdout.trim().split('\n');
    assert.match(header, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    assert.match(row, /^istiod\s+1\/1\s+1\s+1\s+\S+\s+discovery\s+docker\.io\/istio\/pilot:1\.28\.3\s+app=istiod,istio=pilot,istio\.io\/rev=default$/);
  });
});
