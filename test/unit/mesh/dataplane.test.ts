import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  captureProgress,
  captureState,
  emptyCounts,
  namespaceBadge,
  namespaceDataplane,
  namespaceFacts,
  podFacts,
  sidecarInjectionLabels,
} from '../../../src/mesh/dataplane';
import type { CaptureState } from '../../../src/mesh/dataplane';
import { facts, namespace, pod } from './fixtures';

function badgeOf(labels: Record<string, string>, states: CaptureState[] = []) {
  const counts = emptyCounts();
  for (const state of states) counts[state]++;
  return namespaceBadge(namespaceDataplane(labels), captureProgress(counts));
}

describe('namespace dataplane mode', () => {
  it('is ambient with istio.io/dataplane-mode=ambient', () => {
    assert.equal(namespaceDataplane({ 'istio.io/dataplane-mode': 'ambient' }).mode, 'ambient');
  });

  it('is sidecar with istio-injection=enabled or a revision label', () => {
    assert.equal(namespaceDataplane({ 'istio-injection': 'enabled' }).mode, 'sidecar');
    const revisioned = namespaceDataplane({ 'istio.io/rev': 'canary' });
    assert.equal(revisioned.mode, 'sidecar');
    assert.equal(revisioned.revision, 'canary');
  });

  it('istio-injection=disabled beats a revision label', () => {
    assert.equal(namespaceDataplane({ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }).mode, 'none');
  });

  it('flags sidecar and ambient labels together as a conflict', () => {
    const both = namespaceDataplane({ 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' });
    assert.equal(both.mode, 'conflict');
    assert.equal(both.ambient, true);
    assert.equal(both.sidecar, true);
  });

  it('is outside the mesh without Istio labels, and with dataplane-mode=none', () => {
    assert.equal(namespaceDataplane({}).mode, 'none');
    assert.equal(namespaceDataplane({ 'istio.io/dataplane-mode': 'none' }).mode, 'none');
  });

  it('names the labels that inject: istio-injection=enabled, a non-empty revision; disabled overrides the revision', () => {
    assert.deepEqual(sidecarInjectionLabels({ 'istio-injection': 'enabled' }), [{ key: 'istio-injection', value: 'enabled' }]);
    assert.deepEqual(sidecarInjectionLabels({ 'istio.io/rev': 'canary' }), [{ key: 'istio.io/rev', value: 'canary' }]);
    assert.deepEqual(sidecarInjectionLabels({ 'istio.io/rev': 'canary', 'istio-injection': 'disabled' }), []);
    // An empty revision matches no injector webhook: the mode and the labels agree it is not a sidecar namespace.
    assert.deepEqual(sidecarInjectionLabels({ 'istio.io/rev': '' }), []);
    assert.equal(namespaceDataplane({ 'istio.io/rev': '', 'istio.io/dataplane-mode': 'ambient' }).mode, 'ambient');
    assert.deepEqual(sidecarInjectionLabels({}), []);
  });

  it('reads the waypoint, ignoring #none', () => {
    assert.equal(namespaceDataplane({ 'istio.io/use-waypoint': 'reviews-wp' }).waypoint, 'reviews-wp');
    assert.equal(namespaceDataplane({ 'istio.io/use-waypoint': '#none' }).waypoint, undefined);
  });
});

describe('namespace badge and description', () => {
  it('ambient with every pod captured: A, ok, "ambient · 4/4 captured"', () => {
    const badge = badgeOf({ 'istio.io/dataplane-mode': 'ambient' }, ['captured', 'captured', 'captured', 'captured']);
    assert.deepEqual(badge, { letter: 'A', tone: 'ok', description: 'ambient · 4/4 captured' });
  });

  it('ambient with pods not (yet) captured warns: "ambient · 2/4 captured"', () => {
    const badge = badgeOf({ 'istio.io/dataplane-mode': 'ambient' }, ['captured', 'captured', 'pending', 'notCaptured']);
    assert.deepEqual(badge, { letter: 'A', tone: 'warning', description: 'ambient · 2/4 captured' });
  });

  it('opted-out, host-network and sidecar pods do not count against capture progress', () => {
    const badge = badgeOf({ 'istio.io/dataplane-mode': 'ambient' }, ['captured', 'optedOut', 'hostNetwork', 'completed']);
    assert.equal(badge.description, 'ambient · 1/1 captured');
    assert.equal(badge.tone, 'ok');
  });

  it('ambient without pods says so', () => {
    assert.equal(badgeOf({ 'istio.io/dataplane-mode': 'ambient' }).description, 'ambient · no pods');
  });

  it('sidecar: S, with the revision when there is one', () => {
    assert.deepEqual(badgeOf({ 'istio-injection': 'enabled' }), { letter: 'S', tone: 'info', description: 'sidecar' });
    assert.equal(badgeOf({ 'istio.io/rev': '1-28' }).description, 'sidecar (rev 1-28)');
  });

  it('conflict: !, error tone', () => {
    const badge = badgeOf({ 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' });
    assert.deepEqual(badge, { letter: '!', tone: 'error', description: 'sidecar + ambient conflict' });
  });

  it('waypoint is appended to ambient, and shown alone otherwise', () => {
    const labels = { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' };
    assert.equal(badgeOf(labels, ['captured']).description, 'ambient · 1/1 captured · waypoint waypoint');
    assert.deepEqual(badgeOf({ 'istio.io/use-waypoint': 'wp' }), { letter: 'W', tone: 'info', description: 'waypoint wp' });
  });

  it('nothing for namespaces outside the mesh', () => {
    assert.deepEqual(badgeOf({}, ['outside']), { description: '' });
  });
});

describe('pod capture state', () => {
  it('captured when istio-cni wrote redirection=enabled', () => {
    assert.equal(captureState(facts({ redirection: 'enabled' }), true), 'captured');
  });

  it('pending when redirection=pending (traffic blocked until ztunnel accepts it)', () => {
    assert.equal(captureState(facts({ redirection: 'pending' }), true), 'pending');
  });

  it('not captured: enrolled namespace, no annotation', () => {
    assert.equal(captureState(facts(), true), 'notCaptured');
  });

  it('not captured: pod labelled ambient in a namespace that is not', () => {
    assert.equal(captureState(facts({ labels: { 'istio.io/dataplane-mode': 'ambient' } }), false), 'notCaptured');
  });

  it('opted out: pod label none in an ambient namespace', () => {
    assert.equal(captureState(facts({ labels: { 'istio.io/dataplane-mode': 'none' } }), true), 'optedOut');
  });

  it('sidecar: an injected pod is skipped by istio-cni, even in an ambient namespace', () => {
    assert.equal(captureState(facts({ hasSidecar: true }), true), 'sidecar');
  });

  it('host network: never captured, whatever the labels', () => {
    assert.equal(captureState(facts({ hostNetwork: true, labels: { 'istio.io/dataplane-mode': 'ambient' } }), true), 'hostNetwork');
  });

  it('outside: namespace not enrolled and no pod label', () => {
    assert.equal(captureState(facts(), false), 'outside');
  });

  it('completed pods are not expected to be captured', () => {
    assert.equal(captureState(facts({ phase: 'Succeeded' }), true), 'completed');
  });
});

describe('facts taken from API objects', () => {
  it('keeps the Istio labels, the redirection annotation, host network, service account and owner of a pod', () => {
    const p = podFacts(
      pod('web-7d9f-abcde', {
        namespace: 'finance',
        labels: { app: 'web', 'pod-template-hash': '7d9f', 'istio.io/dataplane-mode': 'none' },
        annotations: { 'ambient.istio.io/redirection': 'pending', 'sidecar.istio.io/status': '{}' },
        hostNetwork: true,
        serviceAccount: 'web-sa',
        owner: { kind: 'ReplicaSet', name: 'web-7d9f' },
      }),
    );
    assert.deepEqual(p.labels, { 'istio.io/dataplane-mode': 'none' });
    assert.equal(p.redirection, 'pending');
    assert.equal(p.hasSidecar, true);
    assert.equal(p.hostNetwork, true);
    assert.equal(p.serviceAccount, 'web-sa');
    assert.deepEqual(p.owner, { kind: 'ReplicaSet', name: 'web-7d9f' });
    assert.equal(p.podTemplateHash, '7d9f');
    assert.equal(p.ready, true);
  });

  it('keeps only the Istio labels of a namespace', () => {
    const ns = namespaceFacts(namespace('legacy', { team: 'x', 'istio.io/dataplane-mode': 'ambient' }));
    assert.deepEqual(ns.labels, { 'istio.io/dataplane-mode': 'ambient' });
    assert.equal(ns.terminating, false);
  });
});
