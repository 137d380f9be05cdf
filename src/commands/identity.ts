// Copy SPIFFE ID: the identity ztunnel presents for a pod, `spiffe://<trust domain>/ns/<ns>/sa/<sa>`,
// with the trust domain from meshConfig (the `istio` ConfigMap), cluster.local when it is not set there.
import type { KubeClients } from '../kube/types';
import { DEFAULT_TRUST_DOMAIN, spiffeId, trustDomainFromMeshConfig } from '../mesh/identity';
import { ISTIO_NAMESPACE, MESH_CONFIG_MAP } from '../mesh/meshSummary';
import { messageOf } from '../mesh/problems';
import { reasonOf } from '../kube/errors';
import type { CommandDeps } from './host';
import type { PodRef } from './pickers';

/** The trust domain of a cluster (Copy SPIFFE ID and the verify panels' fallback identities). */
export async function readTrustDomain(kube: Pick<KubeClients, 'client'>, context: string, log?: { warn(message: string): void }): Promise<string> {
  try {
    const configMap = await kube.client(context).readConfigMap(ISTIO_NAMESPACE, MESH_CONFIG_MAP);
    return trustDomainFromMeshConfig(configMap.data?.mesh) ?? DEFAULT_TRUST_DOMAIN;
  } catch (error) {
    // No Istio ConfigMap (or not allowed to read it): Istio's own default applies.
    if (log && reasonOf(error) !== 'not-found') {
      log.warn(`Could not read ${ISTIO_NAMESPACE}/${MESH_CONFIG_MAP} in ${context} for the trust domain: ${messageOf(error)}`);
    }
    return DEFAULT_TRUST_DOMAIN;
  }
}

/** The pod's SPIFFE ID; `serviceAccount` when the tree node already knows it, else the pod is read. */
export async function podSpiffeId(deps: CommandDeps, ref: PodRef, serviceAccount?: string): Promise<string> {
  let account = serviceAccount;
  if (!account) {
    const [pod] = await deps.kube.client(ref.context).listPods(ref.namespace, { fieldSelector: `metadata.name=${ref.pod}` });
    if (!pod) throw new Error(`Pod "${ref.pod}" no longer exists in namespace "${ref.namespace}" (context ${ref.context}).`);
    account = pod.spec?.serviceAccountName ?? pod.spec?.serviceAccount ?? 'default';
  }
  const trustDomain = await readTrustDomain(deps.kube, ref.context, deps.log);
  return spiffeId(trustDomain, ref.namespace, account);
}

export async function copyPodIdentity(deps: CommandDeps, ref: PodRef, serviceAccount?: string): Promise<string | undefined> {
  try {
    const id = await podSpiffeId(deps, ref, serviceAccount);
    await deps.host.copyToClipboard(id);
    void deps.host.showMessage('info', `Copied ${id}`, {});
    return id;
  } catch (error) {
    const message = messageOf(error);
    deps.log.error(`Copy SPIFFE ID for ${ref.context}/${ref.namespace}/${ref.pod}: ${message}`);
    void deps.host.showMessage('error', message, {});
    return undefined;
  }
}
