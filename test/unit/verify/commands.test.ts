// The verify handlers against the two-cluster test cluster (in-process, real HTTPS API servers, the real
// kube layer), without VS Code: a recording host and views stand in for the window.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyDeps, VerifyHost } from '../../../src/commands/verifyDeps';
import { runConnectivityTest, testConnectivity } from '../../../src/commands/verifyConnectivity';
import { checkHealth } from '../../../src/commands/verifyHealth';
import { gatherIdentities, showWorkloadIdentities } from '../../../src/commands/verifyIdentities';
import { createKubeClients } from '../../../src/kube/kubeClients';
import type { KubeClients } from '../../../src/kube/types';
import type { HealthReport } from '../../../src/mesh/health';
import { HealthResults } from '../../../src/mesh/health';
import { deploymentRolloutStatus } from '../../../src/mesh/rollout';
import { startTestCluster, type RunningTestCluster } from '../../../test/cluster/testCluster';

let cluster: RunningTestCluster;
let kube: KubeClients;
const messages: string[] = [];
const shown: { identities: unknown[]; connectivity: unknown[]; health: unknown[] } = { identities: [], connectivity: [], health: [] };

const host: VerifyHost = {
  showMessage: async (severity, message) => {
    messages.push(`${severity}: ${message}`);
    return undefined;
  },
  pickOne: async () => undefined,
  pickMany: async () => undefined,
  withProgress: (_title, task) => task({ report() {} }, new AbortController().signal),
  copyToClipboard: async () => {},
  inputText: async () => undefined,
};

function deps(): VerifyDeps {
  return {
    kube,
    host,
    log: { info() {}, warn() {}, error() {} },
    views: {
      showIdentities: (m) => shown.identities.push(m),
      showConnectivity: (r) => shown.connectivity.push(r),
      showHealth: (r) => shown.health.push(r),
    },
    health: new HealthResults(),
    // As a user of these namespaces would set `ambient.health.expectedNamespaces`.
    expectedNamespaces: () => ['finance', 'accounts', 'prometheus'],
    accessLogWaitMs: 3000,
    accessLogPollMs: 200,
  };
}

async function fault(cluster_: string, node: string, body: object): Promise<void> {
  const response = await fetch(`${cluster.controlUrl}/ztunnel-fault?cluster=${cluster_}&node=${node}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.text());
}

function check(reports: readonly HealthReport[], context: string, id: string) {
  const found = reports.find((r) => r.context === context)?.checks.find((c) => c.id === id);
  assert.ok(found, `${context}/${id}`);
  return found;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Enroll + Restart, the way the commands do it: label the namespaces, restart their Deployments, wait. */
async function enrollAndRestart(context: string, namespaces: string[]): Promise<void> {
  const client = kube.client(context);
  for (const ns of namespaces) {
    await client.patchNamespaceLabels(ns, { 'istio.io/dataplane-mode': 'ambient' });
    for (const d of await client.listDeployments(ns)) await client.restartWorkload('Deployment', ns, d.metadata?.name ?? '');
  }
  await waitFor(`${context}: pods of ${namespaces.join(', ')} restarted and captured`, async () => {
    // The patch is applied before the controller has made the new pods: wait for every rollout to finish
    // first, or the old (already captured) pods would pass the check below on their own.
    const deployments = (await Promise.all(namespaces.map((ns) => client.listDeployments(ns)))).flat();
    if (!deployments.every((d) => deploymentRolloutStatus(d).state === 'complete')) return false;
    const pods = (await Promise.all(namespaces.map((ns) => client.listPods(ns)))).flat().filter((p) => !p.metadata?.deletionTimestamp && !p.spec?.hostNetwork);
    return pods.length > 0 && pods.every((p) => p.status?.phase === 'Running' && p.metadata?.annotations?.['ambient.istio.io/redirection'] === 'enabled');
  });
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  cluster = await startTestCluster({ kubeconfigPath: join(dir, 'kubeconfig'), podReadyDelayMs: 100 });
  kube = createKubeClients({ kubeconfigPaths: [join(dir, 'kubeconfig')] });
});

after(async () => {
  kube?.dispose();
  await cluster?.stop();
});

describe('verify commands against the test cluster', { concurrency: false }, () => {
  it('Show Workload Identities reads every ztunnel config dump through port-forward: seeds listed as TCP before enrollment', async () => {
    const { model, dumps } = await gatherIdentities(deps(), 'cluster-1');
    assert.equal(model.source, 'ztunnel');
    assert.equal(dumps.length, 3, 'one dump per ztunnel (one per node)');
    const curl = model.workloads.find((w) => w.namespace === 'finance' && w.pod.startsWith('curl-'));
    assert.equal(curl?.protocol, 'TCP');
    assert.equal(curl?.identity, 'spiffe://cluster.local/ns/finance/sa/curl');
    assert.deepEqual(model.disagreements, []);
  });

  it('falls back to service-account identities, and says so, when port-forward is forbidden (viewer)', async () => {
    const model = await showWorkloadIdentities(deps(), { context: 'cluster-1-viewer', namespace: 'finance' });
    assert.equal(model?.source, 'service-accounts');
    assert.match(model?.fallbackReason ?? '', /forbidden/);
    assert.ok(model?.derived.some((r) => r.namespace === 'finance' && r.identity === 'spiffe://cluster.local/ns/finance/sa/curl'));
    assert.equal(model?.namespace, 'finance');
    assert.ok(messages.some((m) => m.startsWith('warning: Port-forward to ztunnel')), messages.join('\n'));
  });

  it('Test Connectivity before enrollment: accounts answers on each cluster, in plain text', async () => {
    const results = await runConnectivityTest(deps(), { contexts: ['cluster-1', 'cluster-2'], source: { namespace: 'finance', workload: 'curl' }, target: 'accounts.accounts.svc.cluster.local:8080' });
    assert.deepEqual(results.map((r) => [r.context, r.exitCode, r.stdout?.trim()]), [['cluster-1', 0, 'accounts-cluster-1'], ['cluster-2', 0, 'accounts-cluster-2']]);
    for (const r of results) {
      assert.deepEqual(r.argv, ['curl', '-s', '-m', '5', 'accounts.accounts.svc.cluster.local:8080']);
      assert.ok(r.verdict?.kind === 'not-found' || r.verdict?.kind === 'plaintext', `${r.context}: ${r.verdict?.sentence}`);
      assert.match(r.verdict?.sentence ?? '', /^Plain text/);
    }
  });

  it('says so when the source pod has no curl', async () => {
    const [result] = await runConnectivityTest(deps(), { contexts: ['cluster-1'], source: { namespace: 'accounts', workload: 'accounts' }, target: 'accounts.accounts.svc.cluster.local:8080' });
    assert.match(result.error ?? '', /has no curl/);
    assert.equal(result.verdict, undefined);
  });

  it('Test Connectivity from the palette offers the source tested last on that context first (no built-in default)', async () => {
    await testConnectivity(deps(), { contexts: ['cluster-2'], source: { namespace: 'finance', workload: 'curl' }, target: 'accounts.accounts.svc.cluster.local:8080' });
    const offered: { label: string; description?: string }[][] = [];
    const picking: VerifyDeps = {
      ...deps(),
      host: {
        ...host,
        pickMany: async <T>() => ['cluster-2'] as T[],
        pickOne: async <T>(items: readonly { label: string; description?: string; value: T }[]) => {
          offered.push(items.map((i) => ({ label: i.label, description: i.description })));
          return undefined;
        },
      },
    };
    await testConnectivity(picking, undefined);
    assert.deepEqual(offered[0]?.[0], { label: 'finance', description: 'tested last · has a pod with curl' });
  });

  it('Check Ambient Health fails the expected namespaces (the setting) not enrolled, with an Enroll fix per namespace', async () => {
    const reports = await checkHealth(deps(), ['cluster-1', 'cluster-2']);
    const consistency = check(reports, 'cluster-1', 'consistency');
    assert.equal(consistency.status, 'fail');
    assert.deepEqual(consistency.fixes.map((f) => f.args[0]), ['finance', 'accounts', 'prometheus'].map((namespace) => ({ context: 'cluster-1', namespace })));
    for (const id of ['istiod', 'ztunnel', 'cni', 'xds', 'conflicts']) assert.equal(check(reports, 'cluster-1', id).status, 'pass', id);
  });

  it('after Enroll + Restart on both clusters: mTLS with both SPIFFE identities, and the health report passes', async () => {
    await Promise.all(['cluster-1', 'cluster-2'].map((c) => enrollAndRestart(c, ['finance', 'accounts', 'prometheus'])));
    const results = await runConnectivityTest(deps(), { contexts: ['cluster-1', 'cluster-2'], source: { namespace: 'finance', workload: 'curl' }, target: 'accounts.accounts.svc.cluster.local:8080' });
    for (const r of results) {
      assert.equal(r.stdout?.trim(), `accounts-${r.context}`);
      assert.equal(r.verdict?.kind, 'mtls', `${r.context}: ${r.verdict?.sentence}`);
      assert.equal(r.verdict?.sourceIdentity, 'spiffe://cluster.local/ns/finance/sa/curl');
      assert.equal(r.verdict?.destinationIdentity, 'spiffe://cluster.local/ns/accounts/sa/accounts');
    }
    const d = deps();
    const reports = await checkHealth(d, ['cluster-1', 'cluster-2']);
    for (const r of reports) assert.equal(r.worst, 'pass', `${r.context}: ${r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary} ${c.evidence.join(', ')}`).join('; ')}`);
    assert.equal(d.health?.worst('cluster-1'), 'pass');
  });

  it('flags a stale capture (annotated, but ztunnel lists TCP) in identities and health, with Restart Workloads', async () => {
    const client = kube.client('cluster-1');
    const [accounts] = (await client.listPods('accounts')).filter((p) => !p.metadata?.deletionTimestamp);
    const name = accounts.metadata?.name ?? '';
    await fault('cluster-1', 'node-1', { forgetPod: `accounts/${name}` });
    const { model } = await gatherIdentities(deps(), 'cluster-1');
    assert.deepEqual(model.disagreements.filter((d) => d.kind === 'stale-capture').map((d) => d.pod), [name]);
    const capture = check(await checkHealth(deps(), ['cluster-1']), 'cluster-1', 'capture');
    assert.equal(capture.status, 'fail');
    assert.deepEqual(capture.fixes.map((f) => [f.command, f.args[0]]), [['ambient.namespace.restartWorkloads', { context: 'cluster-1', namespace: 'accounts' }]]);
    // The fix: a restart gives a new pod that ztunnel knows.
    await enrollAndRestart('cluster-1', ['accounts']);
    await waitFor('the forgotten pod gone', async () => !(await client.listPods('accounts')).some((p) => p.metadata?.name === name));
    assert.equal(check(await checkHealth(deps(), ['cluster-1']), 'cluster-1', 'capture').status, 'pass');
  });

  it('fails ztunnel readiness when a ztunnel pod is not ready, naming it and its node', async () => {
    await fault('cluster-2', 'node-2', { ready: false });
    try {
      const ztunnel = check(await checkHealth(deps(), ['cluster-2']), 'cluster-2', 'ztunnel');
      assert.equal(ztunnel.status, 'fail');
      assert.ok(ztunnel.evidence.some((e) => /^ztunnel-\S+ on node-2 is not ready$/.test(e)), ztunnel.evidence.join('\n'));
    } finally {
      await fault('cluster-2', 'node-2', { ready: true });
    }
    await waitFor('ztunnel ready again', async () => check(await checkHealth(deps(), ['cluster-2']), 'cluster-2', 'ztunnel').status === 'pass');
  });

  it('fails XDS when a ztunnel cannot reach istiod, quoting its error line, and passes once it reconnects', async () => {
    await fault('cluster-1', 'node-3', { xds: 'down' });
    const xds = check(await checkHealth(deps(), ['cluster-1']), 'cluster-1', 'xds');
    assert.equal(xds.status, 'fail');
    assert.ok(xds.evidence.some((e) => /\(node-3\): .*XDS client connection error/.test(e)), xds.evidence.join('\n'));
    await fault('cluster-1', 'node-3', { xds: 'up' });
    assert.equal(check(await checkHealth(deps(), ['cluster-1']), 'cluster-1', 'xds').status, 'pass');
  });

  it('fails a namespace labelled for both sidecar injection and ambient', async () => {
    const client = kube.client('cluster-2');
    await client.patchNamespaceLabels('finance', { 'istio-injection': 'enabled' });
    try {
      const conflicts = check(await checkHealth(deps(), ['cluster-2']), 'cluster-2', 'conflicts');
      assert.equal(conflicts.status, 'fail');
      assert.match(conflicts.evidence.join('\n'), /finance: .*istio-injection=enabled/);
    } finally {
      await client.patchNamespaceLabels('finance', { 'istio-injection': null });
    }
  });
});
