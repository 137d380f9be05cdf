import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupByWorkload, workloadOf } from '../../../src/mesh/workloads';
import { facts } from './fixtures';

describe('workload of a pod', () => {
  it('follows a ReplicaSet to its Deployment', () => {
    const owners = new Map([['web-6f8c', { kind: 'Deployment', name: 'web' }]]);
    assert.deepEqual(workloadOf(facts({ owner: { kind: 'ReplicaSet', name: 'web-6f8c' } }), owners), { kind: 'Deployment', name: 'web' });
  });

  it('keeps a ReplicaSet without owner as the workload', () => {
    const owners = new Map([['solo', undefined]]);
    assert.deepEqual(workloadOf(facts({ owner: { kind: 'ReplicaSet', name: 'solo' } }), owners), { kind: 'ReplicaSet', name: 'solo' });
  });

  it('infers the Deployment from pod-template-hash when the ReplicaSet is not known', () => {
    const pod = facts({ owner: { kind: 'ReplicaSet', name: 'reviews-v1-5b9c' }, podTemplateHash: '5b9c' });
    assert.deepEqual(workloadOf(pod, new Map()), { kind: 'Deployment', name: 'reviews-v1' });
  });

  it('uses StatefulSet and DaemonSet owners directly, and lists a pod without owner as itself', () => {
    assert.deepEqual(workloadOf(facts({ owner: { kind: 'StatefulSet', name: 'db' } }), new Map()), { kind: 'StatefulSet', name: 'db' });
    assert.deepEqual(workloadOf(facts({ owner: { kind: 'DaemonSet', name: 'ztunnel' } }), new Map()), { kind: 'DaemonSet', name: 'ztunnel' });
    assert.deepEqual(workloadOf(facts({ name: 'debug' }), new Map()), { kind: 'Pod', name: 'debug' });
  });
});

describe('grouping pods by workload', () => {
  it('groups Deployments, StatefulSets, DaemonSets, then bare pods, and keeps known workloads with no pods', () => {
    const owners = new Map([['web-1', { kind: 'Deployment', name: 'web' }]]);
    const groups = groupByWorkload(
      [
        facts({ name: 'bare' }),
        facts({ name: 'web-1-b', owner: { kind: 'ReplicaSet', name: 'web-1' } }),
        facts({ name: 'web-1-a', owner: { kind: 'ReplicaSet', name: 'web-1' } }),
        facts({ name: 'db-0', owner: { kind: 'StatefulSet', name: 'db' } }),
        facts({ name: 'agent-x', owner: { kind: 'DaemonSet', name: 'agent' } }),
      ],
      owners,
      [{ kind: 'Deployment', name: 'scaled-to-zero' }],
    );
    assert.deepEqual(
      groups.map((g) => [g.kind, g.name, g.pods.map((p) => p.name)]),
      [
        ['Deployment', 'scaled-to-zero', []],
        ['Deployment', 'web', ['web-1-a', 'web-1-b']],
        ['StatefulSet', 'db', ['db-0']],
        ['DaemonSet', 'agent', ['agent-x']],
        ['Pod', 'bare', ['bare']],
      ],
    );
  });
});
