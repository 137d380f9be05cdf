// The language-model tools inside a real VS Code against the test cluster, called the way Copilot's agent
// mode calls them: `vscode.lm.invokeTool` (no model needed). Writes change cluster-2's finance and accounts
// and put them back. A write's confirmation (prepareInvocation) is read through the extension's API, and
// the real writes go through the same run() the registered tool calls: outside a chat, VS Code would show
// the confirmation as a modal dialog no test can press. A dry run has no confirmation, so it goes through
// invokeTool itself.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AmbientMeshApi } from '../../src/extension';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { KubeClients } from '../../src/kube/types';

const EXTENSION_ID = 'ambient-mesh.ambient-mesh';
const MODE = 'istio.io/dataplane-mode';
const TOOLS = [
  'ambient_check_connectivity',
  'ambient_enroll',
  'ambient_preflight',
  'ambient_recent_ztunnel_logs',
  'ambient_restart_workloads',
  'ambient_status',
  'ambient_unenroll',
];

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('Language-model tools (vscode.lm.invokeTool against the test cluster)', function () {
  this.timeout(120_000);
  let api: AmbientMeshApi;
  let kube: KubeClients;
  const modeOf = async (ns: string) => (await kube.client('cluster-2').readNamespace(ns)).metadata?.labels?.[MODE];

  before(async () => {
    api = (await vscode.extensions.getExtension<AmbientMeshApi>(EXTENSION_ID)!.activate())!;
    kube = createKubeClients({ kubeconfigPaths: [process.env.KUBECONFIG!], watchFiles: false });
  });
  after(async () => {
    // Leave cluster-2 as the seed had it, whatever failed above.
    for (const ns of ['finance', 'accounts']) await kube.client('cluster-2').patchNamespaceLabels(ns, { [MODE]: null }).catch(() => undefined);
    kube?.dispose();
  });

  it('registers every tool of package.json, each with its input schema', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('ambient_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), TOOLS);
    const enroll = ours.find((t) => t.name === 'ambient_enroll')!;
    assert.deepEqual((enroll.inputSchema as { required: string[] }).required, ['namespaces']);
    assert.match(enroll.description, /istio\.io\/dataplane-mode=ambient/);
  });

  it('ambient_status: the contexts, their namespaces and capture, as plain text', async () => {
    const text = await invoke('ambient_status', { contexts: ['cluster-2'], includeHealth: false });
    assert.match(text, /^Context cluster-2 \(cluster cluster-2, user cluster-2-admin\)$/m);
    assert.match(text, /^- legacy: ambient · \d+\/\d+ captured/m);
    assert.match(text, /^- bookinfo: sidecar$/m);
    assert.doesNotMatch(text, /^Health:/m, 'includeHealth: false');
  });

  it('an unknown context is the one sentence, as the tool error', async () => {
    await assert.rejects(invoke('ambient_status', { contexts: ['cluster-9'] }), (error: Error) => {
      assert.match(error.message, /Context "cluster-9" is not in the kubeconfig; its contexts are cluster-1, cluster-2, cluster-1-viewer, cluster-2-viewer\./);
      return true;
    });
  });

  it('ambient_preflight: the findings of checkout and a clean finance', async () => {
    const text = await invoke('ambient_preflight', { namespaces: ['checkout', 'finance'], contexts: ['cluster-2'] });
    assert.match(text, /^checkout on cluster-2: 6 findings \(worst: error\)$/m);
    assert.match(text, /^finance on cluster-2: no findings/m);
  });

  it("ambient_enroll's confirmation names exactly what will be patched, from Enroll's plan", async () => {
    const prepared = await api.agentTools.prepare('ambient_enroll', { namespaces: ['finance', 'bookinfo', 'legacy', 'nowhere'], contexts: ['cluster-2'] });
    assert.equal(prepared.confirmation?.title, 'Enroll in Ambient?');
    const message = prepared.confirmation!.message;
    assert.match(message, /^Patch 2 namespaces:$/m);
    assert.match(message, /^- finance on cluster-2: set istio\.io\/dataplane-mode=ambient$/m);
    assert.match(message, /^- bookinfo on cluster-2: set istio\.io\/dataplane-mode=ambient \(sidecar injection stays on: istio-injection; new pods get sidecars, not ambient\)$/m);
    assert.match(message, /^Left alone \(already ambient\): legacy on cluster-2\.$/m);
    assert.match(message, /^Not found \(not created\): nowhere on cluster-2\.$/m);
    const removing = await api.agentTools.prepare('ambient_enroll', { namespaces: ['bookinfo'], contexts: ['cluster-2'], removeSidecarLabels: true });
    assert.match(removing.confirmation!.message, /^- bookinfo on cluster-2: set istio\.io\/dataplane-mode=ambient, removed istio-injection$/m);
    const dryRun = await api.agentTools.prepare('ambient_enroll', { namespaces: ['finance'], contexts: ['cluster-2'], dryRun: true });
    assert.equal(dryRun.confirmation, undefined, 'a dry run changes nothing: no confirmation');
  });

  it('ambient_enroll as a dry run through invokeTool changes nothing', async () => {
    const text = await invoke('ambient_enroll', { namespaces: ['finance'], contexts: ['cluster-2'], dryRun: true });
    assert.match(text, /^Enroll in Ambient \(dry run: nothing changed\): 1 would be enrolled \(finance on cluster-2\)\.$/m);
    assert.equal(await modeOf('finance'), undefined);
  });

  it('enroll, test connectivity (mTLS), read the ztunnel logs, restart, remove', async () => {
    const enrolled = await api.agentTools.run('ambient_enroll', { namespaces: ['finance', 'accounts'], contexts: ['cluster-2'] });
    assert.match(enrolled, /^Enroll in Ambient: 2 enrolled \(finance, accounts on cluster-2\)\.$/m);
    assert.equal(await modeOf('finance'), 'ambient');

    const test = await invoke('ambient_check_connectivity', { contexts: ['cluster-2'], sourceNamespace: 'finance', sourceWorkload: 'curl', target: 'accounts.accounts.svc.cluster.local:8080' });
    assert.match(test, /^Verdict: mtls — Mutual TLS: spiffe:\/\/cluster\.local\/ns\/finance\/sa\/curl → spiffe:\/\/cluster\.local\/ns\/accounts\/sa\/accounts\.$/m);

    const logs = await invoke('ambient_recent_ztunnel_logs', { contexts: ['cluster-2'], namespace: 'accounts', class: 'mtls', limit: 3 });
    assert.match(logs, /^ztunnel logs of the last 15 min on cluster-2 \(\d+ ztunnel pods\), filtered by class mtls, namespace accounts: \d+ entries read, [1-9]\d* match/m);
    assert.ok(logs.split('\n').filter((line) => line.includes('[mtls]')).length <= 3, 'capped at limit');

    const restartPlan = await api.agentTools.prepare('ambient_restart_workloads', { namespaces: ['accounts'], contexts: ['cluster-2'] });
    assert.equal(restartPlan.confirmation?.title, 'Restart Workloads?');
    assert.match(restartPlan.confirmation!.message, /^- Deployment accounts\/accounts \(cluster-2\)$/m);
    const restarted = await api.agentTools.run('ambient_restart_workloads', { namespaces: ['accounts'], contexts: ['cluster-2'] });
    assert.match(restarted, /^Restart Workloads: 1 restarted and ready \(accounts on cluster-2\)\.$/m);

    const removePlan = await api.agentTools.prepare('ambient_unenroll', { namespaces: ['finance', 'accounts'], contexts: ['cluster-2'] });
    assert.match(removePlan.confirmation!.message, /^- finance on cluster-2: removed istio\.io\/dataplane-mode$/m);
    const removed = await api.agentTools.run('ambient_unenroll', { namespaces: ['finance', 'accounts'], contexts: ['cluster-2'] });
    assert.match(removed, /^Remove from Ambient: 2 removed from ambient \(finance, accounts on cluster-2\)\.$/m);
    assert.equal(await modeOf('finance'), undefined);
  });

  it('a read-only context: the Enroll command\'s refusal sentence, nothing sent', async () => {
    await assert.rejects(api.agentTools.run('ambient_enroll', { namespaces: ['finance'], contexts: ['cluster-2-viewer'] }), (error: Error) => {
      assert.match(error.message, /^Enroll in Ambient: cluster-2-viewer is read-only \(its user "cluster-2-viewer" may not patch namespaces "finance"\); nothing was changed: use a context that can write, e\.g\. cluster-2\.$/);
      return true;
    });
    assert.equal(await modeOf('finance'), undefined);
  });
});
