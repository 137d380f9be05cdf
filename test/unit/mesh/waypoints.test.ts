// Waypoint rules. The Gateway shape is the one `istioctl waypoint apply` writes and istiod's status as Istio 1.28
// reports it (gateway.networking.k8s.io/v1: listener `mesh` on 15008/HBONE, conditions Accepted and Programmed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bindingProblems,
  declaredBinding,
  effectiveBinding,
  serves,
  waypointOf,
  waypointProblems,
  type GatewayObject,
  type Waypoint,
} from '../../../src/mesh/waypoints';

function gateway(name: string, namespace: string, options: { for?: string; programmed?: 'True' | 'False'; className?: string } = {}): GatewayObject {
  return {
    metadata: { name, namespace, labels: options.for === undefined ? {} : { 'istio.io/waypoint-for': options.for } },
    spec: { gatewayClassName: options.className ?? 'istio-waypoint' },
    status:
      options.programmed === undefined
        ? {}
        : {
            conditions: [
              { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' },
              options.programmed === 'True'
                ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: `Resource programmed, assigned to service(s) ${name}.${namespace}.svc.cluster.local:15008` }
                : { type: 'Programmed', status: 'False', reason: 'NoResources', message: 'Deployment waypoint has no ready replicas' },
            ],
          },
  };
}

const ready = (name: string, namespace: string, trafficType: Waypoint['trafficType'] = 'service'): Waypoint => ({ namespace, name, trafficType, programmed: true });

describe('waypoints', () => {
  it('reads a waypoint Gateway: traffic type defaults to service, Programmed from its condition', () => {
    assert.deepEqual(waypointOf(gateway('waypoint', 'accounts', { programmed: 'True' })), { namespace: 'accounts', name: 'waypoint', trafficType: 'service', programmed: true });
    const workload = waypointOf(gateway('pod-waypoint', 'accounts', { for: 'workload', programmed: 'False' }))!;
    assert.equal(workload.trafficType, 'workload');
    assert.equal(workload.programmed, false);
    assert.equal(workload.programmedDetail, 'NoResources: Deployment waypoint has no ready replicas');
    assert.equal(waypointOf(gateway('new', 'accounts'))!.programmed, undefined, 'no condition yet: not known, not false');
  });

  it('is not fooled by other Gateways or an unknown traffic type', () => {
    assert.equal(waypointOf(gateway('ingress', 'istio-system', { className: 'istio' })), undefined);
    const typo = waypointOf(gateway('waypoint', 'accounts', { for: 'services' }))!;
    assert.equal(typo.invalidTrafficType, 'services');
    assert.match(waypointProblems(typo, true)[0]!.message, /istio.io\/waypoint-for=services, which is none of/);
  });

  it('binds by label: the object wins over its namespace, #none opts out, use-waypoint-namespace crosses namespaces', () => {
    assert.deepEqual(declaredBinding({ 'istio.io/use-waypoint': 'waypoint' }, 'accounts'), { kind: 'waypoint', namespace: 'accounts', name: 'waypoint' });
    assert.deepEqual(declaredBinding({ 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' }, 'accounts'), { kind: 'waypoint', namespace: 'infra', name: 'shared' });
    assert.deepEqual(declaredBinding({}, 'accounts'), { kind: 'unset' });
    const namespaceLabels = { 'istio.io/use-waypoint': 'waypoint' };
    assert.deepEqual(effectiveBinding({}, namespaceLabels, 'accounts'), { kind: 'waypoint', namespace: 'accounts', name: 'waypoint' });
    assert.deepEqual(effectiveBinding({ 'istio.io/use-waypoint': '#none' }, namespaceLabels, 'accounts'), { kind: 'opt-out' });
    assert.deepEqual(effectiveBinding({ 'istio.io/use-waypoint': 'svc-waypoint' }, namespaceLabels, 'accounts'), { kind: 'waypoint', namespace: 'accounts', name: 'svc-waypoint' });
  });

  it('knows which traffic a waypoint serves', () => {
    assert.equal(serves({ trafficType: 'service' }, 'service'), true);
    assert.equal(serves({ trafficType: 'service' }, 'workload'), false);
    assert.equal(serves({ trafficType: 'all' }, 'workload'), true);
    assert.equal(serves({ trafficType: 'none' }, 'service'), false);
  });

  it('names a missing waypoint and the one it was probably meant to be (the typo case)', () => {
    const waypoints = [ready('waypoint', 'accounts'), ready('reviews-svc-waypoint', 'accounts')];
    const [problem, ...rest] = bindingProblems(declaredBinding({ 'istio.io/use-waypoint': 'waypiont' }, 'accounts'), 'namespace', 'namespace accounts', waypoints);
    assert.equal(rest.length, 0);
    assert.equal(problem!.kind, 'missing-waypoint');
    assert.equal(problem!.message, 'Waypoint accounts/waypiont, used by namespace accounts, does not exist: that traffic goes through no waypoint. Did you mean waypoint?');
    const far = bindingProblems(declaredBinding({ 'istio.io/use-waypoint': 'egress' }, 'accounts'), 'namespace', 'namespace accounts', waypoints);
    assert.doesNotMatch(far[0]!.message, /Did you mean/, 'no guess when nothing is close');
    const otherNamespace = bindingProblems(declaredBinding({ 'istio.io/use-waypoint': 'waypoint' }, 'finance'), 'namespace', 'namespace finance', waypoints);
    assert.equal(otherNamespace[0]!.kind, 'missing-waypoint', 'a waypoint of another namespace does not count without use-waypoint-namespace');
  });

  it('flags a pod bound to a service-only waypoint, and a waypoint that is not programmed', () => {
    const waypoints: Waypoint[] = [ready('waypoint', 'accounts'), { ...ready('broken', 'accounts', 'all'), programmed: false, programmedDetail: 'NoResources' }];
    const pod = bindingProblems(declaredBinding({ 'istio.io/use-waypoint': 'waypoint' }, 'accounts'), 'workload', 'pod accounts/api-1', waypoints);
    assert.deepEqual(pod.map((p) => p.kind), ['wrong-traffic-type']);
    assert.match(pod[0]!.message, /serves service traffic only .* traffic addressed to a pod skips it/);
    assert.deepEqual(bindingProblems(declaredBinding({ 'istio.io/use-waypoint': 'waypoint' }, 'accounts'), 'service', 'Service accounts/api', waypoints), []);
    const broken = bindingProblems(declaredBinding({ 'istio.io/use-waypoint': 'broken' }, 'accounts'), 'service', 'Service accounts/api', waypoints);
    assert.deepEqual(broken.map((p) => p.message), ['Waypoint accounts/broken is not Programmed (NoResources).']);
    assert.deepEqual(bindingProblems({ kind: 'opt-out' }, 'workload', 'pod accounts/api-1', waypoints), []);
  });

  it('flags a waypoint in a namespace that is not in ambient', () => {
    assert.deepEqual(waypointProblems(ready('waypoint', 'legacy'), false).map((p) => p.kind), ['not-enrolled']);
    assert.deepEqual(waypointProblems(ready('waypoint', 'accounts'), true), []);
  });
});
