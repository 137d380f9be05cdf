import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels } from '../../../src/commands/namespacePlan';
import { planEnroll, planRestart, planUnenroll, sidecarConflicts } from '../../../src/commands/namespacePlan';

const existing = new Map<string, Map<string, Labels>>([
  [
    'cluster-1',
    new Map<string, Labels>([
      ['finance', { 'kubernetes.io/metadata.name': 'finance', team: 'money' }],
      ['accounts', { 'istio.io/dataplane-mode': 'ambient' }],
      ['bookinfo', { 'istio-injection': 'enabled' }],
      ['canary', { 'istio.io/rev': '1-24' }],
      ['optout', { 'istio.io/rev': '1-24', 'istio-injection': 'disabled' }],
    ]),
  ],
  ['cluster-2', new Map<string, Labels>([['finance', {}]])],
]);

describe('planEnroll', () => {
  it('patches only the dataplane-mode label, leaving every other label alone', () => {
    const [step] = planEnroll([{ context: 'cluster-1', namespace: 'finance' }], existing, { removeSidecarLabels: false });
    assert.deepEqual(step, { kind: 'patch', ref: { context: 'cluster-1', namespace: 'finance' }, patch: { 'istio.io/dataplane-mode': 'ambient' }, sidecarLabelsKept: [] });
  });

  it('reports an already ambient namespace instead of patching it', () => {
    const [step] = planEnroll([{ context: 'cluster-1', namespace: 'accounts' }], existing, { removeSidecarLabels: false });
    assert.equal(step.kind, 'already-enrolled');
  });

  it('reports a namespace that does not exist in a context, and does not plan to create it', () => {
    const steps = planEnroll(
      [
        { context: 'cluster-1', namespace: 'finance' },
        { context: 'cluster-2', namespace: 'accounts' },
        { context: 'cluster-3', namespace: 'finance' },
      ],
      existing,
      { removeSidecarLabels: false },
    );
    assert.deepEqual(steps.map((s) => s.kind), ['patch', 'missing', 'missing']);
  });

  it('removes the sidecar injection labels in the same patch when asked', () => {
    const [bookinfo, canary] = planEnroll(
      [
        { context: 'cluster-1', namespace: 'bookinfo' },
        { context: 'cluster-1', namespace: 'canary' },
      ],
      existing,
      { removeSidecarLabels: true },
    );
    assert.equal(bookinfo.kind, 'patch');
    assert.deepEqual(bookinfo.kind === 'patch' && bookinfo.patch, { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': null });
    assert.deepEqual(canary.kind === 'patch' && canary.patch, { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': null });
  });

  it('keeps the sidecar labels when the user enrolls anyway, and says which ones stay', () => {
    const [step] = planEnroll([{ context: 'cluster-1', namespace: 'bookinfo' }], existing, { removeSidecarLabels: false });
    assert.deepEqual(step.kind === 'patch' && step.patch, { 'istio.io/dataplane-mode': 'ambient' });
    assert.deepEqual(step.kind === 'patch' && step.sidecarLabelsKept, ['istio-injection']);
  });
});

describe('sidecar injection detection', () => {
  it('lists the conflicting namespaces among the targets', () => {
    const conflicts = sidecarConflicts(
      ['finance', 'bookinfo', 'canary', 'optout'].map((namespace) => ({ context: 'cluster-1', namespace })),
      existing,
    );
    assert.deepEqual(conflicts.map((c) => c.ref.namespace), ['bookinfo', 'canary']);
  });

  it('keeps an empty istio.io/rev on enroll: it injects nothing, as the tree says (issue 12: one rule)', () => {
    const empty = new Map([['c', new Map<string, Labels>([['web', { 'istio.io/rev': '' }]])]]);
    const [step] = planEnroll([{ context: 'c', namespace: 'web' }], empty, { removeSidecarLabels: true });
    assert.deepEqual(step.kind === 'patch' && step.patch, { 'istio.io/dataplane-mode': 'ambient' });
    assert.deepEqual(sidecarConflicts([{ context: 'c', namespace: 'web' }], empty), []);
  });
});

describe('planUnenroll', () => {
  it('removes the label from an ambient namespace, reports one that is not enrolled or missing', () => {
    const steps = planUnenroll(
      [
        { context: 'cluster-1', namespace: 'accounts' },
        { context: 'cluster-1', namespace: 'finance' },
        { context: 'cluster-2', namespace: 'nope' },
      ],
      existing,
    );
    assert.deepEqual(steps, [
      { kind: 'patch', ref: { context: 'cluster-1', namespace: 'accounts' }, patch: { 'istio.io/dataplane-mode': null } },
      { kind: 'not-enrolled', ref: { context: 'cluster-1', namespace: 'finance' } },
      { kind: 'missing', ref: { context: 'cluster-2', namespace: 'nope' } },
    ]);
  });
});

describe('planRestart', () => {
  it('keeps only the configured kinds, ordered Deployment, StatefulSet, DaemonSet then by name', () => {
    const ref = (kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', name: string) => ({ context: 'cluster-1', namespace: 'prometheus', kind, name });
    const workloads = [ref('DaemonSet', 'node-exporter'), ref('StatefulSet', 'prometheus-prometheus'), ref('Deployment', 'prometheus-operator'), ref('Deployment', 'grafana')];
    assert.deepEqual(planRestart(workloads, ['Deployment', 'StatefulSet', 'DaemonSet']).map((w) => w.name), ['grafana', 'prometheus-operator', 'prometheus-prometheus', 'node-exporter']);
    assert.deepEqual(planRestart(workloads, ['DaemonSet']).map((w) => w.name), ['node-exporter']);
  });
});
