// ambient-mesh-mcp as an MCP client outside VS Code sees it: the real bin (bin/ambient-mesh-mcp.cjs running
// dist/mcp.js, built here first) spawned over stdio by the SDK's Client, against the in-process test cluster.
// Read-only by default; the write tools only with --allow-writes. Each tool's text is also written to
// .test-output/mcp/<tool>.txt, so a run's real outputs can be read afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { clientsFor, startCluster } from '../kube/harness';
import type { TestCluster } from '../kube/harness';
import type { KubeClients } from '../../src/kube/types';

const root = path.join(__dirname, '..', '..');
const outputs = path.join(root, '.test-output', 'mcp');
const MODE = 'istio.io/dataplane-mode';

async function connect(kubeconfig: string, ...flags: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(root, 'bin', 'ambient-mesh-mcp.cjs'), '--kubeconfig', kubeconfig, ...flags],
    cwd: root,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'ambient-mesh-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

interface ToolText {
  text: string;
  isError: boolean;
}

async function call(client: Client, name: string, args: Record<string, unknown>, save?: string): Promise<ToolText> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  assert.equal(content.length, 1);
  assert.equal(content[0].type, 'text');
  if (save) fs.writeFileSync(path.join(outputs, `${save}.txt`), `${name} ${JSON.stringify(args)}\n\n${content[0].text}\n`);
  return { text: content[0].text, isError: result.isError === true };
}

describe('ambient-mesh-mcp over stdio against the test cluster', () => {
  let cluster: TestCluster;
  let kube: KubeClients;
  let readOnly: Client;
  let writer: Client;

  before(async () => {
    // The bin runs what is built: build it from this checkout's sources first.
    execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
    fs.mkdirSync(outputs, { recursive: true });
    cluster = await startCluster();
    kube = clientsFor(cluster.kubeconfigPath);
    readOnly = await connect(cluster.kubeconfigPath);
    writer = await connect(cluster.kubeconfigPath, '--allow-writes');
  });
  after(async () => {
    await readOnly?.close();
    await writer?.close();
    kube?.dispose();
    await cluster?.stop();
  });

  it('offers only the read-only tools unless started with --allow-writes', async () => {
    const names = (await readOnly.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['ambient_check_connectivity', 'ambient_preflight', 'ambient_recent_ztunnel_logs', 'ambient_status']);
    const all = (await writer.listTools()).tools;
    assert.equal(all.length, 7);
    const enroll = all.find((t) => t.name === 'ambient_enroll')!;
    assert.deepEqual(enroll.inputSchema.required, ['namespaces']);
    assert.equal(enroll.annotations?.readOnlyHint, false);
    const refused = await call(readOnly, 'ambient_enroll', { namespaces: ['finance'] });
    assert.equal(refused.isError, true);
    assert.equal(refused.text, 'ambient_enroll changes the cluster: this server was started read-only; start it with --allow-writes to use it.');
    assert.equal((await kube.client('cluster-1').readNamespace('finance')).metadata?.labels?.[MODE], undefined, 'nothing was written');
  });

  it('ambient_status: contexts, namespaces with dataplane and capture, and health', async () => {
    const { text, isError } = await call(readOnly, 'ambient_status', { contexts: ['cluster-1'] }, 'ambient_status');
    assert.equal(isError, false, text);
    assert.match(text, /^Context cluster-1 \(cluster .*, user cluster-1-admin, current\)$/m);
    assert.match(text, /^Mesh: istio 1\.28\.\d+ · ztunnel 3\/3 · 1 ambient namespace$/m);
    assert.match(text, /^- legacy: ambient · \d+\/\d+ captured/m);
    assert.match(text, /^- bookinfo: sidecar$/m);
    assert.match(text, /^- finance: not in the mesh$/m);
    assert.doesNotMatch(text, /^- kube-system/m, 'system namespaces are left out by default');
    assert.match(text, /^Health: (pass|warn|fail)$/m);
    assert.match(text, /^- istiod ready: pass — /m);
  });

  it('ambient_preflight: the seeded checkout findings, with their fixes', async () => {
    const { text, isError } = await call(readOnly, 'ambient_preflight', { namespaces: ['checkout', 'finance'] }, 'ambient_preflight');
    assert.equal(isError, false, text);
    assert.match(text, /^checkout on cluster-1: 6 findings \(worst: error\)$/m);
    assert.match(text, /\[NetworkPolicy checkout\/storefront-allow-web\]/);
    assert.match(text, /^ {2}Fix: /m);
    assert.match(text, /^finance on cluster-1: no findings: nothing in the way of enrolling this namespace\.$/m);
  });

  it('says what is wrong with an input in one sentence', async () => {
    const unknown = await call(readOnly, 'ambient_status', { contexts: ['cluster-9'] });
    assert.equal(unknown.isError, true);
    assert.equal(unknown.text, 'Context "cluster-9" is not in the kubeconfig; its contexts are cluster-1, cluster-2, cluster-1-viewer, cluster-2-viewer.');
    const noNamespaces = await call(readOnly, 'ambient_preflight', {});
    assert.equal(noNamespaces.text, '"namespaces" is required: a list of names.');
    const badRegex = await call(readOnly, 'ambient_recent_ztunnel_logs', { search: '/(/' });
    assert.equal(badRegex.isError, true);
    assert.match(badRegex.text, /^"search" is not a valid regular expression: /);
  });

  it('ambient_enroll (dry run, then for real), then ambient_check_connectivity sees mTLS', async () => {
    const dry = await call(writer, 'ambient_enroll', { namespaces: ['finance', 'accounts'], dryRun: true });
    assert.equal(dry.isError, false, dry.text);
    assert.match(dry.text, /^Enroll in Ambient \(dry run: nothing changed\): 2 would be enrolled \(finance, accounts on cluster-1\)\.$/m);
    assert.equal((await kube.client('cluster-1').readNamespace('finance')).metadata?.labels?.[MODE], undefined);

    const real = await call(writer, 'ambient_enroll', { namespaces: ['finance', 'accounts', 'legacy', 'nowhere'] }, 'ambient_enroll');
    assert.match(real.text, /^Enroll in Ambient partly failed: 2 enrolled \(finance, accounts on cluster-1\), 1 already ambient \(legacy on cluster-1\), 1 failed \(nowhere on cluster-1\)\./m);
    assert.match(real.text, /cluster-1\/nowhere — Namespace "nowhere" does not exist in context cluster-1 \(not created\)\./);
    for (const ns of ['finance', 'accounts']) assert.equal((await kube.client('cluster-1').readNamespace(ns)).metadata?.labels?.[MODE], 'ambient');

    const test = await call(
      readOnly,
      'ambient_check_connectivity',
      { sourceNamespace: 'finance', sourceWorkload: 'curl', target: 'accounts.accounts.svc.cluster.local:8080' },
      'ambient_check_connectivity',
    );
    assert.equal(test.isError, false, test.text);
    assert.match(test.text, /^curl: curl -s -m 5 .*accounts\.accounts\.svc\.cluster\.local:8080.* → exit 0 \(succeeded\)$/m);
    assert.match(test.text, /^Verdict: mtls — Mutual TLS: spiffe:\/\/cluster\.local\/ns\/finance\/sa\/curl → spiffe:\/\/cluster\.local\/ns\/accounts\/sa\/accounts\.$/m);

    const logs = await call(writer, 'ambient_recent_ztunnel_logs', { namespace: 'finance', class: 'mtls', limit: 5 }, 'ambient_recent_ztunnel_logs');
    assert.equal(logs.isError, false, logs.text);
    assert.match(logs.text, /^ztunnel logs of the last 15 min on cluster-1 \(3 ztunnel pods\), filtered by class mtls, namespace finance: \d+ entries read, [1-9]\d* match \(mtls [1-9]\d*\)\.$/m);
    assert.match(logs.text, /\[mtls\] curl-.* \(finance\) → accounts \(accounts\) finance\/curl → accounts\/accounts/);
  });

  it('ambient_restart_workloads restarts and follows the rollouts; ambient_unenroll removes the label', async () => {
    const restart = await call(writer, 'ambient_restart_workloads', { namespaces: ['finance'] }, 'ambient_restart_workloads');
    assert.equal(restart.isError, false, restart.text);
    assert.match(restart.text, /^Restart Workloads: 1 restarted and ready \(finance on cluster-1\)\.$/m);
    assert.match(restart.text, /Deployment finance\/curl \(cluster-1\)/);

    const removed = await call(writer, 'ambient_unenroll', { namespaces: ['finance', 'accounts'] }, 'ambient_unenroll');
    assert.match(removed.text, /^Remove from Ambient: 2 removed from ambient \(finance, accounts on cluster-1\)\.$/m);
    for (const ns of ['finance', 'accounts']) assert.equal((await kube.client('cluster-1').readNamespace(ns)).metadata?.labels?.[MODE], undefined);
  });

  it('a read-only context is refused with the sentence the Enroll command shows, before anything is sent', async () => {
    const refused = await call(writer, 'ambient_enroll', { namespaces: ['finance'], contexts: ['cluster-1-viewer'] });
    assert.equal(refused.isError, true);
    assert.match(refused.text, /^Enroll in Ambient: cluster-1-viewer is read-only \(its user "cluster-1-viewer" may not patch namespaces "finance"\); nothing was changed: use a context that can write, e\.g\. cluster-1\.$/);
    assert.equal((await kube.client('cluster-1').readNamespace('finance')).metadata?.labels?.[MODE], undefined);
  });
});
