// Istio AuthorizationPolicy (security.istio.io/v1) as ztunnel will see it once a namespace is captured:
// where it attaches, and which rules ztunnel can never match because they need HTTP attributes
// (istio.io "Use Layer 4 security policy"; istio/istio #61126). Pure: objects are the API's JSON.
import { ISTIO_NAMESPACE } from './meshSummary';

export interface PolicyTargetRef {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

interface Source {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly requestPrincipals?: readonly string[];
  readonly notRequestPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  readonly ipBlocks?: readonly string[];
  readonly notIpBlocks?: readonly string[];
  readonly remoteIpBlocks?: readonly string[];
  readonly notRemoteIpBlocks?: readonly string[];
}

interface Operation {
  readonly hosts?: readonly string[];
  readonly notHosts?: readonly string[];
  readonly ports?: readonly string[];
  readonly notPorts?: readonly string[];
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
}

export interface AuthorizationRule {
  readonly from?: readonly { readonly source?: Source }[];
  readonly to?: readonly { readonly operation?: Operation }[];
  readonly when?: readonly { readonly key: string; readonly values?: readonly string[]; readonly notValues?: readonly string[] }[];
}

export interface AuthorizationPolicy {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
    readonly targetRef?: PolicyTargetRef;
    readonly targetRefs?: readonly PolicyTargetRef[];
    /** ALLOW (default), DENY, AUDIT, CUSTOM. */
    readonly action?: string;
    readonly rules?: readonly AuthorizationRule[];
  };
}

/** Attributes that only an HTTP proxy (a waypoint) can read. */
const L7_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;
const L7_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
/** `when` keys ztunnel evaluates; everything else (`request.*`, `remote.ip`, JWT claims...) is HTTP. */
const L4_CONDITION_KEYS = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
  'connection.sni',
]);

export function authorizationPolicyName(policy: AuthorizationPolicy): string {
  return `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
}

export function targetRefsOf(policy: AuthorizationPolicy): readonly PolicyTargetRef[] {
  const refs = policy.spec?.targetRefs ?? [];
  return policy.spec?.targetRef ? [policy.spec.targetRef, ...refs] : refs;
}

/** Without targetRefs, a policy is enforced where the workload is: by ztunnel once the pod is captured. */
export function landsOnZtunnel(policy: AuthorizationPolicy): boolean {
  return targetRefsOf(policy).length === 0;
}

/** The HTTP attributes a rule uses (empty: ztunnel can evaluate the whole rule). */
export function l7AttributesOf(rule: AuthorizationRule): string[] {
  const found = new Set<string>();
  for (const from of rule.from ?? []) {
    for (const field of L7_SOURCE_FIELDS) if (from.source?.[field] && from.source[field]!.length > 0) found.add(`source.${field}`);
  }
  for (const to of rule.to ?? []) {
    for (const field of L7_OPERATION_FIELDS) if (to.operation?.[field] && to.operation[field]!.length > 0) found.add(`operation.${field}`);
  }
  for (const condition of rule.when ?? []) if (!L4_CONDITION_KEYS.has(condition.key)) found.add(`when ${condition.key}`);
  return [...found];
}

/** The pods (of `namespace`) a ztunnel-enforced policy applies to: by selector, namespace-wide, or mesh-wide from the root namespace. */
export function appliesToPod(policy: AuthorizationPolicy, namespace: string, podLabels: Readonly<Record<string, string>>, rootNamespace = ISTIO_NAMESPACE): boolean {
  const policyNamespace = policy.metadata?.namespace ?? '';
  if (policyNamespace !== namespace && policyNamespace !== rootNamespace) return false;
  const matchLabels = policy.spec?.selector?.matchLabels ?? {};
  return Object.entries(matchLabels).every(([key, value]) => podLabels[key] === value);
}

export function actionOf(policy: AuthorizationPolicy): string {
  return (policy.spec?.action ?? 'ALLOW').toUpperCase();
}
