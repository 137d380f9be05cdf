// Check Ambient Health: gather, per context, what the checks in mesh/health.ts need (istio-system
// workloads, nodes, ztunnel logs for XDS, namespaces and pods, ztunnel's workload table for stale
// captures), evaluate, show the report, and keep the worst result for the tree's Mesh node.
import type { ClusterClient, V1Node } from '../kube/types';
import { isAmbient, namespaceFacts, podFacts } from '../mesh/dataplane';
import { evaluateHealth, type HealthInput, type HealthReport, type NamespaceHealthInput, type ZtunnelXdsInput } from '../mesh/health';
import { CNI_DAEMONSET, ISTIO_NAMESPACE, MESH_CONFIG_MAP, meshSummary, type MeshSummary } from '../mesh/meshSummary';
import { messageOf, problemFrom } from '../mesh/problems';
import { reasonOf } from '../kube/errors';
import { findDisagreements, mergeWorkloads } from '../mesh/ztunnelConfig';
import {
  ZTUNNEL_CONCURRENCY,
  contextOfArg,
  listZtunnelPods,
  mapLimited,
  pickVerifyContexts,
  readConfigDumps,
  readZtunnelEntries,
  toPodHealth,
  type VerifyDeps,
} from './verifyDeps';

/** How much of each ztunnel's log the XDS check reads: enough to span several XDS pushes. */
export const XDS_LOG_TAIL_LINES = 1000;

/**
 * Nodes the ztunnel DaemonSet is expected on: schedulable Linux nodes that are real machines (ztunnel
 * tolerates every taint, but there is no ztunnel for Windows nodes or virtual-kubelet nodes like Fargate).
 */
function runsZtunnel(node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  if (node.spec?.unschedulable === true) return false;
  if ((labels['kubernetes.io/os'] ?? 'linux') !== 'linux') return false;
  return labels.type !== 'virtual-kubelet' && labels['eks.amazonaws.com/compute-type'] !== 'fargate';
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: string; cause?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: messageOf(error), cause: error };
  }
}

/** Reasons that mean the cluster itself cannot be talked to (not that one read was refused). */
const UNREACHABLE: ReadonlySet<string> = new Set(['unreachable', 'timeout', 'tls', 'unauthorized', 'exec-plugin-missing', 'exec-plugin-failed', 'no-kubeconfig', 'bad-kubeconfig']);

async function readSummary(client: ClusterClient): Promise<MeshSummary> {
  const [deployments, daemonSets, meshConfig] = await Promise.all([
    client.listDeployments(ISTIO_NAMESPACE),
    client.listDaemonSets(ISTIO_NAMESPACE),
    client.readConfigMap(ISTIO_NAMESPACE, MESH_CONFIG_MAP).catch(() => undefined),
  ]);
  return meshSummary({ deployments, daemonSets, meshConfig });
}

/** Everything the checks of one context need; what cannot be read is left out with its error. */
export async function gatherHealthInput(deps: Pick<VerifyDeps, 'kube' | 'log'>, context: string, now = new Date()): Promise<HealthInput> {
  const client = deps.kube.client(context);
  const errors: Record<string, string> = {};
  const [summary, nodes, ztunnels, cni, namespaces, pods] = await Promise.all([
    settle(readSummary(client)),
    settle(client.listNodes()),
    settle(listZtunnelPods(client)),
    settle(client.listPods(ISTIO_NAMESPACE, { labelSelector: `k8s-app=${CNI_DAEMONSET}` })),
    settle(client.listNamespaces()),
    settle(client.listPods()),
  ]);
  // Nothing could be read, for a reason that is the cluster's, not one resource's: say it once.
  const reads = [summary, nodes, ztunnels, cni, namespaces, pods];
  if (namespaces.cause !== undefined && UNREACHABLE.has(reasonOf(namespaces.cause)) && reads.every((r) => r.cause !== undefined)) {
    const problem = problemFrom(namespaces.cause, context);
    deps.log.warn(`health: ${context}: not checked: ${problem.detail}`);
    return { context, unreachable: problem.sentence };
  }
  // Terminating pods are leaving ztunnel's tables and their namespace's counts: judge the pods that stay.
  const livePods = pods.value?.filter((p) => !p.metadata?.deletionTimestamp);
  if (summary.error) errors.istiod = summary.error;
  if (ztunnels.error) errors.ztunnel = ztunnels.error;
  if (cni.error) errors.cni = cni.error;
  if (namespaces.error || pods.error) errors.namespaces = (namespaces.error ?? pods.error) as string;

  let xds: ZtunnelXdsInput[] | undefined;
  let disagreements;
  if (ztunnels.value) {
    const zt = ztunnels.value;
    const [logs, dumps] = await Promise.all([
      mapLimited(zt, ZTUNNEL_CONCURRENCY, async (z): Promise<ZtunnelXdsInput> => {
        try {
          return { pod: z.name, node: z.node, entries: await readZtunnelEntries(client, z.name, { tailLines: XDS_LOG_TAIL_LINES }) };
        } catch (error) {
          return { pod: z.name, node: z.node, entries: [], error: messageOf(error) };
        }
      }),
      readConfigDumps(client, zt, now),
    ]);
    // The admin port's view of each ztunnel's XDS state, next to what its log says.
    const byPod = new Map(dumps.map((d) => [d.ztunnelPod, d]));
    xds = logs.map((x) => {
      const d = byPod.get(x.pod);
      return d?.dump
        ? { ...x, admin: { xdsAddress: d.dump.xdsAddress, workloads: d.dump.workloads.length, services: d.dump.serviceCount ?? 0 } }
        : { ...x, adminError: d?.error };
    });
    const read = dumps.filter((d) => d.dump);
    if (read.length > 0 && livePods && namespaces.value) {
      const ambient = new Set(namespaces.value.map(namespaceFacts).filter((n) => isAmbient(n.labels)).map((n) => n.name));
      disagreements = findDisagreements({
        pods: livePods.map(podFacts).filter((p) => p.phase === 'Running').map((pod) => ({ pod, namespaceAmbient: ambient.has(pod.namespace) })),
        workloads: mergeWorkloads(read),
        certificates: [],
        now,
      });
    } else if (dumps.length > 0 && read.length === 0) {
      deps.log.warn(`health: ${context}: no ztunnel config dump readable (${dumps[0].error}); stale captures cannot be detected`);
    }
  } else {
    errors.xds = ztunnels.error ?? 'the ztunnel pods could not be listed';
  }

  let namespaceInputs: NamespaceHealthInput[] | undefined;
  if (namespaces.value && livePods) {
    const byNamespace = new Map<string, ReturnType<typeof podFacts>[]>();
    for (const pod of livePods.map(podFacts)) byNamespace.set(pod.namespace, [...(byNamespace.get(pod.namespace) ?? []), pod]);
    namespaceInputs = namespaces.value.map(namespaceFacts).map((facts) => ({ facts, pods: byNamespace.get(facts.name) ?? [] }));
  }

  return {
    context,
    summary: summary.value,
    nodes: nodes.value?.map((n) => ({ name: n.metadata?.name ?? '', schedulable: runsZtunnel(n) })),
    ztunnelPods: ztunnels.value,
    cniPods: cni.value?.map(toPodHealth),
    xds,
    namespaces: namespaceInputs,
    disagreements,
    errors,
  };
}

export async function checkHealth(deps: VerifyDeps, contexts: readonly string[]): Promise<HealthReport[]> {
  const inputs = await Promise.all(contexts.map((context) => gatherHealthInput(deps, context)));
  const reports = evaluateHealth(inputs, deps.expectedNamespaces?.() ?? []);
  for (const report of reports) {
    deps.health?.set(report);
    deps.log.info(`health: ${report.context}: ${report.worst} (${report.checks.map((c) => `${c.id}=${c.status}`).join(' ')})`);
  }
  return reports;
}

/** `ambient.check.health`: from a context node (that context), the palette (contexts picked) or `{ contexts }`. */
export async function checkAmbientHealth(deps: VerifyDeps, arg?: unknown): Promise<HealthReport[] | undefined> {
  try {
    const given = (arg as { contexts?: unknown } | undefined)?.contexts;
    let contexts: string[] | undefined;
    if (Array.isArray(given) && given.every((c) => typeof c === 'string')) contexts = given;
    else {
      const nodeContext = contextOfArg(arg);
      contexts = nodeContext ? [nodeContext] : await pickVerifyContexts(deps, 'Check Ambient Health', []);
    }
    if (!contexts || contexts.length === 0) return undefined;
    const selected = contexts;
    // The report's Re-run (and every fix) runs the same check again and refreshes the same report.
    const run = async (): Promise<HealthReport[]> => {
      const reports = await deps.host.withProgress(`Checking ambient health of ${selected.join(', ')}…`, () => checkHealth(deps, selected));
      deps.views.showHealth(reports, run);
      return reports;
    };
    return await run();
  } catch (error) {
    const message = messageOf(error);
    deps.log.error(`Check Ambient Health: ${message}`);
    void deps.host.showMessage('error', `Check Ambient Health: ${message}`, {});
    return undefined;
  }
}
