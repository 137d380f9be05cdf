// The fault knobs other suites rely on, held against real clients: kubectl for what a user sees,
// client-node's PortForward for ztunnel's admin port.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';
import { emittedLines, eventually, postJson } from './testUtil';

let cluster: RunningTestCluster;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });

async function ztunnelOn(node: string, context = 'cluster-1'): Promise<string> {
  const r = await kubectl(['get', 'pods', '-n', 'istio-system', '-l', 'app=ztunnel', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[0].metadata.name}'], context);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** GET a path on a pod's port through client-node's PortForward, as the extension does. */
async function viaPortForward(context: string, namespace: string, pod: string, port: number, path: string): Promise<{ status: number; body: string }> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  kc.setCurrentContext(context);
  const forward = new k8s.PortForward(kc);
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    void forward.portForward(namespace, pod, [port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  } finally {
    server.close();
  }
}

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
});
after(() => cluster.stop());

describe('faults and ztunnel admin', () => {
  it("ztunnel's /config_dump over port-forward lists workloads (HBONE once captured) and certificates", async () => {
    assert.equal((await kubectl(['label', 'namespace', 'accounts', 'istio.io/dataplane-mode=ambient'])).code, 0);
    const pod = JSON.parse((await kubectl(['get', 'pods', '-n', 'accounts', '-o', 'json'])).stdout).items[0];
    await eventually('accounts captured', async () => JSON.parse((await kubectl(['get', 'pod', pod.metadata.name, '-n', 'accounts', '-o', 'json'])).stdout).metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled');
    const { status, body } = await viaPortForward('cluster-1', 'istio-system', await ztunnelOn(pod.spec.nodeName), 15000, '/config_dump');
    assert.equal(status, 200);
    const dump = JSON.parse(body);
    const accounts = dump.workloads.find((w: { name: string }) => w.name === pod.metadata.name);
    assert.equal(accounts.protocol, 'HBONE');
    assert.equal(accounts.serviceAccount, 'accounts');
    assert.deepEqual(accounts.workloadIps, [pod.status.podIP]);
    assert.equal(dump.workloads.find((w: { namespace: string }) => w.namespace === 'finance').protocol, 'TCP');
    const cert = dump.certificates.find((c: { identity: string }) => c.identity === 'spiffe://cluster.local/ns/accounts/sa/accounts');
    assert.equal(cert.state, 'Available');
    assert.ok(Date.parse(cert.certChain[0].expirationTime) > Date.now());
    assert.ok(dump.services.some((s: { hostname: string }) => s.hostname === 'accounts.accounts.svc.cluster.local'));
  });

  it('a not-ready ztunnel shows 0/1 in kubectl and fails its :15021 readiness endpoint until restored', async () => {
    const pod = await ztunnelOn('node-2', 'cluster-2');
    await postJson(`${cluster.controlUrl}/ztunnel-fault?cluster=cluster-2&node=node-2`, { ready: false });
    const row = (await kubectl(['get', 'pod', pod, '-n', 'istio-system', '--no-headers'], 'cluster-2')).stdout;
    assert.match(row, new RegExp(`^${pod}\\s+0/1\\s+Running`));
    await eventually('DaemonSet counts it', async () => (await kubectl(['get', 'ds', 'ztunnel', '-n', 'istio-system', '-o', 'jsonpath={.status.numberReady}'], 'cluster-2')).stdout === '2');
    assert.equal((await viaPortForward('cluster-2', 'istio-system', pod, 15021, '/healthz/ready')).status, 503);
    await postJson(`${cluster.controlUrl}/ztunnel-fault?cluster=cluster-2&node=node-2`, { ready: true });
    assert.equal((await viaPortForward('cluster-2', 'istio-system', pod, 15021, '/healthz/ready')).status, 200);
  });

  it('XDS down logs connection errors until it is up again', async () => {
    const pod = await ztunnelOn('node-3');
    await postJson(`${cluster.controlUrl}/ztunnel-fault?cluster=cluster-1&node=node-3`, { xds: 'down' });
    await new Promise((r) => setTimeout(r, 1200));
    await postJson(`${cluster.controlUrl}/ztunnel-fault?cluster=cluster-1&node=node-3`, { xds: 'up' });
    const lines = await emittedLines(cluster, 'cluster-1', pod);
    const errors = lines.filter((l) => /\twarn\txds::client:xds\{id=\d+\}\tXDS client connection error: /.test(l));
    assert.ok(errors.length >= 2, `retries every second: ${errors.length}`);
    assert.match(lines[lines.length - 2], /\tinfo\txds::client:xds\{id=\d+\}\tStream established$/);
  });

  it('an injected error rate of 1 answers requests with a 500 InternalError Status', async () => {
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-2', serverErrorRate: 1 });
    const r = await kubectl(['get', 'namespaces'], 'cluster-2');
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-2', serverErrorRate: 0 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(InternalError\): Internal error occurred: injected fault/);
    assert.equal((await kubectl(['get', 'namespaces'], 'cluster-2')).code, 0);
  });

  it('injected latency delays every response', async () => {
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-1', latencyMs: 400 });
    const started = Date.now();
    const r = await kubectl(['get', 'namespace', 'finance']);
    const elapsed = Date.now() - started;
    await postJson(`${cluster.controlUrl}/faults`, { cluster: 'cluster-1', latencyMs: 0 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(elapsed >= 400, `${elapsed} ms`);
  });
});
