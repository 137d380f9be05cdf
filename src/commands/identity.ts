// Copy SPIFFE ID: the identity ztunnel presents for a pod, `spiffe://<trust domain>/ns/<ns>/sa/<sa>`,
// with the trust domain from meshConfig (the `istio` ConfigMap), cluster.local when it is not set there.
import { errorReason } from './rbacHint';
import type { CommandDeps } from './host';
import type { PodRef } from './pickers';
import { DEFAULT_TRUST_DOMAIN, spiffeId, trustDomainFromMeshConfig } from '../mesh/identity';

/** Where the trust domain came from, so the message can say when it is the default. */
export interface TrustDomain {
  readonly value: string;
  readonly source: 'meshConfig' | 'default';
}

export async function readTrustDomain(deps: CommandDeps, context: string): Promise<TrustDomain> {
  try {
    const configMap = await deps.kube.client(context).readConfigMap('istio-system', 'istio');
    const configured = trustDomainFromMeshConfig(configMap.data?.mesh);
    return configured ? { value: configured, source: 'meshConfig' } : { value: DEFAULT_TRUST_DOMAIN, source: 'default' };
  } catch (error) {
    // No Istio ConfigMap (or not allowed to read it): Istio's own default applies.
    if (errorReason(error) !== 'not-found') {
      deps.log.warn(`Could not read istio-system/istio in ${context} for the trust domain: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { value: DEFAULT_TRUST_DOMAIN, source: 'default' };
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
  const trustDomain = await readTrustDomain(deps, ref.context);
  return spiffeId(trustDomain.value, ref.namespace, account);
}

export async function copyPodIdentity(deps: CommandDeps, ref: PodRef, serviceAccount?: string): Promise<string | undefined> {
  try {
    const id = await podSpiffeId(deps, ref, serviceAccount);
    await deps.host.copyToClipboard(id);
    void deps.host.showMessage('info', `Copied ${id}`, {});
    return id;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error(`Copy SPIFFE ID for ${ref.context}/${ref.namespace}/${ref.pod}: ${message}`);
    void deps.host.showMessage('error', message, {});
    return undefined;
  }
}
