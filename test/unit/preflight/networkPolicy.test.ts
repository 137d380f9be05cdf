// NetworkPolicy ingress rules evaluated as Kubernetes 1.35 (networking.k8s.io/v1) defines them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, ingressAllowed, isolatingPolicies, policyTypesOf, type DestinationPod, type TrafficSource } from '../../../src/mesh/networkPolicy';
import { networkPolicy } from './fixtures';

const web: DestinationPod = { namespace: 'shop', labels: { 'app.kubernetes.io/name': 'my-app' }, ports: [{ name: 'http', containerPort: 8080 }] };
const client: TrafficSource = { kind: 'pod', namespace: 'shop', namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' }, labels: { app: 'curl' }, ip: '10.244.2.7' };
const other: TrafficSource = { kind: 'pod', namespace: 'ops', namespaceLabels: { 'kubernetes.io/metadata.name': 'ops', team: 'ops' }, labels: { app: 'curl' }, ip: '10.244.3.9' };
const probe: TrafficSource = { kind: 'ip', ip: '169.254.7.127' };

describe('NetworkPolicy ingress evaluation', () => {
  it('no policy selecting the pod means everything may reach it', () => {
    const verdict = ingressAllowed([networkPolicy('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [] })], web, client, 15008);
    assert.deepEqual(verdict, { isolated: false, allowed: true, policies: [] });
  });

  it('a policy in another namespace does not select the pod', () => {
    assert.equal(isolatingPolicies([networkPolicy('ops', 'deny', { podSelector: {} })], web).length, 0);
  });

  it('policyTypes default to Ingress, and an Egress-only policy does not isolate ingress', () => {
    assert.deepEqual(policyTypesOf(networkPolicy('shop', 'a', { podSelector: {} })), ['Ingress']);
    assert.deepEqual(policyTypesOf(networkPolicy('shop', 'a', { podSelector: {}, egress: [{}] })), ['Ingress', 'Egress']);
    const egressOnly = networkPolicy('shop', 'egress', { podSelector: {}, policyTypes: ['Egress'], egress: [] });
    assert.equal(ingressAllowed([egressOnly], web, client, 15008).allowed, true);
  });

  it('a default-deny (podSelector {} and no rules) drops 15008', () => {
    const verdict = ingressAllowed([networkPolicy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] })], web, client, 15008);
    assert.deepEqual(verdict, { isolated: true, allowed: false, policies: ['shop/default-deny'] });
  });

  it('a rule admitting port 8080 only drops 15008 but lets 8080 in', () => {
    const policy = networkPolicy('shop', 'web', { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'my-app' } }, ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] });
    assert.equal(ingressAllowed([policy], web, client, 8080).allowed, true);
    assert.equal(ingressAllowed([policy], web, client, 15008).allowed, false);
  });

  it('a port range with endPort covering 15008 admits HBONE', () => {
    const policy = networkPolicy('shop', 'range', { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 15000, endPort: 15010 }] }] });
    assert.equal(ingressAllowed([policy], web, client, 15008).allowed, true);
    const below = networkPolicy('shop', 'range', { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 15000, endPort: 15007 }] }] });
    assert.equal(ingressAllowed([below], web, client, 15008).allowed, false);
  });

  it('a UDP rule on 15008 does not admit TCP HBONE', () => {
    const policy = networkPolicy('shop', 'udp', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP', port: 15008 }] }] });
    assert.equal(ingressAllowed([policy], web, client, 15008).allowed, false);
  });

  it('a named port matches the pod container port of that name only', () => {
    const policy = networkPolicy('shop', 'named', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
    assert.equal(ingressAllowed([policy], web, client, 8080).allowed, true);
    assert.equal(ingressAllowed([policy], web, client, 15008).allowed, false);
    const hbonePod: DestinationPod = { ...web, ports: [{ name: 'tunnel', containerPort: 15008 }] };
    const tunnel = networkPolicy('shop', 'named', { podSelector: {}, ingress: [{ ports: [{ port: 'tunnel' }] }] });
    assert.equal(ingressAllowed([tunnel], hbonePod, client, 15008).allowed, true);
  });

  it('a namespaceSelector peer admits pods of matching namespaces only; with a podSelector both must match', () => {
    const byNamespace = networkPolicy('shop', 'from-ops', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }] });
    assert.equal(ingressAllowed([byNamespace], web, other, 15008).allowed, true);
    assert.equal(ingressAllowed([byNamespace], web, client, 15008).allowed, false);
    const both = networkPolicy('shop', 'from-ops-db', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'db' } } }] }],
    });
    assert.equal(ingressAllowed([both], web, other, 15008).allowed, false);
  });

  it('a podSelector-only peer admits pods of the policy namespace only', () => {
    const policy = networkPolicy('shop', 'from-curl', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'curl' } } }] }] });
    assert.equal(ingressAllowed([policy], web, client, 15008).allowed, true);
    assert.equal(ingressAllowed([policy], web, other, 15008).allowed, false);
  });

  it('matchExpressions select as the API server does', () => {
    const policy = networkPolicy('shop', 'expr', {
      podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['my-app', 'other'] }] },
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }] }],
    });
    assert.equal(isolatingPolicies([policy], web).length, 1);
    assert.equal(ingressAllowed([policy], web, other, 15008).allowed, true);
    assert.equal(ingressAllowed([policy], web, client, 15008).allowed, false);
  });

  it('ipBlock admits the probe source 169.254.7.127 unless an except covers it; selector peers never do', () => {
    const allow = networkPolicy('shop', 'probes', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] }] });
    assert.equal(ingressAllowed([allow], web, probe, 8080).allowed, true);
    const except = networkPolicy('shop', 'probes', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.7.0/24'] } }] }] });
    assert.equal(ingressAllowed([except], web, probe, 8080).allowed, false);
    const selectors = networkPolicy('shop', 'all-pods', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: {} }] }] });
    assert.equal(ingressAllowed([selectors], web, probe, 8080).allowed, false);
    assert.equal(ingressAllowed([selectors], web, other, 15008).allowed, true);
  });

  it('rules of several policies add up', () => {
    const web8080 = networkPolicy('shop', 'web', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] });
    const hbone = networkPolicy('shop', 'hbone', { podSelector: {}, ingress: [{ ports: [{ port: 15008 }] }] });
    assert.equal(ingressAllowed([web8080], web, client, 15008).allowed, false);
    assert.deepEqual(ingressAllowed([web8080, hbone], web, client, 15008), { isolated: true, allowed: true, policies: ['shop/web', 'shop/hbone'] });
  });

  it('cidrContains handles prefix lengths and rejects IPv6 blocks for IPv4 sources', () => {
    assert.equal(cidrContains('10.0.0.0/8', '10.244.1.3'), true);
    assert.equal(cidrContains('10.0.0.0/8', '11.0.0.1'), false);
    assert.equal(cidrContains('0.0.0.0/0', '169.254.7.127'), true);
    assert.equal(cidrContains('169.254.7.127/32', '169.254.7.128'), false);
    assert.equal(cidrContains('fd00::/8', '10.0.0.1'), false);
  });
});
