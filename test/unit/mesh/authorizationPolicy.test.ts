// The L4 AuthorizationPolicy evaluator against what Istio 1.28 does: istiod's conversion for ztunnel
// (pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go) and ztunnel's matching (src/rbac.rs).
// Policies are security.istio.io/v1 objects as `kubectl get authorizationpolicy -o json` returns them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileForZtunnel,
  enforcementOf,
  evaluateConnection,
  policyTraps,
  rejectionError,
  type AuthorizationPolicy,
  type L4Connection,
  type L4Destination,
  type PolicyContext,
} from '../../../src/mesh/authorizationPolicy';
import { parseRejection } from '../../../src/logs/policyRejection';

function ap(namespace: string, name: string, spec: AuthorizationPolicy['spec'], apiVersion = 'security.istio.io/v1', annotations?: Record<string, string>): AuthorizationPolicy {
  return { apiVersion, kind: 'AuthorizationPolicy', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec };
}

const shop: L4Destination = { namespace: 'shop', labels: { app: 'cart', version: 'v1' } };
const fromWeb: L4Connection = { sourceIdentity: 'spiffe://cluster.local/ns/shop/sa/web', sourceIp: '10.244.1.7', destinationIp: '10.244.2.9', destinationPort: 8080 };
const fromOps: L4Connection = { sourceIdentity: 'spiffe://cluster.local/ns/ops/sa/debug', sourceIp: '10.244.3.4', destinationIp: '10.244.2.9', destinationPort: 8080 };
const plainText: L4Connection = { sourceIp: '10.244.3.4', destinationIp: '10.244.2.9', destinationPort: 8080 };

const allowWeb = ap('shop', 'allow-web', { selector: { matchLabels: { app: 'cart' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] });

describe('L4 verdict: DENY first, then ALLOW', () => {
  it('without any policy everything is allowed', () => {
    assert.deepEqual(evaluateConnection([], shop, fromOps), { allowed: true, reason: 'no-policies', allowPolicies: [], dryRunMatches: [] });
  });

  it('an ALLOW by principal lets that identity in and refuses every other, naming the policy', () => {
    assert.deepEqual(evaluateConnection([allowWeb], shop, fromWeb), { allowed: true, reason: 'allowed', policy: 'shop/allow-web', allowPolicies: ['shop/allow-web'], dryRunMatches: [] });
    const refused = evaluateConnection([allowWeb], shop, fromOps);
    assert.equal(refused.allowed, false);
    assert.equal(refused.reason, 'no-allow-match');
    assert.equal(rejectionError(refused), 'connection closed due to policy rejection: allow policies exist, but none allowed');
  });

  it('plain text (no identity) never matches a principal', () => {
    assert.equal(evaluateConnection([allowWeb], shop, plainText).allowed, false);
  });

  it('a matching DENY wins over a matching ALLOW and is named in ztunnel\'s words', () => {
    const deny = ap('shop', 'deny-web-8080', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { ports: ['8080'] } }] }] });
    const verdict = evaluateConnection([allowWeb, deny], shop, fromWeb);
    assert.equal(verdict.reason, 'denied');
    assert.equal(verdict.policy, 'shop/deny-web-8080');
    assert.equal(rejectionError(verdict), 'connection closed due to policy rejection: explicitly denied by: shop/deny-web-8080');
    // On another port the DENY does not match and the ALLOW decides.
    assert.equal(evaluateConnection([allowWeb, deny], shop, { ...fromWeb, destinationPort: 9090 }).reason, 'allowed');
  });

  it('a DENY alone leaves everything it does not match allowed', () => {
    const deny = ap('shop', 'deny-ops', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['ops'] } }] }] });
    assert.equal(evaluateConnection([deny], shop, fromOps).reason, 'denied');
    assert.equal(evaluateConnection([deny], shop, fromWeb).reason, 'no-policies');
  });

  it('allow-nothing (`spec: {}`) refuses every connection; `rules: [{}]` allows every one', () => {
    assert.equal(evaluateConnection([ap('shop', 'allow-nothing', {})], shop, fromWeb).reason, 'no-allow-match');
    assert.equal(evaluateConnection([ap('shop', 'allow-nothing', {}), ap('shop', 'allow-all', { rules: [{}] })], shop, fromOps).policy, 'shop/allow-all');
  });

  it('a DENY with `rules: [{}]` denies everything; a DENY without rules denies nothing', () => {
    assert.equal(evaluateConnection([ap('shop', 'deny-all', { action: 'DENY', rules: [{}] })], shop, fromWeb).reason, 'denied');
    assert.equal(evaluateConnection([ap('shop', 'deny-none', { action: 'DENY' })], shop, fromWeb).allowed, true);
  });
});

describe('scope: selector, namespace, root namespace', () => {
  it('a selector applies to matching pods only', () => {
    const other: L4Destination = { namespace: 'shop', labels: { app: 'db' } };
    assert.equal(evaluateConnection([allowWeb], other, fromOps).reason, 'no-policies');
  });

  it('a namespace-wide policy applies to every pod of its namespace and no other namespace', () => {
    const nsWide = ap('shop', 'ns-allow-web', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] });
    assert.equal(compileForZtunnel(nsWide)?.scope, 'Namespace');
    assert.equal(evaluateConnection([nsWide], { namespace: 'shop', labels: {} }, fromOps).allowed, false);
    assert.equal(evaluateConnection([nsWide], { namespace: 'billing', labels: {} }, fromOps).reason, 'no-policies');
  });

  it('a policy in istio-system without a selector is mesh-wide; with one it selects across namespaces', () => {
    const meshWide = ap('istio-system', 'deny-ops', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['ops'] } }] }] });
    assert.equal(compileForZtunnel(meshWide)?.scope, 'Global');
    assert.equal(evaluateConnection([meshWide], { namespace: 'billing', labels: {} }, fromOps).policy, 'istio-system/deny-ops');
    const rootSelector = ap('istio-system', 'cart-only-web', { selector: { matchLabels: { app: 'cart' } }, rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] });
    assert.equal(compileForZtunnel(rootSelector)?.scope, 'WorkloadSelector');
    assert.equal(evaluateConnection([rootSelector], shop, fromOps).allowed, false);
    assert.equal(evaluateConnection([rootSelector], { namespace: 'billing', labels: { app: 'ledger' } }, fromOps).allowed, true);
  });

  it('a policy with targetRefs never reaches ztunnel', () => {
    const waypointOnly = ap('shop', 'wp', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }], action: 'DENY', rules: [{}] });
    assert.equal(compileForZtunnel(waypointOnly), undefined);
    assert.equal(evaluateConnection([waypointOnly], shop, fromOps).allowed, true);
  });

  it('v1beta1 objects are read the same way', () => {
    const beta = ap('shop', 'beta', allowWeb.spec, 'security.istio.io/v1beta1');
    assert.equal(evaluateConnection([beta], shop, fromOps).reason, 'no-allow-match');
  });

  it('a dry-run policy decides nothing but is reported when it matches', () => {
    const dry = ap('shop', 'dry-deny', { action: 'DENY', rules: [{}] }, undefined, { 'istio.io/dry-run': 'true' });
    assert.deepEqual(evaluateConnection([dry], shop, fromWeb), { allowed: true, reason: 'no-policies', allowPolicies: [], dryRunMatches: ['shop/dry-deny'] });
  });
});

describe('matching: principals, namespaces, ipBlocks, ports and their not-variants', () => {
  const allowWith = (rule: NonNullable<NonNullable<AuthorizationPolicy['spec']>['rules']>[number]) => [ap('shop', 'p', { rules: [rule] })];
  const allowed = (rule: Parameters<typeof allowWith>[0], conn: L4Connection) => evaluateConnection(allowWith(rule), shop, conn).allowed;

  it('principals: exact, prefix `x*`, suffix `*x`, presence `*`', () => {
    assert.equal(allowed({ from: [{ source: { principals: ['cluster.local/ns/shop/*'] } }] }, fromWeb), true);
    assert.equal(allowed({ from: [{ source: { principals: ['cluster.local/ns/shop/*'] } }] }, fromOps), false);
    assert.equal(allowed({ from: [{ source: { principals: ['*/sa/debug'] } }] }, fromOps), true);
    assert.equal(allowed({ from: [{ source: { principals: ['*'] } }] }, fromOps), true);
    assert.equal(allowed({ from: [{ source: { principals: ['*'] } }] }, plainText), false);
  });

  it('notPrincipals `*` matches plain text only (ztunnel finds no spiffe:// to compare)', () => {
    assert.equal(allowed({ from: [{ source: { notPrincipals: ['*'] } }] }, plainText), true);
    assert.equal(allowed({ from: [{ source: { notPrincipals: ['*'] } }] }, fromWeb), false);
  });

  it('namespaces come from the SPIFFE identity; notNamespaces excludes', () => {
    assert.equal(allowed({ from: [{ source: { namespaces: ['shop'] } }] }, fromWeb), true);
    assert.equal(allowed({ from: [{ source: { namespaces: ['shop'] } }] }, { ...fromOps }), false);
    assert.equal(allowed({ from: [{ source: { notNamespaces: ['ops'] } }] }, fromOps), false);
    assert.equal(allowed({ from: [{ source: { notNamespaces: ['ops'] } }] }, fromWeb), true);
  });

  it('serviceAccounts: `ns/sa`, or `sa` in the policy\'s namespace', () => {
    assert.equal(allowed({ from: [{ source: { serviceAccounts: ['web'] } }] }, fromWeb), true);
    assert.equal(allowed({ from: [{ source: { serviceAccounts: ['ops/debug'] } }] }, fromOps), true);
    assert.equal(allowed({ from: [{ source: { serviceAccounts: ['debug'] } }] }, fromOps), false);
  });

  it('ipBlocks and notIpBlocks, IPv4 and IPv6, bare addresses as /32', () => {
    assert.equal(allowed({ from: [{ source: { ipBlocks: ['10.244.3.0/24'] } }] }, plainText), true);
    assert.equal(allowed({ from: [{ source: { ipBlocks: ['10.244.1.7'] } }] }, plainText), false);
    assert.equal(allowed({ from: [{ source: { notIpBlocks: ['10.244.0.0/16'] } }] }, plainText), false);
    assert.equal(allowed({ from: [{ source: { ipBlocks: ['fd00:10:244::/48'] } }] }, { ...plainText, sourceIp: 'fd00:10:244::5' }), true);
    assert.equal(allowed({ from: [{ source: { ipBlocks: ['fd00:10:244::/48'] } }] }, plainText), false);
  });

  it('ports and notPorts; a port that does not parse is dropped, as istiod does', () => {
    assert.equal(allowed({ to: [{ operation: { ports: ['8080'] } }] }, fromOps), true);
    assert.equal(allowed({ to: [{ operation: { ports: ['9090'] } }] }, fromOps), false);
    assert.equal(allowed({ to: [{ operation: { notPorts: ['8080'] } }] }, fromOps), false);
    // `ports: ["http"]` becomes an empty match, which never matches.
    assert.equal(allowed({ to: [{ operation: { ports: ['http'] } }] }, fromOps), false);
  });

  it('from AND to AND when; several from entries are alternatives', () => {
    const rule = { from: [{ source: { namespaces: ['ops'] } }, { source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }], when: [{ key: 'source.ip', values: ['10.244.0.0/16'] }] };
    assert.equal(allowed(rule, fromWeb), true);
    assert.equal(allowed(rule, fromOps), true);
    assert.equal(allowed(rule, { ...fromOps, destinationPort: 9090 }), false);
    assert.equal(allowed(rule, { ...fromOps, sourceIp: '192.168.0.4' }), false);
    assert.equal(allowed({ when: [{ key: 'destination.port', notValues: ['8080'] }] }, fromOps), false);
  });
});

describe('HTTP attributes on ztunnel', () => {
  const getOnly = ap('shop', 'get-only', { selector: { matchLabels: { app: 'cart' } }, rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { methods: ['GET'] } }] }] });

  it('an ALLOW whose rules all need HTTP denies every connection, even from the named source', () => {
    assert.equal(evaluateConnection([getOnly], shop, fromWeb).reason, 'no-allow-match');
  });

  it('an ALLOW keeps its L4 rules and drops only the HTTP ones', () => {
    const mixed = ap('shop', 'mixed', { rules: [{ to: [{ operation: { methods: ['GET'] } }] }, { from: [{ source: { namespaces: ['ops'] } }] }] });
    assert.equal(evaluateConnection([mixed], shop, fromOps).policy, 'shop/mixed');
    assert.equal(evaluateConnection([mixed], shop, fromWeb).allowed, false);
  });

  it('an HTTP-only DENY never matches at L4; one with ports too denies the whole port', () => {
    const deleteOnly = ap('shop', 'deny-delete', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] });
    assert.equal(evaluateConnection([deleteOnly], shop, fromWeb).allowed, true);
    const portAndMethod = ap('shop', 'deny-delete-8080', { action: 'DENY', rules: [{ to: [{ operation: { ports: ['8080'], methods: ['DELETE'] } }] }] });
    assert.equal(evaluateConnection([portAndMethod], shop, fromWeb).policy, 'shop/deny-delete-8080');
    const header = ap('shop', 'deny-header', { action: 'DENY', rules: [{ when: [{ key: 'request.headers[x-debug]', values: ['1'] }] }] });
    assert.equal(evaluateConnection([header], shop, fromWeb).allowed, true);
  });
});

describe('where a policy is enforced, and its traps', () => {
  const context: PolicyContext = { pods: [{ namespace: 'shop', labels: { app: 'cart' } }], gateways: new Set(['shop/waypoint']) };

  it('no targetRefs: ztunnel; targetRefs to an existing waypoint: the waypoint; to a missing one: nowhere', () => {
    assert.equal(enforcementOf(allowWeb, context).point, 'ztunnel');
    assert.equal(enforcementOf(ap('shop', 'a', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }] }), context).point, 'waypoint');
    const missing = ap('shop', 'b', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'shop-waypoint' }] });
    assert.equal(enforcementOf(missing, context).point, 'none');
    assert.deepEqual(policyTraps(missing, context).map((t) => t.kind), ['missing-waypoint']);
    assert.match(policyTraps(missing, context)[0].message, /shop\/shop-waypoint/);
  });

  it('CUSTOM and AUDIT without targetRefs are enforced nowhere', () => {
    const audit = ap('shop', 'audit', { action: 'AUDIT', rules: [{}] });
    assert.equal(enforcementOf(audit, context).point, 'none');
    assert.deepEqual(policyTraps(audit, context).map((t) => t.kind), ['unsupported-action']);
  });

  it('L7 rules on a ztunnel ALLOW: it denies everything', () => {
    const traps = policyTraps(ap('shop', 'get-only', { selector: { matchLabels: { app: 'cart' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }), context);
    assert.deepEqual(traps.map((t) => t.kind), ['l7-allow']);
    assert.match(traps[0].message, /denies all traffic/);
  });

  it('an HTTP-only DENY on ztunnel: no effect; with ports: denies more than written', () => {
    const none = policyTraps(ap('shop', 'd', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] }), context);
    assert.deepEqual(none.map((t) => t.kind), ['l7-deny']);
    assert.match(none[0].message, /no effect/);
    const more = policyTraps(ap('shop', 'd', { action: 'DENY', rules: [{ to: [{ operation: { ports: ['8080'], methods: ['DELETE'] } }] }] }), context);
    assert.match(more[0].message, /denies more than written/);
  });

  it('a selector that matches no pod', () => {
    const traps = policyTraps(ap('shop', 'x', { selector: { matchLabels: { app: 'gone' } }, rules: [{}] }), context);
    assert.deepEqual(traps.map((t) => t.message), ['Its selector (app=gone) matches no pod.']);
    assert.deepEqual(policyTraps(allowWeb, context), []);
  });
});

describe('ztunnel\'s rejection text', () => {
  it('what the evaluator writes parses back to the same policy', () => {
    const deny = ap('shop', 'deny-ops', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['ops'] } }] }] });
    assert.deepEqual(parseRejection(rejectionError(evaluateConnection([deny], shop, fromOps))!), { kind: 'denied', namespace: 'shop', name: 'deny-ops' });
  });

  it('parses both forms back, and nothing else', () => {
    assert.deepEqual(parseRejection('connection closed due to policy rejection: explicitly denied by: shop/deny-ops'), { kind: 'denied', namespace: 'shop', name: 'deny-ops' });
    assert.deepEqual(parseRejection('connection closed due to policy rejection: allow policies exist, but none allowed'), { kind: 'none-allowed' });
    assert.equal(parseRejection('connection closed due to policy change'), undefined);
    assert.equal(parseRejection('http status: 401 Unauthorized'), undefined);
  });
});
