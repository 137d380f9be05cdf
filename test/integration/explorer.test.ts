// The Clusters view against the two-cluster test cluster: contexts, the Mesh node, namespace badges and
// descriptions, decorations, contextValues, pods and their capture state, the filters, live updates from a
// kubectl label change, a context whose server is down, and the command/package.json contract.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { AmbientMeshApi } from '../../src/extension';
import { createKubeClients } from '../../src/kube/kubeClients';
import { parseContextValue } from '../../src/mesh/contextValue';
import type { IdentitiesModel } from '../../src/shared/verifyProtocol';
import { MeshModel } from '../../src/mesh/meshModel';
import { ClustersTreeProvider } from '../../src/views/clustersTreeProvider';
import type { ContextNode } from '../../src/views/contextNode';
import type { ExplorerNode } from '../../src/views/explorerNode';
import type { NamespaceNode } from '../../src/views/namespaceNode';

const EXTENSION_ID = 'ambient-mesh.ambient-mesh';
const run = promisify(execFile);

function env(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set in the extension host`);
  return value;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(env('AMBIENT_TEST_KUBECTL'), ['--kubeconfig', env('KUBECONFIG'), ...args], { timeout: 20_000 });
  return stdout;
}

/** A loopback port with nothing listening (bound once by the kernel, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function item(node: ExplorerNode): vscode.TreeItem {
  return node.getTreeItem();
}

/** The node's kind from its contextValue (this suite is bundled apart from the extension: no instanceof). */
function base(node: ExplorerNode): string {
  return parseContextValue(item(node).contextValue ?? '').base;
}

function isNamespace(node: ExplorerNode): node is NamespaceNode {
  return base(node) === 'namespace';
}

function label(node: ExplorerNode): string {
  const l = item(node).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

function tooltipText(node: ExplorerNode): string {
  const t = item(node).tooltip;
  return typeof t === 'string' ? t : (t?.value ?? '');
}

async function children(provider: ClustersTreeProvider, node?: ExplorerNode): Promise<ExplorerNode[]> {
  return provider.getChildren(node);
}

async function contextNode(provider: ClustersTreeProvider, name: string): Promise<ContextNode> {
  const node = (await children(provider)).find((n) => base(n) === 'context' && label(n) === name);
  assert.ok(node, `no context node ${name}`);
  return node as ContextNode;
}

async function namespaceNode(provider: ClustersTreeProvider, context: ContextNode, name: string): Promise<NamespaceNode> {
  const node = (await children(provider, context)).find((n) => isNamespace(n) && label(n) === name);
  assert.ok(node, `no namespace ${name} under ${context.context}`);
  return node as NamespaceNode;
}

describe('Clusters view (explorer)', function () {
  this.timeout(60_000);
  let api: AmbientMeshApi;
  let provider: ClustersTreeProvider;

  before(async () => {
    const extension = vscode.extensions.getExtension<AmbientMeshApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    provider = api.clusters;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('ambient').update('explorer.showOnlyAmbient', undefined, vscode.ConfigurationTarget.Global);
  });

  it('lists every kube context, not only the current one, and marks the current one', async () => {
    const roots = await children(provider);
    assert.deepEqual(roots.map(label).sort(), ['cluster-1', 'cluster-1-viewer', 'cluster-2', 'cluster-2-viewer']);
    const current = roots.filter((n) => parseContextValue(item(n).contextValue ?? '').flags.has('current')).map(label);
    assert.deepEqual(current, ['cluster-1']);
  });

  it('describes a context with a summary short enough for the sidebar (istio version, ambient namespaces), the full one in its tooltip', async () => {
    const node = await contextNode(provider, 'cluster-2');
    await api.model.cluster('cluster-2').loadSummary();
    // The row shows what the tree drew: the summary arrives with the redraw that follows the load.
    await waitFor('the summary drawn', () => /^1\.28\.3 · \d+ ambient$/.test(String(item(node).description)), 2000);
    const tooltip = item(node).tooltip as vscode.MarkdownString;
    // appendText escapes Markdown (spaces become &nbsp;): compare the text.
    assert.match(tooltip.value.replace(/&nbsp;/g, ' ').replace(/\\/g, ''), /istio 1\.28\.3 · ztunnel 3\/3 · \d+ ambient namespaces?/);
  });

  it('expanding a context shows the Mesh node (istiod, ztunnel, istio-cni, trust domain) and the namespaces', async () => {
    const node = await contextNode(provider, 'cluster-1');
    const kids = await children(provider, node);
    assert.equal(base(kids[0]), 'mesh', 'the Mesh node comes first');
    assert.match(String(item(kids[0]).description), /istiod 1\.28\.3 · ready/);
    const rows = (await children(provider, kids[0])).map((n) => `${label(n)}: ${item(n).description}`);
    assert.deepEqual(rows, ['istiod: 1.28.3 · ready 1/1', 'ztunnel: ready 3/3', 'istio-cni: ready 3/3', 'trust domain: cluster.local']);
    const names = kids.filter((n) => isNamespace(n)).map(label);
    for (const expected of ['finance', 'accounts', 'bookinfo', 'legacy', 'istio-system', 'prometheus']) assert.ok(names.includes(expected), `${expected} in ${names}`);
    assert.ok(!names.includes('kube-system'), 'system namespaces are hidden by default');
    assert.equal(api.model.cluster('cluster-1').live, true);
  });

  it("the Mesh node's ztunnel row lists its pods, one per node; a click shows that ztunnel's own config (issue 19)", async () => {
    const node = await contextNode(provider, 'cluster-1');
    const mesh = (await children(provider, node))[0];
    const ztunnel = (await children(provider, mesh)).find((n) => label(n) === 'ztunnel');
    assert.ok(ztunnel);
    const pods = await waitFor('the ztunnel pods under the ztunnel row', async () => {
      const kids = await children(provider, ztunnel);
      return kids.length === 3 ? kids : undefined;
    });
    const listed = JSON.parse(await kubectl('--context', 'cluster-1', 'get', 'pods', '-n', 'istio-system', '-l', 'app=ztunnel', '-o', 'json')).items.map(
      (p: { metadata: { name: string }; spec: { nodeName: string } }) => `${p.metadata.name}: ${p.spec.nodeName}`,
    );
    assert.deepEqual(pods.map((p) => `${label(p)}: ${item(p).description}`).sort(), listed.sort());
    assert.equal(item(ztunnel).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const click = item(pods[1]).command;
    assert.equal(click?.command, 'ambient.identity.show');
    const model = (await vscode.commands.executeCommand(click!.command, ...(click!.arguments ?? []))) as IdentitiesModel | undefined;
    assert.equal(model?.ztunnelPod, label(pods[1]));
    assert.equal(model?.ztunnelsRead, 1, 'only that ztunnel was read');
    assert.deepEqual(model?.ztunnels.map((z) => z.ztunnelPod), [label(pods[1])]);
    assert.ok((model?.workloads.length ?? 0) > 0, 'its workloads are listed');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("a namespace's AuthorizationPolicies: a group with the warning count, each policy's action and enforcement, its trap, a click opens the YAML (issue 14)", async () => {
    const namespace = 'policy-rows';
    await kubectl('--context', 'cluster-1', 'create', 'namespace', namespace).catch(() => '');
    // security.istio.io/v1 as Istio 1.22+ serves it: an ALLOW that needs HTTP attributes (ztunnel denies all),
    // and a DENY by namespace (L4, enforced by ztunnel).
    const manifest = join(mkdtempSync(join(tmpdir(), 'ambient-policies-')), 'policies.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        `metadata: { name: allow-get, namespace: ${namespace} }`,
        'spec: { action: ALLOW, rules: [{ to: [{ operation: { methods: ["GET"] } }] }] }',
        '---',
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        `metadata: { name: deny-legacy, namespace: ${namespace} }`,
        'spec: { action: DENY, rules: [{ from: [{ source: { namespaces: ["legacy"] } }] }] }',
        '',
      ].join('\n'),
    );
    try {
      // The test cluster serves no OpenAPI document, which kubectl's client-side validation downloads first.
      await kubectl('--context', 'cluster-1', 'apply', '--validate=false', '-f', manifest);
      const node = await contextNode(provider, 'cluster-1');
      const ns = await waitFor(`namespace ${namespace} in the tree`, async () => (await children(provider, node)).find((n) => isNamespace(n) && label(n) === namespace));
      const group = await waitFor('the Authorization Policies group', async () => (await children(provider, ns)).find((n) => label(n) === 'Authorization Policies'));
      assert.equal(item(group).description, '2 · 1 with a warning');
      const rows = await children(provider, group);
      assert.deepEqual(rows.map((r) => `${label(r)}: ${item(r).description}`).sort(), ['allow-get: ALLOW · ztunnel', 'deny-legacy: DENY · ztunnel']);
      const allow = rows.find((r) => label(r) === 'allow-get')!;
      assert.match(tooltipText(allow), /ztunnel cannot read: this ALLOW matches nothing, so it denies all traffic/);
      assert.ok(parseContextValue(item(allow).contextValue ?? '').flags.has('trap'));
      const click = item(allow).command!;
      await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
      const yaml = await waitFor('the policy as YAML', () => vscode.window.activeTextEditor?.document.getText());
      assert.match(yaml, /kind: AuthorizationPolicy/);
      assert.match(yaml, /name: allow-get/);
      assert.doesNotMatch(yaml, /managedFields/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await kubectl('--context', 'cluster-1', 'delete', 'namespace', namespace, '--wait=false').catch(() => '');
    }
  });

  it('finance and accounts are outside the mesh: no badge, no description', async () => {
    const context = await contextNode(provider, 'cluster-1');
    for (const name of ['finance', 'accounts']) {
      const node = await namespaceNode(provider, context, name);
      assert.equal(item(node).description, undefined);
      assert.equal(item(node).contextValue, 'namespace');
      assert.equal(api.decorations.provideFileDecoration(node.resourceUri), undefined);
    }
  });

  it('badges an ambient namespace with capture progress, and names the opted-out pod', async () => {
    const context = await contextNode(provider, 'cluster-1');
    const legacy = await namespaceNode(provider, context, 'legacy');
    const tree = item(legacy);
    assert.equal(tree.description, 'ambient · 1/1 captured');
    assert.equal(tree.contextValue, 'namespace+ambient');
    const decoration = api.decorations.provideFileDecoration(legacy.resourceUri);
    assert.equal(decoration?.badge, 'A');
    assert.equal((decoration?.color as vscode.ThemeColor).id, 'charts.green');
    assert.match(tooltipText(legacy), /istio\.io\/dataplane-mode=ambient/);
    assert.match(tooltipText(legacy), /opted out: 1/);
    const workloads = await children(provider, legacy);
    assert.deepEqual(workloads.map((w) => `${label(w)} ${item(w).description}`).sort(), ['reporting Deployment', 'web Deployment · 1/1 captured']);
    const reporting = workloads.find((w) => label(w) === 'reporting')!;
    const [pod] = await children(provider, reporting);
    assert.equal(base(pod), 'pod');
    assert.equal(item(pod).description, 'opted out');
    assert.equal(item(pod).contextValue, 'pod+optedOut');
    const web = workloads.find((w) => label(w) === 'web')!;
    const [webPod] = await children(provider, web);
    assert.equal(item(webPod).description, 'captured');
    assert.match(tooltipText(webPod), /spiffe:\/\/cluster\.local\/ns\/legacy\/sa\/web/);
  });

  it('badges a sidecar namespace S, and lists its pods as sidecar', async () => {
    const context = await contextNode(provider, 'cluster-1');
    const bookinfo = await namespaceNode(provider, context, 'bookinfo');
    assert.equal(item(bookinfo).description, 'sidecar');
    assert.equal(item(bookinfo).contextValue, 'namespace+sidecar');
    assert.equal(api.decorations.provideFileDecoration(bookinfo.resourceUri)?.badge, 'S');
    const workloads = await children(provider, bookinfo);
    assert.ok(workloads.every((w) => base(w) === 'workload'));
    const pods = await children(provider, workloads[0]);
    assert.equal(item(pods[0]).description, 'sidecar');
  });

  it('host-network pods show as host network', async () => {
    const context = await contextNode(provider, 'cluster-1');
    const prometheus = await namespaceNode(provider, context, 'prometheus');
    const exporter = (await children(provider, prometheus)).find((w) => label(w) === 'node-exporter');
    assert.ok(exporter, 'node-exporter DaemonSet');
    assert.match(String(item(exporter).description), /^DaemonSet/);
    const pods = await children(provider, exporter);
    assert.equal(pods.length, 3, 'one per node');
    assert.ok(pods.every((p) => item(p).description === 'host network'));
  });

  it('a label set with kubectl elsewhere reaches the tree through the watch, badge and all', async () => {
    const context = await contextNode(provider, 'cluster-1');
    const finance = await namespaceNode(provider, context, 'finance');
    const rendered = new Promise<number>((resolve) => {
      const subscription = provider.onDidRequestRender((changes) => {
        // Enrolling changes cluster-1's ambient count, so the whole context is redrawn (its row says the count).
        if (changes.some((c) => c.scope === 'cluster' && c.context === 'cluster-1') && api.decorations.provideFileDecoration(finance.resourceUri)?.badge === 'A') {
          subscription.dispose();
          resolve(Date.now());
        }
      });
    });
    const started = Date.now();
    await kubectl('--context', 'cluster-1', 'label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient');
    try {
      const at = await Promise.race([rendered, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no redraw within 5 s')), 5000))]);
      assert.ok(at - started < 3000, `redraw ${at - started} ms after kubectl started`);
      assert.match(String(item(finance).description), /^ambient · /);
      assert.match(item(finance).contextValue ?? '', /^namespace\+ambient/);
      assert.equal(api.decorations.provideFileDecoration(finance.resourceUri)?.badge, 'A');
      // istio-cni (simulated) captures the running pod: progress reaches 1/1.
      await waitFor('finance fully captured', () => item(finance).description === 'ambient · 1/1 captured');
    } finally {
      await kubectl('--context', 'cluster-1', 'label', 'namespace', 'finance', 'istio.io/dataplane-mode-');
    }
    await waitFor('finance back outside the mesh', () => item(finance).description === undefined);
  });

  it('an enrolled namespace with a pod istio-cni missed shows partial capture in the warning colour, and the pod as not captured', async () => {
    const context = await contextNode(provider, 'cluster-1');
    const prometheus = await namespaceNode(provider, context, 'prometheus');
    // Other suites may already have restarted the seed's missed grafana pod: make istio-cni miss the current one.
    const grafanaPods = JSON.parse(await kubectl('--context', 'cluster-1', '-n', 'prometheus', 'get', 'pods', '-l', 'app.kubernetes.io/name=grafana', '-o', 'json')) as {
      items: { metadata: { name: string; deletionTimestamp?: string } }[];
    };
    const grafanaPod = grafanaPods.items.find((p) => !p.metadata.deletionTimestamp)?.metadata.name;
    assert.ok(grafanaPod, 'a running grafana pod');
    const missed = await fetch(`${env('AMBIENT_TEST_CONTROL_URL')}/cni-miss?cluster=cluster-1&pod=prometheus/${grafanaPod}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    assert.equal(missed.status, 200, await missed.text());
    await kubectl('--context', 'cluster-1', 'label', 'namespace', 'prometheus', 'istio.io/dataplane-mode=ambient');
    try {
      // node-exporter runs on the host network (not expected); grafana is missed by the node agent.
      await waitFor('prometheus partly captured', () => /^ambient · \d+\/\d+ captured$/.test(String(item(prometheus).description)) && item(prometheus).contextValue === 'namespace+ambient+partial');
      const [captured, expected] = /(\d+)\/(\d+)/.exec(String(item(prometheus).description))!.slice(1).map(Number);
      assert.ok(captured < expected, `${captured}/${expected}`);
      const decoration = api.decorations.provideFileDecoration(prometheus.resourceUri);
      assert.equal(decoration?.badge, 'A');
      assert.equal((decoration?.color as vscode.ThemeColor).id, 'list.warningForeground');
      const grafana = (await children(provider, prometheus)).find((w) => label(w) === 'grafana');
      assert.ok(grafana);
      assert.match(item(grafana).contextValue ?? '', /^workload\+deployment\+ambient\+partial$/);
      const [pod] = await children(provider, grafana);
      assert.equal(item(pod).description, 'not captured');
      assert.match(tooltipText(pod), /restart the workload/);
    } finally {
      await kubectl('--context', 'cluster-1', 'label', 'namespace', 'prometheus', 'istio.io/dataplane-mode-');
    }
    await waitFor('prometheus back outside the mesh', () => item(prometheus).description === undefined);
  });

  it('keeps following after the API server drops its watches, without user action', async () => {
    const control = env('AMBIENT_TEST_CONTROL_URL');
    const setFaults = (faults: object) =>
      fetch(`${control}/faults`, { method: 'POST', body: JSON.stringify({ cluster: 'cluster-1', ...faults }), signal: AbortSignal.timeout(10_000) });
    const context = await contextNode(provider, 'cluster-1');
    const accounts = await namespaceNode(provider, context, 'accounts');
    const dropsBefore = ((await (await fetch(`${control}/requests?cluster=cluster-1`)).json()) as { watchesDropped: number }).watchesDropped;
    await setFaults({ dropWatchesEveryMs: 400 });
    try {
      await new Promise((r) => setTimeout(r, 1000)); // at least two rounds of drops
      await kubectl('--context', 'cluster-1', 'label', 'namespace', 'accounts', 'istio.io/use-waypoint=accounts-wp');
      await waitFor('the waypoint label through a dropped watch', () => /waypoint accounts-wp/.test(String(item(accounts).description)));
      const dropsAfter = ((await (await fetch(`${control}/requests?cluster=cluster-1`)).json()) as { watchesDropped: number }).watchesDropped;
      assert.ok(dropsAfter > dropsBefore, 'the server did drop watches meanwhile');
    } finally {
      await setFaults({ dropWatchesEveryMs: 0 });
      await kubectl('--context', 'cluster-1', 'label', 'namespace', 'accounts', 'istio.io/use-waypoint-');
    }
    await waitFor('accounts back without waypoint', () => item(accounts).description === undefined);
  });

  it('Refresh re-lists an expanded context (new lists and watches), and the tree is whole afterwards', async () => {
    const control = env('AMBIENT_TEST_CONTROL_URL');
    type Counters = { byVerb: Record<string, number>; watchesOpened: number };
    const counters = async () => (await (await fetch(`${control}/requests?cluster=cluster-1`)).json()) as Counters;
    const context = await contextNode(provider, 'cluster-1');
    await children(provider, context);
    const before = await counters();
    await vscode.commands.executeCommand('ambient.clusters.refresh');
    const after = await counters();
    assert.ok((after.byVerb.list ?? 0) > (before.byVerb.list ?? 0), 'new list requests');
    // The watch request follows its list: it reaches the server just after the tree has its data.
    await waitFor('new watches', async () => (await counters()).watchesOpened > before.watchesOpened);
    const names = (await children(provider, context)).filter(isNamespace).map(label);
    assert.ok(names.includes('finance') && names.includes('legacy'), names.join(', '));
  });

  it('"show only ambient" lists only enrolled namespaces; the setting toggles back', async () => {
    await vscode.commands.executeCommand('ambient.clusters.showOnlyAmbient');
    try {
      const context = await contextNode(provider, 'cluster-1');
      const names = (await children(provider, context)).filter((n) => isNamespace(n)).map(label);
      assert.deepEqual(names, ['legacy']);
    } finally {
      await vscode.commands.executeCommand('ambient.clusters.showAllNamespaces');
    }
    const context = await contextNode(provider, 'cluster-1');
    assert.ok((await children(provider, context)).filter((n) => isNamespace(n)).length > 1);
  });

  it('system namespaces are hidden by the setting that lists them, and shown when hiding is off', async () => {
    const config = () => vscode.workspace.getConfiguration('ambient');
    const namespaces = async () => (await children(provider, await contextNode(provider, 'cluster-1'))).filter(isNamespace).map(label);
    try {
      await config().update('explorer.systemNamespaces', ['kube-system', 'kube-public', 'kube-node-lease', 'prometheus'], vscode.ConfigurationTarget.Global);
      await waitFor('prometheus hidden as a system namespace', async () => !(await namespaces()).includes('prometheus'));
      await config().update('explorer.hideSystemNamespaces', false, vscode.ConfigurationTarget.Global);
      await waitFor('system namespaces shown', async () => {
        const names = await namespaces();
        return names.includes('kube-system') && names.includes('prometheus');
      });
    } finally {
      await config().update('explorer.systemNamespaces', undefined, vscode.ConfigurationTarget.Global);
      await config().update('explorer.hideSystemNamespaces', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('defaults back', async () => {
      const names = await namespaces();
      return !names.includes('kube-system') && names.includes('prometheus');
    });
  });

  it('the status bar shows the current context and its ambient namespace count', async () => {
    await waitFor('status bar counts', () => /cluster-1 · ambient \d+\/\d+/.test(api.statusBar.item.text));
    assert.equal(api.statusBar.item.command, 'ambientMesh.clusters.focus');
  });

  it('collapsing an expanded context stops its watches', async () => {
    const context = await contextNode(provider, 'cluster-2');
    await api.clustersView.reveal(context, { expand: true, focus: false, select: false });
    await waitFor('cluster-2 live', () => api.model.cluster('cluster-2').live);
    await vscode.commands.executeCommand('workbench.actions.treeView.ambientMesh.clusters.collapseAll');
    await waitFor('cluster-2 watches stopped', () => !api.model.cluster('cluster-2').live);
    assert.match(String(item(context).description), /^1\.28\.3 · /, 'the collapsed context keeps its summary');
  });

  it('a context whose server is down says so on its node, offers Retry and Show Log, and the others still work', async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'ambient-down-'));
    const downConfig = join(dir, 'down.yaml');
    writeFileSync(
      downConfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: down',
        '  cluster:',
        `    server: https://127.0.0.1:${port}`,
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: down',
        '  user:',
        '    token: not-used',
        'contexts:',
        '- name: down',
        '  context:',
        '    cluster: down',
        '    user: down',
        '',
      ].join('\n'),
    );
    const kube = createKubeClients({ kubeconfigPaths: [env('KUBECONFIG'), downConfig], watchFiles: false, requestTimeoutMs: 3000 });
    const model = new MeshModel(kube, { isSystemNamespace: (n) => n.startsWith('kube-') });
    const ownProvider = new ClustersTreeProvider(model, () => ({ hideSystemNamespaces: true, showOnlyAmbient: false }), () => 20);
    try {
      const down = await contextNode(ownProvider, 'down');
      await model.cluster('down').loadSummary();
      await waitFor('the problem drawn', () => /^Cannot reach down\b.*\.$/.test(String(item(down).description)), 2000);
      assert.equal(model.cluster('down').problem?.reason, 'unreachable');
      assert.equal(parseContextValue(item(down).contextValue ?? '').flags.has('error'), true);
      const kids = await children(ownProvider, down);
      assert.ok(kids.every((k) => base(k) === 'message'));
      assert.deepEqual(kids.slice(1).map(label), ['Retry', 'Show Log']);
      assert.equal(item(kids[1]).command?.command, 'ambient.clusters.retry');
      assert.equal(item(kids[2]).command?.command, 'ambient.output.show');
      const healthy = await contextNode(ownProvider, 'cluster-2');
      const names = (await children(ownProvider, healthy)).filter((n) => isNamespace(n)).map(label);
      assert.ok(names.includes('finance'), 'cluster-2 lists its namespaces next to the broken context');
    } finally {
      ownProvider.dispose();
      model.dispose();
      kube.dispose();
    }
  });

  it('every command in package.json is registered, and every registered ambient.* command is declared', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const manifest = JSON.parse(readFileSync(join(extension.extensionPath, 'package.json'), 'utf8'));
    const declared = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
    const registered = new Set((await vscode.commands.getCommands(true)).filter((id) => id.startsWith('ambient.')));
    assert.deepEqual([...declared].filter((id) => !registered.has(id)), [], 'declared but not registered');
    assert.deepEqual([...registered].filter((id) => !declared.has(id)), [], 'registered but not declared');
  });
});
