// Check Before Enrolling… inside a real VS Code against the test cluster: the seeded `checkout` namespace
// (test/cluster/seed.ts) carries one cause per finding; each is checked, then fixed with kubectl and
// checked again. Enroll's confirmation is driven with a scripted window and the real kube layer.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { CommandDeps } from '../../src/commands/host';
import { DEFAULT_COMMAND_SETTINGS } from '../../src/shared/settings';
import { enrollNamespaces } from '../../src/commands/namespaceCommands';
import { ENROLL_ANYWAY } from '../../src/commands/preflight';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { KubeClients } from '../../src/kube/types';
import type { PreflightReport } from '../../src/mesh/preflight';
import { RecordingLog, ScriptedHost } from '../unit/commands/fakes';

const EXTENSION_ID = 'ambient-mesh.ambient-mesh';
const run = promisify(execFile);
const MODE = 'istio.io/dataplane-mode';

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(process.env.AMBIENT_TEST_KUBECTL!, ['--kubeconfig', process.env.KUBECONFIG!, ...args], { timeout: 30_000 });
  return stdout;
}

async function kubectlApply(context: string, manifest: object): Promise<void> {
  const child = execFile(process.env.AMBIENT_TEST_KUBECTL!, ['--kubeconfig', process.env.KUBECONFIG!, '--context', context, 'apply', '--validate=false', '-f', '-']);
  child.stdin!.end(JSON.stringify(manifest));
  await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply exited ${code}`)))));
}

async function ztunnelFault(context: string, node: string, body: object): Promise<void> {
  const res = await fetch(`${process.env.AMBIENT_TEST_CONTROL_URL}/ztunnel-fault?cluster=${context}&node=${node}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

function ids(report: PreflightReport): string[] {
  return report.findings.map((f) => f.id).sort();
}

const check = (...targets: { context: string; namespace: string }[]) =>
  vscode.commands.executeCommand('ambient.namespace.preflight', targets[0], targets) as Thenable<PreflightReport[]>;

const originalPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'storefront-allow-web', namespace: 'checkout' },
  spec: { podSelector: { matchLabels: { app: 'storefront' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
};

describe('Check Before Enrolling… (against the test cluster)', function () {
  this.timeout(90_000);
  let kube: KubeClients;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    kube = createKubeClients({ kubeconfigPaths: [process.env.KUBECONFIG!], watchFiles: false });
  });
  after(() => kube?.dispose());

  it('reports every finding of checkout on both clusters, and finance as ready, in one document', async () => {
    const reports = await check({ context: 'cluster-1', namespace: 'checkout' }, { context: 'cluster-2', namespace: 'checkout' }, { context: 'cluster-1', namespace: 'finance' });
    assert.deepEqual(reports.map((r) => `${r.context}/${r.namespace}`), ['cluster-1/checkout', 'cluster-2/checkout', 'cluster-1/finance']);
    for (const report of reports.slice(0, 2)) {
      assert.deepEqual(ids(report), ['authz-l7-allow', 'authz-missing-waypoint', 'host-network', 'init-containers', 'networkpolicy-hbone', 'networkpolicy-probes']);
      const hbone = report.findings.find((f) => f.id === 'networkpolicy-hbone')!;
      assert.equal(hbone.pods.length, 1);
      assert.match(hbone.pods[0], /^checkout\/storefront-/);
      assert.match(hbone.why, /checkout\/cart-/, 'the cart pod reaches 8080 today and would lose it');
      assert.deepEqual(hbone.objects, ['NetworkPolicy checkout/storefront-allow-web']);
      assert.equal(report.findings.find((f) => f.id === 'host-network')!.pods.length, 3, 'one log-agent pod per node');
      assert.match(report.findings.find((f) => f.id === 'authz-missing-waypoint')!.title, /checkout\/checkout-waypoint/);
    }
    assert.deepEqual(reports[2].findings, []);

    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'ambient-preflight');
    assert.ok(document, 'the report document is open');
    const text = document.getText();
    assert.match(text, /## checkout on cluster-2/);
    assert.match(text, /No findings: nothing in the way of enrolling this namespace/);
    assert.match(text, /<https:\/\/istio\.io\/latest\/docs\/ambient\/usage\/networkpolicy\/>/);
  });

  it('a policy fixed to admit 15008 and the probe source is no longer reported', async () => {
    try {
      await kubectlApply('cluster-1', {
        ...originalPolicy,
        spec: {
          ...originalPolicy.spec,
          ingress: [{ from: [{ podSelector: {} }, { ipBlock: { cidr: '169.254.7.127/32' } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15008 }] }],
        },
      });
      const [report] = await check({ context: 'cluster-1', namespace: 'checkout' });
      assert.ok(!ids(report).includes('networkpolicy-hbone'), ids(report).join());
      assert.ok(!ids(report).includes('networkpolicy-probes'), ids(report).join());
    } finally {
      await kubectlApply('cluster-1', originalPolicy);
    }
  });

  it('names the pods on a node whose ztunnel is not ready', async () => {
    const node = (await kubectl('--context', 'cluster-2', '-n', 'checkout', 'get', 'pods', '-l', 'app=storefront', '-o', 'jsonpath={.items[0].spec.nodeName}')).trim();
    await ztunnelFault('cluster-2', node, { ready: false });
    try {
      const [report] = await check({ context: 'cluster-2', namespace: 'checkout' });
      const finding = report.findings.find((f) => f.id === 'ztunnel-not-ready');
      assert.ok(finding, ids(report).join());
      assert.match(finding.title, new RegExp(node));
      assert.ok(finding.pods.some((p) => p.startsWith('checkout/storefront-')));
    } finally {
      await ztunnelFault('cluster-2', node, { ready: true });
    }
  });

  it('Enroll lists the findings in its confirmation; cancelling there changes nothing, Enroll Anyway enrolls', async () => {
    const host = new ScriptedHost();
    const deps: CommandDeps = { kube, host, log: new RecordingLog(), settings: () => DEFAULT_COMMAND_SETTINGS, captureSettleMs: 0 };
    const target = { context: 'cluster-1', namespace: 'checkout' };
    const cancelled = await enrollNamespaces(deps, [target]);
    assert.equal(cancelled.cancelled, true);
    const modal = host.modals()[0];
    assert.match(modal.message, /^Check Before Enrolling found 6 problems in cluster-1\/checkout\./);
    assert.match(modal.detail ?? '', /Error: NetworkPolicy drops HBONE \(TCP 15008\) to 1 pod \(storefront-/);
    assert.match(modal.detail ?? '', /Warning: 3 pods use the host network \(log-agent-/);
    assert.equal(JSON.parse(await kubectl('--context', 'cluster-1', 'get', 'namespace', 'checkout', '-o', 'json')).metadata.labels[MODE], undefined);

    host.modalAnswers.push({ match: /^Check Before Enrolling found/, answer: ENROLL_ANYWAY });
    try {
      const enrolled = await enrollNamespaces(deps, [target]);
      assert.deepEqual(enrolled.results.map((r) => r.outcome), ['done']);
      assert.equal(JSON.parse(await kubectl('--context', 'cluster-1', 'get', 'namespace', 'checkout', '-o', 'json')).metadata.labels[MODE], 'ambient');
    } finally {
      await kubectl('--context', 'cluster-1', 'label', 'namespace', 'checkout', `${MODE}-`);
    }
  });
});

describe('Capture proof and Restart Uncaptured Workloads (against the test cluster)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('ambient');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await config().update('restart.confirm', false, vscode.ConfigurationTarget.Global);
    await config().update('restart.rolloutTimeoutSeconds', 60, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await config().update('restart.confirm', undefined, vscode.ConfigurationTarget.Global);
    await config().update('restart.rolloutTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
  });

  it('a pod ztunnel forgot is stale; only its Deployment is restarted, and afterwards every pod is proven captured', async () => {
    const target = { context: 'cluster-1', namespace: 'legacy' };
    const pods = JSON.parse(await kubectl('--context', 'cluster-1', '-n', 'legacy', 'get', 'pods', '-l', 'app=web', '-o', 'json')).items as { metadata: { name: string }; spec: { nodeName: string } }[];
    const web = pods[0];
    await ztunnelFault('cluster-1', web.spec.nodeName, { forgetPod: `legacy/${web.metadata.name}` });
    const annotationsBefore = await kubectl('--context', 'cluster-1', '-n', 'legacy', 'get', 'deploy', 'reporting', '-o', 'jsonpath={.spec.template.metadata.annotations}');

    type Report = { results: { target: string; outcome: string }[]; before: { pods: { pod: string; state: string }[] }[]; after?: { pods: { pod: string; state: string }[] }[] };
    const report = (await vscode.commands.executeCommand('ambient.namespace.restartUncaptured', target)) as Report;
    const before = new Map(report.before[0].pods.map((p) => [p.pod, p.state]));
    assert.equal(before.get(web.metadata.name), 'stale');
    assert.deepEqual(report.results.map((r) => [r.target, r.outcome]), [['Deployment legacy/web (cluster-1)', 'done']]);
    assert.ok(report.after, 'the proof is taken again');
    const after = report.after[0].pods.filter((p) => p.state !== 'excluded');
    assert.ok(after.length > 0 && after.every((p) => p.state === 'captured'), JSON.stringify(after));
    assert.ok(!after.some((p) => p.pod === web.metadata.name), 'the stale pod was replaced');
    assert.equal(
      await kubectl('--context', 'cluster-1', '-n', 'legacy', 'get', 'deploy', 'reporting', '-o', 'jsonpath={.spec.template.metadata.annotations}'),
      annotationsBefore,
      'the opted-out workload was not restarted',
    );
  });

  it('with every pod proven captured, there is nothing to restart', async () => {
    const report = (await vscode.commands.executeCommand('ambient.namespace.restartUncaptured', { context: 'cluster-2', namespace: 'legacy' })) as { results: unknown[] };
    assert.deepEqual(report.results, []);
  });
});
