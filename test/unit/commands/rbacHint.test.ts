import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeWriteFailure } from '../../../src/commands/rbacHint';

function kubeError(reason: string, message: string): Error {
  return Object.assign(new Error(message), { reason });
}

describe('describeWriteFailure', () => {
  it('a 403 on a namespace names verb, resource, namespace, user and context, and suggests a ClusterRole', () => {
    const text = describeWriteFailure(
      kubeError('forbidden', 'cluster-1-viewer: User "viewer" cannot patch resource "namespaces" in API group "" at the cluster scope'),
      { context: 'cluster-1-viewer', user: 'viewer-user', verb: 'patch', resource: 'namespaces', name: 'finance' },
    );
    assert.match(text, /^Forbidden \(403\): user "viewer" cannot patch namespaces "finance" \(context cluster-1-viewer\)\./);
    assert.match(text, /ClusterRole allowing "patch" on namespaces/);
    assert.match(text, /kubectl create clusterrole \S+ --verb=get,list,watch,patch --resource=namespaces/);
    assert.match(text, /--user=viewer\b/);
  });

  it('a 403 on a workload names its namespace and suggests a Role in that namespace', () => {
    const text = describeWriteFailure(kubeError('forbidden', 'forbidden'), {
      context: 'cluster-2-viewer',
      user: 'viewer',
      verb: 'patch',
      resource: 'deployments.apps',
      namespace: 'prometheus',
      name: 'grafana',
    });
    assert.match(text, /user "viewer" cannot patch deployments.apps "grafana" in namespace "prometheus" \(context cluster-2-viewer\)/);
    assert.match(text, /a Role in namespace "prometheus" allowing "patch" on deployments.apps/);
    assert.match(text, /kubectl -n prometheus create rolebinding \S+ --role=\S+ --user=viewer/);
  });

  it('a missing namespace is reported as not existing and not created', () => {
    const text = describeWriteFailure(kubeError('not-found', 'namespaces "payments" not found'), {
      context: 'cluster-2',
      verb: 'patch',
      resource: 'namespaces',
      name: 'payments',
    });
    assert.equal(text, 'Namespace "payments" does not exist in context cluster-2 (not created).');
  });

  it('any other failure keeps the kube layer\'s one-sentence message', () => {
    const text = describeWriteFailure(kubeError('unreachable', 'cluster-2: cannot reach https://127.0.0.1:1 (connection refused).'), {
      context: 'cluster-2',
      verb: 'patch',
      resource: 'namespaces',
      name: 'finance',
    });
    assert.equal(text, 'cluster-2: cannot reach https://127.0.0.1:1 (connection refused).');
  });
});
