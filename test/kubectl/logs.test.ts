// kubectl as referee: container logs, including following a DaemonSet's ztunnel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl, spawnKubectl } from './kubectl';
import { emittedLines, eventually, postJson } from './testUtil';

let cluster: RunningTestCluster;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });

// ztunnel's plain format: RFC3339 UTC with microseconds, level, target, message, then fields.
const ztunnelLine = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\t(info|warn|error|debug)\t[^\t]+\t[^\t]*(\t.*)?$/;

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 10 });
  // Let every ztunnel write more than 20 lines.
  await new Promise((r) => setTimeout(r, 1500));
});
after(() => cluster.stop());

describe('container logs with kubectl', () => {
  it('kubectl logs -n istio-system -l app=ztunnel --tail=20 returns the last 20 ztunnel lines of each pod', async () => {
    const r = await kubectl(['logs', '-n', 'istio-system', '-l', 'app=ztunnel', '--tail=20', '--prefix']);
    assert.equal(r.code, 0, r.stderr);
    const byPod = new Map<string, string[]>();
    for (const line of r.stdout.trimEnd().split('\n')) {
      const m = /^\[pod\/(ztunnel-[a-z0-9]+)\/istio-proxy\] (.*)$/.exec(line);
      assert.ok(m, `unexpected line: ${line}`);
      assert.match(m[2], ztunnelLine);
      byPod.set(m[1], [...(byPod.get(m[1]) ?? []), m[2]]);
    }
    assert.equal(byPod.size, 3, 'one ztunnel per node');
    for (const [pod, lines] of byPod) {
      assert.equal(lines.length, 20);
      const emitted = await emittedLines(cluster, 'cluster-1', pod);
      const start = emitted.indexOf(lines[0]);
      assert.ok(start >= 0, `${pod}: first line not among emitted lines`);
      assert.deepEqual(emitted.slice(start, start + 20), lines, `${pod}: lines are the emitted ones, in order`);
    }
  });

  it('kubectl logs --timestamps prefixes RFC3339Nano times', async () => {
    const pod = (await kubectl(['get', 'pods', '-n', 'istio-system', '-l', 'app=ztunnel', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const r = await kubectl(['logs', '-n', 'istio-system', pod, '--tail=3', '--timestamps']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \d{4}-/);
  });

  it('kubectl logs ds/ztunnel -f streams new lines and stops cleanly when killed', async () => {
    const child = spawnKubectl(['logs', 'ds/ztunnel', '-n', 'istio-system', '-f', '--tail=1'], { kubeconfig: cluster.kubeconfigPath });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await eventually('first line', () => out.length > 0);
    const sim = cluster.clusters['cluster-1'];
    assert.equal(sim.logs.activeFollowers(), 1);
    // A marker in every ztunnel: whichever pod kubectl picked must stream it.
    const marker = `marker-${Date.now()}`;
    for (const node of ['node-1', 'node-2', 'node-3']) {
      await postJson(`${cluster.controlUrl}/ztunnel-log?cluster=cluster-1&node=${node}`, { level: 'warn', target: 'test', message: marker });
    }
    await eventually('marker streamed', () => out.includes(marker));
    const linesBefore = out.split('\n').length;
    await eventually('background lines keep coming', () => out.split('\n').length > linesBefore + 3);

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    await exited;
    await eventually('server dropped the follower', () => sim.logs.activeFollowers() === 0);
  });

  it('a log stream the server drops ends kubectl logs -f without an error', async () => {
    const child = spawnKubectl(['logs', 'ds/ztunnel', '-n', 'istio-system', '-f', '--tail=1'], { kubeconfig: cluster.kubeconfigPath });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await eventually('first line', () => out.length > 0);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cluster.clusters['cluster-1'].logs.dropAllFollowers();
    assert.equal(await exited, 0);
  });

  it('kubectl logs picks the default container of a multi-container pod and rejects an unknown one', async () => {
    const pod = (await kubectl(['get', 'pods', '-n', 'prometheus', 'prometheus-prometheus-0', '-o', 'name'])).stdout.trim();
    assert.equal(pod, 'pod/prometheus-prometheus-0');
    // kubectl picks the default container from the kubectl.kubernetes.io/default-container annotation.
    const r = await kubectl(['logs', '-n', 'prometheus', 'prometheus-prometheus-0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /starting prometheus/);
    const bad = await kubectl(['logs', '-n', 'prometheus', 'prometheus-prometheus-0', '-c', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod prometheus-prometheus-0/);
  });
});
