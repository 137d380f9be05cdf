// Capture proof per pod: istio-cni's annotation and ztunnel's workload table (the list-format
// /config_dump of ztunnel 1.23+, fixture test/unit/verify/fixtures/configDump-1.28.json, ztunnel 1.28.3).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { proofCounts, proveCapture, workloadsToRestart } from '../../../src/mesh/captureProof';
import { podFacts } from '../../../src/mesh/dataplane';
import { parseConfigDump } from '../../../src/mesh/ztunnelConfig';
import { captured, pod } from '../mesh/fixtures';

const dump = parseConfigDump(readFileSync(join(import.meta.dirname, '../verify/fixtures/configDump-1.28.json'), 'utf8'));
const ambient = new Set(['finance', 'accounts']);
const rs = (name: string) => ({ kind: 'ReplicaSet', name });

describe('capture proof', () => {
  const curl = captured('curl-7d9b8c6f5-x2x8q', { namespace: 'finance', owner: rs('curl-7d9b8c6f5'), labels: { 'pod-template-hash': '7d9b8c6f5' } });
  // The fixture's ztunnel lists this one as TCP (a waypoint is not redirected): annotated anyway, so stale.
  const tcp = captured('waypoint-5d8c6d7f9b-9hj2k', { namespace: 'finance', owner: rs('waypoint-5d8c6d7f9b'), labels: { 'pod-template-hash': '5d8c6d7f9b' } });
  const missing = captured('ledger-0', { namespace: 'accounts', owner: { kind: 'StatefulSet', name: 'ledger' } });
  const unlabelled = pod('web-5d9f-abcde', { namespace: 'finance', owner: rs('web-5d9f'), labels: { 'pod-template-hash': '5d9f' } });
  const pending = pod('agent-x1', { namespace: 'finance', owner: { kind: 'DaemonSet', name: 'agent' }, annotations: { 'ambient.istio.io/redirection': 'pending' } });
  const sidecar = pod('old-1', { namespace: 'finance', owner: { kind: 'Job', name: 'old' }, annotations: { 'sidecar.istio.io/status': '{}' } });
  const outside = pod('tool', { namespace: 'tools' });
  const pods = [curl, tcp, missing, unlabelled, pending, sidecar, outside].map(podFacts);

  it('is captured only with the annotation and an HBONE row in ztunnel', () => {
    const [proof] = proveCapture({ pods: pods.slice(0, 1), ambientNamespaces: ambient, workloads: dump.workloads });
    assert.equal(proof.state, 'captured');
    assert.deepEqual(proof.workload, { kind: 'Deployment', name: 'curl' });
    assert.match(proof.evidence, /HBONE/);
  });

  it('is stale when ztunnel lists the annotated pod as TCP or not at all', () => {
    const proofs = proveCapture({ pods, ambientNamespaces: ambient, workloads: dump.workloads });
    assert.equal(proofs[1].state, 'stale');
    assert.match(proofs[1].evidence, /lists it as TCP/);
    assert.equal(proofs[2].state, 'stale');
    assert.match(proofs[2].evidence, /no ztunnel lists it/);
  });

  it('is unverified, not captured, when no ztunnel could be read', () => {
    assert.equal(proveCapture({ pods: pods.slice(0, 1), ambientNamespaces: ambient }).at(0)!.state, 'unverified');
  });

  it('counts pending, not captured (including a sidecar in an ambient namespace) and excluded pods', () => {
    const counts = proofCounts(proveCapture({ pods, ambientNamespaces: ambient, workloads: dump.workloads }));
    assert.deepEqual(counts, { captured: 1, pending: 1, stale: 2, notCaptured: 2, unverified: 0, excluded: 1 });
  });

  it('restarts each owning Deployment, StatefulSet and DaemonSet once; a Job-owned pod is reported, not restarted', () => {
    const proofs = proveCapture({ pods: [...pods, podFacts(captured('accounts-7d4b9c6f8-zzzzz', { namespace: 'accounts', owner: rs('accounts-7d4b9c6f8'), labels: { 'pod-template-hash': '7d4b9c6f8' } }))], ambientNamespaces: ambient, workloads: dump.workloads });
    const { workloads, orphans } = workloadsToRestart(proofs);
    // In the order their first pod comes, each once.
    assert.deepEqual(workloads, [
      { namespace: 'finance', kind: 'Deployment', name: 'waypoint' },
      { namespace: 'accounts', kind: 'StatefulSet', name: 'ledger' },
      { namespace: 'finance', kind: 'Deployment', name: 'web' },
      { namespace: 'finance', kind: 'DaemonSet', name: 'agent' },
      { namespace: 'accounts', kind: 'Deployment', name: 'accounts' },
    ]);
    assert.deepEqual(orphans.map((o) => o.pod), ['old-1']);
  });
});
