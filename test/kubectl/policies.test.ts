// The policy objects Check Before Enrolling reads (NetworkPolicy networking.k8s.io/v1, Istio 1.28's
// AuthorizationPolicy and PeerAuthentication security.istio.io/v1, Gateway API gateway.networking.k8s.io/v1)
// held against the real kubectl 1.35: discovery, apply (create, then unchanged, then a change), get, -o yaml.
// `--validate=false`: the test server serves no OpenAPI (test/cluster/README.md), which kubectl's
// client-side validation downloads; the objects themselves are what a real cluster accepts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCluster } from '../cluster/testCluster';
import type { RunningTestCluster } from '../cluster/testCluster';
import { runKubectl } from './kubectl';
import { ALLOW_FINANCE_BY_PRINCIPAL } from './manifests';

let cluster: RunningTestCluster;
let dir: string;
const kubectl = (args: string[], context = 'cluster-1') => runKubectl(args, { kubeconfig: cluster.kubeconfigPath, context });

const manifest = (hbone: boolean) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: accounts-allow-web
  namespace: accounts
spec:
  podSelector:
    matchLabels:
      app: accounts
  policyTypes:
  - Ingress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: finance
    - ipBlock:
        cidr: 169.254.7.127/32
    ports:
    - port: 8080
      protocol: TCP
${hbone ? '    - port: 15008\n      protocol: TCP\n' : ''}---
${ALLOW_FINANCE_BY_PRINCIPAL}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: accounts
spec:
  mtls:
    mode: STRICT
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: accounts
  labels:
    istio.io/waypoint-for: service
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - name: mesh
    port: 15008
    protocol: HBONE
`;

before(async () => {
  cluster = await startTestCluster({ ztunnelLogRate: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policies-'));
});
after(async () => {
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('policy resources with the real kubectl', () => {
  it('discovery lists the groups and their resources with short names', async () => {
    const r = await kubectl(['api-resources', '--no-headers']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').map((line) => line.trim().split(/\s+/));
    const find = (name: string) => rows.find((row) => row[0] === name);
    assert.deepEqual(find('networkpolicies'), ['networkpolicies', 'netpol', 'networking.k8s.io/v1', 'true', 'NetworkPolicy']);
    assert.deepEqual(find('authorizationpolicies'), ['authorizationpolicies', 'ap', 'security.istio.io/v1', 'true', 'AuthorizationPolicy']);
    assert.deepEqual(find('peerauthentications'), ['peerauthentications', 'pa', 'security.istio.io/v1', 'true', 'PeerAuthentication']);
    assert.deepEqual(find('gateways'), ['gateways', 'gtw', 'gateway.networking.k8s.io/v1', 'true', 'Gateway']);
  });

  it('kubectl apply creates them, a second apply changes nothing, a changed manifest is patched', async () => {
    const file = path.join(dir, 'policies.yaml');
    fs.writeFileSync(file, manifest(false));
    const created = await kubectl(['apply', '--validate=false', '-f', file]);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(created.stdout.trim().split('\n'), [
      'networkpolicy.networking.k8s.io/accounts-allow-web created',
      'authorizationpolicy.security.istio.io/accounts-allow-finance created',
      'peerauthentication.security.istio.io/default created',
      'gateway.gateway.networking.k8s.io/waypoint created',
    ]);
    const again = await kubectl(['apply', '--validate=false', '-f', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /networkpolicy.networking.k8s.io\/accounts-allow-web unchanged/);

    fs.writeFileSync(file, manifest(true));
    const changed = await kubectl(['apply', '--validate=false', '-f', file]);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /networkpolicy.networking.k8s.io\/accounts-allow-web configured/);
    const ports = await kubectl(['-n', 'accounts', 'get', 'netpol', 'accounts-allow-web', '-o', 'jsonpath={.spec.ingress[0].ports[*].port}']);
    assert.equal(ports.stdout, '8080 15008');
  });

  it('kubectl get prints the columns of the real printers', async () => {
    const netpol = await kubectl(['-n', 'checkout', 'get', 'networkpolicies']);
    assert.equal(netpol.code, 0, netpol.stderr);
    assert.match(netpol.stdout, /^NAME\s+POD-SELECTOR\s+AGE\nstorefront-allow-web\s+app=storefront\s+\d+[hd]/);
    const ap = await kubectl(['-n', 'checkout', 'get', 'authorizationpolicies']);
    assert.match(ap.stdout, /^NAME\s+ACTION\s+AGE\n/);
    assert.match(ap.stdout, /storefront-get-only\s+ALLOW/);
    const pa = await kubectl(['-n', 'checkout', 'get', 'pa']);
    assert.match(pa.stdout, /^NAME\s+MODE\s+AGE\ndefault\s+STRICT/);
  });

  it('kubectl get -o yaml returns the object as stored, with its apiVersion and kind', async () => {
    const r = await kubectl(['-n', 'checkout', 'get', 'authorizationpolicy', 'cart-deny-delete', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: security.istio.io\/v1\nkind: AuthorizationPolicy\n/);
    assert.match(r.stdout, /targetRefs:\n {2}- group: gateway.networking.k8s.io\n {4}kind: Gateway\n {4}name: checkout-waypoint/);
    const np = await kubectl(['-n', 'checkout', 'get', 'netpol', 'storefront-allow-web', '-o', 'yaml']);
    assert.match(np.stdout, /policyTypes:\n {2}- Ingress/);
  });

  it('a missing object is the API server NotFound naming the group', async () => {
    const r = await kubectl(['-n', 'checkout', 'get', 'gateway', 'checkout-waypoint']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (NotFound): gateways.gateway.networking.k8s.io "checkout-waypoint" not found');
  });

  it('kubectl delete removes them', async () => {
    const r = await kubectl(['-n', 'accounts', 'delete', 'authorizationpolicy', 'accounts-allow-finance']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'authorizationpolicy.security.istio.io "accounts-allow-finance" deleted from accounts namespace');
  });
});
