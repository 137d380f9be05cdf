// Istio AuthorizationPolicy (security.istio.io/v1; v1beta1 has the same spec) as ztunnel sees it: where it
// is enforced, which rules ztunnel can never match because they need HTTP attributes (istio.io "Use Layer 4
// security policy"; istio/istio #61126), and the L4 verdict on a connection. The verdict follows the two
// halves of the real path: istiod's conversion to ztunnel's form (pilot/pkg/serviceregistry/kube/controller/
// ambient/authorization.go, convertAuthorizationPolicy/handleRule) and ztunnel's matching (src/rbac.rs
// Authorization::matches; deny first, then allow, in src/state.rs). Pure: objects are the API's JSON.
import type { ApiResource } from '../kube/types';
import { EXPLICITLY_DENIED_BY, NONE_ALLOWED, POLICY_REJECTION_PREFIX } from '../logs/policyRejection';
import { inCidr, parseCidr, type Cidr } from './cidr';
import { ISTIO_NAMESPACE } from './meshSummary';

export const AUTHORIZATION_POLICIES: ApiResource = { group: 'security.istio.io', version: 'v1', plural: 'authorizationpolicies' };
/** Waypoints are Gateways (Gateway API standard channel). */
export const GATEWAYS: ApiResource = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways' };

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
  /** `ns/sa` or `sa` (the policy's namespace); Istio 1.26+. */
  readonly serviceAccounts?: readonly string[];
  readonly notServiceAccounts?: readonly string[];
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

export interface PolicyCondition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface AuthorizationPolicy {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Readonly<Record<string, string>> };
  /** Istio writes `ZtunnelAccepted` / `WaypointAccepted` here. */
  readonly status?: { readonly conditions?: readonly PolicyCondition[] };
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
/** `when` keys istiod hands to ztunnel (authorization.go l4WhenAttributes); everything else is HTTP. */
const L4_CONDITION_KEYS = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

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

// ---- Where a policy is enforced, and the traps ----------------------------------------------------------

export type EnforcementPoint = 'ztunnel' | 'waypoint' | 'none';

/** What the cluster holds that decides where a policy lands. */
export interface PolicyContext {
  readonly pods: readonly { readonly namespace: string; readonly labels: Readonly<Record<string, string>> }[];
  /** Gateways (waypoints) by `namespace/name`. */
  readonly gateways: ReadonlySet<string>;
  readonly rootNamespace?: string;
}

export interface Enforcement {
  readonly point: EnforcementPoint;
  /** Why, in one sentence. */
  readonly reason: string;
}

export type TrapKind = 'l7-allow' | 'l7-deny' | 'missing-waypoint' | 'no-pod' | 'unsupported-action';

export interface PolicyTrap {
  readonly kind: TrapKind;
  readonly message: string;
}

const ZTUNNEL_ACTIONS = new Set(['ALLOW', 'DENY']);

function refNamespace(policy: AuthorizationPolicy, ref: PolicyTargetRef): string {
  return ref.namespace ?? policy.metadata?.namespace ?? '';
}

function isGatewayRef(ref: PolicyTargetRef): boolean {
  return (ref.kind ?? '') === 'Gateway';
}

/** The Gateways a policy's targetRefs name that the cluster does not have. */
function missingWaypoints(policy: AuthorizationPolicy, context: PolicyContext): string[] {
  return targetRefsOf(policy)
    .filter(isGatewayRef)
    .map((ref) => `${refNamespace(policy, ref)}/${ref.name ?? ''}`)
    .filter((key) => !context.gateways.has(key));
}

export function enforcementOf(policy: AuthorizationPolicy, context: PolicyContext): Enforcement {
  const refs = targetRefsOf(policy);
  const action = actionOf(policy);
  if (refs.length > 0) {
    const missing = missingWaypoints(policy, context);
    if (missing.length === refs.length) return { point: 'none', reason: `Its targetRefs name no existing waypoint (${missing.join(', ')}).` };
    return { point: 'waypoint', reason: `Attached by targetRefs: the waypoint enforces it (${refs.map((r) => `${r.kind ?? ''} ${r.name ?? ''}`).join(', ')}).` };
  }
  // istiod sends ztunnel only ALLOW and DENY ("ztunnel does not support the %s action").
  if (!ZTUNNEL_ACTIONS.has(action)) return { point: 'none', reason: `ztunnel does not support the ${action} action, and no waypoint is targeted.` };
  const root = context.rootNamespace ?? ISTIO_NAMESPACE;
  const scope = policy.spec?.selector ? 'the selected pods' : policy.metadata?.namespace === root ? 'every workload in the mesh' : 'every workload in its namespace';
  return { point: 'ztunnel', reason: `No targetRefs: the destination's ztunnel enforces it on ${scope}.` };
}

export function policyTraps(policy: AuthorizationPolicy, context: PolicyContext): PolicyTrap[] {
  const traps: PolicyTrap[] = [];
  const action = actionOf(policy);
  const rules = policy.spec?.rules ?? [];
  const root = context.rootNamespace ?? ISTIO_NAMESPACE;
  if (landsOnZtunnel(policy)) {
    if (!ZTUNNEL_ACTIONS.has(action)) traps.push({ kind: 'unsupported-action', message: `ztunnel ignores ${action} policies; without a waypoint this one does nothing.` });
    const withL7 = rules.map(l7AttributesOf).filter((found) => found.length > 0);
    const attributes = [...new Set(withL7.flat())].join(', ');
    if (action === 'ALLOW' && withL7.length > 0) {
      traps.push({
        kind: 'l7-allow',
        message:
          withL7.length === rules.length
            ? `Every rule needs HTTP attributes (${attributes}) ztunnel cannot read: this ALLOW matches nothing, so it denies all traffic to the pods it selects.`
            : `${withL7.length} of ${rules.length} rules need HTTP attributes (${attributes}): ztunnel drops them, allowing less than written.`,
      });
    }
    if (action === 'DENY' && withL7.length > 0) {
      const compiled = compileForZtunnel(policy);
      const dead = compiled ? compiled.rules.filter((rule) => rule.some((clause) => clause.length > 0 && clause.every(isEmptyMatch))).length : 0;
      traps.push({
        kind: 'l7-deny',
        message:
          dead >= withL7.length
            ? `Its HTTP-only rules (${attributes}) can never match at L4: on ztunnel this DENY has no effect for them.`
            : `ztunnel enforces it without the HTTP attributes (${attributes}): it denies more than written.`,
      });
    }
    const labels = policy.spec?.selector?.matchLabels;
    if (labels && Object.keys(labels).length > 0) {
      const namespace = policy.metadata?.namespace ?? '';
      const matched = context.pods.some((p) => (namespace === root || p.namespace === namespace) && appliesToPod(policy, p.namespace, p.labels, root));
      if (!matched) traps.push({ kind: 'no-pod', message: `Its selector (${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ')}) matches no pod.` });
    }
  } else {
    const missing = missingWaypoints(policy, context);
    if (missing.length > 0) traps.push({ kind: 'missing-waypoint', message: `targetRefs name a waypoint that does not exist: ${missing.join(', ')}.` });
  }
  return traps;
}

// ---- ztunnel's form (istiod's conversion) ----------------------------------------------------------------

type StringMatch = { readonly exact: string } | { readonly prefix: string } | { readonly suffix: string } | { readonly presence: true };

/** ztunnel's RbacMatch: within a field any value may match; every declared field must. */
export interface ZtunnelMatch {
  readonly namespaces: readonly StringMatch[];
  readonly notNamespaces: readonly StringMatch[];
  readonly serviceAccounts: readonly { readonly namespace: string; readonly serviceAccount: string }[];
  readonly notServiceAccounts: readonly { readonly namespace: string; readonly serviceAccount: string }[];
  readonly principals: readonly StringMatch[];
  readonly notPrincipals: readonly StringMatch[];
  readonly sourceIps: readonly Cidr[];
  readonly notSourceIps: readonly Cidr[];
  readonly destinationIps: readonly Cidr[];
  readonly notDestinationIps: readonly Cidr[];
  readonly destinationPorts: readonly number[];
  readonly notDestinationPorts: readonly number[];
}

export type ZtunnelScope = 'Global' | 'Namespace' | 'WorkloadSelector';

export interface ZtunnelAuthorization {
  readonly name: string;
  readonly namespace: string;
  readonly scope: ZtunnelScope;
  readonly action: 'ALLOW' | 'DENY';
  /** Rules (any) of clauses (all) of matches (any). */
  readonly rules: readonly (readonly (readonly ZtunnelMatch[])[])[];
  readonly dryRun: boolean;
}

function stringMatches(values: readonly string[] | undefined): StringMatch[] {
  return (values ?? []).map((v) => (v === '*' ? { presence: true } : v.startsWith('*') ? { suffix: v.slice(1) } : v.endsWith('*') ? { prefix: v.slice(0, -1) } : { exact: v }));
}

function ports(values: readonly string[] | undefined): number[] {
  // strconv.ParseUint: digits only, at most 65535; anything else is dropped.
  return (values ?? []).filter((v) => /^\d+$/.test(v) && Number(v) <= 65535).map(Number);
}

function cidrs(values: readonly string[] | undefined): Cidr[] {
  // stringToIP: a value that does not parse is dropped.
  return (values ?? []).map(parseCidr).filter((c): c is Cidr => c !== undefined);
}

function serviceAccountMatches(values: readonly string[] | undefined, policyNamespace: string): { namespace: string; serviceAccount: string }[] {
  return (values ?? []).map((v) => {
    const slash = v.indexOf('/');
    return slash === -1 ? { namespace: policyNamespace, serviceAccount: v } : { namespace: v.slice(0, slash), serviceAccount: v.slice(slash + 1) };
  });
}

const NO_MATCH: ZtunnelMatch = {
  namespaces: [], notNamespaces: [], serviceAccounts: [], notServiceAccounts: [], principals: [], notPrincipals: [],
  sourceIps: [], notSourceIps: [], destinationIps: [], notDestinationIps: [], destinationPorts: [], notDestinationPorts: [],
};

function isEmptyMatch(m: ZtunnelMatch): boolean {
  return Object.values(m).every((list: readonly unknown[]) => list.length === 0);
}

/** One `when` condition as a match: only the five L4 keys carry values; any other key leaves it empty. */
function conditionMatch(condition: { key: string; values?: readonly string[]; notValues?: readonly string[] }): ZtunnelMatch {
  const { key, values, notValues } = condition;
  return {
    ...NO_MATCH,
    namespaces: key === 'source.namespace' ? stringMatches(values) : [],
    notNamespaces: key === 'source.namespace' ? stringMatches(notValues) : [],
    principals: key === 'source.principal' ? stringMatches(values) : [],
    notPrincipals: key === 'source.principal' ? stringMatches(notValues) : [],
    sourceIps: key === 'source.ip' ? cidrs(values) : [],
    notSourceIps: key === 'source.ip' ? cidrs(notValues) : [],
    destinationIps: key === 'destination.ip' ? cidrs(values) : [],
    notDestinationIps: key === 'destination.ip' ? cidrs(notValues) : [],
    destinationPorts: key === 'destination.port' ? ports(values) : [],
    notDestinationPorts: key === 'destination.port' ? ports(notValues) : [],
  };
}

/**
 * The policy as istiod sends it to ztunnel, or undefined when ztunnel never gets it (targetRefs: a
 * waypoint's; CUSTOM/AUDIT: unsupported). An ALLOW rule with any HTTP attribute is dropped (it could never
 * match); a DENY rule keeps its L4 parts, where an HTTP-only part becomes an empty match that never matches.
 */
export function compileForZtunnel(policy: AuthorizationPolicy, rootNamespace = ISTIO_NAMESPACE): ZtunnelAuthorization | undefined {
  if (!landsOnZtunnel(policy)) return undefined;
  const action = actionOf(policy);
  if (action !== 'ALLOW' && action !== 'DENY') return undefined;
  const namespace = policy.metadata?.namespace ?? '';
  const scope: ZtunnelScope = policy.spec?.selector ? 'WorkloadSelector' : namespace === rootNamespace ? 'Global' : 'Namespace';
  const rules: ZtunnelMatch[][][] = [];
  for (const rule of policy.spec?.rules ?? []) {
    if (action === 'ALLOW' && l7AttributesOf(rule).length > 0) continue;
    const clauses: ZtunnelMatch[][] = [];
    const to = (rule.to ?? []).map(({ operation: op }) => ({ ...NO_MATCH, destinationPorts: ports(op?.ports), notDestinationPorts: ports(op?.notPorts) }));
    if (to.length > 0) clauses.push(to);
    const from = (rule.from ?? []).map(({ source: s }) => ({
      ...NO_MATCH,
      sourceIps: cidrs(s?.ipBlocks),
      notSourceIps: cidrs(s?.notIpBlocks),
      namespaces: stringMatches(s?.namespaces),
      notNamespaces: stringMatches(s?.notNamespaces),
      serviceAccounts: serviceAccountMatches(s?.serviceAccounts, namespace),
      notServiceAccounts: serviceAccountMatches(s?.notServiceAccounts, namespace),
      principals: stringMatches(s?.principals),
      notPrincipals: stringMatches(s?.notPrincipals),
    }));
    if (from.length > 0) clauses.push(from);
    for (const condition of rule.when ?? []) clauses.push([conditionMatch(condition)]);
    rules.push(clauses);
  }
  // Istio's dry-run annotation: ztunnel (1.29+) logs what it would have done and enforces nothing.
  const dryRun = policy.metadata?.annotations?.['istio.io/dry-run'] === 'true';
  return { name: policy.metadata?.name ?? '', namespace, scope, action, rules, dryRun };
}

// ---- ztunnel's matching -----------------------------------------------------------------------------------

/** A connection as the destination's ztunnel sees it. */
export interface L4Connection {
  /** The peer's SPIFFE identity (`spiffe://td/ns/N/sa/S`); absent for plain text. */
  readonly sourceIdentity?: string;
  readonly sourceIp?: string;
  readonly destinationIp?: string;
  readonly destinationPort: number;
}

function matchString(m: StringMatch, value: string): boolean {
  if ('exact' in m) return value === m.exact;
  if ('prefix' in m) return value.startsWith(m.prefix);
  if ('suffix' in m) return value.endsWith(m.suffix);
  return value !== '';
}

function field<T>(positive: readonly T[], negative: readonly T[], test: (value: T) => boolean): boolean {
  return (positive.length === 0 || positive.some(test)) && (negative.length === 0 || !negative.some(test));
}

/** `spiffe://td/ns/N/sa/S` → its parts; undefined for anything else. */
function spiffeParts(identity: string | undefined): { namespace: string; serviceAccount: string } | undefined {
  const m = identity ? /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(identity) : null;
  return m ? { namespace: m[1], serviceAccount: m[2] } : undefined;
}

function matchOne(m: ZtunnelMatch, conn: L4Connection): boolean {
  const id = conn.sourceIdentity ?? '';
  const parts = spiffeParts(conn.sourceIdentity);
  const ns = parts?.namespace ?? '';
  // Principals are written without `spiffe://` and matched against the identity with it stripped; without the
  // prefix nothing matches.
  const principal = (p: StringMatch) => id.startsWith('spiffe://') && matchString(p, id.slice('spiffe://'.length));
  return (
    field(m.destinationIps, m.notDestinationIps, (c) => inCidr(c, conn.destinationIp)) &&
    field(m.sourceIps, m.notSourceIps, (c) => inCidr(c, conn.sourceIp)) &&
    field(m.destinationPorts, m.notDestinationPorts, (p) => p === conn.destinationPort) &&
    field(m.serviceAccounts, m.notServiceAccounts, (sa) => parts !== undefined && sa.namespace === parts.namespace && sa.serviceAccount === parts.serviceAccount) &&
    field(m.principals, m.notPrincipals, principal) &&
    field(m.namespaces, m.notNamespaces, (n) => matchString(n, ns))
  );
}

/** ztunnel's Authorization::matches: no rules match nothing; a rule with no clauses matches everything. */
export function authorizationMatches(auth: ZtunnelAuthorization, conn: L4Connection): boolean {
  return auth.rules.some((rule) => rule.every((clause) => clause.length === 0 || clause.some((m) => !isEmptyMatch(m) && matchOne(m, conn))));
}

// ---- The verdict ------------------------------------------------------------------------------------------

export interface L4Destination {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type L4VerdictReason = 'no-policies' | 'allowed' | 'denied' | 'no-allow-match';

export interface L4Verdict {
  readonly allowed: boolean;
  readonly reason: L4VerdictReason;
  /** `ns/name` of the deciding policy: the DENY that matched, or the ALLOW that did. */
  readonly policy?: string;
  /** The ALLOW policies that apply to the destination (`ns/name`), for "none allowed". */
  readonly allowPolicies: readonly string[];
  /** Dry-run policies that matched (`ns/name`): they decide nothing. */
  readonly dryRunMatches: readonly string[];
}

/** ztunnel's enforced policies for a destination pod: selector (own or root namespace), namespace, mesh-wide. */
export function ztunnelPoliciesFor(policies: readonly AuthorizationPolicy[], destination: L4Destination, rootNamespace = ISTIO_NAMESPACE): ZtunnelAuthorization[] {
  return policies
    .filter((p) => appliesToPod(p, destination.namespace, destination.labels, rootNamespace))
    .map((p) => compileForZtunnel(p, rootNamespace))
    .filter((p): p is ZtunnelAuthorization => p !== undefined)
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** The L4 verdict on one connection: any matching DENY denies; no ALLOW allows; else an ALLOW must match. */
export function evaluateConnection(policies: readonly AuthorizationPolicy[], destination: L4Destination, conn: L4Connection, rootNamespace = ISTIO_NAMESPACE): L4Verdict {
  const applicable = ztunnelPoliciesFor(policies, destination, rootNamespace);
  const key = (a: ZtunnelAuthorization) => `${a.namespace}/${a.name}`;
  const dryRunMatches = applicable.filter((a) => a.dryRun && authorizationMatches(a, conn)).map(key);
  const enforced = applicable.filter((a) => !a.dryRun);
  const allowPolicies = enforced.filter((a) => a.action === 'ALLOW').map(key);
  const deny = enforced.find((a) => a.action === 'DENY' && authorizationMatches(a, conn));
  if (deny) return { allowed: false, reason: 'denied', policy: key(deny), allowPolicies, dryRunMatches };
  if (allowPolicies.length === 0) return { allowed: true, reason: 'no-policies', allowPolicies, dryRunMatches };
  const allow = enforced.find((a) => a.action === 'ALLOW' && authorizationMatches(a, conn));
  if (allow) return { allowed: true, reason: 'allowed', policy: key(allow), allowPolicies, dryRunMatches };
  return { allowed: false, reason: 'no-allow-match', allowPolicies, dryRunMatches };
}

/** What ztunnel writes in `error=` for a refused connection; undefined when it was allowed. */
export function rejectionError(verdict: L4Verdict): string | undefined {
  if (verdict.allowed) return undefined;
  return POLICY_REJECTION_PREFIX + (verdict.reason === 'denied' ? EXPLICITLY_DENIED_BY + (verdict.policy ?? '') : NONE_ALLOWED);
}

// ---- One policy as a row --------------------------------------------------------------------------------

export interface PolicyRow {
  readonly namespace: string;
  readonly name: string;
  readonly action: string;
  readonly enforcement: Enforcement;
  readonly traps: readonly PolicyTrap[];
  /** Istio's status conditions (`ZtunnelAccepted`, `WaypointAccepted`), as `Type: Status (reason: message)`. */
  readonly conditions: readonly string[];
}

export function policyRow(policy: AuthorizationPolicy, context: PolicyContext): PolicyRow {
  return {
    namespace: policy.metadata?.namespace ?? '',
    name: policy.metadata?.name ?? '',
    action: actionOf(policy),
    enforcement: enforcementOf(policy, context),
    traps: policyTraps(policy, context),
    conditions: (policy.status?.conditions ?? []).map((c) => `${c.type ?? '?'}: ${c.status ?? '?'}${c.reason || c.message ? ` (${[c.reason, c.message].filter(Boolean).join(': ')})` : ''}`),
  };
}
