// A namespace's AuthorizationPolicies as the Clusters tree shows them, read through a fake ClusterClient
// holding objects in Istio 1.28's security.istio.io/v1 shape (status conditions as istiod writes them),
// and the kubectl-layout YAML their read-only document shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiObject, ApiResource, V1Pod } from '../../../src/kube/types';
import { readNamespacePolicies } from '../../../src/mesh/policyRead';
import { toYaml } from '../../../src/shared/yaml';

const getOnly = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'get-only', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'cart' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] },
  status: { conditions: [{ type: 'ZtunnelAccepted', status: 'True', reason: 'UnsupportedValue', message: 'ztunnel does not support HTTP attributes (found: methods).' }] },
};
const waypointDeny = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'deny-delete', namespace: 'shop' },
  spec: { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'shop-waypoint' }], action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] },
};

function client(objects: Record<string, ApiObject[]>, pods: V1Pod[], missing: string[] = []) {
  return {
    async listApiObjects(resource: ApiResource, namespace?: string): Promise<ApiObject[]> {
      if (missing.includes(resource.plural)) throw Object.assign(new Error('the server could not find the requested resource'), { reason: 'not-found' });
      return (objects[resource.plural] ?? []).filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
    },
    async listPods(namespace?: string): Promise<V1Pod[]> {
      return pods.filter((p) => namespace === undefined || p.metadata?.namespace === namespace);
    },
  };
}

const cartPod: V1Pod = { metadata: { name: 'cart-1', namespace: 'shop', labels: { app: 'cart' } } };

describe('the tree\'s policy rows', () => {
  it('names where each policy is enforced, its action, its traps and its status conditions', async () => {
    const { rows } = await readNamespacePolicies(client({ authorizationpolicies: [waypointDeny, getOnly] as ApiObject[] }, [cartPod]), 'shop');
    assert.deepEqual(rows.map((r) => [r.name, r.action, r.enforcement.point, r.traps.map((t) => t.kind)]), [
      ['deny-delete', 'DENY', 'none', ['missing-waypoint']],
      ['get-only', 'ALLOW', 'ztunnel', ['l7-allow']],
    ]);
    assert.deepEqual(rows[1]!.conditions, ['ZtunnelAccepted: True (UnsupportedValue: ztunnel does not support HTTP attributes (found: methods).)']);
  });

  it('with the waypoint present the DENY is the waypoint\'s; without the pod the selector warns', async () => {
    const gateways = [{ metadata: { name: 'shop-waypoint', namespace: 'shop' } }] as ApiObject[];
    const { rows } = await readNamespacePolicies(client({ authorizationpolicies: [waypointDeny, getOnly] as ApiObject[], gateways }, []), 'shop');
    assert.deepEqual(rows.map((r) => [r.enforcement.point, r.traps.map((t) => t.kind)]), [['waypoint', []], ['ztunnel', ['l7-allow', 'no-pod']]]);
  });

  it('a cluster without the Istio CRDs has no policies, and that is not an error', async () => {
    assert.deepEqual((await readNamespacePolicies(client({}, [], ['authorizationpolicies']), 'shop')).rows, []);
  });
});

describe('kubectl-layout YAML', () => {
  it('writes a policy as `kubectl get -o yaml` lays it out, quoting what YAML would misread', () => {
    assert.equal(
      toYaml({ apiVersion: 'security.istio.io/v1', metadata: { name: 'p', labels: {} }, spec: { rules: [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/b', '*'] } }], to: [{ operation: { ports: ['8080'] } }] }, {}] } }),
      [
        'apiVersion: security.istio.io/v1',
        'metadata:',
        '  name: p',
        '  labels: {}',
        'spec:',
        '  rules:',
        '  - from:',
        '    - source:',
        '        principals:',
        '        - cluster.local/ns/a/sa/b',
        '        - "*"',
        '    to:',
        '    - operation:',
        '        ports:',
        '        - "8080"',
        '  - {}',
        '',
      ].join('\n'),
    );
    assert.equal(toYaml({ a: 'true', b: '', c: 'x: y', d: 3, e: null, f: 'plain text' }), 'a: "true"\nb: ""\nc: "x: y"\nd: 3\ne: null\nf: plain text\n');
  });
});
