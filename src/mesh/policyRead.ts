// A namespace's AuthorizationPolicies as the Clusters tree lists them: each with where it is enforced, its
// action and its traps, read when the namespace is expanded (policies change rarely; no watch is kept).
// Pure: a ClusterClient in, rows out.
import type { ApiObject, ApiResource, ClusterClient } from '../kube/types';
import { AUTHORIZATION_POLICIES, GATEWAYS, policyRow, type AuthorizationPolicy, type PolicyRow } from './authorizationPolicy';
import { ISTIO_NAMESPACE } from './meshSummary';
import { reasonOf } from '../kube/errors';

/** A resource the cluster does not serve (the CRD is not installed) has no objects. */
export async function listServed(client: Pick<ClusterClient, 'listApiObjects'>, resource: ApiResource, namespace?: string): Promise<ApiObject[]> {
  try {
    return await client.listApiObjects(resource, namespace);
  } catch (error) {
    if (reasonOf(error) === 'not-found') return [];
    throw error;
  }
}

export interface NamespacePolicies {
  readonly rows: readonly PolicyRow[];
  readonly objects: readonly AuthorizationPolicy[];
}

export async function readNamespacePolicies(client: Pick<ClusterClient, 'listApiObjects' | 'listPods'>, namespace: string): Promise<NamespacePolicies> {
  const objects = (await listServed(client, AUTHORIZATION_POLICIES, namespace)) as AuthorizationPolicy[];
  if (objects.length === 0) return { rows: [], objects };
  // A root-namespace selector may match pods anywhere; any other, pods of its own namespace.
  const [gateways, pods] = await Promise.all([listServed(client, GATEWAYS), client.listPods(namespace === ISTIO_NAMESPACE ? undefined : namespace)]);
  const context = {
    gateways: new Set(gateways.map((g) => `${g.metadata?.namespace ?? ''}/${g.metadata?.name ?? ''}`)),
    pods: pods.map((p) => ({ namespace: p.metadata?.namespace ?? '', labels: p.metadata?.labels ?? {} })),
  };
  const sorted = [...objects].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return { rows: sorted.map((p) => policyRow(p, context)), objects: sorted };
}
