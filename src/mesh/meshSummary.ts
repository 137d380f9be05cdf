// The state of Istio itself in one cluster: istiod, ztunnel and istio-cni, and the trust domain.
import type { V1ConfigMap, V1DaemonSet, V1Deployment } from '../kube/types';
import { DEFAULT_TRUST_DOMAIN, trustDomainFromMeshConfig } from './identity';
import { REVISION_LABEL } from './labels';

export const ISTIO_NAMESPACE = 'istio-system';
export const MESH_CONFIG_MAP = 'istio';
export const ZTUNNEL_DAEMONSET = 'ztunnel';
/** How ztunnel pods are found (the verify commands; the log view's default), and their one container. */
export const ZTUNNEL_SELECTOR = 'app=ztunnel';
export const ZTUNNEL_CONTAINER = 'istio-proxy';
export const CNI_DAEMONSET = 'istio-cni-node';

export interface ReadyCount {
  readonly ready: number;
  readonly desired: number;
}

export interface IstiodStatus extends ReadyCount {
  readonly name: string;
  /** From the image tag (`istio/pilot:1.28.3-distroless` → `1.28.3`); undefined for a digest-only image. */
  readonly version?: string;
  readonly revision?: string;
}

export interface MeshSummary {
  /** istiod deployments in istio-system (one per revision); empty when Istio is not installed. */
  readonly istiod: readonly IstiodStatus[];
  readonly ztunnel?: ReadyCount;
  readonly cni?: ReadyCount;
  readonly trustDomain: string;
  /** False when the ConfigMap did not set it and the default applies. */
  readonly trustDomainConfigured: boolean;
}

export interface MeshSummaryInput {
  /** Deployments in istio-system. */
  readonly deployments: readonly V1Deployment[];
  /** DaemonSets in istio-system. */
  readonly daemonSets: readonly V1DaemonSet[];
  /** The `istio` ConfigMap, if it exists. */
  readonly meshConfig?: V1ConfigMap;
}

export function isIstioInstalled(summary: MeshSummary): boolean {
  return summary.istiod.length > 0 || summary.ztunnel !== undefined;
}

/** `1.28.3` from `docker.io/istio/pilot:1.28.3-distroless`; undefined for `...@sha256:...` or no tag. */
export function versionFromImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  return tag.replace(/-(distroless|debug)$/, '') || undefined;
}

function isIstiod(deployment: V1Deployment): boolean {
  const name = deployment.metadata?.name ?? '';
  return deployment.metadata?.labels?.app === 'istiod' || name === 'istiod' || name.startsWith('istiod-');
}

function daemonSetReady(daemonSets: readonly V1DaemonSet[], name: string, appLabel: string): ReadyCount | undefined {
  const ds = daemonSets.find((d) => d.metadata?.name === name) ?? daemonSets.find((d) => d.metadata?.labels?.['k8s-app'] === appLabel || d.metadata?.labels?.app === appLabel);
  if (!ds) return undefined;
  return { ready: ds.status?.numberReady ?? 0, desired: ds.status?.desiredNumberScheduled ?? 0 };
}

export function meshSummary(input: MeshSummaryInput): MeshSummary {
  const istiod = input.deployments.filter(isIstiod).map((deployment): IstiodStatus => {
    const containers = deployment.spec?.template?.spec?.containers ?? [];
    const discovery = containers.find((c) => c.name === 'discovery') ?? containers[0];
    const labels = deployment.metadata?.labels ?? {};
    return {
      name: deployment.metadata?.name ?? 'istiod',
      version: versionFromImage(discovery?.image) ?? labels['operator.istio.io/version'] ?? labels['app.kubernetes.io/version'],
      revision: labels[REVISION_LABEL],
      ready: deployment.status?.readyReplicas ?? 0,
      desired: deployment.spec?.replicas ?? deployment.status?.replicas ?? 1,
    };
  });
  const configured = trustDomainFromMeshConfig(input.meshConfig?.data?.mesh);
  return {
    istiod,
    ztunnel: daemonSetReady(input.daemonSets, ZTUNNEL_DAEMONSET, 'ztunnel'),
    cni: daemonSetReady(input.daemonSets, CNI_DAEMONSET, 'istio-cni-node'),
    trustDomain: configured ?? DEFAULT_TRUST_DOMAIN,
    trustDomainConfigured: configured !== undefined,
  };
}

/** The versions of istiod, joined (`1.28.3`, or `1.27.2, 1.28.3` during a revision upgrade). */
export function istioVersions(summary: MeshSummary): string {
  const versions = [...new Set(summary.istiod.map((i) => i.version ?? '?'))];
  return versions.join(', ');
}

/**
 * The short line on a context node, short enough for the default sidebar width next to a context name:
 * `1.28.3 · 2 ambient`; ztunnel is named only when it is missing or not ready on every node
 * (`ztunnel 2/3 · 2 ambient`), a problem outranking the version. The full line is `contextDetail`.
 */
export function contextDescription(summary: MeshSummary | undefined, ambientNamespaces: number | undefined): string {
  if (!summary) return ambientNamespaces === undefined ? '' : `${ambientNamespaces} ambient`;
  if (!isIstioInstalled(summary)) return 'no Istio';
  const parts: string[] = [];
  const ztunnelReady = summary.ztunnel !== undefined && summary.ztunnel.desired > 0 && summary.ztunnel.ready >= summary.ztunnel.desired;
  if (!summary.ztunnel) parts.push(summary.istiod.length > 0 ? istioVersions(summary) : 'no istiod', 'no ztunnel');
  else if (!ztunnelReady) parts.push(`ztunnel ${summary.ztunnel.ready}/${summary.ztunnel.desired}`);
  else parts.push(summary.istiod.length > 0 ? istioVersions(summary) : 'no istiod');
  if (ambientNamespaces !== undefined) parts.push(`${ambientNamespaces} ambient`);
  return parts.join(' · ');
}

/** The full line, for the context's tooltip: `istio 1.28.3 · ztunnel 3/3 · 2 ambient namespaces`. */
export function contextDetail(summary: MeshSummary | undefined, ambientNamespaces: number | undefined): string {
  const ambient = ambientNamespaces === undefined ? undefined : `${ambientNamespaces} ambient namespace${ambientNamespaces === 1 ? '' : 's'}`;
  if (!summary) return ambient ?? '';
  if (!isIstioInstalled(summary)) return 'Istio is not installed';
  const parts: string[] = [];
  parts.push(summary.istiod.length > 0 ? `istio ${istioVersions(summary)}` : 'no istiod');
  parts.push(summary.ztunnel ? `ztunnel ${summary.ztunnel.ready}/${summary.ztunnel.desired}` : 'no ztunnel');
  if (ambient) parts.push(ambient);
  return parts.join(' · ');
}
