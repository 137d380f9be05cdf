// Objects with the shapes the API returns: NetworkPolicy networking.k8s.io/v1 (Kubernetes 1.35),
// AuthorizationPolicy security.istio.io/v1 and Gateway gateway.networking.k8s.io/v1 as Istio 1.28
// serves them, pods as kubelet reports them on Kubernetes 1.35 with istio-cni 1.28 annotations.
import type { V1Pod } from '../../../src/kube/types';
import type { AuthorizationPolicy } from '../../../src/mesh/authorizationPolicy';
import type { NetworkPolicy } from '../../../src/mesh/networkPolicy';

export interface PodOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  node?: string;
  ip?: string;
  hostNetwork?: boolean;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  readinessPort?: number | string;
  initContainers?: { name: string; restartPolicy?: string }[];
  phase?: string;
}

export function pod(namespace: string, name: string, options: PodOptions = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: options.labels ?? { app: name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '') },
      annotations: options.annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name.replace(/-[a-z0-9]+$/, '')}`, uid: 'u', controller: true }],
    },
    spec: {
      nodeName: options.node ?? 'node-1',
      hostNetwork: options.hostNetwork,
      serviceAccountName: 'default',
      initContainers: options.initContainers?.map((c) => ({ name: c.name, image: 'busybox:1.37', restartPolicy: c.restartPolicy })),
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
          ports: options.ports,
          readinessProbe: options.readinessPort !== undefined ? { httpGet: { path: '/healthz', port: options.readinessPort as number } } : undefined,
        },
      ],
    },
    status: {
      phase: options.phase ?? 'Running',
      podIP: options.ip ?? '10.244.1.10',
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export function networkPolicy(namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { metadata: { name, namespace }, spec } as NetworkPolicy;
}

export function authorizationPolicy(namespace: string, name: string, spec: NonNullable<AuthorizationPolicy['spec']>): AuthorizationPolicy {
  return { metadata: { name, namespace }, spec };
}

/** istio.io "Ambient and Kubernetes NetworkPolicy": admits 8080 only, so HBONE on 15008 is dropped. */
export const allowWebOnly = (namespace: string) =>
  networkPolicy(namespace, 'my-app-allow-ingress-web', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'my-app' } },
    ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
  });
