// Small builders for Kubernetes objects as the API server returns them (only the fields the model reads).
import type { V1DaemonSet, V1Deployment, V1Namespace, V1Pod } from '../../../src/kube/types';
import type { PodFacts } from '../../../src/mesh/dataplane';

export function namespace(name: string, labels: Record<string, string> = {}): V1Namespace {
  return { metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } }, status: { phase: 'Active' } };
}

export interface PodSpec {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  serviceAccount?: string;
  owner?: { kind: string; name: string };
  phase?: string;
}

export function pod(name: string, spec: PodSpec = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: spec.namespace ?? 'default',
      labels: spec.labels,
      annotations: spec.annotations,
      ownerReferences: spec.owner ? [{ apiVersion: 'apps/v1', kind: spec.owner.kind, name: spec.owner.name, uid: `uid-${spec.owner.name}`, controller: true }] : undefined,
    },
    spec: { containers: [{ name: 'app', image: 'app:1' }], hostNetwork: spec.hostNetwork, serviceAccountName: spec.serviceAccount ?? 'default' },
    status: { phase: spec.phase ?? 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function captured(name: string, spec: PodSpec = {}): V1Pod {
  return pod(name, { ...spec, annotations: { 'ambient.istio.io/redirection': 'enabled', ...spec.annotations } });
}

export function facts(overrides: Partial<PodFacts> = {}): PodFacts {
  return {
    name: 'p',
    namespace: 'ns',
    labels: {},
    hasSidecar: false,
    hostNetwork: false,
    serviceAccount: 'default',
    ready: true,
    phase: 'Running',
    ...overrides,
  };
}

export function istiod(image: string, ready = 1, replicas = 1, name = 'istiod'): V1Deployment {
  return {
    metadata: { name, namespace: 'istio-system', labels: { app: 'istiod' } },
    spec: { replicas, selector: {}, template: { spec: { containers: [{ name: 'discovery', image }] } } },
    status: { readyReplicas: ready, replicas },
  };
}

export function daemonSet(name: string, ready: number, desired: number): V1DaemonSet {
  return {
    metadata: { name, namespace: 'istio-system' },
    status: { numberReady: ready, desiredNumberScheduled: desired, currentNumberScheduled: desired, numberMisscheduled: 0 },
  };
}
