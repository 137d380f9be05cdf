// Test Connectivity…: exec `curl -s -m 5 <target>` in a source pod on one or more contexts at once, then
// find ztunnel's access-log entry for that connection and say plainly whether it was mTLS (with both
// SPIFFE identities) or plain text. Results side by side, one column per context.
import type { ClusterClient, V1Pod } from '../kube/types';
import {
  CURL_TIMED_OUT,
  ZTUNNEL_CONNECT_TIMEOUT_MS,
  connectionVerdict,
  curlArgv,
  curlExitMeaning,
  isCurlMissing,
  matchingEntries,
  parseTarget,
  verdictSettled,
  withAllowPolicies,
  type ConnectionVerdict,
  type ConnectivityResult,
  type ConnectivityTarget,
} from '../mesh/connectivity';
import { AUTHORIZATION_POLICIES, ztunnelPoliciesFor, type AuthorizationPolicy } from '../mesh/authorizationPolicy';
import { ISTIO_NAMESPACE } from '../mesh/meshSummary';
import { listServed } from '../mesh/policyRead';
import { messageOf } from '../mesh/problems';
import type { ZtunnelLogEntry } from '../logs/entry';
import type { PickItem } from './host';
import { targetOf } from './target';
import { listZtunnelPods, pickVerifyContexts, readZtunnelEntries, type VerifyDeps } from './verifyDeps';
import { isRunningPod } from '../kube/podPhase';


/** What a test runs: given as the command's argument (tests, other commands) or picked. */
export interface ConnectivityRequest {
  readonly contexts: readonly string[];
  readonly source: { readonly namespace: string; readonly pod?: string; readonly workload?: string };
  /** A Service with its port (`accounts.accounts.svc.cluster.local:8080`) or a URL. */
  readonly target: string;
}

/** `curl-6c9f7d8b5-x2k4p` → `curl` (Deployment pod), `prometheus-0` → `prometheus` (StatefulSet pod). */
export function workloadNameOf(pod: V1Pod): string {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
  return owner?.name ?? pod.metadata?.name ?? '';
}


/** The source pod on one context: the named pod, else a running pod of the named workload. */
async function resolveSourcePod(client: ClusterClient, source: ConnectivityRequest['source']): Promise<V1Pod> {
  const pods = await client.listPods(source.namespace);
  const found = source.pod
    ? pods.find((p) => p.metadata?.name === source.pod)
    : pods.filter(isRunningPod).find((p) => workloadNameOf(p) === source.workload);
  if (!found) {
    const what = source.pod ? `Pod ${source.namespace}/${source.pod}` : `No running pod of ${source.namespace}/${source.workload}`;
    throw new Error(source.pod ? `${what} does not exist on ${client.context}.` : `${what} on ${client.context}.`);
  }
  return found;
}

function hasCurlContainer(pod: V1Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) => c.name === 'curl' || /(^|\/)curl[:@]|(^|\/)curl$/.test(c.image ?? ''));
}

/** The target of the last test in this window (the pick's first row, the input's default). */
let lastTarget: string | undefined;
/** The source tested last on each context: offered first next time (there is no default source). */
const lastSource = new Map<string, ConnectivityRequest['source']>();

/** The container to exec in: one named `curl` if there is one, else the first. */
function curlContainer(pod: V1Pod): string | undefined {
  const containers = pod.spec?.containers ?? [];
  return (containers.find((c) => c.name === 'curl') ?? containers[0])?.name;
}

interface Destination {
  /** The Service's ClusterIP and its endpoints' pod IPs: where the connection may show up in `dst.addr`. */
  readonly ips: string[];
  /** Nodes of the endpoint pods: their ztunnels log the inbound side. Empty when unknown. */
  readonly nodes: string[];
  /** The endpoint pods' namespace and labels: which AuthorizationPolicies apply to them. */
  readonly pods: { namespace: string; labels: Record<string, string> }[];
}

async function destination(client: ClusterClient, target: ConnectivityTarget): Promise<Destination> {
  if (!target.service) return { ips: [], nodes: [], pods: [] };
  try {
    const services = await client.listServices(target.service.namespace, { fieldSelector: `metadata.name=${target.service.name}` });
    const service = services.find((s) => s.metadata?.name === target.service?.name);
    if (!service) return { ips: [], nodes: [], pods: [] };
    const ips = [service.spec?.clusterIP].filter((ip): ip is string => !!ip && ip !== 'None');
    const nodes: string[] = [];
    const pods: Destination['pods'] = [];
    const selector = service.spec?.selector;
    if (selector && Object.keys(selector).length > 0) {
      const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      for (const p of await client.listPods(target.service.namespace, { labelSelector })) {
        if (p.status?.podIP) ips.push(p.status.podIP);
        if (p.spec?.nodeName) nodes.push(p.spec.nodeName);
        pods.push({ namespace: p.metadata?.namespace ?? target.service.namespace, labels: p.metadata?.labels ?? {} });
      }
    }
    return { ips, nodes, pods };
  } catch {
    return { ips: [], nodes: [], pods: [] };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-read the ztunnel logs until the connection's entry appears or the wait is over. */
async function findVerdict(
  deps: Pick<VerifyDeps, 'accessLogWaitMs' | 'accessLogPollMs' | 'log'>,
  client: ClusterClient,
  query: Parameters<typeof matchingEntries>[1],
  /** Nodes whose ztunnels may log the connection (source and destinations); empty: every ztunnel. */
  nodes: ReadonlySet<string>,
  /** curl's exit code: after a timeout (28) ztunnel may still be trying to connect, and logs only when it gives up. */
  curlExit: number,
): Promise<ConnectionVerdict> {
  const curlTimedOut = curlExit === CURL_TIMED_OUT;
  const waitMs = deps.accessLogWaitMs ?? 5000;
  const pollMs = deps.accessLogPollMs ?? 500;
  const deadline = Math.max(Date.now() + waitMs, curlTimedOut ? query.startedAt + ZTUNNEL_CONNECT_TIMEOUT_MS + waitMs : 0);
  // The kubelet's sinceTime has second precision: start a little early, the matcher drops older entries.
  const sinceTime = new Date(query.startedAt - 5000).toISOString().replace(/\.\d+Z$/, 'Z');
  const all = await listZtunnelPods(client).catch(() => []);
  // Only the ztunnels at both ends see the connection: on a large cluster, reading every node's log is waste.
  const near = all.filter((z) => z.node !== undefined && nodes.has(z.node));
  const ztunnels = nodes.size > 0 && near.length > 0 ? near : all;
  for (;;) {
    const entries: ZtunnelLogEntry[] = [];
    let read = 0;
    await Promise.all(
      ztunnels.map(async (z) => {
        try {
          entries.push(...(await readZtunnelEntries(client, z.name, { sinceTime })));
          read++;
        } catch (error) {
          deps.log.warn(`connectivity: ${client.context}: cannot read the log of ${ISTIO_NAMESPACE}/${z.name}: ${messageOf(error)}`);
        }
      }),
    );
    const matches = matchingEntries(entries, query);
    if (verdictSettled(matches, curlExit === 0) || Date.now() >= deadline) return connectionVerdict(matches, Math.round(waitMs / 1000), read > 0);
    await sleep(pollMs);
  }
}

/** Run the test on one context; never throws (a failure is the result's `error`). */
export async function testOnContext(deps: VerifyDeps, context: string, request: ConnectivityRequest): Promise<ConnectivityResult> {
  const started = Date.now();
  const client = deps.kube.client(context);
  const base = { context, target: request.target };
  let pod: V1Pod;
  try {
    pod = await resolveSourcePod(client, request.source);
  } catch (error) {
    return { ...base, source: { namespace: request.source.namespace, pod: request.source.pod ?? request.source.workload ?? '' }, argv: [], error: messageOf(error) };
  }
  const source = { namespace: request.source.namespace, pod: pod.metadata?.name ?? '' };
  const parsed = parseTarget(request.target, source.namespace);
  if (!parsed.ok) return { ...base, source, argv: [], error: parsed.error };
  const argv = curlArgv(parsed.target);
  const startedAt = Date.now();
  let exec;
  try {
    exec = await client.exec(source.namespace, source.pod, curlContainer(pod), argv, { timeoutMs: 20_000 });
  } catch (error) {
    const message = messageOf(error);
    if (isCurlMissing({ error: message })) return { ...base, source, argv, error: `${source.namespace}/${source.pod} has no curl: pick a pod whose image has curl.` };
    return { ...base, source, argv, error: message };
  }
  if (isCurlMissing(exec)) {
    return { ...base, source, argv, exitCode: exec.exitCode, stdout: exec.stdout, stderr: exec.stderr, error: `${source.namespace}/${source.pod} has no curl: pick a pod whose image has curl.` };
  }
  deps.log.info(`connectivity: ${context}: ${source.namespace}/${source.pod}: ${argv.join(' ')} → exit ${exec.exitCode} (${curlExitMeaning(exec.exitCode)})`);
  const dest = await destination(client, parsed.target);
  // Unknown endpoints (a URL outside the cluster, a Service without selector): read every ztunnel.
  const nodes = new Set(pod.spec?.nodeName && dest.nodes.length > 0 ? [pod.spec.nodeName, ...dest.nodes] : []);
  const verdict = await findVerdict(
    deps,
    client,
    { sourcePod: source.pod, sourceNamespace: source.namespace, sourceIp: pod.status?.podIP, target: parsed.target, destinationIps: dest.ips, startedAt },
    nodes,
    exec.exitCode,
  );
  const explained = verdict.rejection?.kind === 'none-allowed' && dest.pods.length > 0 ? withAllowPolicies(verdict, await allowPoliciesFor(client, dest.pods[0]!)) : verdict;
  return { ...base, source, argv, exitCode: exec.exitCode, stdout: exec.stdout, stderr: exec.stderr, verdict: explained, durationMs: Date.now() - started };
}

/** The ALLOW policies ztunnel holds for a destination pod (its namespace's and the root namespace's). */
async function allowPoliciesFor(client: ClusterClient, pod: Destination['pods'][number]): Promise<string[] | undefined> {
  try {
    const namespaces = [...new Set([pod.namespace, ISTIO_NAMESPACE])];
    const policies = (await Promise.all(namespaces.map((ns) => listServed(client, AUTHORIZATION_POLICIES, ns)))).flat() as AuthorizationPolicy[];
    return ztunnelPoliciesFor(policies, pod).filter((p) => p.action === 'ALLOW' && !p.dryRun).map((p) => `${p.namespace}/${p.name}`);
  } catch {
    // Not allowed to list them: the verdict stands without the list.
    return undefined;
  }
}

export async function runConnectivityTest(deps: VerifyDeps, request: ConnectivityRequest): Promise<ConnectivityResult[]> {
  return Promise.all(request.contexts.map((context) => testOnContext(deps, context, request)));
}

function isRequest(value: unknown): value is ConnectivityRequest {
  const r = value as Partial<ConnectivityRequest> | undefined;
  return !!r && Array.isArray(r.contexts) && typeof r.target === 'string' && typeof r.source?.namespace === 'string';
}

/** The source pod's workload, picked among the namespace's running pods on the first context. */
async function pickSource(deps: VerifyDeps, context: string, namespace: string | undefined): Promise<ConnectivityRequest['source'] | undefined> {
  const client = deps.kube.client(context);
  let ns = namespace;
  if (!ns) {
    const names = (await client.listNamespaces()).map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort();
    // Namespaces with a running pod that has curl come first: the test execs curl in the source pod.
    const withCurl = new Set(
      (await client.listPods().catch(() => [] as V1Pod[]))
        .filter((p) => isRunningPod(p) && hasCurlContainer(p))
        .map((p) => p.metadata?.namespace ?? ''),
    );
    const last = lastSource.get(context)?.namespace;
    const items = names.map((n): PickItem<string> => ({ label: n, description: [n === last ? 'tested last' : '', withCurl.has(n) ? 'has a pod with curl' : ''].filter(Boolean).join(' · ') || undefined, value: n }));
    items.sort((a, b) => Number(b.value === last) - Number(a.value === last) || Number(withCurl.has(b.value)) - Number(withCurl.has(a.value)));
    ns = await deps.host.pickOne(items, { title: 'Test Connectivity: source namespace', placeHolder: `Namespace of the source pod on ${context}` });
    if (!ns) return undefined;
  }
  const pods = (await client.listPods(ns)).filter(isRunningPod);
  if (pods.length === 0) {
    void deps.host.showMessage('warning', `No running pod in ${ns} on ${context} to test from.`, {});
    return undefined;
  }
  const curlWorkloads = new Set(pods.filter(hasCurlContainer).map(workloadNameOf));
  const lastWorkload = lastSource.get(context)?.namespace === ns ? lastSource.get(context)?.workload : undefined;
  const workloads = [...new Set(pods.map(workloadNameOf))].sort(
    (a, b) => Number(b === lastWorkload) - Number(a === lastWorkload) || Number(curlWorkloads.has(b)) - Number(curlWorkloads.has(a)) || a.localeCompare(b),
  );
  if (workloads.length === 1) return { namespace: ns, workload: workloads[0] };
  const workload = await deps.host.pickOne(
    workloads.map((w) => ({ label: w, description: pods.filter((p) => workloadNameOf(p) === w).map((p) => p.metadata?.name).join(', '), value: w })),
    { title: 'Test Connectivity: source', placeHolder: `Workload in ${ns} to run curl in (on each context, one of its pods)` },
  );
  return workload ? { namespace: ns, workload } : undefined;
}

const ENTER_URL = '\u0000url';

async function pickTarget(deps: VerifyDeps, context: string, sourceNamespace: string): Promise<string | undefined> {
  const services = await deps.kube.client(context).listServices();
  const items: PickItem<string>[] = [];
  for (const s of services) {
    const name = s.metadata?.name ?? '';
    const ns = s.metadata?.namespace ?? '';
    if (ns === 'kube-system' || name === 'kubernetes') continue;
    for (const port of s.spec?.ports ?? []) {
      const value = `${name}.${ns}.svc.cluster.local:${port.port}`;
      items.push({ label: value, description: port.name, value });
    }
  }
  // The target tested last comes first: testing again after a change is the usual next step.
  items.sort((a, b) => Number(b.value === lastTarget) - Number(a.value === lastTarget) || a.label.localeCompare(b.label));
  items.push({ label: 'Enter a URL or host:port…', value: ENTER_URL });
  const picked = await deps.host.pickOne(items, { title: 'Test Connectivity: target', placeHolder: 'A Service with its port, or a URL' });
  if (picked !== ENTER_URL) return picked;
  return deps.host.inputText({
    title: 'Test Connectivity: target',
    prompt: 'A URL or host:port, as curl takes it',
    value: lastTarget,
    validate: (value) => {
      const parsed = parseTarget(value, sourceNamespace);
      return parsed.ok ? undefined : parsed.error;
    },
  });
}

/** Run the request and show it; the panel's Run again runs the same request again (no picks). */
async function runAndShow(deps: VerifyDeps, request: ConnectivityRequest): Promise<ConnectivityResult[]> {
  lastTarget = request.target;
  for (const context of request.contexts) lastSource.set(context, request.source);
  const where = request.contexts.join(', ');
  const results = await deps.host.withProgress(`Test Connectivity: ${request.source.namespace} → ${request.target} on ${where}`, () => runConnectivityTest(deps, request));
  deps.views.showConnectivity(results, () => runAndShow(deps, request));
  return results;
}

/** `ambient.check.connectivity`: from a context/namespace node, the palette, or a ConnectivityRequest. */
export async function testConnectivity(deps: VerifyDeps, arg?: unknown): Promise<ConnectivityResult[] | undefined> {
  try {
    let request: ConnectivityRequest;
    if (isRequest(arg)) {
      request = arg;
    } else {
      const clicked = targetOf(arg);
      const contexts = await pickVerifyContexts(deps, 'Test Connectivity: contexts', clicked ? [clicked.context] : []);
      if (!contexts) return undefined;
      const source = await pickSource(deps, contexts[0], clicked && clicked.kind !== 'context' ? clicked.namespace : undefined);
      if (!source) return undefined;
      const target = await pickTarget(deps, contexts[0], source.namespace);
      if (!target) return undefined;
      request = { contexts, source, target };
    }
    return await runAndShow(deps, request);
  } catch (error) {
    const message = messageOf(error);
    deps.log.error(`Test Connectivity: ${message}`);
    void deps.host.showMessage('error', `Test Connectivity: ${message}`, {});
    return undefined;
  }
}
