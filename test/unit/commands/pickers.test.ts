import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asNamespaceRef, asPodRef, asWorkloadRef, contextFromArgs, namespaceTargets, pickContextToAdd, pickNamespaceNames, pickPod, pickWorkload, refsFromArgs } from '../../../src/commands/pickers';
import { rowsLost, targetOf } from '../../../src/commands/target';
import { fixture } from './fakes';

describe('targets from tree nodes', () => {
  it('a multi-selection (second argument) wins over the clicked node', () => {
    const clicked = { context: 'cluster-1', namespace: 'finance' };
    const selected = [clicked, { context: 'cluster-1', namespace: 'accounts' }];
    assert.deepEqual(refsFromArgs([clicked, selected], asNamespaceRef), selected);
    assert.deepEqual(refsFromArgs([clicked], asNamespaceRef), [clicked]);
    assert.deepEqual(refsFromArgs([], asNamespaceRef), []);
    const workload = { context: 'cluster-2', namespace: 'finance', kind: 'Deployment', name: 'curl' };
    assert.deepEqual(refsFromArgs([workload], asWorkloadRef), [workload], 'a plain workload ref, as other commands pass it');
    assert.deepEqual(asNamespaceRef({ context: 'cluster-1', name: 'finance', contextValue: 'namespace+ambient' }), { context: 'cluster-1', namespace: 'finance' }, 'row-shaped');
    assert.equal(asNamespaceRef({ context: 'cluster-1', name: 'cluster-1', contextValue: 'context+current' }), undefined);
    const pod = { context: 'cluster-2', namespace: 'finance', pod: 'curl-1' };
    assert.deepEqual(refsFromArgs([pod], asPodRef), [pod]);
  });

  it('reads namespace, workload, pod and context rows by the target they carry', () => {
    assert.deepEqual(asNamespaceRef({ target: { kind: 'namespace', context: 'cluster-1', namespace: 'finance' } }), { context: 'cluster-1', namespace: 'finance' });
    assert.deepEqual(asWorkloadRef({ target: { kind: 'workload', context: 'c', namespace: 'finance', workloadKind: 'Deployment', name: 'curl' } }), {
      context: 'c',
      namespace: 'finance',
      kind: 'Deployment',
      name: 'curl',
    });
    assert.equal(asWorkloadRef({ target: { kind: 'workload', context: 'c', namespace: 'n', workloadKind: 'Job', name: 'x' } }), undefined, 'only restartable kinds');
    assert.deepEqual(asPodRef({ target: { kind: 'pod', context: 'c', namespace: 'n', pod: 'curl-1' } }), { context: 'c', namespace: 'n', pod: 'curl-1' });
    assert.equal(asNamespaceRef({ target: { kind: 'context', context: 'c' } }), undefined, 'a context row is not a namespace');
    assert.equal(asNamespaceRef({ target: { kind: 'pod', context: 'c', namespace: 'n', pod: 'p' } }), undefined, 'a pod row is not a namespace');
    assert.equal(asNamespaceRef({ target: { kind: 'namespace', context: 'c' } }), undefined, 'a malformed target names nothing');
    assert.equal(asNamespaceRef({ target: { kind: 'namespace', context: 'c' }, context: 'c', namespace: 'n' }), undefined, 'nor falls back to other fields');
  });

  it('a row without a target of its own (the Mesh node, a message row) stands for the context it sits under', () => {
    const contextRow = { target: { kind: 'context', context: 'cluster-2' } };
    const meshRow = { parent: contextRow, id: 'context/cluster-2/mesh' };
    assert.deepEqual(targetOf(meshRow), { kind: 'context', context: 'cluster-2' });
    assert.equal(contextFromArgs([meshRow]), 'cluster-2');
    assert.equal(asNamespaceRef(meshRow), undefined);
    assert.deepEqual(targetOf('cluster-1'), { kind: 'context', context: 'cluster-1' }, 'a context name');
  });

  it('a row keeps naming the same cluster and namespace after its model is gone (kubeconfig reloaded)', () => {
    // Rows resolve their context through strings, not a model object: dropping the model changes nothing.
    let model: { context: string } | undefined = { context: 'cluster-1' };
    const row = {
      context: 'cluster-1',
      get target() {
        return { kind: 'namespace', context: 'cluster-1', namespace: 'finance', model };
      },
    };
    model = undefined;
    assert.deepEqual(refsFromArgs([row], asNamespaceRef), [{ context: 'cluster-1', namespace: 'finance' }]);
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

describe('a tree invocation whose rows VS Code could not hand over', () => {
  it('is told apart from the palette (no arguments) and from rows that decode', () => {
    // VS Code's tree passes undefined for a row it is re-fetching at that instant, alone or in the selection list.
    assert.equal(rowsLost([undefined]), true);
    assert.equal(rowsLost([undefined, [undefined, null]]), true);
    assert.equal(rowsLost([null, undefined]), true);
    assert.equal(rowsLost([]), false);
    assert.equal(rowsLost([{ context: 'cluster-2', namespace: 'accounts' }, undefined]), false);
    assert.equal(rowsLost([undefined, [{ context: 'cluster-2', namespace: 'finance' }, undefined]]), false);
  });
});

// The log view's "Add cluster…": asked through CommandHost like every other pick (it used to call the window itself).
describe('a context to add to a log view', () => {
  it('offers only the contexts the view does not follow yet, and returns the one picked', async () => {
    const { deps, host } = fixture(['cluster-1', 'cluster-2', 'cluster-3']);
    host.pickOneAnswers.push('cluster-3');
    assert.equal(await pickContextToAdd(deps, 'Add a cluster to this ztunnel log view', ['cluster-1']), 'cluster-3');
    assert.deepEqual(host.picks, [{ title: 'Add a cluster to this ztunnel log view', labels: ['cluster-2', 'cluster-3'] }]);
  });

  it('says so, without a pick, when the view follows every context already', async () => {
    const { deps, host } = fixture(['cluster-1', 'cluster-2']);
    assert.equal(await pickContextToAdd(deps, 'Add a cluster', ['cluster-1', 'cluster-2']), undefined);
    assert.deepEqual(host.picks, []);
    assert.deepEqual(host.messages.map((m) => [m.severity, m.message]), [['info', 'Every context of your kubeconfig is already in this view.']]);
  });
});
