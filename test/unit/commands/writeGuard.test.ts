// Every write confirms and names namespace × cluster; a read-only context is refused before anything is
// sent (SelfSubjectAccessReview); pickers never pre-select a context the user did not start from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enrollNamespaces, restartWorkloads, unenrollNamespaces } from '../../../src/commands/namespaceCommands';
import { pickContext, pickContexts } from '../../../src/commands/pickers';
import { nameTargets } from '../../../src/commands/writeGuard';
import { AccessReviews } from '../../../src/kube/access';
import type { ClusterClient } from '../../../src/kube/types';
import { fixture } from './fakes';
import type { Fixture } from './fakes';

const MODE = 'istio.io/dataplane-mode';

/** The fixture with the extension's access cache over its fake clusters. */
function withAccess(f: Fixture): Fixture {
  const access = new AccessReviews({ client: (context) => f.deps.kube.client(context) as ClusterClient, onDidChange: () => ({ dispose() {} }) });
  return { ...f, deps: { ...f.deps, access } };
}

describe('write confirmations', () => {
  it('Remove from Ambient asks first, naming the namespace and its cluster; declining changes nothing', async () => {
    const f = fixture(['cluster-1', 'cluster-2'], { confirmWrites: true });
    f.clusters.get('cluster-1')!.addNamespace('finance', { [MODE]: 'ambient' });
    const report = await unenrollNamespaces(f.deps, [{ context: 'cluster-1', namespace: 'finance' }]);
    const modal = f.host.modals()[0];
    assert.equal(modal?.message, 'Remove finance on cluster-1 from ambient?');
    assert.deepEqual(modal.actions, ['Remove']);
    assert.equal(f.patches.length, 0);
    assert.equal(report.cancelled, true);
    assert.equal(f.clusters.get('cluster-1')!.namespaces.get('finance')![MODE], 'ambient');
  });

  it('Remove from Ambient, confirmed, removes the label and its result names namespace × cluster', async () => {
    const f = fixture(['cluster-1', 'cluster-2'], { confirmWrites: true });
    f.clusters.get('cluster-1')!.addNamespace('finance', { [MODE]: 'ambient' });
    f.clusters.get('cluster-2')!.addNamespace('finance', { [MODE]: 'ambient' });
    f.host.modalAnswers.push({ match: /^Remove 2 namespaces/, answer: 'Remove' });
    await unenrollNamespaces(f.deps, [
      { context: 'cluster-1', namespace: 'finance' },
      { context: 'cluster-2', namespace: 'finance' },
    ]);
    assert.equal(f.host.modals()[0].message, 'Remove 2 namespaces (finance on cluster-1; finance on cluster-2) from ambient?');
    assert.equal(f.patches.length, 2);
    assert.equal(f.host.messages.at(-1)!.message, 'Remove from Ambient: 2 removed from ambient (finance on cluster-1; finance on cluster-2).');
    assert.deepEqual(f.host.progressTitles, ['Remove from Ambient']);
    assert.ok(f.host.progressMessages.some((m) => /^finance on cluster-2 · [12] of 2$/.test(m)), f.host.progressMessages.join(' | '));
    assert.match(f.log.text(), /info Remove from Ambient: cluster-2\/finance: removed from ambient/);
  });

  it('Enroll asks first, listing what it patches and what it leaves alone; ambient.confirmWrites off skips the question', async () => {
    const f = fixture(['cluster-1'], { confirmWrites: true });
    f.clusters.get('cluster-1')!.addNamespace('finance').addNamespace('accounts', { [MODE]: 'ambient' });
    f.host.modalAnswers.push({ match: /^Enroll finance on cluster-1 in ambient\?$/, answer: 'Enroll' });
    const targets = [
      { context: 'cluster-1', namespace: 'finance' },
      { context: 'cluster-1', namespace: 'accounts' },
    ];
    const report = await enrollNamespaces(f.deps, targets);
    assert.match(f.host.modals()[0].detail ?? '', /Left alone \(already ambient\): accounts on cluster-1\./);
    assert.deepEqual(
      report.results.map((r) => [r.target, r.outcome]),
      [
        ['cluster-1/finance', 'done'],
        ['cluster-1/accounts', 'unchanged'],
      ],
    );

    const quiet = fixture(['cluster-1'], { confirmWrites: false });
    quiet.clusters.get('cluster-1')!.addNamespace('finance');
    await enrollNamespaces(quiet.deps, [{ context: 'cluster-1', namespace: 'finance' }]);
    assert.equal(quiet.host.modals().length, 0);
    assert.equal(quiet.patches.length, 1);
  });

  it('Restart Workload on a workload row confirms, naming the workload and its cluster', async () => {
    const f = fixture(['cluster-1'], { confirmWrites: true });
    f.clusters.get('cluster-1')!.addWorkload('Deployment', 'finance', 'curl');
    const report = await restartWorkloads(f.deps, [{ context: 'cluster-1', namespace: 'finance', kind: 'Deployment', name: 'curl' }]);
    assert.equal(f.host.modals()[0].message, 'Restart Deployment finance/curl on cluster-1?');
    assert.equal(f.restarts.length, 0);
    assert.equal(report.cancelled, true);
  });
});

describe('read-only contexts (SelfSubjectAccessReview)', () => {
  it('a write on a read-only context is refused in one sentence before any patch, pointing at a context that can write', async () => {
    const f = withAccess(fixture(['cluster-1', 'cluster-1-viewer'], { confirmWrites: true }));
    const viewer = f.clusters.get('cluster-1-viewer')!;
    viewer.addNamespace('finance');
    viewer.readOnly = true;
    viewer.user = 'cluster-1-viewer';
    const report = await enrollNamespaces(f.deps, [{ context: 'cluster-1-viewer', namespace: 'finance' }]);
    assert.equal(f.patches.length, 0, 'nothing sent');
    assert.equal(f.host.modals().length, 0, 'no confirmation for a write that cannot happen');
    const toast = f.host.messages.at(-1)!;
    assert.equal(toast.severity, 'error');
    assert.equal(
      toast.message,
      'Enroll in Ambient: cluster-1-viewer is read-only (its user "cluster-1-viewer" may not patch namespaces "finance"); nothing was changed: use a context that can write, e.g. cluster-1.',
    );
    assert.equal(report.results[0].outcome, 'not-started');
    assert.deepEqual(viewer.reviews[0], { verb: 'patch', resource: 'namespaces', name: 'finance' });
  });

  it('reviews are asked once per context and question, and again after the kubeconfig changes', async () => {
    let asked = 0;
    let changed: (() => void) | undefined;
    const access = new AccessReviews({
      client: () => ({ canI: async () => (asked++, false) }) as unknown as ClusterClient,
      onDidChange: (listener) => ((changed = () => listener({ contexts: [], files: [] })), { dispose() {} }),
    });
    const q = { verb: 'patch', resource: 'namespaces' };
    assert.equal(await access.check('c', q), 'denied');
    assert.equal(await access.check('c', q), 'denied');
    assert.equal(asked, 1);
    changed!();
    assert.equal(access.known('c', q), 'unknown', 'forgotten on reload');
    assert.equal(await access.check('c', q), 'denied');
    assert.equal(asked, 2);
  });

  it('a review that fails is "unknown" (never read-only) and is asked again', async () => {
    let calls = 0;
    const access = new AccessReviews({
      client: () => ({ canI: async () => (calls++, Promise.reject(new Error('connection refused'))) }) as unknown as ClusterClient,
      onDidChange: () => ({ dispose() {} }),
    });
    assert.equal(await access.check('c', { verb: 'patch', resource: 'namespaces' }), 'unknown');
    assert.equal(access.readOnly('c'), false);
    await access.check('c', { verb: 'patch', resource: 'namespaces' });
    assert.ok(calls >= 2);
  });
});

describe('context pickers', () => {
  it('Enroll on Clusters pre-ticks only the context the user started from, marks read-only ones and says what each enrolls', async () => {
    const f = withAccess(fixture(['cluster-1', 'cluster-2', 'cluster-1-viewer']));
    f.clusters.get('cluster-1')!.addNamespace('finance');
    f.clusters.get('cluster-2')!.addNamespace('accounts');
    f.clusters.get('cluster-1-viewer')!.addNamespace('finance').readOnly = true;
    let offered: { label: string; description?: string; detail?: string; picked?: boolean }[] = [];
    f.host.pickManyAnswers.push((items) => ((offered = [...items]), ['cluster-1-viewer']));
    await pickContexts(f.deps, 'Enroll in Ambient on Clusters…', ['finance'], ['cluster-1-viewer']);
    assert.deepEqual(
      offered.map((i) => [i.label, i.picked, i.description, i.detail]),
      [
        ['cluster-1', false, 'cluster-1 (current)', 'enrolls finance'],
        ['cluster-2', false, 'cluster-2', 'enrolls nothing · not here: finance'],
        ['cluster-1-viewer', true, 'cluster-1 · read-only', 'enrolls finance'],
      ],
    );
    assert.equal(f.host.picks[0].title, 'Enroll in Ambient on Clusters…');
  });

  it('from the palette nothing is pre-ticked, and the context pick does not put the current context first', async () => {
    const f = fixture(['cluster-2', 'cluster-1']);
    let ticked: unknown[] = ['unset'];
    f.host.pickManyAnswers.push((items) => ((ticked = items.filter((i) => i.picked).map((i) => i.value)), undefined));
    await pickContexts(f.deps, 'Enroll in Ambient on Clusters…');
    assert.deepEqual(ticked, []);
    // The fixture's first context is current: kubeconfig order, with "(current)" only as a description.
    const g = fixture(['cluster-1', 'cluster-2']);
    await pickContext({ ...g.deps, kube: { ...g.deps.kube, state: () => ({ ...g.deps.kube.state(), contexts: [...g.deps.kube.state().contexts].reverse() }) } }, 'Restart Workloads');
    assert.deepEqual(g.host.picks[0].labels, ['cluster-2', 'cluster-1']);
  });
});

describe('naming targets', () => {
  it('groups by context and keeps long lists short', () => {
    assert.equal(
      nameTargets([
        { context: 'cluster-1', label: 'finance' },
        { context: 'cluster-2', label: 'finance' },
        { context: 'cluster-1', label: 'accounts' },
      ]),
      'finance, accounts on cluster-1; finance on cluster-2',
    );
    const many = Array.from({ length: 20 }, (_, i) => ({ context: 'c', label: `ns-${i}` }));
    assert.equal(nameTargets(many, 3), 'ns-0, ns-1, ns-2 and 17 more on c');
  });
});
