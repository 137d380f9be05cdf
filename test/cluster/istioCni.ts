/* eslint-disable @typescript-eslint/no-explicit-any -- reads arbitrary pod JSON */
// istio-cni's node agent: captures pods into the ambient mesh (annotation `ambient.istio.io/redirection`)
// and hands them to the node's ztunnel, and the sidecar injector's effect on pods in injection namespaces.
import type { ClusterSim } from './cluster';
import type { KubeObject } from './store';
import { resourceByKind } from './resources';

const Pod = resourceByKind('Pod');
const Namespace = resourceByKind('Namespace');

export const redirectionAnnotation = 'ambient.istio.io/redirection';
export const dataplaneModeLabel = 'istio.io/dataplane-mode';
export const sidecarStatusAnnotation = 'sidecar.istio.io/status';

/** Whether istio-cni would capture this pod (ambient-facts.md, "Enrollment"). */
export function wantsCapture(pod: KubeObject, namespaceLabels: Record<string, string> | undefined): boolean {
  if (pod.spec?.hostNetwork) return false;
  if (pod.metadata.annotations?.[sidecarStatusAnnotation]) return false;
  const podMode = pod.metadata.labels?.[dataplaneModeLabel];
  if (podMode === 'ambient') return true;
  if (podMode === 'none') return false;
  return namespaceLabels?.[dataplaneModeLabel] === 'ambient';
}

export function isCaptured(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[redirectionAnnotation] === 'enabled';
}

export class IstioCni {
  /**
   * Pods (by uid) the node agent failed to capture. This models the real failure behind istio/istio
   * #61182: a pod that was running before its node's istio-cni agent (re)started is not in the agent's
   * netns cache, so labelling its namespace adds nothing to it; only a restart (a new pod, a new uid)
   * gets it captured. Such a pod looks enrolled but is not: the "needs restart" state.
   */
  readonly missedByNodeAgent = new Set<string>();

  constructor(private readonly sim: ClusterSim) {}

  reconcilePod(pod: KubeObject): void {
    if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return;
    const ns = this.sim.store.get(Namespace, undefined, pod.metadata.namespace!);
    const desired = wantsCapture(pod, ns?.metadata.labels) && !this.missedByNodeAgent.has(pod.metadata.uid);
    const captured = isCaptured(pod);
    if (desired === captured) return;
    const updated = this.sim.store.update(Pod, pod.metadata.namespace, pod.metadata.name, (draft) => {
      if (desired) draft.metadata.annotations = { ...(draft.metadata.annotations ?? {}), [redirectionAnnotation]: 'enabled' };
      else {
        delete draft.metadata.annotations?.[redirectionAnnotation];
        if (draft.metadata.annotations && Object.keys(draft.metadata.annotations).length === 0) delete draft.metadata.annotations;
      }
    });
    if (!updated) return;
    if (desired) this.sim.ztunnel.podCaptured(updated);
    else this.sim.ztunnel.podReleased(updated);
  }
}

/** What the sidecar injector webhook does to a pod created in an `istio-injection=enabled` namespace. */
export function injectSidecar(pod: any, namespaceLabels: Record<string, string> | undefined, istioVersion: string): void {
  const inject = pod.metadata.labels?.['sidecar.istio.io/inject'];
  const nsInjects = namespaceLabels?.['istio-injection'] === 'enabled' || namespaceLabels?.['istio.io/rev'] !== undefined;
  if (inject === 'false' || (!nsInjects && inject !== 'true') || pod.spec.hostNetwork) return;
  if (pod.spec.containers.some((c: any) => c.name === 'istio-proxy')) return;
  const appContainer = pod.spec.containers[0]?.name;
  pod.spec.containers.push({
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${istioVersion}`,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--log_output_level=default:info'],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
  });
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': pod.metadata.labels?.app ?? pod.metadata.name, 'service.istio.io/canonical-revision': pod.metadata.labels?.version ?? 'latest' };
  pod.metadata.annotations = {
    ...(pod.metadata.annotations ?? {}),
    'kubectl.kubernetes.io/default-container': appContainer,
    'kubectl.kubernetes.io/default-logs-container': appContainer,
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    [sidecarStatusAnnotation]: JSON.stringify({ initContainers: null, containers: ['istio-proxy'], volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'], imagePullSecrets: null, revision: 'default' }),
  };
}
