// kubectl as referee: `rollout restart` / `rollout status` and `get -w` against the workload controllers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl, spawnKubectl } from './kubectl';
import { eventually } from './testUtil';

let cluster: RunningTestCluster;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });

interface PodIdentity {
  name: string;
  uid: string;
  owner: string;
}

async function podIdentities(namespace: string): Promise<PodIdentity[]> {
  const r = await kubectl(['get', 'pods', '-n', namespace, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout).items as { metadata: { name: string; uid: string; ownerReferences?: { kind: string; name: string }[] } }[]).map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    owner: `${p.metadata.ownerReferences?.[0]?.kind}/${p.metadata.ownerReferences?.[0]?.name}`,
  }));
}

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
});
after(() => cluster.stop());

describe('rolling restarts with kubectl', () => {
  it('rollout restart deploy,sts,ds -n prometheus stamps every template and replaces every pod; get -w shows it; rollout status completes', async () => {
    const before = await podIdentities('prometheus');
    assert.equal(before.length, 6, 'grafana, operator, prometheus-0 and three node-exporters');

    // Watch first, as a user would in a second terminal.
    const watcher = spawnKubectl(['get', 'pods', '-n', 'prometheus', '-w', '--output-watch-events', '--no-headers'], { kubeconfig: cluster.kubeconfigPath });
    let watched = '';
    watcher.stdout!.setEncoding('utf8').on('data', (d: string) => (watched += d));
    await eventually('initial watch rows', () => watched.trim().split('\n').length >= before.length);

    const restart = await kubectl(['rollout', 'restart', 'deploy,sts,ds', '-n', 'prometheus']);
    assert.equal(restart.code, 0, restart.stderr);
    assert.deepEqual(restart.stdout.trim().split('\n').sort(), [
      'daemonset.apps/node-exporter restarted',
      'deployment.apps/grafana restarted',
      'deployment.apps/prometheus-operator restarted',
      'statefulset.apps/prometheus-prometheus restarted',
    ]);

    for (const workload of ['deployment/grafana', 'deployment/prometheus-operator', 'statefulset/prometheus-prometheus', 'daemonset/node-exporter']) {
      const status = await kubectl(['rollout', 'status', workload, '-n', 'prometheus', '--timeout=30s']);
      assert.equal(status.code, 0, `${workload}: ${status.stderr}`);
      assert.match(status.stdout, /successfully rolled out|roll out complete/);
      const stamped = await kubectl(['get', workload, '-n', 'prometheus', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}']);
      assert.ok(!Number.isNaN(Date.parse(stamped.stdout)), `${workload} restartedAt: ${stamped.stdout}`);
    }

    const after = await eventually('old pods gone', async () => {
      const now = await podIdentities('prometheus');
      return now.length === before.length && now.every((p) => !before.some((b) => b.uid === p.uid)) && now;
    }, 15_000);
    // Deployment and DaemonSet pods get new names; the StatefulSet pod keeps its name with a new uid.
    for (const pod of after.filter((p) => !p.owner.startsWith('StatefulSet'))) {
      assert.ok(!before.some((b) => b.name === pod.name), `${pod.name} should be a new name`);
    }
    assert.ok(after.some((p) => p.name === 'prometheus-prometheus-0'));

    await eventually('watch saw every replacement', () => {
      const rows = watched.trim().split('\n').map((l) => l.split(/\s+/));
      return before.every((b) => rows.some(([type, name]) => type === 'DELETED' && name === b.name)) && after.every((a) => rows.some(([type, name]) => type === 'ADDED' && name === a.name));
    }, 10_000);
    watcher.kill('SIGINT');
  });

  it('rollout status waits while the new pods are not ready yet', async () => {
    const restart = await kubectl(['rollout', 'restart', 'deployment/curl', '-n', 'finance']);
    assert.equal(restart.code, 0, restart.stderr);
    const status = await kubectl(['rollout', 'status', 'deployment/curl', '-n', 'finance', '--timeout=20s']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Waiting for deployment "curl" rollout to finish/);
    assert.match(status.stdout, /deployment "curl" successfully rolled out/);
    const deploy = JSON.parse((await kubectl(['get', 'deployment/curl', '-n', 'finance', '-o', 'json'])).stdout);
    assert.equal(deploy.status.observedGeneration, deploy.metadata.generation);
    assert.equal(deploy.status.updatedReplicas, 1);
    assert.equal(deploy.status.readyReplicas, 1);
    assert.equal(deploy.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason, 'NewReplicaSetAvailable');
  });

  it('kubectl scale changes the number of pods', async () => {
    const r = await kubectl(['scale', 'deployment/accounts', '-n', 'accounts', '--replicas=3']);
    assert.equal(r.code, 0, r.stderr);
    await eventually('3 accounts pods ready', async () => {
      const out = await kubectl(['get', 'deployment/accounts', '-n', 'accounts', '-o', 'jsonpath={.status.readyReplicas}']);
      return out.stdout === '3';
    });
    assert.equal((await podIdentities('accounts')).length, 3);
  });
});
