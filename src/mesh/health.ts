// The ambient health checks, evaluated over what was gathered from each context (the commands layer
// does the gathering). Each check says pass / warn / fail, shows its evidence, and names a fix when one
// exists. Pure: no vscode, no Kubernetes client.
import { captureState, namespaceDataplane, type NamespaceFacts, type PodFacts } from './dataplane';
import { Emitter } from './events';
import type { MeshSummary } from './meshSummary';
import type { Disagreement } from './ztunnelConfig';
import type { ZtunnelLogEntry } from '../logs/entry';
import { entryFields } from '../logs/fields';

export type HealthStatus = 'pass' | 'warn' | 'fail';

/** A command that repairs what a check found; `args` are passed to the command as given. */
export interface HealthFix {
  readonly title: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

export type HealthCheckId = 'istiod' | 'ztunnel' | 'cni' | 'xds' | 'capture' | 'conflicts' | 'consistency';

export interface HealthCheck {
  readonly id: HealthCheckId;
  /** What is checked, e.g. `istiod ready`. */
  readonly title: string;
  readonly status: HealthStatus;
  /** One sentence: the verdict. */
  readonly summary: string;
  /** The facts behind it, one line each (counts, pods, log lines). */
  readonly evidence: readonly string[];
  readonly fixes: readonly HealthFix[];
}

export interface HealthReport {
  readonly context: string;
  readonly checks: readonly HealthCheck[];
  readonly worst: HealthStatus;
  /** When the context could not be read at all. */
  readonly error?: string;
}

/** The command of the commands engineer that restarts a namespace's workloads; takes `{ context, namespace }`. */
export const RESTART_WORKLOADS_COMMAND = 'ambient.namespace.restartWorkloads';
/** Enroll a namespace in ambient; takes `{ context, namespace }`. */
export const ENROLL_NAMESPACE_COMMAND = 'ambient.namespace.enroll';

/** The namespaces the labs enroll on every cluster (the seeds' `finance`, `accounts`, `prometheus`). */
export const DEFAULT_EXPECTED_NAMESPACES: readonly string[] = ['finance', 'accounts', 'prometheus'];

const ORDER: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

export function worstOf(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'pass';
  for (const status of statuses) if (ORDER[status] > ORDER[worst]) worst = status;
  return worst;
}

export interface PodHealth {
  readonly name: string;
  readonly node?: string;
  readonly ready: boolean;
  readonly phase?: string;
}

export interface NodeHealth {
  readonly name: string;
  /** `spec.unschedulable`: a cordoned node gets no new DaemonSet pods, but keeps the ones it has. */
  readonly schedulable: boolean;
}

/** The log lines read from one ztunnel pod, or why they could not be read. */
export interface ZtunnelXdsInput {
  readonly pod: string;
  readonly node?: string;
  readonly entries: readonly ZtunnelLogEntry[];
  readonly error?: string;
}

export interface NamespaceHealthInput {
  readonly facts: NamespaceFacts;
  readonly pods: readonly PodFacts[];
}

/** Everything the per-context checks need; a field left undefined means "could not be read" (its error in `errors`). */
export interface HealthInput {
  readonly context: string;
  readonly summary?: MeshSummary;
  readonly nodes?: readonly NodeHealth[];
  readonly ztunnelPods?: readonly PodHealth[];
  readonly cniPods?: readonly PodHealth[];
  readonly xds?: readonly ZtunnelXdsInput[];
  readonly namespaces?: readonly NamespaceHealthInput[];
  /** From ztunnel's config dump, when it could be read: stale captures are only visible there. */
  readonly disagreements?: readonly Disagreement[];
  /** What could not be read, keyed by what it was for (`istiod`, `ztunnel`, `namespaces`, `xds`...). */
  readonly errors?: Readonly<Record<string, string>>;
}

function check(id: HealthCheckId, title: string, status: HealthStatus, summary: string, evidence: string[] = [], fixes: HealthFix[] = []): HealthCheck {
  return { id, title, status, summary, evidence, fixes };
}

function unreadable(id: HealthCheckId, title: string, error: string | undefined): HealthCheck {
  return check(id, title, 'warn', `Could not check: ${error ?? 'the data could not be read'}.`.replace(/\.\.$/, '.'));
}

export function istiodCheck(input: HealthInput): HealthCheck {
  const title = 'istiod ready';
  if (!input.summary) return unreadable('istiod', title, input.errors?.istiod);
  const istiod = input.summary.istiod;
  if (istiod.length === 0) return check('istiod', title, 'fail', 'No istiod Deployment in istio-system: Istio is not installed here.');
  const evidence = istiod.map((i) => `${i.name}${i.revision ? ` (rev ${i.revision})` : ''}${i.version ? ` ${i.version}` : ''}: ${i.ready}/${i.desired} ready`);
  if (istiod.every((i) => i.ready === 0)) return check('istiod', title, 'fail', 'istiod has no ready replica: workloads get no configuration or certificates.', evidence);
  if (istiod.some((i) => i.ready < i.desired)) return check('istiod', title, 'warn', 'Some istiod replicas are not ready.', evidence);
  return check('istiod', title, 'pass', 'istiod is ready.', evidence);
}

/** A DaemonSet that must run a ready pod on every node (ztunnel, istio-cni). */
function daemonSetCheck(
  id: 'ztunnel' | 'cni',
  title: string,
  what: string,
  count: { ready: number; desired: number } | undefined,
  pods: readonly PodHealth[] | undefined,
  nodes: readonly NodeHealth[] | undefined,
  error: string | undefined,
): HealthCheck {
  if (!count && error) return unreadable(id, title, error);
  if (!count) return check(id, title, 'fail', `No ${what} DaemonSet in istio-system: ambient mode is not installed.`);
  const evidence = [`DaemonSet ${what}: ${count.ready}/${count.desired} ready`];
  const problems: string[] = [];
  for (const pod of pods ?? []) {
    if (!pod.ready) problems.push(`${pod.name}${pod.node ? ` on ${pod.node}` : ''} is not ready${pod.phase && pod.phase !== 'Running' ? ` (${pod.phase})` : ''}`);
  }
  if (pods && nodes) {
    const covered = new Set(pods.map((p) => p.node));
    for (const node of nodes) {
      if (node.schedulable && !covered.has(node.name)) problems.push(`no ${what} pod on node ${node.name}`);
    }
  }
  evidence.push(...problems);
  if (count.ready < count.desired || problems.length > 0) {
    const summary =
      count.ready === 0
        ? `No ${what} pod is ready: ambient traffic is broken on every node.`
        : `${what} is not ready on every node: pods on ${problems.length === 1 ? 'that node' : 'those nodes'} lose ambient traffic.`;
    return check(id, title, 'fail', summary, evidence);
  }
  return check(id, title, 'pass', `${what} is ready on every node (${count.ready}/${count.desired}).`, evidence);
}

export function ztunnelCheck(input: HealthInput): HealthCheck {
  return daemonSetCheck('ztunnel', 'ztunnel ready on every node', 'ztunnel', input.summary?.ztunnel, input.ztunnelPods, input.nodes, input.errors?.ztunnel ?? input.errors?.istiod);
}

export function cniCheck(input: HealthInput): HealthCheck {
  return daemonSetCheck('cni', 'istio-cni ready', 'istio-cni-node', input.summary?.cni, input.cniPods, input.nodes, input.errors?.cni ?? input.errors?.istiod);
}

/** What a ztunnel log line says about its XDS connection to istiod, if anything. */
export type XdsSignal = 'connected' | 'error';

export function xdsSignal(entry: ZtunnelLogEntry): XdsSignal | undefined {
  const message = entry.message;
  if (/XDS client connection error/i.test(message)) return 'error';
  const fromXds = entry.scope === undefined || /xds/i.test(entry.scope);
  if (fromXds && (/^Stream established/i.test(message) || /^received response/i.test(message))) return 'connected';
  return undefined;
}

/** The last XDS signal of one ztunnel's log, with the line that gave it. */
export function lastXdsSignal(entries: readonly ZtunnelLogEntry[]): { signal: XdsSignal; entry: ZtunnelLogEntry } | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const signal = xdsSignal(entries[i]);
    if (signal) return { signal, entry: entries[i] };
  }
  return undefined;
}

function describeEntry(entry: ZtunnelLogEntry): string {
  const error = entryFields(entry)['error'];
  const tail = typeof error === 'string' && !entry.message.includes(error) ? ` error="${error}"` : '';
  return `${entry.time ?? ''} ${entry.level ?? ''} ${entry.message}${tail}`.trim();
}

export function xdsCheck(input: HealthInput): HealthCheck {
  const title = 'ztunnel connected to istiod (XDS)';
  if (!input.xds) return unreadable('xds', title, input.errors?.xds);
  if (input.xds.length === 0) return check('xds', title, 'fail', 'There is no ztunnel pod whose log could be read.');
  const evidence: string[] = [];
  let failed = 0;
  let unknown = 0;
  for (const pod of input.xds) {
    const where = `${pod.pod}${pod.node ? ` (${pod.node})` : ''}`;
    if (pod.error) {
      unknown++;
      evidence.push(`${where}: log not readable: ${pod.error}`);
      continue;
    }
    const last = lastXdsSignal(pod.entries);
    if (!last) {
      unknown++;
      evidence.push(`${where}: no XDS message in the recent log`);
    } else if (last.signal === 'error') {
      failed++;
      evidence.push(`${where}: ${describeEntry(last.entry)}`);
    } else {
      evidence.push(`${where}: ${describeEntry(last.entry)}`);
    }
  }
  if (failed > 0) {
    return check('xds', title, 'fail', `${failed} of ${input.xds.length} ztunnel pod(s) cannot reach istiod over XDS: new workloads and certificates do not reach them.`, evidence);
  }
  if (unknown > 0) return check('xds', title, 'warn', `${unknown} of ${input.xds.length} ztunnel pod(s) logged nothing about XDS recently.`, evidence);
  return check('xds', title, 'pass', 'Every ztunnel receives configuration from istiod.', evidence);
}

export function captureCheck(input: HealthInput): HealthCheck {
  const title = 'ambient pods captured';
  if (!input.namespaces) return unreadable('capture', title, input.errors?.namespaces);
  const evidence: string[] = [];
  const fixes: HealthFix[] = [];
  let failing = false;
  let pendingOnly = false;
  const stale = new Map<string, Disagreement[]>();
  for (const d of input.disagreements ?? []) {
    if ((d.kind === 'stale-capture' || d.kind === 'missing-workload') && d.namespace) {
      stale.set(d.namespace, [...(stale.get(d.namespace) ?? []), d]);
    }
  }
  let ambientNamespaces = 0;
  for (const ns of input.namespaces) {
    const dataplane = namespaceDataplane(ns.facts.labels);
    const notCaptured: string[] = [];
    const pending: string[] = [];
    for (const pod of ns.pods) {
      // A pod still starting has no capture decision yet; only running pods can be "not captured".
      if (pod.phase !== undefined && pod.phase !== 'Running') continue;
      const state = captureState(pod, dataplane.ambient);
      if (state === 'notCaptured') notCaptured.push(pod.name);
      else if (state === 'pending') pending.push(pod.name);
    }
    const staleHere = stale.get(ns.facts.name) ?? [];
    if (dataplane.ambient) ambientNamespaces++;
    if (notCaptured.length === 0 && pending.length === 0 && staleHere.length === 0) continue;
    const name = ns.facts.name;
    if (notCaptured.length > 0) evidence.push(`${name}: ${notCaptured.length} pod(s) not captured: ${list(notCaptured)}`);
    if (pending.length > 0) evidence.push(`${name}: ${pending.length} pod(s) pending (traffic blocked until a ztunnel accepts them): ${list(pending)}`);
    for (const d of staleHere) evidence.push(d.message);
    if (notCaptured.length > 0 || staleHere.length > 0) {
      failing = true;
      fixes.push({ title: `Restart Workloads in ${name}`, command: RESTART_WORKLOADS_COMMAND, args: [{ context: input.context, namespace: name }] });
    } else {
      pendingOnly = true;
    }
  }
  if (failing) return check('capture', title, 'fail', 'Some pods of ambient namespaces are not captured: their traffic bypasses ztunnel (no mTLS).', evidence, fixes);
  if (pendingOnly) return check('capture', title, 'warn', 'Some pods are waiting for a ztunnel to accept them.', evidence, fixes);
  return check('capture', title, 'pass', ambientNamespaces === 0 ? 'No namespace is enrolled in ambient.' : `Every pod of the ${ambientNamespaces} ambient namespace(s) is captured.`, evidence);
}

function list(names: readonly string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function conflictCheck(input: HealthInput): HealthCheck {
  const title = 'no sidecar/ambient conflicts';
  if (!input.namespaces) return unreadable('conflicts', title, input.errors?.namespaces);
  const evidence: string[] = [];
  let conflicts = 0;
  let sidecarPods = 0;
  for (const ns of input.namespaces) {
    const dataplane = namespaceDataplane(ns.facts.labels);
    if (dataplane.mode === 'conflict') {
      conflicts++;
      const injection = ns.facts.labels['istio-injection'] !== undefined ? `istio-injection=${ns.facts.labels['istio-injection']}` : `istio.io/rev=${dataplane.revision}`;
      evidence.push(`${ns.facts.name}: labelled istio.io/dataplane-mode=ambient and ${injection}: new pods get sidecars, not ambient`);
    } else if (dataplane.ambient) {
      const withSidecar = ns.pods.filter((p) => p.hasSidecar && p.phase !== 'Succeeded' && p.phase !== 'Failed').map((p) => p.name);
      if (withSidecar.length > 0) {
        sidecarPods += withSidecar.length;
        evidence.push(`${ns.facts.name}: ${withSidecar.length} pod(s) still run a sidecar in an ambient namespace: ${list(withSidecar)}`);
      }
    }
  }
  if (conflicts > 0) return check('conflicts', title, 'fail', `${conflicts} namespace(s) are labelled for both sidecar injection and ambient; sidecar injection wins.`, evidence);
  if (sidecarPods > 0) return check('conflicts', title, 'warn', 'Pods with sidecars remain in ambient namespaces: restart them to drop the sidecar.', evidence);
  return check('conflicts', title, 'pass', 'No namespace is labelled for both sidecar and ambient.', evidence);
}

/** The checks of one context (without the multi-cluster one). */
export function evaluateContext(input: HealthInput): HealthCheck[] {
  return [istiodCheck(input), ztunnelCheck(input), cniCheck(input), xdsCheck(input), captureCheck(input), conflictCheck(input)];
}

/**
 * The expected namespaces (the seeds' `finance`, `accounts`, `prometheus`) enrolled on every selected
 * context. A namespace that exists but is not ambient fails (fix: Enroll); one that is missing here but
 * ambient elsewhere only warns, since it cannot be enrolled from here; one absent everywhere is ignored.
 */
export function consistencyCheck(
  contexts: readonly { readonly context: string; readonly namespaces?: readonly NamespaceFacts[] }[],
  expected: readonly string[] = DEFAULT_EXPECTED_NAMESPACES,
): Map<string, HealthCheck> {
  const title = 'namespaces enrolled on every context';
  const result = new Map<string, HealthCheck>();
  const known = contexts.filter((c) => c.namespaces !== undefined);
  const ambientOn = (c: (typeof contexts)[number], name: string) => c.namespaces?.some((ns) => ns.name === name && namespaceDataplane(ns.labels).ambient) ?? false;
  const existsOn = (c: (typeof contexts)[number], name: string) => c.namespaces?.some((ns) => ns.name === name) ?? false;
  for (const current of contexts) {
    if (!current.namespaces) {
      result.set(current.context, check('consistency', title, 'warn', 'Could not check: the namespaces could not be read.'));
      continue;
    }
    const evidence: string[] = [];
    const fixes: HealthFix[] = [];
    const notEnrolled: string[] = [];
    const missing: string[] = [];
    for (const name of expected) {
      const elsewhere = known.filter((c) => c !== current && ambientOn(c, name)).map((c) => c.context);
      const others = elsewhere.length > 0 ? ` (ambient on ${elsewhere.join(', ')})` : '';
      if (ambientOn(current, name)) {
        evidence.push(`${name}: ambient`);
      } else if (existsOn(current, name)) {
        notEnrolled.push(name);
        evidence.push(`${name}: not enrolled${others}`);
        fixes.push({ title: `Enroll ${name}`, command: ENROLL_NAMESPACE_COMMAND, args: [{ context: current.context, namespace: name }] });
      } else if (elsewhere.length > 0) {
        missing.push(name);
        evidence.push(`${name}: does not exist here${others}`);
      } else {
        evidence.push(`${name}: does not exist`);
      }
    }
    let consistency: HealthCheck;
    if (notEnrolled.length > 0) {
      consistency = check('consistency', title, 'fail', `${notEnrolled.join(', ')} ${notEnrolled.length === 1 ? 'is' : 'are'} not enrolled in ambient here: traffic to ${notEnrolled.length === 1 ? 'it' : 'them'} is not mTLS.`, evidence, fixes);
    } else if (missing.length > 0) {
      consistency = check('consistency', title, 'warn', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} ambient on other contexts but missing here.`, evidence);
    } else {
      const enrolled = expected.filter((n) => ambientOn(current, n));
      const alike = known.length > 1 && enrolled.every((n) => known.every((c) => ambientOn(c, n)));
      const summary = enrolled.length === 0 ? 'None of the expected namespaces exists here.' : `${enrolled.join(', ')} enrolled here${alike ? ` and on all ${known.length} selected contexts` : ''}.`;
      consistency = check('consistency', title, 'pass', summary, evidence);
    }
    result.set(current.context, consistency);
  }
  return result;
}

/** The reports of all selected contexts: the per-context checks plus the multi-cluster one. */
export function evaluateHealth(inputs: readonly HealthInput[], expected: readonly string[] = DEFAULT_EXPECTED_NAMESPACES): HealthReport[] {
  const consistency = consistencyCheck(
    inputs.map((i) => ({ context: i.context, namespaces: i.namespaces?.map((n) => n.facts) })),
    expected,
  );
  return inputs.map((input) => {
    const checks = [...evaluateContext(input)];
    const multi = consistency.get(input.context);
    if (multi) checks.push(multi);
    return { context: input.context, checks, worst: worstOf(checks.map((c) => c.status)) };
  });
}

/**
 * The latest health report of each context, for the tree: the Mesh node shows `worst(context)` and
 * refreshes on `onDidChange` (the context whose report changed).
 */
export class HealthResults {
  private readonly reports = new Map<string, HealthReport>();
  private readonly changed = new Emitter<string>();
  readonly onDidChange = this.changed.event;

  set(report: HealthReport): void {
    this.reports.set(report.context, report);
    this.changed.fire(report.context);
  }

  get(context: string): HealthReport | undefined {
    return this.reports.get(context);
  }

  /** The worst result of the context's last check, undefined when it was never checked. */
  worst(context: string): HealthStatus | undefined {
    return this.reports.get(context)?.worst;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
