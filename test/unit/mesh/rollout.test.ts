import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '../../../src/kube/types';
import { rolloutStatus } from '../../../src/mesh/rollout';

function deployment(spec: { replicas?: number; generation?: number }, status: V1Deployment['status']): V1Deployment {
  return { metadata: { name: 'curl', generation: spec.generation ?? 2 }, spec: { replicas: spec.replicas, selector: {}, template: {} }, status };
}

describe('Deployment rollout, as kubectl rollout status sees it', () => {
  it('waits while the controller has not observed the restarted template', () => {
    const status = rolloutStatus('Deployment', deployment({ generation: 3 }, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }));
    assert.equal(status.state, 'progressing');
    assert.match(status.message, /spec update to be observed/);
  });

  it('waits for new replicas to be updated', () => {
    const status = rolloutStatus('Deployment', deployment({ replicas: 3 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 3 }));
    assert.deepEqual(status, { state: 'progressing', message: 'Waiting for deployment "curl" rollout to finish: 1 out of 3 new replicas have been updated' });
  });

  it('waits for old replicas to terminate', () => {
    const status = rolloutStatus('Deployment', deployment({ replicas: 2 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }));
    assert.equal(status.state, 'progressing');
    assert.match(status.message, /1 old replicas are pending termination/);
  });

  it('waits for updated replicas to become available', () => {
    const status = rolloutStatus('Deployment', deployment({ replicas: 2 }, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }));
    assert.equal(status.state, 'progressing');
    assert.match(status.message, /1 of 2 updated replicas are available/);
  });

  it('is complete when every replica is updated and available (replicas defaults to 1)', () => {
    const status = rolloutStatus('Deployment', deployment({}, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }));
    assert.deepEqual(status, { state: 'complete', message: 'deployment "curl" successfully rolled out' });
  });

  it('fails when the progress deadline is exceeded, quoting the condition', () => {
    const status = rolloutStatus(
      'Deployment',
      deployment({}, {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 1,
        availableReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "curl-7d" has timed out progressing.' }],
      }),
    );
    assert.equal(status.state, 'failed');
    assert.equal(status.message, 'deployment "curl" exceeded its progress deadline (ReplicaSet "curl-7d" has timed out progressing.)');
  });
});

function daemonSet(status: V1DaemonSet['status'], strategy?: 'RollingUpdate' | 'OnDelete'): V1DaemonSet {
  return {
    metadata: { name: 'node-exporter', generation: 4 },
    spec: { selector: {}, template: {}, updateStrategy: strategy ? { type: strategy } : undefined },
    status,
  };
}

describe('DaemonSet rollout', () => {
  const base = { currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 4 };
  it('waits for pods to be updated on every node', () => {
    const status = rolloutStatus('DaemonSet', daemonSet({ ...base, desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3 }));
    assert.equal(status.message, 'Waiting for daemon set "node-exporter" rollout to finish: 2 out of 3 new pods have been updated');
  });
  it('waits for updated pods to be available', () => {
    const status = rolloutStatus('DaemonSet', daemonSet({ ...base, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }));
    assert.equal(status.state, 'progressing');
    assert.match(status.message, /2 of 3 updated pods are available/);
  });
  it('is complete when every scheduled pod is updated and available', () => {
    const status = rolloutStatus('DaemonSet', daemonSet({ ...base, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }, 'RollingUpdate'));
    assert.equal(status.state, 'complete');
  });
  it('waits when the status is about an older generation', () => {
    const status = rolloutStatus('DaemonSet', daemonSet({ ...base, observedGeneration: 3, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }));
    assert.equal(status.state, 'progressing');
  });
  it('says an OnDelete daemon set will not roll by itself', () => {
    const status = rolloutStatus('DaemonSet', daemonSet({ ...base, desiredNumberScheduled: 3, updatedNumberScheduled: 0, numberAvailable: 3 }, 'OnDelete'));
    assert.equal(status.state, 'failed');
    assert.match(status.message, /OnDelete/);
  });
});

function statefulSet(spec: Partial<NonNullable<V1StatefulSet['spec']>>, status: V1StatefulSet['status']): V1StatefulSet {
  return { metadata: { name: 'prometheus-prometheus', generation: 5 }, spec: { selector: {}, template: {}, serviceName: 'p', ...spec }, status };
}

describe('StatefulSet rollout', () => {
  it('is not done while the controller never reported a generation', () => {
    const status = rolloutStatus('StatefulSet', statefulSet({ replicas: 1 }, { replicas: 1, readyReplicas: 1 }));
    assert.equal(status.state, 'progressing');
    assert.match(status.message, /spec update to be observed/);
  });
  it('waits for pods to be ready', () => {
    const status = rolloutStatus('StatefulSet', statefulSet({ replicas: 3 }, { observedGeneration: 5, replicas: 3, readyReplicas: 1 }));
    assert.equal(status.message, 'Waiting for 2 pods of statefulset "prometheus-prometheus" to be ready');
  });
  it('with the defaulted rollingUpdate (partition 0), waits until every pod is updated', () => {
    const spec = { replicas: 2, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } };
    assert.equal(rolloutStatus('StatefulSet', statefulSet(spec, { observedGeneration: 5, replicas: 2, readyReplicas: 2, updatedReplicas: 1 })).state, 'progressing');
    assert.equal(rolloutStatus('StatefulSet', statefulSet(spec, { observedGeneration: 5, replicas: 2, readyReplicas: 2, updatedReplicas: 2 })).state, 'complete');
  });
  it('with a partition, is complete once the pods above the partition are updated', () => {
    const spec = { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } };
    const status = rolloutStatus('StatefulSet', statefulSet(spec, { observedGeneration: 5, replicas: 4, readyReplicas: 4, updatedReplicas: 1 }));
    assert.deepEqual(status, { state: 'complete', message: 'partitioned roll out complete: 1 new pods have been updated' });
  });
  it('without rollingUpdate, compares the current and update revisions', () => {
    const rolling = rolloutStatus('StatefulSet', statefulSet({ replicas: 1 }, { observedGeneration: 5, replicas: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' }));
    assert.equal(rolling.state, 'progressing');
    const done = rolloutStatus('StatefulSet', statefulSet({ replicas: 1 }, { observedGeneration: 5, replicas: 1, readyReplicas: 1, currentRevision: 'b', updateRevision: 'b' }));
    assert.equal(done.state, 'complete');
  });
  it('says an OnDelete statefulset will not roll by itself', () => {
    const status = rolloutStatus('StatefulSet', statefulSet({ updateStrategy: { type: 'OnDelete' } }, { observedGeneration: 5, replicas: 1, readyReplicas: 1 }));
    assert.equal(status.state, 'failed');
  });
});
