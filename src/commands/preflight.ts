// Check Before Enrolling…: read, per context, what the pre-flight rules need (namespaces, pods,
// NetworkPolicies, AuthorizationPolicies, waypoints, istio-cni and ztunnel pods) once, evaluate every
// target namespace, log one line per finding, and show the report. `confirmEnrollPreflight` is what
// Enroll's confirmation calls. No `vscode` here: unit and extension-host tests drive it directly.
import type { ApiResource, ClusterClient, V1Namespace, V1Pod } from '../kube/types';
import { AUTHORIZATION_POLICIES, GATEWAYS, type AuthorizationPolicy } from '../mesh/authorizationPolicy';
import { CNI_DAEMONSET, ISTIO_NAMESPACE, ZTUNNEL_SELECTOR } from '../mesh/meshSummary';
import type { NetworkPolicy } from '../mesh/networkPolicy';
import type { GatewayObject } from '../mesh/waypoints';
import {
  evaluatePreflight,
  needsAttention,
  preflightLogLines,
  type NodeAgentPod,
  type PreflightFinding,
  type PreflightInput,
  type PreflightReport,
} from '../mesh/preflight';
import { messageOf } from '../mesh/problems';
import { listServed } from '../mesh/policyRead';
import type { CommandDeps } from './host';
import type { NamespaceRef } from './namespacePlan';
import { namespaceKey } from './namespacePlan';

export const PREFLIGHT_TITLE = 'Check Before Enrolling';
export const ENROLL_ANYWAY = 'Enroll Anyway';

export const NETWORK_POLICIES: ApiResource = { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' };
export { AUTHORIZATION_POLICIES, GATEWAYS };

/** Where the report is shown: a document in the editor, a recorder in tests. */
export interface PreflightViews {
  showPreflight(reports: readonly PreflightReport[]): void | Promise<void>;
}

export type PreflightDeps = Pick<CommandDeps, 'kube' | 'host' | 'log'>;

interface Settled<T> {
  readonly value?: T;
  readonly error?: string;
}

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function agentPods(pods: readonly V1Pod[]): NodeAgentPod[] {
  return pods.map((p) => ({
    name: p.metadata?.name ?? '',
    node: p.spec?.nodeName,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
  }));
}

/** One context's reads, shared by all its target namespaces. */
async function readContext(client: ClusterClient) {
  // One cluster-wide pod list serves the targets, the traffic sources and the node agents.
  const [namespaces, pods, networkPolicies, authorizationPolicies, gateways] = await Promise.all([
    settle(client.listNamespaces()),
    settle(client.listPods()),
    settle(listServed(client, NETWORK_POLICIES)),
    settle(listServed(client, AUTHORIZATION_POLICIES)),
    settle(listServed(client, GATEWAYS)),
  ]);
  const [ztunnelKey, ztunnelValue] = ZTUNNEL_SELECTOR.split('=');
  const inIstio = (key: string, value: string): Settled<V1Pod[]> =>
    pods.error ? { error: pods.error } : { value: pods.value!.filter((p) => p.metadata?.namespace === ISTIO_NAMESPACE && p.metadata.labels?.[key] === value) };
  return { namespaces, pods, networkPolicies, authorizationPolicies, gateways, cni: inIstio('k8s-app', CNI_DAEMONSET), ztunnel: inIstio(ztunnelKey, ztunnelValue) };
}

function inputFor(context: string, namespace: V1Namespace, read: Awaited<ReturnType<typeof readContext>>): PreflightInput {
  const name = namespace.metadata?.name ?? '';
  const errors: Record<string, string> = {};
  const note = (what: string, result: Settled<unknown>) => {
    if (result.error) errors[what] = result.error;
  };
  note('pods', read.pods);
  note('NetworkPolicies', read.networkPolicies);
  note('AuthorizationPolicies', read.authorizationPolicies);
  note('waypoints (Gateways)', read.gateways);
  note('istio-cni pods', read.cni);
  note('ztunnel pods', read.ztunnel);
  const allPods = read.pods.value ?? [];
  return {
    context,
    namespace: { name, labels: namespace.metadata?.labels ?? {} },
    pods: allPods.filter((p) => p.metadata?.namespace === name),
    namespaces: read.namespaces.value?.map((n) => ({ name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} })),
    sourcePods: read.pods.value,
    networkPolicies: read.networkPolicies.value as NetworkPolicy[] | undefined,
    authorizationPolicies: (read.authorizationPolicies.value as AuthorizationPolicy[] | undefined)?.filter(
      (p) => p.metadata?.namespace === name || p.metadata?.namespace === ISTIO_NAMESPACE,
    ),
    gateways: read.gateways.value as GatewayObject[] | undefined,
    cniPods: read.cni.value ? agentPods(read.cni.value) : undefined,
    ztunnelPods: read.ztunnel.value ? agentPods(read.ztunnel.value) : undefined,
    errors,
  };
}

/** Every target evaluated, in the targets' order; a context or namespace that cannot be read gets a report saying why. */
export async function runPreflight(deps: PreflightDeps, targets: readonly NamespaceRef[]): Promise<PreflightReport[]> {
  const contexts = [...new Set(targets.map((t) => t.context))];
  const reads = new Map(await Promise.all(contexts.map(async (context) => [context, await readContext(deps.kube.client(context))] as const)));
  return targets.map((ref): PreflightReport => {
    const read = reads.get(ref.context)!;
    const base = { context: ref.context, namespace: ref.namespace, findings: [] };
    if (read.namespaces.error) return { ...base, error: read.namespaces.error };
    const namespace = read.namespaces.value?.find((n) => n.metadata?.name === ref.namespace);
    if (!namespace) return { ...base, error: `Namespace "${ref.namespace}" does not exist in context ${ref.context}.` };
    return evaluatePreflight(inputFor(ref.context, namespace, read));
  });
}

function logReports(deps: PreflightDeps, reports: readonly PreflightReport[]): void {
  for (const report of reports) {
    for (const line of preflightLogLines(report)) {
      if (report.error || report.worst === 'error') deps.log.error(line);
      else if (report.worst === 'warning') deps.log.warn(line);
      else deps.log.info(line);
    }
  }
}

/** `ambient.namespace.preflight`: check, log, show; returns the reports (tests read them). */
export async function checkBeforeEnrolling(deps: PreflightDeps & { views: PreflightViews }, targets: readonly NamespaceRef[]): Promise<PreflightReport[]> {
  const where = targets.length === 1 ? namespaceKey(targets[0]) : `${targets.length} namespaces`;
  const reports = await deps.host.withProgress(`${PREFLIGHT_TITLE}: ${where}…`, () => runPreflight(deps, targets));
  logReports(deps, reports);
  await deps.views.showPreflight(reports);
  return reports;
}

/**
 * What Enroll's confirmation lists: findings at warning or worse. Left out: what could not be read (logged,
 * not asked about: a user without RBAC on policies would be asked on every enroll) and the sidecar findings
 * of a namespace labelled for injection (Enroll asks about those in its own sidecar dialog).
 */
export function findingsToConfirm(report: PreflightReport): PreflightFinding[] {
  return report.findings.filter(
    (f) => needsAttention(f.severity) && f.id !== 'unreadable' && f.id !== 'sidecar-injection' && !(f.id === 'sidecar-pods' && report.findings.some((g) => g.id === 'sidecar-injection')),
  );
}

/** Resolves true to go on with enrolling, false when the user cancelled at the findings. */
/** `clean`: nothing to confirm; `accepted`: the user read the findings and chose Enroll Anyway. */
export type PreflightVerdict = 'clean' | 'accepted' | 'cancelled';

export async function confirmEnrollPreflight(deps: PreflightDeps, targets: readonly NamespaceRef[]): Promise<PreflightVerdict> {
  let reports: PreflightReport[];
  try {
    reports = await runPreflight(deps, targets);
  } catch (error) {
    deps.log.warn(`${PREFLIGHT_TITLE}: could not run before enrolling: ${messageOf(error)}`);
    return 'clean';
  }
  logReports(deps, reports);
  const flagged = reports.map((r) => ({ report: r, findings: findingsToConfirm(r) })).filter((r) => r.findings.length > 0);
  if (flagged.length === 0) return 'clean';
  const count = flagged.reduce((n, r) => n + r.findings.length, 0);
  const lines = flagged.flatMap(({ report, findings }) => [
    `${report.context}/${report.namespace}:`,
    ...findings.map((f) => `  ${f.severity === 'error' ? 'Error' : 'Warning'}: ${f.title}${f.pods.length > 0 ? ` (${f.pods.slice(0, 3).map((p) => p.split('/')[1]).join(', ')}${f.pods.length > 3 ? ', …' : ''})` : ''}`),
  ]);
  const where = flagged.length === 1 ? `${flagged[0].report.context}/${flagged[0].report.namespace}` : `${flagged.length} namespaces`;
  const choice = await deps.host.showMessage(
    'warning',
    `${PREFLIGHT_TITLE} found ${count} problem${count === 1 ? '' : 's'} in ${where}.`,
    { modal: true, detail: `${lines.join('\n')}\n\nThe fixes are in the output log and in Check Before Enrolling…` },
    ENROLL_ANYWAY,
  );
  return choice === ENROLL_ANYWAY ? 'accepted' : 'cancelled';
}
