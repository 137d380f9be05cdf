// kubectl as referee: the test cluster's ztunnels enforce L4 AuthorizationPolicies (security.istio.io/v1,
// as Istio 1.28 serves them) on connections through the mesh. A refused curl exits 56 (reset), the
// destination ztunnel logs the rejection at error level in istio/ztunnel's words, and the source ztunnel the
// HBONE CONNECT's 401. `--validate=false`: the test server serves no OpenAPI (test/cluster/README.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';
import { ALLOW_FINANCE_BY_PRINCIPAL } from './manifests';
import { emittedLines, eventually } from './testUtil';

let cluster: RunningTestCluster;
let dir: string;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });
const curlFrom = (namespace: string, target: string) => kubectl(['exec', '-n', namespace, target, '--', 'curl', '-sS', 'accounts.accounts.svc.cluster.local:8080']);

async function ztunnelLines(): Promise<string[]> {
  const names = (await kubectl(['get', 'pods', '-n', 'istio-system', '-l', 'app=ztunnel', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
  const all: string[] = [];
  for (const name of names) all.push(...(await emittedLines(cluster, 'cluster-1', name)));
  return all;
}

/** The access lines a step wrote. */
async function freshAccessLines(step: () => Promise<unknown>): Promise<string[]> {
  const access = (lines: string[]) => lines.filter((l) => l.includes('\taccess\tconnection complete\t') && l.includes('dst.namespace="accounts"'));
  const before = new Set(access(await ztunnelLines()));
  await step();
  return access(await ztunnelLines()).filter((l) => !before.has(l));
}

function apply(name: string, yaml: string, context = 'cluster-1') {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  return kubectl(['apply', '--validate=false', '-f', file], context);
}

const allowFinance = `${ALLOW_FINANCE_BY_PRINCIPAL}    to:
    - operation:
        ports: ["8080"]
`;

// A second curl client, in the ambient namespace `legacy`: another identity, another namespace.
const intruder = `apiVersion: v1
kind: Pod
metadata:
  name: intruder
  namespace: legacy
  labels:
    app: intruder
spec:
  serviceAccountName: default
  containers:
  - name: curl
    image: curlimages/curl:8.16.0
    command: ["sleep", "infinity"]
`;

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authz-'));
  for (const ns of ['finance', 'accounts']) assert.equal((await kubectl(['label', 'namespace', ns, 'istio.io/dataplane-mode=ambient'])).code, 0);
  for (const ns of ['finance', 'accounts']) {
    await eventually(`${ns} captured`, async () => (await kubectl(['get', 'pods', '-n', ns, '-o', 'jsonpath={.items[*].metadata.annotations}'])).stdout.includes('"ambient.istio.io/redirection":"enabled"'));
  }
  assert.equal((await apply('intruder', intruder)).code, 0);
  await eventually('intruder ready and captured', async () => {
    const r = await kubectl(['get', 'pod', '-n', 'legacy', 'intruder', '-o', 'json']);
    const pod = r.code === 0 ? JSON.parse(r.stdout) : undefined;
    return pod?.status?.phase === 'Running' && pod.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled';
  });
});
after(async () => {
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ztunnel enforces L4 AuthorizationPolicies', () => {
  it('without a policy both clients reach accounts', async () => {
    assert.equal((await curlFrom('finance', 'deploy/curl')).code, 0);
    assert.equal((await curlFrom('legacy', 'intruder')).code, 0);
  });

  it('an ALLOW by principal keeps finance in and refuses the other namespace with "none allowed"', async () => {
    const created = await apply('allow', allowFinance);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'authorizationpolicy.security.istio.io/accounts-allow-finance created');
    const ok = await curlFrom('finance', 'deploy/curl');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'accounts-cluster-1\n');

    let refused: Awaited<ReturnType<typeof curlFrom>> | undefined;
    const lines = await freshAccessLines(async () => (refused = await curlFrom('legacy', 'intruder')));
    assert.equal(refused!.code, 56);
    // kubectl adds the remote process's exit status (what istio.io shows for an L4 refusal: exit code 56).
    assert.equal(refused!.stderr, 'curl: (56) Recv failure: Connection reset by peer\ncommand terminated with exit code 56\n');
    const inbound = lines.filter((l) => l.includes('direction="inbound"'));
    const outbound = lines.filter((l) => l.includes('direction="outbound"'));
    assert.equal(inbound.length, 1, lines.join('\n'));
    assert.match(inbound[0], /^\S+\terror\taccess\tconnection complete\t/);
    assert.match(inbound[0], /src\.identity="spiffe:\/\/cluster\.local\/ns\/legacy\/sa\/default"/);
    assert.match(inbound[0], / bytes_sent=0 bytes_recv=0 duration="0ms" error="connection closed due to policy rejection: allow policies exist, but none allowed"$/);
    assert.equal(outbound.length, 1);
    assert.match(outbound[0], /^\S+\terror\taccess\t.* error="http status: 401 Unauthorized"$/);
  });

  it('the ALLOW is by principal: finance reaches the pod by its IP too, the other client does not', async () => {
    const ip = (await kubectl(['get', 'pods', '-n', 'accounts', '-l', 'app=accounts', '-o', 'jsonpath={.items[0].status.podIP}'])).stdout;
    const r = await kubectl(['exec', '-n', 'finance', 'deploy/curl', '--', 'curl', '-sS', `${ip}:8080`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await kubectl(['exec', '-n', 'legacy', 'intruder', '--', 'curl', '-sS', `${ip}:8080`])).code, 56);
  });

  it('a DENY wins over the ALLOW and is named in the rejection', async () => {
    const deny = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-finance
  namespace: accounts
spec:
  action: DENY
  rules:
  - from:
    - source:
        namespaces: ["finance"]
`;
    assert.equal((await apply('deny', deny)).code, 0);
    let r: Awaited<ReturnType<typeof curlFrom>> | undefined;
    const lines = await freshAccessLines(async () => (r = await curlFrom('finance', 'deploy/curl')));
    assert.equal(r!.code, 56);
    assert.match(lines.find((l) => l.includes('direction="inbound"'))!, /error="connection closed due to policy rejection: explicitly denied by: accounts\/deny-finance"$/);
    assert.equal((await kubectl(['delete', 'authorizationpolicy', '-n', 'accounts', 'deny-finance'])).code, 0);
    assert.equal((await curlFrom('finance', 'deploy/curl')).code, 0);
  });

  it('a root-namespace DENY applies mesh-wide; an HTTP-only DENY does nothing at L4', async () => {
    const meshWide = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-legacy
  namespace: istio-system
spec:
  action: DENY
  rules:
  - from:
    - source:
        notNamespaces: ["finance", "accounts"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-delete
  namespace: accounts
spec:
  action: DENY
  rules:
  - to:
    - operation:
        methods: ["DELETE"]
`;
    const applied = await apply('mesh', meshWide);
    assert.equal(applied.code, 0, applied.stderr);
    const lines = await freshAccessLines(() => curlFrom('legacy', 'intruder'));
    assert.match(lines.find((l) => l.includes('direction="inbound"'))!, /explicitly denied by: istio-system\/deny-legacy"$/);
    assert.equal((await curlFrom('finance', 'deploy/curl')).code, 0);
  });

  it('an ALLOW with HTTP rules on ztunnel refuses even the client it names', async () => {
    const l7 = allowFinance.replace('ports: ["8080"]', 'methods: ["GET"]');
    assert.equal((await apply('allow', l7)).stdout.trim(), 'authorizationpolicy.security.istio.io/accounts-allow-finance configured');
    assert.equal((await curlFrom('finance', 'deploy/curl')).code, 56);
    assert.equal((await apply('allow', allowFinance)).code, 0);
    assert.equal((await curlFrom('finance', 'deploy/curl')).code, 0);
  });

  it('kubectl get lists them with their action; the viewer may read but gets 403 on apply', async () => {
    const list = await kubectl(['get', 'authorizationpolicies', '-A']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /accounts\s+accounts-allow-finance\s+ALLOW/);
    assert.match(list.stdout, /istio-system\s+deny-legacy\s+DENY/);
    const viewerList = await kubectl(['get', 'ap', '-n', 'accounts'], 'cluster-1-viewer');
    assert.equal(viewerList.code, 0, viewerList.stderr);
    const denied = await apply('viewer', allowFinance.replace('accounts-allow-finance', 'viewer-allow'), 'cluster-1-viewer');
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Error from server \(Forbidden\).*User "viewer" cannot create resource "authorizationpolicies" in API group "security\.istio\.io" in the namespace "accounts"/);
  });
});
