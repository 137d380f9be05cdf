// The mesh summary kept from istio-system's parts as they arrive: a change a user would see is reported once,
// a repeat of the same state is not (the tree redraws only on news).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeshSummaryTracker } from '../../../src/mesh/meshSummaryTracker';
import { daemonSet, istiod } from './fixtures';

describe('mesh summary tracker', () => {
  it('reports a change when a part changes what the summary says, not when the same part comes again', () => {
    const tracker: MeshSummaryTracker = new MeshSummaryTracker();
    assert.equal(new MeshSummaryTracker().summary, undefined, 'nothing before the first part');
    assert.equal(tracker.update({ deployments: [istiod('docker.io/istio/pilot:1.28.3', 1, 1)] }), true);
    assert.equal(tracker.summary?.istiod[0]?.version, '1.28.3');
    assert.equal(tracker.update({ daemonSets: [daemonSet('ztunnel', 2, 3)] }), true);
    assert.deepEqual(tracker.summary?.ztunnel, { ready: 2, desired: 3 });
    assert.equal(tracker.update({ daemonSets: [daemonSet('ztunnel', 2, 3)] }), false, 'the same state again is no news');
    assert.equal(tracker.update({ daemonSets: [daemonSet('ztunnel', 3, 3)] }), true);
    assert.equal(tracker.summary?.istiod.length, 1, 'the other parts are kept');
  });
});
