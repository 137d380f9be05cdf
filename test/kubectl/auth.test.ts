// kubectl as referee: authentication and RBAC-style denials, exactly as a real API server words them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';
import { postJson } from './testUtil';

let cluster: RunningTestCluster;
const kubectl = (args: string[], context: string) => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
});
after(() => cluster.stop());

describe('authentication and authorization', () => {
  it('a viewer cannot label a namespace: kubectl shows the Forbidden message', async () => {
    const r = await kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient'], 'cluster-1-viewer');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): namespaces "finance" is forbidden: User "viewer" cannot patch resource "namespaces" in API group "" at the cluster scope');
  });

  it('a viewer cannot restart a deployment (namespaced denial) on the token-authenticated cluster', async () => {
    const r = await kubectl(['rollout', 'restart', 'deployment/curl', '-n', 'finance'], 'cluster-2-viewer');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /deployments\.apps "curl" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "finance"/);
  });

  it('a viewer can read everything, including logs, but not exec', async () => {
    for (const context of ['cluster-1-viewer', 'cluster-2-viewer']) {
      const pods = await kubectl(['get', 'pods', '-A'], context);
      assert.equal(pods.code, 0, pods.stderr);
      assert.match(pods.stdout, /ztunnel-/);
      const logs = await kubectl(['logs', '-n', 'istio-system', 'ds/ztunnel', '--tail=1'], context);
      assert.equal(logs.code, 0, logs.stderr);
      const exec = await kubectl(['exec', '-n', 'finance', 'deploy/curl', '--', 'echo', 'hi'], context);
      assert.equal(exec.code, 1);
      assert.match(exec.stderr, /pods "curl-[a-z0-9-]+" is forbidden: User "viewer" cannot create resource "pods\/exec" in API group "" in the namespace "finance"/);
    }
  });

  it('admins on both contexts may patch', async () => {
    for (const context of ['cluster-1', 'cluster-2']) {
      const r = await kubectl(['annotate', 'namespace', 'accounts', 'owner=team-a'], context);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  it('an expired token is Unauthorized', async () => {
    const file = path.join(path.dirname(cluster.kubeconfigPath), 'expired-kubeconfig');
    fs.writeFileSync(file, fs.readFileSync(cluster.kubeconfigPath, 'utf8').replace(/token: admin-\S+/, 'token: expired-token'));
    const r = await runKubectl(['get', 'namespaces'], { kubeconfig: file, context: 'cluster-2' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
  });

  it('an injected forbid fault denies one verb on one resource in one namespace', async () => {
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-1', forbid: [{ verb: 'list', resource: 'pods', namespace: 'finance' }] });
    const denied = await kubectl(['get', 'pods', '-n', 'finance'], 'cluster-1');
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /pods is forbidden: User "kubernetes-admin" cannot list resource "pods" in API group "" in the namespace "finance"/);
    assert.equal((await kubectl(['get', 'pods', '-n', 'accounts'], 'cluster-1')).code, 0);
    assert.equal((await kubectl(['get', 'pods', '-n', 'finance'], 'cluster-2')).code, 0);
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-1', forbid: [] });
    assert.equal((await kubectl(['get', 'pods', '-n', 'finance'], 'cluster-1')).code, 0);
  });

  it('a forbid fault for one namespace also covers patching that namespace object', async () => {
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-2', forbid: [{ verb: 'patch', resource: 'namespaces', namespace: 'finance' }] });
    try {
      const denied = await kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient'], 'cluster-2');
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /Error from server \(Forbidden\): namespaces "finance" is forbidden: User "cluster-2-admin" cannot patch resource "namespaces"/);
      assert.equal((await kubectl(['label', 'namespace', 'accounts', 'istio.io/dataplane-mode=ambient'], 'cluster-2')).code, 0);
    } finally {
      await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-2', forbid: [] });
    }
  });
});

describe('kubectl auth can-i (SelfSubjectAccessReview)', () => {
  // Exit status 0 with "yes", 1 with "no": kubectl 1.35 asks POST selfsubjectaccessreviews and prints status.allowed.
  const canI = async (context: string, ...args: string[]) => {
    const r = await kubectl(['auth', 'can-i', ...args], context);
    return { answer: r.stdout.trim(), code: r.code, stderr: r.stderr };
  };

  it('viewers are told "no" for every write the extension makes, and "yes" for reads', async () => {
    for (const context of ['cluster-1-viewer', 'cluster-2-viewer']) {
      for (const write of [['patch', 'namespaces'], ['patch', 'deployments.apps', '-n', 'finance'], ['patch', 'statefulsets.apps', '-n', 'prometheus'], ['create', 'pods/exec', '-n', 'finance']]) {
        const r = await canI(context, ...write);
        assert.deepEqual([r.answer, r.code], ['no', 1], `${context} ${write.join(' ')}: ${r.stderr}`);
      }
      const read = await canI(context, 'list', 'pods', '-A');
      assert.deepEqual([read.answer, read.code], ['yes', 0], read.stderr);
      const logs = await canI(context, 'get', 'pods/log', '-n', 'istio-system');
      assert.deepEqual([logs.answer, logs.code], ['yes', 0], logs.stderr);
    }
  });

  it('admins are told "yes" for the same writes', async () => {
    for (const context of ['cluster-1', 'cluster-2']) {
      for (const write of [['patch', 'namespaces'], ['patch', 'deployments.apps', '-n', 'finance']]) {
        const r = await canI(context, ...write);
        assert.deepEqual([r.answer, r.code], ['yes', 0], `${context} ${write.join(' ')}: ${r.stderr}`);
      }
    }
  });

  it('an injected forbid fault is reflected in the review, as RBAC would be', async () => {
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-1', forbid: [{ verb: 'patch', resource: 'namespaces', namespace: 'finance' }] });
    try {
      const denied = await canI('cluster-1', 'patch', 'namespaces/finance');
      assert.equal(denied.answer, 'no', denied.stderr);
      const allowed = await canI('cluster-1', 'patch', 'namespaces/accounts');
      assert.equal(allowed.answer, 'yes', allowed.stderr);
    } finally {
      await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-1', forbid: [] });
    }
  });
});
