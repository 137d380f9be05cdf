// What the three verify commands (Show Workload Identities, Test Connectivity…, Check Ambient Health)
// need from outside, as small interfaces, plus the reading they share: ztunnel pods, their config dumps
// (port-forward to 15000 through the API server) and their logs. No `vscode` here: unit tests drive the
// handlers with a fake cluster, extension-host tests with the real kube layer.
import type { ClusterClient, KubeClients, V1Pod } from '../kube/types';
import { httpGetViaPortForward } from '../kube/portForward';
import type { ConnectivityResult } from '../mesh/connectivity';
import { podFacts } from '../mesh/dataplane';
import type { HealthReport, HealthResults } from '../mesh/health';
import { ISTIO_NAMESPACE, ZTUNNEL_CONTAINER, ZTUNNEL_SELECTOR } from '../mesh/meshSummary';
import { messageOf } from '../mesh/problems';
import { reasonOf } from '../kube/errors';
import { parseConfigDump, type ZtunnelDumpResult } from '../mesh/ztunnelConfig';
import type { ZtunnelLogEntry } from '../logs/entry';
import { parseZtunnelLine } from '../logs/parser';
import { runBatch } from './batch';
import type { CommandHost } from './host';
import { targetOf } from './target';
import type { IdentitiesModel } from '../shared/verifyProtocol';

export const ZTUNNEL_ADMIN_PORT = 15000;

export interface VerifyLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Reveal the log ("Show Log" on a failed command). */
  show?(preserveFocus?: boolean): void;
}

/** Where results are shown: webview panels in the editor, a recorder in tests. */
export interface VerifyViews {
  /** `rerun` is what the panel's Refresh does: read the same source again. */
  showIdentities(model: IdentitiesModel, rerun: () => Promise<unknown>): void;
  /** `rerun` is the panel's Run again: the same request, shown in the same panel. */
  showConnectivity(results: readonly ConnectivityResult[], rerun: () => Promise<unknown>): void;
  showHealth(reports: readonly HealthReport[], rerun: () => Promise<unknown>): void;
}

export interface VerifyHost extends CommandHost {
  /** A free-text input (the target URL); undefined when cancelled. */
  inputText(options: { title: string; prompt: string; value?: string; validate?: (value: string) => string | undefined }): Promise<string | undefined>;
}

export interface VerifyDeps {
  readonly kube: Pick<KubeClients, 'state' | 'client'>;
  readonly host: VerifyHost;
  readonly log: VerifyLog;
  readonly views: VerifyViews;
  /** Where the latest health of each context is kept for the tree's Mesh node. */
  readonly health?: HealthResults;
  /** Namespaces the health check expects enrolled on every context (read fresh; default none). */
  readonly expectedNamespaces?: () => readonly string[];
  /** How long to look for the access-log entry of a tested connection (default 5 s). */
  readonly accessLogWaitMs?: number;
  /** How often the ztunnel logs are re-read while waiting (default 500 ms). */
  readonly accessLogPollMs?: number;
}

export interface ZtunnelPod {
  readonly name: string;
  readonly node?: string;
  readonly ready: boolean;
  readonly phase?: string;
}

export async function listZtunnelPods(client: ClusterClient): Promise<ZtunnelPod[]> {
  const pods = await client.listPods(ISTIO_NAMESPACE, { labelSelector: ZTUNNEL_SELECTOR });
  return pods.map(toPodHealth).sort((a, b) => a.name.localeCompare(b.name));
}

export function toPodHealth(pod: V1Pod): ZtunnelPod {
  const facts = podFacts(pod);
  return { name: facts.name, node: facts.nodeName, ready: facts.ready, phase: facts.phase };
}

/** Port-forwards (or log reads) to ztunnel pods at once: one per node, and clusters have hundreds of nodes. */
export const ZTUNNEL_CONCURRENCY = 8;

/** `operation` over `items` with at most `limit` in flight, results in the items' order (operations never throw). */
export async function mapLimited<T, R>(items: readonly T[], limit: number, operation: (item: T) => Promise<R>): Promise<R[]> {
  const report = await runBatch(items, (item) => operation(item), { concurrency: limit });
  return report.outcomes.map((o) => {
    if (o.status !== 'succeeded') throw o.status === 'failed' ? o.error : new Error('not started');
    return o.value;
  });
}

/** Every ztunnel's `/config_dump`, a few at a time; a failure is kept per pod, never thrown. */
export async function readConfigDumps(client: ClusterClient, ztunnels: readonly ZtunnelPod[], now = new Date()): Promise<ZtunnelDumpResult[]> {
  return mapLimited(
    ztunnels,
    ZTUNNEL_CONCURRENCY,
    async (z): Promise<ZtunnelDumpResult> => {
      try {
        const text = await httpGetViaPortForward(client, ISTIO_NAMESPACE, z.name, ZTUNNEL_ADMIN_PORT, '/config_dump', { timeoutMs: 15_000 });
        try {
          return { ztunnelPod: z.name, node: z.node, dump: parseConfigDump(text, { now, ztunnelPod: z.name }) };
        } catch (error) {
          return { ztunnelPod: z.name, node: z.node, error: `${z.name}: /config_dump: ${messageOf(error)}` };
        }
      } catch (error) {
        return { ztunnelPod: z.name, node: z.node, error: messageOf(error), reason: reasonOf(error) };
      }
    },
  );
}

/** Lines of a container's log, read once (not followed). */
export function readLog(
  client: ClusterClient,
  namespace: string,
  pod: string,
  container: string,
  options: { sinceTime?: string; tailLines?: number },
  timeoutMs = 10_000,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(lines);
    };
    const handle = client.followLogs(namespace, pod, container, { follow: false, ...options }, { onLine: (line) => lines.push(line), onEnd: finish });
    // A non-follow read ends by itself; the timer only guards against a stream that never ends.
    const timer = setTimeout(() => {
      handle.stop();
      finish();
    }, timeoutMs);
  });
}

/** A ztunnel's log lines parsed into entries (the log viewer's parser: one parser in the project). */
export async function readZtunnelEntries(client: ClusterClient, pod: string, options: { sinceTime?: string; tailLines?: number }): Promise<ZtunnelLogEntry[]> {
  const lines = await readLog(client, ISTIO_NAMESPACE, pod, ZTUNNEL_CONTAINER, options);
  return lines.map(parseZtunnelLine);
}

/** Contexts for a command: the node's, given ones, or picked (several when the kubeconfig has several). */
export async function pickVerifyContexts(deps: VerifyDeps, title: string, preselected: readonly string[]): Promise<string[] | undefined> {
  const state = deps.kube.state();
  if (state.contexts.length === 0) {
    void deps.host.showMessage('error', state.problem?.message ?? 'No kube contexts found in the kubeconfig.', {});
    return undefined;
  }
  if (state.contexts.length === 1) return [state.contexts[0].name];
  const picked = await deps.host.pickMany(
    state.contexts.map((c) => ({
      label: c.name,
      description: `${c.cluster}${c.isCurrent ? ' (current)' : ''}`,
      picked: preselected.length > 0 ? preselected.includes(c.name) : c.isCurrent,
      value: c.name,
    })),
    { title, placeHolder: 'Contexts (clusters) to run on' },
  );
  return picked && picked.length > 0 ? picked : undefined;
}

/** The context a verify command was invoked under (a row of it, a plain ref, a name): the one decoder in target.ts. */
export function contextOfArg(value: unknown): string | undefined {
  return targetOf(value)?.context;
}
