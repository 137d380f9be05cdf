// The ambient health checks, evaluated over what was gathered from each context (the commands layer
// does the gathering). Each check says pass / warn / fail, shows its evidence, and names a fix when one
// exists. Pure: no vscode, no Kubernetes client.
import { captureState, namespaceDataplane, sidecarInjectionLabels, type NamespaceFacts, type PodFacts } from './dataplane';
import { Emitter } from './events';
import type { MeshSummary } from './meshSummary';
import type { Disagreement } from './ztunnelConfig';
import type { ZtunnelLogEntry } from '../logs/entry';
import { entryFields } from '../logs/fields';
import { NAMESPACE_COMMANDS } from '../shared/commandIds';

/** `unchecked`: the check could not run (the cluster or the data it needs could not be read); never a verdict. */
export type HealthStatus = 'pass' | 'warn' | 'fail' | 'unchecked';

/** How a status is named to the user (the report, the Mesh node). */
export const STATUS_WORDS: Readonly<Record<HealthStatus, string>> = { pass: 'pass', warn: 'warn', fail: 'fail', unchecked: 'not checked' };

/** The commands a fix may run: the panel runs nothing else, whatever a message asks. */
export type HealthFixCommand = typeof NAMESPACE_COMMANDS.restartWorkloads | typeof NAMESPACE_COMMANDS.enroll;

/** A command that repairs what a check found, on one namespace of one context. */
export interface HealthFix {
  readonly title: string;
  readonly command: HealthFixCommand;
  readonly args: readonly [{ readonly context: string; readonly namespace: string }];
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
  /** When the context could not be read at all: one sentence; then there are no checks and `worst` is `unchecked`. */
  readonly error?: string;
  /** The XDS state of each ztunnel, from its log and (where readable) its admin port. */
  readonly xds?: readonly XdsStatus[];
}

// A check that could not run outranks a pass: a report with an unchecked part never says "pass".
const ORDER: Record<HealthStatus, number> = { pass: 0, unchecked: 1, warn: 2, fail: 3 };

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
  /** What the ztunnel's admin port (15000, `/config_dump`) says, when it could be read. */
  readonly admin?: XdsAdminFacts;
  /** Why the admin port could not be read (forbidden port-forward, timeout). */
  readonly adminError?: string;
}

/** From `/config_dump`: where ztunnel gets its XDS from and how much state it holds from it. */
export interface XdsAdminFacts {
  readonly xdsAddress?: string;
  readonly workloads: number;
  readonly services: number;
}

export interface NamespaceHealthInput {
  readonly facts: NamespaceFacts;
  readonly pods: readonly PodFacts[];
}

/** Everything the per-context checks need; a field left undefined means "could not be read" (its error in `errors`). */
export interface HealthInput {
  readonly context: string;
  /** The cluster could not be reached at all: one sentence, and nothing else is checked. */
  readonly unreachable?: string;
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

/** A check whose data could not be read: not a verdict, one sentence saying why. */
function unreadable(id: HealthCheckId, title: string, error: string | undefined): HealthCheck {
  return check(id, title, 'unchecked', notChecked(error ?? 'the data could not be read'));
}

function notChecked(reason: string): string {
  return `Not checked: ${reason.trim().replace(/\.*$/, '')}.`;
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

/**
 * What a ztunnel log line says about its XDS stream to istiod (istio/ztunnel 1.28.3 `src/xds/client.rs`):
 * info `Stream established` (span `xds{id=N}`, one per connection), info `received response` with
 * `type_url`/`size`/`removes`, warn `XDS client connection error: … retrying in …`, warn `XDS client error: …`,
 * warn `XDS client complete` (the stream ended; a reconnect follows), error `sending response` with
 * `type=Nack` and `error=` (ztunnel rejected what istiod sent).
 */
export type XdsSignal = 'connected' | 'response' | 'error' | 'ended' | 'nack';

export function xdsSignal(entry: ZtunnelLogEntry): XdsSignal | undefined {
  const message = entry.message;
  if (/^XDS client (connection )?error\b/i.test(message)) return 'error';
  const fromXds = entry.scope === undefined || /xds/i.test(entry.scope);
  if (!fromXds) return undefined;
  if (/^Stream established/i.test(message)) return 'connected';
  if (/^received response/i.test(message)) return 'response';
  if (/^XDS client complete/i.test(message)) return 'ended';
  if (/^sending response/i.test(message) && /nack/i.test(String(entryFields(entry)['type'] ?? ''))) return 'nack';
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

/** The latest response of one resource type. */
export interface XdsResponse {
  /** `type.googleapis.com/istio.workload.Address`. */
  readonly typeUrl: string;
  /** The short name users know: `Address`, `Authorization`. */
  readonly type: string;
  readonly time?: string;
  readonly size?: number;
  readonly removes?: number;
}

/** One ztunnel's XDS connection, as its recent log (and admin port) tell it. */
export interface XdsStatus {
  readonly pod: string;
  readonly node?: string;
  /** `unknown`: the log read says nothing about XDS (or could not be read). */
  readonly state: 'connected' | 'disconnected' | 'unknown';
  /** Time of the `Stream established` of the current connection; undefined when it is older than the log read. */
  readonly connectedSince?: string;
  /** The `xds{id=N}` connection number. */
  readonly stream?: number;
  /** Latest response per type, in the order the types first arrived. */
  readonly responses: readonly XdsResponse[];
  /** Connection errors and rejected responses in the log read. */
  readonly errors: number;
  readonly lastError?: { readonly time?: string; readonly text: string };
  /** Responses ztunnel rejected (NACK) on the current connection. */
  readonly nacks: number;
  readonly logError?: string;
  readonly admin?: XdsAdminFacts;
  readonly adminError?: string;
}

function streamId(scope: string | undefined): number | undefined {
  const id = /xds\{id=(\d+)\}/.exec(scope ?? '')?.[1];
  return id === undefined ? undefined : Number(id);
}

function numberField(entry: ZtunnelLogEntry, key: string): number | undefined {
  const value = entryFields(entry)[key];
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return n;
}

/** `type.googleapis.com/istio.workload.Address` → `Address`. */
export function xdsTypeName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1) || typeUrl;
}

/** Reads one ztunnel's log lines (oldest first) into its XDS status. */
export function xdsStatus(input: ZtunnelXdsInput): XdsStatus {
  let state: XdsStatus['state'] = 'unknown';
  let connectedSince: string | undefined;
  let stream: number | undefined;
  let errors = 0;
  let nacks = 0;
  let lastError: XdsStatus['lastError'];
  const responses = new Map<string, XdsResponse>();
  for (const entry of input.entries) {
    const signal = xdsSignal(entry);
    if (!signal) continue;
    switch (signal) {
      case 'connected':
        state = 'connected';
        connectedSince = entry.time;
        stream = streamId(entry.scope) ?? stream;
        nacks = 0;
        break;
      case 'response': {
        // A response proves a live stream even when its `Stream established` is older than the log read.
        if (state !== 'connected') {
          state = 'connected';
          connectedSince = undefined;
        }
        stream = streamId(entry.scope) ?? stream;
        const typeUrl = String(entryFields(entry)['type_url'] ?? '');
        if (typeUrl) responses.set(typeUrl, { typeUrl, type: xdsTypeName(typeUrl), time: entry.time, size: numberField(entry, 'size'), removes: numberField(entry, 'removes') });
        break;
      }
      case 'nack':
        nacks++;
        errors++;
        lastError = { time: entry.time, text: describeEntry(entry) };
        break;
      case 'error':
        errors++;
        lastError = { time: entry.time, text: describeEntry(entry) };
        state = 'disconnected';
        connectedSince = undefined;
        break;
      case 'ended':
        state = 'disconnected';
        connectedSince = undefined;
        break;
    }
  }
  return {
    pod: input.pod,
    node: input.node,
    state: input.error ? 'unknown' : state,
    connectedSince,
    stream,
    responses: [...responses.values()],
    errors,
    lastError,
    nacks,
    logError: input.error,
    admin: input.admin,
    adminError: input.adminError,
  };
}

function describeEntry(entry: ZtunnelLogEntry): string {
  const error = entryFields(entry)['error'];
  const tail = typeof error === 'string' && !entry.message.includes(error) ? ` error="${error}"` : '';
  return `${entry.level ?? ''} ${entry.message}${tail}`.trim();
}

/** `2026-11-22T03:00:00.100000Z` → `2026-11-22 03:00:00 UTC`; other text as written. */
export function shortTime(time: string | undefined): string {
  if (!time) return '?';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(time);
  return m ? `${m[1]} ${m[2]} UTC` : time;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * What one ztunnel's XDS status says, in three short lines: where and whether it is connected (since when,
 * which stream); the last response of each type; the errors and what its admin port holds.
 */
export function describeXdsLines(status: XdsStatus): string[] {
  const where = `${status.pod}${status.node ? ` (${status.node})` : ''}`;
  if (status.logError) return [`${where}: log not readable: ${status.logError}`];
  let head: string;
  if (status.state === 'connected') {
    head = status.connectedSince ? `connected since ${shortTime(status.connectedSince)}` : 'connected (since before the log read)';
    if (status.stream !== undefined) head += ` (stream ${status.stream})`;
  } else if (status.state === 'disconnected') {
    head = 'not connected';
  } else {
    head = 'no XDS message in the recent log';
  }
  const lines = [`${where}: ${head}`];
  if (status.responses.length > 0) lines.push(`last ${status.responses.map((r) => `${r.type} ${shortTime(r.time)}${r.size !== undefined ? ` (${r.size})` : ''}`).join(', ')}`);
  const tail: string[] = [status.errors === 0 ? 'no errors' : `${status.errors} error(s), last ${shortTime(status.lastError?.time)}: ${clip(status.lastError?.text ?? '', 160)}`];
  if (status.nacks > 0) tail.push(`${status.nacks} response(s) rejected`);
  if (status.admin) tail.push(`admin :15000: ${status.admin.workloads} workloads, ${status.admin.services} services${status.admin.xdsAddress ? ` from ${status.admin.xdsAddress}` : ''}`);
  else if (status.adminError) tail.push(`admin :15000 not read: ${status.adminError}`);
  lines.push(tail.join(' · '));
  return lines;
}

/** The same on one line (evidence, the Mesh node's tooltip, the log). */
export function describeXds(status: XdsStatus): string {
  return describeXdsLines(status).join(' · ');
}

export function xdsCheck(input: HealthInput): HealthCheck {
  const title = 'ztunnel connected to istiod (XDS)';
  if (!input.xds) return unreadable('xds', title, input.errors?.xds);
  if (input.xds.length === 0) return check('xds', title, 'fail', 'There is no ztunnel pod whose log could be read.');
  const statuses = input.xds.map(xdsStatus);
  const evidence = statuses.map(describeXds);
  const total = statuses.length;
  const down = statuses.filter((s) => s.state === 'disconnected').length;
  const unknown = statuses.filter((s) => s.state === 'unknown').length;
  const rejecting = statuses.filter((s) => s.state === 'connected' && s.nacks > 0).length;
  if (down > 0) {
    return check('xds', title, 'fail', `${down} of ${total} ztunnel pod(s) cannot reach istiod over XDS: new workloads and certificates do not reach them.`, evidence);
  }
  if (rejecting > 0) return check('xds', title, 'warn', `${rejecting} of ${total} ztunnel pod(s) rejected configuration from istiod.`, evidence);
  if (unknown === total) return check('xds', title, 'unchecked', notChecked(`no ztunnel log says anything about XDS (${statuses[0].logError ?? 'nothing in the recent log'})`), evidence);
  if (unknown > 0) return check('xds', title, 'warn', `${unknown} of ${total} ztunnel pod(s) logged nothing about XDS recently.`, evidence);
  return check('xds', title, 'pass', `Every ztunnel (${total}) is connected to istiod and receives configuration.`, evidence);
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
      fixes.push({ title: `Restart Workloads in ${name}`, command: NAMESPACE_COMMANDS.restartWorkloads, args: [{ context: input.context, namespace: name }] });
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
      const injection = sidecarInjectionLabels(ns.facts.labels).map((l) => `${l.key}=${l.value}`).join(', ');
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
 * The expected namespaces enrolled on every selected context, judged over the whole set so every report
 * says the same: a namespace that is ambient on one context but missing or not ambient on another fails
 * every report (the set differs), each context's report offering Enroll for its own namespaces; a namespace
 * absent everywhere is ignored. A context whose namespaces could not be read is named as not checked.
 */
export function consistencyCheck(
  contexts: readonly { readonly context: string; readonly namespaces?: readonly NamespaceFacts[]; readonly unreadable?: string }[],
  expected: readonly string[] = [],
): Map<string, HealthCheck> {
  const title = 'namespaces enrolled on every context';
  const result = new Map<string, HealthCheck>();
  const known = contexts.filter((c) => c.namespaces !== undefined);
  const unknown = contexts.filter((c) => c.namespaces === undefined);
  type State = 'ambient' | 'not-enrolled' | 'missing';
  const stateOn = (c: (typeof contexts)[number], name: string): State => {
    const found = c.namespaces?.find((ns) => ns.name === name);
    return !found ? 'missing' : namespaceDataplane(found.labels).ambient ? 'ambient' : 'not-enrolled';
  };
  // The set's verdict, once: which namespaces differ, and where.
  const evidence: string[] = [];
  const problems: string[] = [];
  const relevant: string[] = [];
  const notEnrolledOn = new Map<string, string[]>();
  // The expected namespaces, and every namespace that is ambient on any selected context: enrolled on one
  // cluster, it is meant to be enrolled on all of them.
  const names = [...new Set([...expected, ...known.flatMap((c) => (c.namespaces ?? []).filter((n) => namespaceDataplane(n.labels).ambient).map((n) => n.name))])];
  for (const name of names) {
    const states = known.map((c) => ({ context: c.context, state: stateOn(c, name) }));
    if (states.every((s) => s.state === 'missing')) {
      evidence.push(`${name}: does not exist on any selected context`);
      continue;
    }
    relevant.push(name);
    const by = (state: State) => states.filter((s) => s.state === state).map((s) => s.context);
    const ambient = by('ambient');
    const notEnrolled = by('not-enrolled');
    const missing = by('missing');
    const parts = [ambient.length > 0 && `ambient on ${ambient.join(', ')}`, notEnrolled.length > 0 && `not enrolled on ${notEnrolled.join(', ')}`, missing.length > 0 && `missing on ${missing.join(', ')}`].filter(Boolean);
    evidence.push(`${name}: ${parts.join('; ')}`);
    if (notEnrolled.length > 0) problems.push(`${name} is not enrolled on ${notEnrolled.join(', ')}`);
    if (missing.length > 0) problems.push(`${name} is missing on ${missing.join(', ')}`);
    for (const c of notEnrolled) notEnrolledOn.set(c, [...(notEnrolledOn.get(c) ?? []), name]);
  }
  for (const c of unknown) evidence.push(`${c.context}: not checked: ${(c.unreadable ?? 'the namespaces could not be read').replace(/\.*$/, '')}`);
  let status: HealthStatus;
  let summary: string;
  if (problems.length > 0) {
    status = 'fail';
    summary = `The selected contexts differ: ${problems.join('; ')}.`;
  } else if (unknown.length > 0) {
    status = 'unchecked';
    summary = notChecked(`${unknown.map((c) => c.context).join(', ')} could not be read`);
  } else if (relevant.length === 0) {
    status = 'pass';
    summary = expected.length === 0 ? 'No namespace is ambient on the selected contexts, and none is expected (ambient.health.expectedNamespaces).' : 'None of the expected namespaces exists on the selected contexts.';
  } else {
    status = 'pass';
    summary = `${relevant.join(', ')} ${relevant.length === 1 ? 'is' : 'are'} enrolled on ${known.length === 1 ? known[0].context : `all ${known.length} selected contexts`}.`;
  }
  for (const current of contexts) {
    if (current.namespaces === undefined) {
      result.set(current.context, check('consistency', title, 'unchecked', notChecked(current.unreadable ?? 'the namespaces could not be read')));
      continue;
    }
    // The fixes of a context act on that context only: each button appears once, in the report it changes.
    const fixes: HealthFix[] = (notEnrolledOn.get(current.context) ?? []).map((name) => ({
      title: `Enroll ${name}`,
      command: NAMESPACE_COMMANDS.enroll,
      args: [{ context: current.context, namespace: name }],
    }));
    result.set(current.context, check('consistency', title, status, summary, evidence, fixes));
  }
  return result;
}

/** The reports of all selected contexts: the per-context checks plus the multi-cluster one. */
export function evaluateHealth(inputs: readonly HealthInput[], expected: readonly string[] = []): HealthReport[] {
  const consistency = consistencyCheck(
    inputs.map((i) => ({ context: i.context, namespaces: i.unreachable ? undefined : i.namespaces?.map((n) => n.facts), unreadable: i.unreachable ?? i.errors?.namespaces })),
    expected,
  );
  return inputs.map((input): HealthReport => {
    // An unreachable cluster is one sentence, not the same error under every check.
    if (input.unreachable) return { context: input.context, checks: [], worst: 'unchecked', error: notChecked(input.unreachable) };
    const checks = [...evaluateContext(input)];
    const multi = consistency.get(input.context);
    if (multi) checks.push(multi);
    return { context: input.context, checks, worst: worstOf(checks.map((c) => c.status)), xds: input.xds?.map(xdsStatus) };
  });
}

const FIX_COMMANDS: ReadonlySet<string> = new Set([NAMESPACE_COMMANDS.restartWorkloads, NAMESPACE_COMMANDS.enroll]);

/**
 * The fix at `report`/`check`/`fix` of the reports on screen, or undefined when the address is not
 * one (not integers, out of range) or the fix is not one a report offers. Webview messages are untrusted.
 */
export function fixAt(reports: readonly HealthReport[], address: { readonly report: unknown; readonly check: unknown; readonly fix: unknown }): HealthFix | undefined {
  const index = (value: unknown, length: number) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length ? value : undefined);
  const r = index(address.report, reports.length);
  const report = r === undefined ? undefined : reports[r];
  const c = report && index(address.check, report.checks.length);
  const check = report && c !== undefined ? report.checks[c] : undefined;
  const f = check && index(address.fix, check.fixes.length);
  const fix = check && f !== undefined ? check.fixes[f] : undefined;
  return fix && FIX_COMMANDS.has(fix.command) ? fix : undefined;
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
