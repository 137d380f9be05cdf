// The agent tools' behaviour, shared by the VS Code language-model tools and the MCP server: check the
// input, run the same handlers the commands run (enroll, remove, restart, Check Before Enrolling, Test
// Connectivity, Check Ambient Health, the log parser) with an AgentHost instead of the window, and format
// what they return. `prepare` builds the confirmation from the same plan the Enroll command confirms.
// No vscode, no @kubernetes/client-node: the caller passes the kube clients.
import type { AuditLog, CommandDeps } from '../commands/host';
import type { CommandSettings } from '../shared/settings';
import {
  describePatch,
  ENROLL_WORDS,
  enrollNamespaces,
  listWorkloads,
  patchedTargets,
  readNamespaceLabels,
  restartNamespaceWorkloads,
  RESTART_WORDS,
  unchangedLines,
  UNENROLL_WORDS,
  unenrollNamespaces,
} from '../commands/namespaceCommands';
import type { NamespaceRef } from '../commands/namespacePlan';
import { describeWorkload, planEnroll, planUnenroll, sidecarConflicts } from '../commands/namespacePlan';
import { findingsToConfirm, PREFLIGHT_TITLE, runPreflight } from '../commands/preflight';
import type { CommandReport } from '../commands/report';
import { runConnectivityTest } from '../commands/verifyConnectivity';
import type { VerifyDeps, VerifyViews } from '../commands/verifyDeps';
import { listZtunnelPods, mapLimited, readZtunnelEntries, ZTUNNEL_CONCURRENCY } from '../commands/verifyDeps';
import { checkHealth } from '../commands/verifyHealth';
import { nameTargets } from '../commands/writeGuard';
import type { KubeClients } from '../kube/types';
import { compileFilter, searchPattern, type EntryFilters } from '../logs/filter';
import type { ClusterView } from '../mesh/clusterModel';
import type { HealthResults } from '../mesh/health';
import { DATAPLANE_MODE_LABEL } from '../mesh/labels';
import { messageOf } from '../mesh/problems';
import { AgentHost } from './agentHost';
import { formatConnectivity, formatLogs, formatPreflight, formatReport, formatStatus, type SourcedEntry } from './format';
import type { AgentToolName } from './toolSpecs';

/** A sentence for the model (and the user): bad input, an unknown context, a read-only context. */
export class AgentToolError extends Error {}

export interface AgentDeps {
  readonly kube: Pick<KubeClients, 'state' | 'client'>;
  readonly access?: CommandDeps['access'];
  /** The audit log: every write an agent makes is logged like the user's own. */
  readonly log: AuditLog;
  readonly settings: () => CommandSettings;
  /** One reading of a context's namespaces and capture, from the same model the Clusters view draws. */
  readonly clusterView: (context: string) => Promise<ClusterView>;
  readonly expectedNamespaces?: () => readonly string[];
  readonly health?: HealthResults;
  /** How long an enroll waits for istio-cni to capture running pods (tests shorten it). */
  readonly captureSettleMs?: number;
}

export interface Prepared {
  /** Shown while the tool runs. */
  readonly invocationMessage: string;
  /** Present for a write: what exactly will be changed. */
  readonly confirmation?: { readonly title: string; readonly message: string };
}

type Input = Record<string, unknown>;

function asObject(input: unknown): Input {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new AgentToolError('The tool input must be a JSON object.');
  return input as Input;
}

function stringList(input: Input, key: string, required: boolean): string[] | undefined {
  const value = input[key];
  if (value === undefined) {
    if (required) throw new AgentToolError(`"${key}" is required: a list of names.`);
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) throw new AgentToolError(`"${key}" must be a list of non-empty names.`);
  if (required && value.length === 0) throw new AgentToolError(`"${key}" must name at least one.`);
  return [...new Set((value as string[]).map((v) => v.trim()))];
}

function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new AgentToolError(`"${key}" must be a string.`);
  return value.trim();
}

function flag(input: Input, key: string, fallback: boolean): boolean {
  const value = input[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new AgentToolError(`"${key}" must be true or false.`);
  return value;
}

function bounded(input: Input, key: string, fallback: number, min: number, max: number): number {
  const value = input[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new AgentToolError(`"${key}" must be a number from ${min} to ${max}.`);
  return Math.floor(value);
}

function oneOf<T extends string>(input: Input, key: string, allowed: readonly T[], fallback: T): T {
  const value = input[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new AgentToolError(`"${key}" must be one of ${allowed.join(', ')}.`);
  return value as T;
}

/** The contexts asked for, each checked against the kubeconfig; `all` when none is given, else the current one. */
function resolveContexts(deps: AgentDeps, input: Input, fallback: 'all' | 'current'): string[] {
  const state = deps.kube.state();
  if (state.contexts.length === 0) throw new AgentToolError(state.problem?.message ?? 'No kube contexts found in the kubeconfig.');
  const asked = stringList(input, 'contexts', false);
  const known = state.contexts.map((c) => c.name);
  if (asked && asked.length > 0) {
    const unknown = asked.filter((c) => !known.includes(c));
    if (unknown.length > 0) throw new AgentToolError(`Context ${unknown.map((c) => `"${c}"`).join(', ')} is not in the kubeconfig; its contexts are ${known.join(', ')}.`);
    return asked;
  }
  if (fallback === 'all') return known;
  const current = state.currentContext && known.includes(state.currentContext) ? state.currentContext : undefined;
  if (!current) throw new AgentToolError(`The kubeconfig has no current context: name one in "contexts" (${known.join(', ')}).`);
  return [current];
}

function targetsOf(deps: AgentDeps, input: Input): NamespaceRef[] {
  const namespaces = stringList(input, 'namespaces', true)!;
  return resolveContexts(deps, input, 'current').flatMap((context) => namespaces.map((namespace) => ({ context, namespace })));
}

function where(targets: readonly NamespaceRef[]): string {
  return nameTargets(targets.map((t) => ({ context: t.context, label: t.namespace })));
}

/** The command handlers' dependencies with the agent's window and the tool's dry run. */
function commandDeps(deps: AgentDeps, host: AgentHost, input: Input): CommandDeps {
  const dryRun = flag(input, 'dryRun', false);
  return {
    kube: deps.kube,
    host,
    log: deps.log,
    access: deps.access,
    settings: () => ({ ...deps.settings(), dryRun: deps.settings().dryRun || dryRun }),
    captureSettleMs: deps.captureSettleMs,
  };
}

const NO_VIEWS: VerifyViews = { showIdentities: () => undefined, showConnectivity: () => undefined, showHealth: () => undefined };

function verifyDeps(deps: AgentDeps, host: AgentHost): VerifyDeps {
  return { kube: deps.kube, host, log: deps.log, views: NO_VIEWS, health: deps.health, expectedNamespaces: deps.expectedNamespaces };
}

function isDryRun(deps: AgentDeps, input: Input): boolean {
  return deps.settings().dryRun || flag(input, 'dryRun', false);
}

/**
 * A write the handler refused before sending anything (a read-only context): the same sentence the user
 * gets in the error notification, thrown so the model sees a failure, not a report.
 */
function throwIfRefused(host: AgentHost, report: CommandReport): void {
  if (!report.cancelled) return;
  const refusal = host.messages.find((m) => m.severity === 'error' && !m.modal && report.results.some((r) => r.detail === m.message));
  if (refusal) throw new AgentToolError(refusal.message);
}

// ---- prepare: the confirmation, from the same plan the commands confirm ----

async function prepareEnroll(deps: AgentDeps, input: Input): Promise<Prepared> {
  const targets = targetsOf(deps, input);
  const removeSidecarLabels = flag(input, 'removeSidecarLabels', false);
  const host = new AgentHost();
  const cmd = commandDeps(deps, host, input);
  const { existing } = await readNamespaceLabels(cmd, targets);
  const steps = planEnroll(targets, existing, { removeSidecarLabels });
  const patches = steps.filter((s) => s.kind === 'patch');
  const lines = patches.map((s) => {
    const kept = s.sidecarLabelsKept.length > 0 ? ` (sidecar injection stays on: ${s.sidecarLabelsKept.join(', ')}; new pods get sidecars, not ambient)` : '';
    return `- ${s.ref.namespace} on ${s.ref.context}: ${describePatch(s.patch)}${kept}`;
  });
  const notes: string[] = [];
  const conflicts = sidecarConflicts(targets, existing);
  if (conflicts.length > 0 && !removeSidecarLabels) notes.push('Sidecar injection is on in some of them; removeSidecarLabels=true would remove those labels.');
  // The namespaces Enroll runs Check Before Enrolling on: those that exist and are not ambient yet.
  const toEnroll = targets.filter((t) => {
    const labels = existing.get(t.context)?.get(t.namespace);
    return labels !== undefined && labels[DATAPLANE_MODE_LABEL] !== 'ambient';
  });
  if (deps.settings().checkBeforeEnroll && toEnroll.length > 0) {
    const reports = await runPreflight(cmd, toEnroll).catch(() => []);
    const flagged = reports.flatMap((r) => findingsToConfirm(r).map((f) => `- ${r.namespace} on ${r.context}: ${f.severity}: ${f.title}`));
    if (flagged.length > 0) {
      notes.push(
        `${PREFLIGHT_TITLE} found ${flagged.length} problem${flagged.length === 1 ? '' : 's'}:\n${flagged.join('\n')}\n` +
          (flag(input, 'enrollDespiteFindings', false) ? 'Enrolling anyway (enrollDespiteFindings).' : 'The tool will stop at these and enroll nothing (enrollDespiteFindings is false).'),
      );
    }
  }
  const dryRun = isDryRun(deps, input);
  const dryRunNote = dryRun ? ' (dry run: nothing will change)' : '';
  const question = patches.length === 0 ? `Nothing to patch in ${where(targets)}.` : `Patch ${patches.length} namespace${patches.length === 1 ? '' : 's'}${dryRunNote}:\n${lines.join('\n')}`;
  const message = [question + unchangedLines(steps, 'already ambient'), ...notes].join('\n\n');
  return {
    invocationMessage: `Enrolling ${where(targets)} in ambient${dryRunNote}`,
    confirmation: patches.length > 0 && !dryRun ? { title: 'Enroll in Ambient?', message } : undefined,
  };
}

async function prepareUnenroll(deps: AgentDeps, input: Input): Promise<Prepared> {
  const targets = targetsOf(deps, input);
  const { existing } = await readNamespaceLabels(commandDeps(deps, new AgentHost(), input), targets);
  const steps = planUnenroll(targets, existing);
  const patched = patchedTargets(steps);
  const dryRun = isDryRun(deps, input);
  const lines = steps.filter((s) => s.kind === 'patch').map((s) => `- ${s.ref.namespace} on ${s.ref.context}: ${describePatch(s.patch)}`);
  const message =
    `Patch ${patched.length} namespace${patched.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n` +
    `ztunnel stops capturing their pods, and their traffic is no longer mTLS.${unchangedLines(steps, 'not enrolled')}`;
  return {
    invocationMessage: `Removing ${where(targets)} from ambient${dryRun ? ' (dry run)' : ''}`,
    confirmation: patched.length > 0 && !dryRun ? { title: 'Remove from Ambient?', message } : undefined,
  };
}

async function prepareRestart(deps: AgentDeps, input: Input): Promise<Prepared> {
  const targets = targetsOf(deps, input);
  const { workloads, failures } = await listWorkloads(commandDeps(deps, new AgentHost(), input), targets);
  const dryRun = isDryRun(deps, input);
  const shown = workloads.slice(0, 40).map((w) => `- ${describeWorkload(w)}`);
  if (workloads.length > shown.length) shown.push(`- … and ${workloads.length - shown.length} more`);
  const unlisted = failures.map((f) => `- ${f.target}: ${f.detail}`);
  const message =
    `Restart ${workloads.length} workload${workloads.length === 1 ? '' : 's'} (each rollout replaces its pods, like kubectl rollout restart):\n${shown.join('\n')}` +
    (unlisted.length > 0 ? `\n\nCould not list:\n${unlisted.join('\n')}` : '');
  return {
    invocationMessage: `Restarting the workloads of ${where(targets)}${dryRun ? ' (dry run)' : ''}`,
    confirmation: workloads.length > 0 && !dryRun ? { title: 'Restart Workloads?', message } : undefined,
  };
}

export async function prepareTool(deps: AgentDeps, name: AgentToolName, rawInput: unknown): Promise<Prepared> {
  const input = asObject(rawInput);
  switch (name) {
    case 'ambient_enroll':
      return prepareEnroll(deps, input);
    case 'ambient_unenroll':
      return prepareUnenroll(deps, input);
    case 'ambient_restart_workloads':
      return prepareRestart(deps, input);
    case 'ambient_status':
      return { invocationMessage: 'Reading the ambient mesh state' };
    case 'ambient_check_connectivity':
      return { invocationMessage: `Testing connectivity to ${String(input.target ?? '')}` };
    case 'ambient_recent_ztunnel_logs':
      return { invocationMessage: 'Reading recent ztunnel logs' };
    case 'ambient_preflight':
      return { invocationMessage: 'Checking namespaces before enrolling' };
  }
}

// ---- run ----

async function status(deps: AgentDeps, input: Input, host: AgentHost): Promise<string> {
  const contexts = resolveContexts(deps, input, 'all');
  const includeHealth = flag(input, 'includeHealth', true);
  const includeSystemNamespaces = flag(input, 'includeSystemNamespaces', false);
  const infos = deps.kube.state().contexts;
  const views = await Promise.all(contexts.map((c) => deps.clusterView(c)));
  // Health only where the context could be read: an unreachable one already says why.
  const readable = contexts.filter((_, i) => views[i].status !== 'error');
  const health = includeHealth && readable.length > 0 ? await checkHealth(verifyDeps(deps, host), readable) : [];
  return formatStatus(
    contexts.map((context, i) => ({ info: infos.find((c) => c.name === context)!, view: views[i], health: health.find((h) => h.context === context) })),
    { includeSystemNamespaces },
  );
}

async function enroll(deps: AgentDeps, input: Input, host: AgentHost): Promise<string> {
  const targets = targetsOf(deps, input);
  const report = await enrollNamespaces(commandDeps(deps, host, input), targets);
  throwIfRefused(host, report);
  const lines = [formatReport(report, ENROLL_WORDS)];
  const stopped = host.lastModal();
  if (report.cancelled && stopped && stopped.message.startsWith(PREFLIGHT_TITLE)) {
    lines.push(`${stopped.message}\n${stopped.detail ?? ''}`.trim(), 'Nothing was enrolled. Call again with enrollDespiteFindings=true to enroll anyway, or fix the findings first (ambient_preflight gives the fixes).');
  }
  if (report.uncaptured.length > 0) {
    const pods = report.uncaptured.flatMap((u) => u.pods.map((p) => `${u.ref.context}/${u.ref.namespace}/${p}`));
    lines.push(`${pods.length} pod${pods.length === 1 ? ' is' : 's are'} not captured by ambient yet (${pods.slice(0, 10).join(', ')}${pods.length > 10 ? ', …' : ''}): restart their workloads (ambient_restart_workloads) to capture them.`);
  }
  return lines.join('\n\n');
}

async function unenroll(deps: AgentDeps, input: Input, host: AgentHost): Promise<string> {
  const report = await unenrollNamespaces(commandDeps(deps, host, input), targetsOf(deps, input));
  throwIfRefused(host, report);
  return formatReport(report, UNENROLL_WORDS);
}

async function restart(deps: AgentDeps, input: Input, host: AgentHost): Promise<string> {
  const report = await restartNamespaceWorkloads(commandDeps(deps, host, input), targetsOf(deps, input));
  throwIfRefused(host, report);
  // "Nothing to restart" is told as a notification, not a report.
  if (report.results.length === 0) return host.messages.find((m) => m.severity === 'info')?.message ?? formatReport(report, RESTART_WORDS);
  return formatReport(report, RESTART_WORDS);
}

async function connectivity(deps: AgentDeps, input: Input, host: AgentHost): Promise<string> {
  const contexts = resolveContexts(deps, input, 'current');
  const namespace = optionalString(input, 'sourceNamespace');
  const target = optionalString(input, 'target');
  if (!namespace) throw new AgentToolError('"sourceNamespace" is required: the namespace of the pod to run curl in.');
  if (!target) throw new AgentToolError('"target" is required: a Service host:port or a URL.');
  const pod = optionalString(input, 'sourcePod');
  const workload = optionalString(input, 'sourceWorkload');
  if (!pod && !workload) throw new AgentToolError('Name the source: "sourceWorkload" (a Deployment or other workload) or "sourcePod".');
  const results = await runConnectivityTest(verifyDeps(deps, host), { contexts, source: { namespace, pod, workload }, target });
  // One context and nothing ran: the sentence is the answer (no pod, no curl, a malformed target).
  if (results.length === 1 && results[0].error) throw new AgentToolError(`Test Connectivity: ${results[0].error}`);
  return formatConnectivity(results);
}

async function preflight(deps: AgentDeps, input: Input, host: AgentHost): Promise<string> {
  const targets = targetsOf(deps, input);
  const reports = await runPreflight({ kube: deps.kube, host, log: deps.log }, targets);
  return formatPreflight(reports);
}

/** Lines read from each ztunnel pod at most: a busy node's hour of access logs is far more than a model can use. */
const MAX_LINES_PER_POD = 2000;

async function recentLogs(deps: AgentDeps, input: Input): Promise<string> {
  const contexts = resolveContexts(deps, input, 'current');
  const sinceMinutes = bounded(input, 'sinceMinutes', 15, 1, 1440);
  const limit = bounded(input, 'limit', 40, 1, 200);
  const search = optionalString(input, 'search') ?? '';
  const invalid = searchPattern(search).invalid;
  if (invalid) throw new AgentToolError(`"search" is not a valid regular expression: ${invalid}.`);
  const filters: EntryFilters = {
    search,
    level: oneOf(input, 'level', ['all', 'error', 'warn', 'info', 'debug'] as const, 'all'),
    class: oneOf(input, 'class', ['all', 'mtls', 'plaintext', 'tls-error'] as const, 'all'),
    namespace: optionalString(input, 'namespace') ?? '',
    workload: optionalString(input, 'workload') ?? '',
  };
  const matches = compileFilter(filters);
  const sinceTime = new Date(Date.now() - sinceMinutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  let read = 0;
  const matched: SourcedEntry[] = [];
  const sources = await Promise.all(
    contexts.map(async (context) => {
      const client = deps.kube.client(context);
      const failures: string[] = [];
      let pods;
      try {
        pods = await listZtunnelPods(client);
      } catch (error) {
        return { context, pods: 0, failures: [`${context}: ${messageOf(error)}`] };
      }
      await mapLimited(pods, ZTUNNEL_CONCURRENCY, async (pod) => {
        try {
          const entries = await readZtunnelEntries(client, pod.name, { sinceTime, tailLines: MAX_LINES_PER_POD });
          read += entries.length;
          for (const entry of entries) if (matches({ ...entry, cluster: context, node: pod.node })) matched.push({ context, pod: pod.name, entry });
        } catch (error) {
          failures.push(`${context}/${pod.name}: ${messageOf(error)}`);
        }
      });
      return { context, pods: pods.length, failures };
    }),
  );
  const described = Object.entries(filters)
    .filter(([, value]) => value !== '' && value !== 'all')
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
  return formatLogs({ sources, read, matched, sinceMinutes, limit, filters: described });
}

/** Run a tool; a bad input or a refusal throws AgentToolError with the sentence to show. */
export async function runTool(deps: AgentDeps, name: AgentToolName, rawInput: unknown, signal?: AbortSignal): Promise<string> {
  const input = asObject(rawInput);
  const host = new AgentHost({ removeSidecarLabels: flag(input, 'removeSidecarLabels', false), enrollDespiteFindings: flag(input, 'enrollDespiteFindings', false) }, signal);
  switch (name) {
    case 'ambient_status':
      return status(deps, input, host);
    case 'ambient_enroll':
      return enroll(deps, input, host);
    case 'ambient_unenroll':
      return unenroll(deps, input, host);
    case 'ambient_restart_workloads':
      return restart(deps, input, host);
    case 'ambient_check_connectivity':
      return connectivity(deps, input, host);
    case 'ambient_recent_ztunnel_logs':
      return recentLogs(deps, input);
    case 'ambient_preflight':
      return preflight(deps, input, host);
  }
}
