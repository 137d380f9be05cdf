import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asNamespaceRef, asPodRef, asWorkloadRef, namespaceTargets, pickNamespaceNames, pickPod, pickWorkload, refsFromArgs } from '../../../src/commands/pickers';
import { fixture } from './fakes';

describe('targets from tree nodes', () => {
  it('a multi-selection (second argument) wins over the clicked node', () => {
    const clicked = { context: 'cluster-1', namespace: 'finance' };
    const selected = [clicked, { context: 'cluster-1', namespace: 'accounts' }];
    assert.deepEqual(refsFromArgs([clicked, selected], asNamespaceRef), selected);
    assert.deepEqual(refsFromArgs([clicked], asNamespaceRef), [clicked]);
    assert.deepEqual(refsFromArgs([], asNamespaceRef), []);
  });

  it('reads namespace, workload and pod nodes by their contextValue base', () => {
    assert.deepEqual(asNamespaceRef({ contextValue: 'namespace+ambient', context: 'cluster-1', name: 'finance' }), { context: 'cluster-1', namespace: 'finance' });
    assert.deepEqual(asWorkloadRef({ contextValue: 'workload+deployment', context: 'c', namespace: 'finance', kind: 'Deployment', name: 'curl' }), {
      context: 'c',
      namespace: 'finance',
      kind: 'Deployment',
      name: 'curl',
    });
    assert.equal(asWorkloadRef({ context: 'c', namespace: 'n', kind: 'Job', name: 'x' }), undefined, 'only restartable kinds');
    assert.deepEqual(asPodRef({ contextValue: 'pod+captured', context: 'c', namespace: 'n', name: 'curl-1' }), { context: 'c', namespace: 'n', pod: 'curl-1' });
    assert.equal(asNamespaceRef({ contextValue: 'context+current', context: 'c', name: 'c' }), undefined);
    assert.equal(asNamespaceRef({ contextValue: 'pod+captured', context: 'c', namespace: 'n', name: 'p' }), undefined, 'a pod node is not a namespace');
  });

  it('reads a tree node through the contextValue of the TreeItem it builds', () => {
    class FakeNamespaceNode {
      readonly context = 'cluster-1';
      readonly name = 'finance';
      getTreeItem() {
        return { label: this.name, contextValue: 'namespace+ambient+partial' };
      }
    }
    assert.deepEqual(refsFromArgs([new FakeNamespaceNode()], asNamespaceRef), [{ context: 'cluster-1', namespace: 'finance' }]);
    assert.equal(asWorkloadRef(new FakeNamespaceNode()), undefined);
  });
});

describe('palette picks', () => {
  it('without a node, asks for a context and then offers only the namespaces the command applies to', async () => {
    const f = fixture();
    f.clusters.get('cluster-2')!.addNamespace('finance').addNamespace('accounts', { 'istio.io/dataplane-mode': 'ambient' }).addNamespace('bookinfo', { 'istio-injection': 'enabled' });
    f.host.pickOneAnswers.push('cluster-2');
    f.host.pickManyAnswers.push((items) => items.map((i) => i.value));
    const targets = await namespaceTargets(f.deps, [], 'Enroll in Ambient', 'notAmbient');
    assert.deepEqual(f.host.picks[0], { title: 'Enroll in Ambient', labels: ['cluster-1', 'cluster-2'] });
    assert.deepEqual(f.host.picks[1].labels, ['bookinfo', 'finance'], 'ambient namespaces are not offered for enrolling');
    assert.deepEqual(targets, [
      { context: 'cluster-2', namespace: 'bookinfo' },
      { context: 'cluster-2', namespace: 'finance' },
    ]);
  });

  it('dismissing a pick returns no targets', async () => {
    const f = fixture();
    assert.equal(await namespaceTargets(f.deps, [], 'Restart Workloads', 'any'), undefined);
  });

  it('across clusters, each namespace name says where it exists', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('finance').addNamespace('accounts');
    f.clusters.get('cluster-2')!.addNamespace('finance');
    f.host.pickManyAnswers.push((items) => items.map((i) => i.value));
    const names = await pickNamespaceNames(f.deps, ['cluster-1', 'cluster-2'], 'Enroll');
    assert.deepEqual(names, ['accounts', 'finance']);
  });

  it('a pod or workload from the palette: context, then a namespace of it, then what is in that namespace', async () => {
    const f = fixture();
    f.clusters.get('cluster-2')!.addNamespace('finance').addNamespace('accounts').addPod('finance', 'curl-1').addWorkload('StatefulSet', 'finance', 'ledger');
    f.host.pickOneAnswers.push('cluster-2', 'finance', { context: 'cluster-2', namespace: 'finance', pod: 'curl-1' });
    assert.deepEqual(await pickPod(f.deps, 'Copy SPIFFE ID'), { context: 'cluster-2', namespace: 'finance', pod: 'curl-1' });
    assert.deepEqual(
      f.host.picks.map((p) => p.labels),
      [['cluster-1', 'cluster-2'], ['accounts', 'finance'], ['curl-1']],
    );

    f.host.picks.length = 0;
    f.host.pickOneAnswers.push('cluster-2', 'finance', 'ledger');
    await pickWorkload(f.deps, 'Restart Workload');
    assert.deepEqual(f.host.picks.at(-1), { title: 'Restart Workload', labels: ['ledger'] });
  });

  it('a namespace with no pods says so instead of offering an empty pick', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('finance');
    f.host.pickOneAnswers.push('cluster-1', 'finance');
    assert.equal(await pickPod(f.deps, 'Copy SPIFFE ID'), undefined);
    assert.equal(f.host.picks.length, 2);
    assert.deepEqual(f.host.messages.map((m) => m.message), ['No pods in finance (cluster-1).']);
  });
});
