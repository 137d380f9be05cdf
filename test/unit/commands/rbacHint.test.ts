import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeWriteFailure, writeFailureHint } from '../../../src/commands/rbacHint';
import { KubeError } from '../../../src/kube/errors';
import type { KubeDenial } from '../../../src/kube/errors';
import type { KubeErrorReason } from '../../../src/kube/types';

function kubeError(reason: KubeErrorReason, message: string, denial?: KubeDenial): Error {
  return new KubeError(reason, 'cluster-1-viewer', message, reason === 'forbidden' ? 403 : undefined, { denial });
}

describe('describeWriteFailure', () => {
  it('a 403 on a namespace is one sentence naming context, user and namespace; the ClusterRole to grant is the hint', () => {
    // The API server's name for the user (from the kube layer's denial) wins over the kubeconfig's.
    const error = kubeError('forbidden', 'cluster-1-viewer: user "viewer" is not allowed to patch namespaces "finance" (403 Forbidden).', { user: 'viewer', verb: 'patch', resource: 'namespaces', name: 'finance' });
    const request = { context: 'cluster-1-viewer', user: 'viewer-user', verb: 'patch', resource: 'namespaces', name: 'finance' } as const;
    assert.equal(describeWriteFailure(error, request), 'Forbidden: cluster-1-viewer (user "viewer") may not patch namespaces "finance"; use a context that can write.');
    const text = writeFailureHint(error, request) ?? '';
    assert.match(text, /ClusterRole allowing "patch" on namespaces/);
    assert.match(text, /kubectl create clusterrole \S+ --verb=get,list,watch,patch --resource=namespaces/);
    assert.match(text, /--user=viewer\b/);
  });

  it('a 403 on a workload names its namespace; the Role in that namespace is the hint', () => {
    const request = { context: 'cluster-2-viewer', user: 'viewer', verb: 'patch', resource: 'deployments.apps', namespace: 'prometheus', name: 'grafana' } as const;
    const error = kubeError('forbidden', 'forbidden');
    assert.equal(describeWriteFailure(error, request), 'Forbidden: cluster-2-viewer (user "viewer") may not patch deployments.apps "grafana" in namespace "prometheus"; use a context that can write.');
    const text = writeFailureHint(error, request) ?? '';
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
