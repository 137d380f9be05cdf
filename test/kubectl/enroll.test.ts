// kubectl as referee: enrolling namespaces in ambient mode and what istio-cni does about it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';
import { emittedLines, eventually } from './testUtil';

let cluster: RunningTestCluster;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });

interface PodSummary {
  name: string;
  node: string;
  uid: string;
  redirection?: string;
  labels: Record<string, string>;
}

async function pods(namespace: string, context = 'cluster-1'): Promise<PodSummary[]> {
  const r = await kubectl(['get', 'pods', '-n', namespace, '-o', 'json'], context);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout).items as { metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { nodeName: string } }[]).map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    node: p.spec.nodeName,
    labels: p.metadata.labels ?? {},
    redirection: p.metadata.annotations?.['ambient.istio.io/redirection'],
  }));
}

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
});
after(() => cluster.stop());

describe('enrolling namespaces with kubectl', () => {
  it('kubectl label namespace finance istio.io/dataplane-mode=ambient works on both contexts', async () => {
    for (const context of ['cluster-1', 'cluster-2']) {
      const r = await kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient'], context);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'namespace/finance labeled');
      const labels = await kubectl(['get', 'namespace', 'finance', '-o', 'jsonpath={.metadata.labels}'], context);
      assert.equal(JSON.parse(labels.stdout)['istio.io/dataplane-mode'], 'ambient');
    }
  });

  it('kubectl get namespace finance accounts --show-labels shows the label on finance only', async () => {
    const r = await kubectl(['get', 'namespace', 'finance', 'accounts', '--show-labels']);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trim().split('\n');
    assert.match(header, /^NAME\s+STATUS\s+AGE\s+LABELS$/);
    const byName = Object.fromEntries(rows.map((row) => [row.split(/\s+/)[0], row]));
    assert.match(byName.finance, /\bActive\b.*istio\.io\/dataplane-mode=ambient/);
    assert.match(byName.finance, /kubernetes\.io\/metadata\.name=finance/);
    assert.doesNotMatch(byName.accounts, /dataplane-mode/);
  });

  it('istio-cni captures the running pods of a labelled namespace and ztunnel starts proxies for them', async () => {
    const [curl] = await eventually('curl pod captured', async () => (await pods('finance')).filter((p) => p.redirection === 'enabled'));
    const ztunnels = await pods('istio-system');
    const ztunnel = ztunnels.find((p) => p.labels.app === 'ztunnel' && p.node === curl.node);
    assert.ok(ztunnel, `no ztunnel on ${curl.node}`);
    const lines = await emittedLines(cluster, 'cluster-1', ztunnel.name);
    const received = lines.filter((l) => l.includes('pod received, starting proxy') && l.includes(`name="${curl.name}"`));
    assert.equal(received.length, 1, lines.join('\n'));
    assert.match(received[0], new RegExp(`\\tinfo\\tinpod::statemanager\\tpod received, starting proxy\\tuid="${curl.uid}" name="${curl.name}" namespace="finance"$`));
  });

  it('accounts stays uncaptured: it is not labelled', async () => {
    for (const pod of await pods('accounts')) assert.equal(pod.redirection, undefined);
  });

  it('host-network pods are never captured, and a pod the node agent missed waits for a restart', async () => {
    assert.equal((await kubectl(['label', 'namespace', 'prometheus', 'istio.io/dataplane-mode=ambient'])).code, 0);
    const settled = await eventually('prometheus-operator captured', async () => {
      const list = await pods('prometheus');
      return list.some((p) => p.name.startsWith('prometheus-operator-') && p.redirection === 'enabled') && list;
    });
    for (const pod of settled.filter((p) => p.name.startsWith('node-exporter-'))) assert.equal(pod.redirection, undefined, `${pod.name} is hostNetwork`);
    const grafana = settled.find((p) => p.name.startsWith('grafana-'));
    assert.ok(grafana);
    assert.equal(grafana.redirection, undefined, 'the grafana pod predates the node agent and is not captured');

    const restart = await kubectl(['rollout', 'restart', 'deployment/grafana', '-n', 'prometheus']);
    assert.equal(restart.code, 0, restart.stderr);
    const status = await kubectl(['rollout', 'status', 'deployment/grafana', '-n', 'prometheus', '--timeout=20s']);
    assert.equal(status.code, 0, status.stderr);
    const replaced = await eventually('new grafana pod captured', async () => (await pods('prometheus')).find((p) => p.name.startsWith('grafana-') && p.name !== grafana.name && p.redirection === 'enabled'));
    assert.notEqual(replaced.uid, grafana.uid);
  });

  it('a pod labelled istio.io/dataplane-mode=none in an ambient namespace stays out', async () => {
    const legacy = await pods('legacy');
    assert.equal(legacy.find((p) => p.name.startsWith('web-'))?.redirection, 'enabled');
    const reporting = legacy.find((p) => p.name.startsWith('reporting-'));
    assert.equal(reporting?.labels['istio.io/dataplane-mode'], 'none');
    assert.equal(reporting?.redirection, undefined);
  });

  it('removing the namespace label releases the pods', async () => {
    const r = await kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode-']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'namespace/finance unlabeled');
    await eventually('curl released', async () => (await pods('finance')).every((p) => p.redirection === undefined));
  });
});
