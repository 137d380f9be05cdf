// kubectl as referee: exec over WebSocket (v5.channel.k8s.io), curl across the mesh, ztunnel access logs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';
import { emittedLines, eventually } from './testUtil';

let cluster: RunningTestCluster;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });
const curlAccounts = ['exec', '-n', 'finance', 'deploy/curl', '--', 'curl', '-s', 'accounts.accounts.svc.cluster.local:8080'];

/** Every line the cluster's ztunnels have emitted. */
async function ztunnelLines(context: string): Promise<string[]> {
  const names = (await kubectl(['get', 'pods', '-n', 'istio-system', '-l', 'app=ztunnel', '-o', 'jsonpath={.items[*].metadata.name}'], context)).stdout.split(' ');
  const all: string[] = [];
  for (const name of names) all.push(...(await emittedLines(cluster, context, name)));
  return all;
}

const accessLines = (lines: string[]) => lines.filter((l) => l.includes('\taccess\tconnection complete\t') && l.includes('src.namespace="finance"') && l.includes('dst.namespace="accounts"'));

before(async () => {
  // No background traffic: every access line comes from the curls below.
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
});
after(() => cluster.stop());

describe('kubectl exec', () => {
  it('curl from finance reaches the accounts Service on each cluster', async () => {
    for (const [context, body] of [['cluster-1', 'accounts-cluster-1'], ['cluster-2', 'accounts-cluster-2']]) {
      const r = await kubectl(curlAccounts, context);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), body);
    }
  });

  it('short service names resolve through the search path', async () => {
    for (const host of ['accounts.accounts:8080', 'accounts.accounts.svc:8080', 'http://accounts.accounts.svc.cluster.local:8080/']) {
      const r = await kubectl(['exec', '-n', 'finance', 'deploy/curl', '--', 'curl', '-s', host]);
      assert.equal(r.stdout.trim(), 'accounts-cluster-1', host);
    }
  });

  it('an unknown host fails with curl exit code 6', async () => {
    const r = await kubectl(['exec', '-n', 'finance', 'deploy/curl', '--', 'curl', '-sS', 'nope.accounts.svc.cluster.local:8080']);
    assert.equal(r.code, 6);
    assert.match(r.stderr, /curl: \(6\) Could not resolve host: nope\.accounts\.svc\.cluster\.local/);
    assert.match(r.stderr, /command terminated with exit code 6/);
  });

  it('a container without curl fails like the container runtime does', async () => {
    const r = await kubectl(['exec', '-n', 'accounts', 'deploy/accounts', '--', 'curl', '-s', 'localhost:8080']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exec: "curl": executable file not found in \$PATH/);
  });

  it('echo, hostname and cat /etc/hostname work where a shell exists', async () => {
    const pod = (await kubectl(['get', 'pods', '-n', 'finance', '-l', 'app=curl', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    assert.equal((await kubectl(['exec', '-n', 'finance', pod, '--', 'echo', 'hello', 'mesh'])).stdout, 'hello mesh\n');
    assert.equal((await kubectl(['exec', '-n', 'finance', pod, '--', 'hostname'])).stdout.trim(), pod);
    assert.equal((await kubectl(['exec', '-n', 'finance', pod, '--', 'cat', '/etc/hostname'])).stdout.trim(), pod);
  });

  it('with neither side enrolled ztunnel sees nothing; with one side enrolled the access log is plain text', async () => {
    assert.equal((await kubectl(curlAccounts)).code, 0);
    assert.deepEqual(accessLines(await ztunnelLines('cluster-1')), []);

    assert.equal((await kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient'])).code, 0);
    await eventually('curl captured', async () => (await kubectl(['get', 'pods', '-n', 'finance', '-o', 'jsonpath={.items[*].metadata.annotations}'])).stdout.includes('"ambient.istio.io/redirection":"enabled"'));
    assert.equal((await kubectl(curlAccounts)).code, 0);
    const plain = accessLines(await ztunnelLines('cluster-1'));
    assert.equal(plain.length, 1, plain.join('\n'));
    assert.match(plain[0], /direction="outbound"/);
    assert.match(plain[0], /dst\.addr=10\.1\.\d+\.\d+:8080 /);
    assert.doesNotMatch(plain[0], /identity=|hbone_addr/);
  });

  it('with both sides enrolled the connection is mTLS over HBONE with both identities, logged by both ztunnels', async () => {
    assert.equal((await kubectl(['label', 'namespace', 'accounts', 'istio.io/dataplane-mode=ambient'])).code, 0);
    await eventually('accounts captured', async () => (await kubectl(['get', 'pods', '-n', 'accounts', '-o', 'jsonpath={.items[*].metadata.annotations}'])).stdout.includes('"ambient.istio.io/redirection":"enabled"'));
    const before = new Set(accessLines(await ztunnelLines('cluster-1')));
    assert.equal((await kubectl(curlAccounts)).code, 0);
    const fresh = accessLines(await ztunnelLines('cluster-1')).filter((l) => !before.has(l));
    assert.equal(fresh.length, 2, fresh.join('\n'));
    for (const line of fresh) {
      assert.match(line, /src\.identity="spiffe:\/\/cluster\.local\/ns\/finance\/sa\/curl"/);
      assert.match(line, /dst\.addr=10\.1\.\d+\.\d+:15008 dst\.hbone_addr=10\.1\.\d+\.\d+:8080 /);
      assert.match(line, /dst\.service="accounts\.accounts\.svc\.cluster\.local"/);
      assert.match(line, /dst\.identity="spiffe:\/\/cluster\.local\/ns\/accounts\/sa\/accounts"/);
    }
    assert.deepEqual(fresh.map((l) => /direction="(\w+)"/.exec(l)![1]).sort(), ['inbound', 'outbound']);
  });
});
