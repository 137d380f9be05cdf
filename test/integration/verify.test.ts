// The verify commands inside a real VS Code against the test cluster, run through executeCommand with
// the arguments a tree node or another command passes (no pickers). Failures are provoked through the
// test cluster's control endpoint; every test puts back what it changed (labels, faults), and the suite
// un-enrolls the seeds at the end, so later suites see the seeded cluster.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { IdentitiesModel } from '../../src/shared/verifyProtocol';
import type { AmbientMeshApi } from '../../src/extension';
import type { ConnectivityResult } from '../../src/mesh/connectivity';
import type { HealthCheck, HealthReport } from '../../src/mesh/health';

const EXTENSION_ID = 'ambient-mesh.ambient-mesh';
const run = promisify(execFile);
const SEEDS = ['finance', 'accounts', 'prometheus'];
const CONTEXTS = ['cluster-1', 'cluster-2'];
const TARGET = 'accounts.accounts.svc.cluster.local:8080';

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(process.env.AMBIENT_TEST_KUBECTL!, ['--kubeconfig', process.env.KUBECONFIG!, ...args], { timeout: 30_000 });
  return stdout;
}

async function control(path: string, body: object): Promise<void> {
  const response = await fetch(`${process.env.AMBIENT_TEST_CONTROL_URL}${path}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.text());
}

async function health(contexts: string[]): Promise<HealthReport[]> {
  const reports = await vscode.commands.executeCommand<HealthReport[]>('ambient.check.health', { contexts });
  assert.ok(reports, 'Check Ambient Health returned no report');
  return reports;
}

function check(reports: readonly HealthReport[], context: string, id: string): HealthCheck {
  const found = reports.find((r) => r.context === context)?.checks.find((c) => c.id === id);
  assert.ok(found, `no ${id} check for ${context}`);
  return found;
}

function connectivity(contexts: string[]): Thenable<ConnectivityResult[] | undefined> {
  return vscode.commands.executeCommand<ConnectivityResult[]>('ambient.check.connectivity', { contexts, source: { namespace: 'finance', workload: 'curl' }, target: TARGET });
}

async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function activeTabLabel(): string {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '';
}

describe('Verify: identities, connectivity, health', function () {
  this.timeout(90_000);
  let api: AmbientMeshApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<AmbientMeshApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    // The health fixes (Enroll, Restart Workloads) must not stop on their confirmation dialogs here.
    await vscode.workspace.getConfiguration('ambient').update('restart.confirm', false, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ambient').update('confirmWrites', false, vscode.ConfigurationTarget.Global);
    // The health report's Enroll fixes run the real command: prometheus's host-network pods would stop it at a modal.
    await vscode.workspace.getConfiguration('ambient').update('enroll.checkFirst', false, vscode.ConfigurationTarget.Global);
    // The namespaces a user of these clusters expects enrolled everywhere.
    await vscode.workspace.getConfiguration('ambient').update('health.expectedNamespaces', SEEDS, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const context of CONTEXTS) {
      await kubectl('--context', context, 'label', 'namespace', ...SEEDS, 'istio.io/dataplane-mode-', 'istio-injection-').catch(() => undefined);
    }
    await vscode.workspace.getConfiguration('ambient').update('restart.confirm', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ambient').update('confirmWrites', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ambient').update('enroll.checkFirst', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ambient').update('health.expectedNamespaces', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Show Workload Identities on cluster-1 lists ztunnel workloads with SPIFFE identities in a panel', async () => {
    const model = await vscode.commands.executeCommand<IdentitiesModel>('ambient.identity.show', { context: 'cluster-1', namespace: 'finance' });
    assert.equal(model?.source, 'ztunnel');
    assert.equal(model?.namespace, 'finance');
    const curl = model?.workloads.find((w) => w.namespace === 'finance' && w.pod.startsWith('curl-'));
    assert.equal(curl?.identity, 'spiffe://cluster.local/ns/finance/sa/curl');
    assert.equal(curl?.protocol, 'TCP', 'not enrolled yet: ztunnel does not tunnel it');
    assert.ok(model?.workloads.every((w) => w.node.startsWith('node-')));
    await eventually('the identities panel in front', async () => activeTabLabel() === 'Workload Identities: cluster-1', 5000);
  });

  // The default cluster claims Istio 1.28.3 (lists, rootCerts apart); cluster-2's ztunnels are moved to 1.24.6, whose
  // dump puts the root last in certChain and whose connections have no protocol: the same rows must come out.
  for (const [version, full, layout] of [
    ['1.28', '1.28.3', /1\.26\+ layout/],
    ['1.24', '1.24.6', /1\.23–1\.25 layout/],
  ] as const) {
    it(`Show Workload Identities reads a ztunnel ${full} dump: its layout, Leaf and Root certificates, services per ztunnel`, async () => {
      await control('/istio-version?cluster=cluster-2', { version });
      try {
        const model = await vscode.commands.executeCommand<IdentitiesModel>('ambient.identity.show', { context: 'cluster-2' });
        assert.equal(model?.source, 'ztunnel');
        assert.equal(model?.ztunnels.length, 3, 'one per node');
        for (const z of model?.ztunnels ?? []) {
          assert.equal(z.istioVersion, full, z.ztunnelPod);
          assert.match(z.layout, layout, z.ztunnelPod);
          const accounts = z.services.find((s) => s.NAMESPACE === 'accounts' && s['SERVICE NAME'] === 'accounts');
          assert.match(accounts?.['SERVICE VIP'] ?? '', /^\d+\.\d+\.\d+\.\d+$/, 'the VIP without its network');
          assert.match(accounts?.ENDPOINTS ?? '', /^[1-9]\d*\/[1-9]\d*$/);
        }
        // legacy is enrolled from the start: its captured pods' identities have certificates.
        assert.ok(model?.certificates.some((c) => c.identity.includes('/ns/legacy/')), 'certificates of the enrolled legacy namespace');
        const types = new Set(model?.certificates.map((c) => c.type));
        assert.deepEqual([...types].sort(), ['Leaf', 'Root'], 'each identity: its leaf and the root, never Intermediate');
        assert.ok(model?.workloads.some((w) => w.namespace === 'finance' && w.pod.startsWith('curl-')));
      } finally {
        await control('/istio-version?cluster=cluster-2', { version: '1.28' });
      }
    });
  }

  it('Open ztunnel Config Dump… refuses a file that is not a config dump, and shows nothing in its place', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zc-')), 'envoy.json');
    writeFileSync(file, '{"configs":[]}');
    const model = await vscode.commands.executeCommand<IdentitiesModel | undefined>('ambient.ztunnel.openConfigDump', file);
    assert.equal(model, undefined);
  });

  it('falls back to service-account identities for a user who may not port-forward, and says it is a fallback', async () => {
    const model = await vscode.commands.executeCommand<IdentitiesModel>('ambient.identity.show', { context: 'cluster-1-viewer' });
    assert.equal(model?.source, 'service-accounts');
    assert.match(model?.fallbackReason ?? '', /forbidden.*derived from service accounts/);
    assert.ok(model?.derived.some((r) => r.identity === 'spiffe://cluster.local/ns/accounts/sa/accounts'));
  });

  it('Test Connectivity before enrollment: accounts-cluster-1 / accounts-cluster-2, in plain text', async () => {
    const results = await connectivity(CONTEXTS);
    assert.deepEqual(results?.map((r) => [r.context, r.exitCode, r.stdout?.trim()]), [['cluster-1', 0, 'accounts-cluster-1'], ['cluster-2', 0, 'accounts-cluster-2']]);
    for (const r of results ?? []) assert.match(r.verdict?.sentence ?? '', /^Plain text/, r.context);
    await eventually('the connectivity panel in front', async () => activeTabLabel() === `Connectivity: ${TARGET}`, 5000);
  });

  it('Test Connectivity from a pod without curl says so', async () => {
    const results = await vscode.commands.executeCommand<ConnectivityResult[]>('ambient.check.connectivity', { contexts: ['cluster-1'], source: { namespace: 'accounts', workload: 'accounts' }, target: TARGET });
    assert.match(results?.[0].error ?? '', /has no curl/);
  });

  it('Check Ambient Health fails the expected namespaces not enrolled; its Enroll and Restart fixes turn the report to pass on both contexts', async () => {
    const before = await health(CONTEXTS);
    for (const context of CONTEXTS) {
      const consistency = check(before, context, 'consistency');
      assert.equal(consistency.status, 'fail');
      assert.equal(before.find((r) => r.context === context)?.worst, 'fail');
      // Run the fixes the report offers, as its buttons do.
      for (const fix of consistency.fixes) await vscode.commands.executeCommand(fix.command, ...fix.args);
    }
    // Existing pods the node agent missed need a restart: the capture check's fix.
    let after = await health(CONTEXTS);
    for (const context of CONTEXTS) {
      for (const fix of check(after, context, 'capture').fixes) await vscode.commands.executeCommand(fix.command, ...fix.args);
    }
    await eventually('every check passing', async () => {
      after = await health(CONTEXTS);
      return after.every((r) => r.worst === 'pass');
    });
    assert.equal(api.health.worst('cluster-1'), 'pass');
    assert.equal(api.health.worst('cluster-2'), 'pass');
  });

  it('Test Connectivity after enrollment: mTLS with both SPIFFE identities on both contexts', async () => {
    const results = await connectivity(CONTEXTS);
    for (const r of results ?? []) {
      assert.equal(r.stdout?.trim(), `accounts-${r.context}`);
      assert.equal(r.verdict?.kind, 'mtls', `${r.context}: ${r.verdict?.sentence}`);
      assert.equal(r.verdict?.sourceIdentity, 'spiffe://cluster.local/ns/finance/sa/curl');
      assert.equal(r.verdict?.destinationIdentity, 'spiffe://cluster.local/ns/accounts/sa/accounts');
    }
  });

  it('Test Connectivity says which AuthorizationPolicy denied it, and the policy opens as read-only YAML', async () => {
    // security.istio.io/v1 as Istio 1.28 serves it; the test cluster's ztunnel enforces it at L4.
    const file = join(mkdtempSync(join(tmpdir(), 'authz-')), 'deny.yaml');
    writeFileSync(file, 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-finance\n  namespace: accounts\nspec:\n  action: DENY\n  rules:\n  - from:\n    - source:\n        namespaces: ["finance"]\n');
    await kubectl('--context', 'cluster-1', 'apply', '--validate=false', '-f', file);
    try {
      const [denied] = (await connectivity(['cluster-1'])) ?? [];
      assert.equal(denied?.exitCode, 56, denied?.stderr);
      assert.equal(denied?.verdict?.kind, 'denied', denied?.verdict?.sentence);
      assert.equal(denied?.verdict?.sentence, "Denied by accounts/deny-finance: ztunnel's L4 authorization refused the connection.");
      const document = await vscode.commands.executeCommand<vscode.TextDocument>('ambient.policy.open', { context: 'cluster-1', namespace: 'accounts', name: 'deny-finance' });
      assert.equal(document?.languageId, 'yaml');
      assert.match(document?.getText() ?? '', /^apiVersion: security\.istio\.io\/v1\nkind: AuthorizationPolicy\nmetadata:\n[\s\S]* {2}name: deny-finance\n[\s\S]*spec:\n {2}action: DENY\n {2}rules:\n {2}- from:\n {4}- source:\n {8}namespaces:\n {8}- finance\n/);
      assert.doesNotMatch(document?.getText() ?? '', /managedFields/);
      // An allow-nothing policy (`spec: {}`) instead: "none allowed", with the ALLOW policies that apply named.
      await kubectl('--context', 'cluster-1', 'delete', 'authorizationpolicy', '-n', 'accounts', 'deny-finance');
      writeFileSync(file, 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-nothing\n  namespace: accounts\nspec: {}\n');
      await kubectl('--context', 'cluster-1', 'apply', '--validate=false', '-f', file);
      const [none] = (await connectivity(['cluster-1'])) ?? [];
      assert.equal(none?.verdict?.kind, 'denied', none?.verdict?.sentence);
      assert.deepEqual(none?.verdict?.allowPolicies, ['accounts/allow-nothing']);
      assert.match(none?.verdict?.sentence ?? '', /^Denied: ALLOW policies apply, but none allowed it: .* No rule of accounts\/allow-nothing matched it\.$/);
    } finally {
      await kubectl('--context', 'cluster-1', 'delete', 'authorizationpolicy', '-n', 'accounts', 'deny-finance', 'allow-nothing', '--ignore-not-found');
    }
    const [allowed] = (await connectivity(['cluster-1'])) ?? [];
    assert.equal(allowed?.verdict?.kind, 'mtls', allowed?.verdict?.sentence);
  });

  it('Test Connectivity says HBONE is blocked when a NetworkPolicy admits the app port but not 15008, and mTLS once it admits 15008', async () => {
    // networking.k8s.io/v1, the istio.io example's shape (istio/istio#52742): the app port only.
    const file = join(mkdtempSync(join(tmpdir(), 'netpol-')), 'netpol.yaml');
    const policy = (ports: number[]) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: accounts-web-only\n  namespace: accounts\nspec:\n  podSelector:\n    matchLabels:\n      app: accounts\n  policyTypes: [Ingress]\n  ingress:\n  - ports:\n${ports.map((p) => `    - protocol: TCP\n      port: ${p}\n`).join('')}`;
    writeFileSync(file, policy([8080]));
    await kubectl('--context', 'cluster-1', 'apply', '--validate=false', '-f', file);
    try {
      const [blocked] = (await connectivity(['cluster-1'])) ?? [];
      assert.equal(blocked?.exitCode, 28, blocked?.stderr);
      assert.equal(blocked?.verdict?.kind, 'failed', blocked?.verdict?.sentence);
      assert.match(blocked?.verdict?.sentence ?? '', /^HBONE blocked: .*maybe a NetworkPolicy is blocking HBONE port 15008.* allow it \(Check Before Enrolling… names the policy\)\.$/);
      writeFileSync(file, policy([8080, 15008]));
      await kubectl('--context', 'cluster-1', 'apply', '--validate=false', '-f', file);
      const [allowed] = (await connectivity(['cluster-1'])) ?? [];
      assert.equal(allowed?.exitCode, 0, allowed?.stderr);
      assert.equal(allowed?.verdict?.kind, 'mtls', allowed?.verdict?.sentence);
    } finally {
      await kubectl('--context', 'cluster-1', 'delete', 'networkpolicy', '-n', 'accounts', 'accounts-web-only', '--ignore-not-found');
    }
  });

  it('a not-ready ztunnel fails the ztunnel check, and the Mesh node result follows', async () => {
    await control('/ztunnel-fault?cluster=cluster-2&node=node-1', { ready: false });
    try {
      const ztunnel = check(await health(['cluster-2']), 'cluster-2', 'ztunnel');
      assert.equal(ztunnel.status, 'fail');
      assert.ok(ztunnel.evidence.some((e) => / on node-1 is not ready$/.test(e)), ztunnel.evidence.join('\n'));
      assert.equal(api.health.worst('cluster-2'), 'fail');
    } finally {
      await control('/ztunnel-fault?cluster=cluster-2&node=node-1', { ready: true });
    }
  });

  it('an XDS error fails the XDS check with the ztunnel line as evidence', async () => {
    await control('/ztunnel-fault?cluster=cluster-1&node=node-2', { xds: 'down' });
    try {
      const xds = check(await health(['cluster-1']), 'cluster-1', 'xds');
      assert.equal(xds.status, 'fail');
      assert.ok(xds.evidence.some((e) => /\(node-2\): .*XDS client connection error/.test(e)), xds.evidence.join('\n'));
    } finally {
      await control('/ztunnel-fault?cluster=cluster-1&node=node-2', { xds: 'up' });
    }
  });

  it('a stale capture (annotated, but ztunnel lists TCP) shows in identities and fails capture until Restart Workloads', async () => {
    const pod = (await kubectl('--context', 'cluster-1', '-n', 'accounts', 'get', 'pods', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    await control('/ztunnel-fault?cluster=cluster-1&node=node-1', { forgetPod: `accounts/${pod}` });
    const model = await vscode.commands.executeCommand<IdentitiesModel>('ambient.identity.show', { context: 'cluster-1', namespace: 'accounts' });
    assert.deepEqual(model?.disagreements.filter((d) => d.kind === 'stale-capture').map((d) => d.pod), [pod]);
    const capture = check(await health(['cluster-1']), 'cluster-1', 'capture');
    assert.equal(capture.status, 'fail');
    for (const fix of capture.fixes) await vscode.commands.executeCommand(fix.command, ...fix.args);
    await eventually('capture passing after the restart', async () => check(await health(['cluster-1']), 'cluster-1', 'capture').status === 'pass');
  });

  it('a namespace labelled for sidecar injection and ambient fails the conflict check', async () => {
    await kubectl('--context', 'cluster-2', 'label', 'namespace', 'finance', 'istio-injection=enabled', '--overwrite');
    try {
      const conflicts = check(await health(['cluster-2']), 'cluster-2', 'conflicts');
      assert.equal(conflicts.status, 'fail');
      assert.match(conflicts.evidence.join('\n'), /finance: .*istio-injection=enabled/);
    } finally {
      await kubectl('--context', 'cluster-2', 'label', 'namespace', 'finance', 'istio-injection-');
    }
  });

  it('declares every verify command in package.json and registers it', async () => {
    const declared = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = await vscode.commands.getCommands(true);
    for (const id of ['ambient.identity.show', 'ambient.check.connectivity', 'ambient.check.health']) {
      assert.ok(declared.includes(id), `${id} declared`);
      assert.ok(registered.includes(id), `${id} registered`);
    }
  });
});
