import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyPodIdentity } from '../../../src/commands/identity';
import { FakeKubeError, fixture } from './fakes';

describe('Copy SPIFFE ID', () => {
  it('copies spiffe://<trust domain>/ns/<ns>/sa/<service account> with the meshConfig trust domain', async () => {
    const f = fixture(['cluster-1']);
    const cluster = f.clusters.get('cluster-1')!;
    cluster.meshConfig = 'defaultConfig:\n  trustDomain: nested.example\ntrustDomain: corp.example\n';
    cluster.addPod('finance', 'curl-1');
    const id = await copyPodIdentity(f.deps, { context: 'cluster-1', namespace: 'finance', pod: 'curl-1' });
    assert.equal(id, 'spiffe://corp.example/ns/finance/sa/curl-1-sa');
    assert.equal(f.host.clipboard, id);
    assert.equal(f.host.messages[0].message, `Copied ${id}`);
  });

  it('falls back to cluster.local without an istio ConfigMap, and uses the node\'s service account', async () => {
    const f = fixture(['cluster-1']);
    const id = await copyPodIdentity(f.deps, { context: 'cluster-1', namespace: 'accounts', pod: 'x' }, 'accounts-sa');
    assert.equal(id, 'spiffe://cluster.local/ns/accounts/sa/accounts-sa');
    assert.deepEqual(f.log.lines, [], 'no Istio ConfigMap is normal, not a warning');
  });

  it('falls back to cluster.local when the ConfigMap may not be read, and the log says why', async () => {
    const f = fixture(['cluster-1']);
    f.clusters.get('cluster-1')!.readConfigMap = async () => {
      throw new FakeKubeError('forbidden', 'cluster-1: user "dev" is not allowed to get configmaps in the namespace "istio-system".');
    };
    const id = await copyPodIdentity(f.deps, { context: 'cluster-1', namespace: 'accounts', pod: 'x' }, 'accounts-sa');
    assert.equal(id, 'spiffe://cluster.local/ns/accounts/sa/accounts-sa');
    assert.match(f.log.text(), /^warn Could not read istio-system\/istio in cluster-1 for the trust domain: .*not allowed to get configmaps/m);
  });

  it('says so when the pod is gone, copying nothing', async () => {
    const f = fixture(['cluster-1']);
    const id = await copyPodIdentity(f.deps, { context: 'cluster-1', namespace: 'accounts', pod: 'gone' });
    assert.equal(id, undefined);
    assert.equal(f.host.clipboard, '');
    assert.equal(f.host.messages[0].severity, 'error');
    assert.match(f.host.messages[0].message, /Pod "gone" no longer exists/);
  });
});
