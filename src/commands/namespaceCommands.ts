// Enroll in Ambient, Remove from Ambient, Restart Workloads, Enroll in Ambient on Clusters…: the handlers,
// written against CommandDeps (no `vscode`), so unit tests script the window and fake the cluster.
// Each returns its report, which the extension-host tests check against kubectl.
import { WRITE_ACCESS } from '../kube/access';
import type { AccessQuestion, V1Namespace, WorkloadKind } from '../kube/types';
import { captureState, podFacts } from '../mesh/dataplane';
import { DATAPLANE_MODE_LABEL } from '../mesh/labels';
import { messageOf } from '../mesh/problems';
import { runBatch } from './batch';
import type { CommandDeps } from './host';
import type { EnrollStep, LabelPatch, Labels, NamespaceRef, UnenrollStep, WorkloadRef } from './namespacePlan';
import { describeWorkload, namespaceKey, planEnroll, planRestart, planUnenroll, sidecarConflicts } from './namespacePlan';
import { confirmEnrollPreflight } from './preflight';
import { writeFailure, WriteFailure } from './rbacHint';
import type { CommandReport, OutcomeWords, TargetResult } from './report';
import { presentReport } from './report';
import { restartAndFollow, userOf } from './workloadRestart';
import { CONFIRM_ACTIONS, confirmWrite, nameTargets, readOnlyRefusal } from './writeGuard';

export const ENROLL_WORDS: OutcomeWords = {
  done: 'enrolled',
  'dry-run': 'would be enrolled',
  unchanged: 'already ambient',
  'not-ready': 'not ready',
  restarted: 'restarted',
  failed: 'failed',
  'not-started': 'not started (cancelled)',
};

export const UNENROLL_WORDS: OutcomeWords = {
  ...ENROLL_WORDS,
  done: 'removed from ambient',
  'dry-run': 'would be removed from ambient',
  unchanged: 'not enrolled',
};

export const RESTART_WORDS: OutcomeWords = {
  done: 'restarted and ready',
  'dry-run': 'would be restarted',
  unchanged: 'unchanged',
  'not-ready': 'restarted but not ready',
  restarted: 'restarted (rollout not followed)',
  failed: 'failed',
  'not-started': 'not restarted (cancelled)',
};

export const REMOVE_SIDECAR_LABEL = 'Remove Sidecar Label and Enroll';
export const ENROLL_KEEPING_SIDECAR = 'Enroll Anyway';
export const RESTART_CONFIRM = 'Restart';
export const RESTART_WORKLOADS_ACTION = 'Restart Workloads';

export interface UncapturedPods {
  readonly ref: NamespaceRef;
  readonly pods: readonly string[];
}

export interface EnrollReport extends CommandReport {
  /** Enrolled namespaces whose pods were still not captured a few seconds later (the Restart offer). */
  readonly uncaptured: readonly UncapturedPods[];
}

type NamespaceLabels = Map<string, Map<string, Labels>>;

/** One LIST per context gives the labels of every target (and which do not exist). */
export async function readNamespaceLabels(deps: CommandDeps, targets: readonly NamespaceRef[]): Promise<{ existing: NamespaceLabels; listFailures: Map<string, string> }> {
  const existing: NamespaceLabels = new Map();
  const listFailures = new Map<string, string>();
  const contexts = [...new Set(targets.map((t) => t.context))];
  await Promise.all(
    contexts.map(async (context) => {
      try {
        const namespaces: V1Namespace[] = await deps.kube.client(context).listNamespaces();
        existing.set(context, new Map(namespaces.map((ns) => [ns.metadata?.name ?? '', ns.metadata?.labels ?? {}])));
      } catch (error) {
        listFailures.set(context, messageOf(error));
      }
    }),
  );
  return { existing, listFailures };
}

function missingDetail(ref: NamespaceRef, listFailures: ReadonlyMap<string, string>): string {
  return listFailures.get(ref.context) ?? `Namespace "${ref.namespace}" does not exist in context ${ref.context} (not created).`;
}

export function describePatch(patch: LabelPatch): string {
  return Object.entries(patch)
    .map(([key, value]) => (value === null ? `removed ${key}` : `set ${key}=${value}`))
    .join(', ');
}

/** PATCH one namespace's labels, write the audit line, and turn a failure into its sentence. */
async function patchLabels(deps: CommandDeps, ref: NamespaceRef, patch: LabelPatch, dryRun: boolean): Promise<void> {
  const body = JSON.stringify({ metadata: { labels: patch } });
  const audit = `Audit: context=${ref.context} namespace/${ref.namespace} merge-patch ${body}${dryRun ? ' dryRun=All' : ''}`;
  try {
    const updated = await deps.kube.client(ref.context).patchNamespaceLabels(ref.namespace, patch, { dryRun });
    const mode = updated.metadata?.labels?.[DATAPLANE_MODE_LABEL];
    deps.log.info(`${audit} → ${dryRun ? 'accepted (dry run, nothing changed)' : 'applied'}; ${DATAPLANE_MODE_LABEL}=${mode ?? '(absent)'}`);
  } catch (error) {
    const failure = writeFailure(error, { context: ref.context, user: userOf(deps, ref.context), verb: 'patch', resource: 'namespaces', name: ref.namespace });
    deps.log.error(`${audit} → failed: ${failure.message}`);
    throw failure;
  }
}

/** Run the planned label patches under a cancellable progress notification. */
async function applyLabelPatches(
  deps: CommandDeps,
  title: string,
  steps: readonly (EnrollStep | UnenrollStep)[],
  describeDone: (step: Extract<EnrollStep | UnenrollStep, { kind: 'patch' }>) => string,
  unchangedDetail: string,
  listFailures: ReadonlyMap<string, string>,
): Promise<{ results: TargetResult[]; cancelled: boolean }> {
  const settings = deps.settings();
  const patches = steps.filter((s): s is Extract<EnrollStep | UnenrollStep, { kind: 'patch' }> => s.kind === 'patch');
  const batch = await deps.host.withProgress(title, (progress, signal) =>
    runBatch(patches, (step) => patchLabels(deps, step.ref, step.patch, settings.dryRun), {
      concurrency: settings.concurrency,
      signal,
      // The progress names what it just did, so the toast is about this task, not a bare count.
      onSettled: (o, settled) => progress.report(`${o.target.ref.namespace} on ${o.target.ref.context} · ${settled} of ${patches.length}`, 100 / Math.max(1, patches.length)),
    }),
  );
  const byStep = new Map(batch.outcomes.map((o) => [o.target, o]));
  const results = steps.map((step): TargetResult => {
    const target = namespaceKey(step.ref);
    if (step.kind === 'missing') return { ref: step.ref, target, outcome: 'failed', detail: missingDetail(step.ref, listFailures) };
    if (step.kind !== 'patch') return { ref: step.ref, target, outcome: 'unchanged', detail: unchangedDetail };
    const outcome = byStep.get(step)!;
    if (outcome.status === 'failed') return { ref: step.ref, target, outcome: 'failed', detail: messageOf(outcome.error), hint: outcome.error instanceof WriteFailure ? outcome.error.hint : undefined };
    if (outcome.status === 'not-started') return { ref: step.ref, target, outcome: 'not-started', detail: 'not patched: cancelled before its turn' };
    if (settings.dryRun) return { ref: step.ref, target, outcome: 'dry-run', detail: `would ${describePatch(step.patch)}` };
    return { ref: step.ref, target, outcome: 'done', detail: describeDone(step) };
  });
  return { results, cancelled: batch.cancelled };
}

function cancelledReport(title: string, targets: readonly NamespaceRef[], dryRun: boolean, why: string): CommandReport {
  return {
    title,
    cancelled: true,
    dryRun,
    results: targets.map((ref) => ({ ref, target: namespaceKey(ref), outcome: 'not-started', detail: why })),
  };
}

/** The namespaces a plan patches, as the confirmation names them. */
export function patchedTargets(steps: readonly (EnrollStep | UnenrollStep)[]): { context: string; label: string }[] {
  return steps.filter((s) => s.kind === 'patch').map((s) => ({ context: s.ref.context, label: s.ref.namespace }));
}

/** Why nothing was written: the report every target gets when a read-only context or a No stopped the command. */
export function refused(deps: CommandDeps, title: string, targets: readonly NamespaceRef[], sentence: string): CommandReport {
  deps.log.warn(sentence);
  void deps.host.showMessage('error', sentence, {});
  return cancelledReport(title, targets, deps.settings().dryRun, sentence);
}

/** A context that may not label these namespaces: one sentence, before anything is sent. */
function labelRefusal(deps: CommandDeps, title: string, steps: readonly (EnrollStep | UnenrollStep)[]): Promise<string | undefined> {
  const patched = steps.filter((s) => s.kind === 'patch');
  return readOnlyRefusal(deps, title, patched.map((s) => ({ context: s.ref.context, question: { ...WRITE_ACCESS.labelNamespaces, name: s.ref.namespace } })));
}

/** What else the confirmation says: targets left alone and why. */
export function unchangedLines(steps: readonly (EnrollStep | UnenrollStep)[], unchanged: string): string {
  const lines: string[] = [];
  const same = steps.filter((s) => s.kind !== 'patch' && s.kind !== 'missing').map((s) => ({ context: s.ref.context, label: s.ref.namespace }));
  const missing = steps.filter((s) => s.kind === 'missing').map((s) => ({ context: s.ref.context, label: s.ref.namespace }));
  if (same.length > 0) lines.push(`Left alone (${unchanged}): ${nameTargets(same)}.`);
  if (missing.length > 0) lines.push(`Not found (not created): ${nameTargets(missing)}.`);
  return lines.length > 0 ? `\n\n${lines.join('\n')}` : '';
}

export async function enrollNamespaces(deps: CommandDeps, targets: readonly NamespaceRef[], title = 'Enroll in Ambient'): Promise<EnrollReport> {
  const dryRun = deps.settings().dryRun;
  const { existing, listFailures } = await readNamespaceLabels(deps, targets);

  const refusal = await labelRefusal(deps, title, planEnroll(targets, existing, { removeSidecarLabels: false }));
  if (refusal) return { ...refused(deps, title, targets, refusal), uncaptured: [] };

  // Check Before Enrolling runs first: findings at warning level or worse are the confirmation (Enroll Anyway);
  // a clean check leaves the plain confirmation below, so no enroll asks twice.
  const toEnroll = targets.filter((t) => {
    const labels = existing.get(t.context)?.get(t.namespace);
    return labels !== undefined && labels[DATAPLANE_MODE_LABEL] !== 'ambient';
  });
  const preflight = deps.settings().checkBeforeEnroll && toEnroll.length > 0 ? await confirmEnrollPreflight(deps, toEnroll) : 'clean';
  if (preflight === 'cancelled') return { ...cancelledReport(title, targets, dryRun, 'not enrolled: cancelled at Check Before Enrolling'), uncaptured: [] };

  let removeSidecarLabels = false;
  const conflicts = sidecarConflicts(targets, existing);
  if (conflicts.length === 0) {
    const steps = planEnroll(targets, existing, { removeSidecarLabels: false });
    const patched = patchedTargets(steps);
    if (patched.length > 0 && preflight === 'clean') {
      const confirmed = await confirmWrite(
        deps,
        `Enroll ${patched.length === 1 ? `${patched[0].label} on ${patched[0].context}` : `${patched.length} namespaces (${nameTargets(patched)})`} in ambient?`,
        `Sets ${DATAPLANE_MODE_LABEL}=ambient on ${patched.length === 1 ? 'it' : 'each'}: istio-cni then captures the pods and ztunnel carries their traffic with mTLS.${unchangedLines(steps, 'already ambient')}`,
        CONFIRM_ACTIONS.enroll,
      );
      if (!confirmed) return { ...cancelledReport(title, targets, dryRun, 'not enrolled: cancelled at the confirmation'), uncaptured: [] };
    }
  } else {
    const which = conflicts.map((c) => `${namespaceKey(c.ref)} (${c.labels.map((l) => `${l.key}=${l.value}`).join(', ')})`).join(', ');
    const choice = await deps.host.showMessage(
      'warning',
      `Sidecar injection is on in ${which}.`,
      {
        modal: true,
        detail:
          'Sidecar injection wins over ambient: new pods in these namespaces would get an injected sidecar and ztunnel would not capture them. ' +
          'Remove the sidecar label as part of enrolling, so pods join ambient when they restart? Pods running now keep their sidecars until they are restarted.' +
          `\n\nEnrolls: ${nameTargets(patchedTargets(planEnroll(targets, existing, { removeSidecarLabels: false })))}.`,
      },
      REMOVE_SIDECAR_LABEL,
      ENROLL_KEEPING_SIDECAR,
    );
    if (choice === undefined) return { ...cancelledReport(title, targets, dryRun, 'not enrolled: cancelled at the sidecar warning'), uncaptured: [] };
    removeSidecarLabels = choice === REMOVE_SIDECAR_LABEL;
  }


  const steps = planEnroll(targets, existing, { removeSidecarLabels });
  const { results, cancelled } = await applyLabelPatches(
    deps,
    title,
    steps,
    (step) => {
      const kept = step.kind === 'patch' && 'sidecarLabelsKept' in step ? step.sidecarLabelsKept : [];
      const conflict = kept.length > 0 ? `; sidecar injection is still on (${kept.join(', ')}): new pods get sidecars, not ambient` : '';
      return `${describePatch(step.patch)}${conflict}`;
    },
    `already has ${DATAPLANE_MODE_LABEL}=ambient`,
    listFailures,
  );
  const report: CommandReport = { title, results, cancelled, dryRun };
  presentReport(deps, report, ENROLL_WORDS);

  const enrolled = results.filter((r) => r.outcome === 'done').map((r) => r.ref);
  const uncaptured = enrolled.length > 0 ? await waitForCapture(deps, enrolled) : [];
  if (uncaptured.length > 0) offerRestart(deps, uncaptured);
  return { ...report, uncaptured };
}

/**
 * istio-cni captures running pods shortly after the label lands; give it a few seconds, then list what is
 * still outside (not captured, or still running a sidecar). Those need a restart.
 */
async function waitForCapture(deps: CommandDeps, namespaces: readonly NamespaceRef[]): Promise<UncapturedPods[]> {
  const deadline = Date.now() + (deps.captureSettleMs ?? 5000);
  for (;;) {
    const remaining = (await Promise.all(groupByContext(namespaces).map(([context, refs]) => uncapturedIn(deps, context, refs)))).flat();
    if (remaining.length === 0 || Date.now() >= deadline) return remaining;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Above this many namespaces in one context, one cluster-wide list is cheaper than one list each. */
const PER_NAMESPACE_POD_LISTS = 10;

async function uncapturedIn(deps: CommandDeps, context: string, refs: readonly NamespaceRef[]): Promise<UncapturedPods[]> {
  const client = deps.kube.client(context);
  let pods;
  try {
    pods =
      refs.length > PER_NAMESPACE_POD_LISTS
        ? await client.listPods()
        : (await runBatch(refs, (ref) => client.listPods(ref.namespace), { concurrency: deps.settings().concurrency })).outcomes.flatMap((o) =>
            o.status === 'succeeded' ? o.value : [],
          );
  } catch (error) {
    // The enrollment itself succeeded; only the follow-up check could not run. Say so in the log.
    deps.log.warn(`Could not check capture in ${context} after enrolling: ${messageOf(error)}`);
    return [];
  }
  const wanted = new Set(refs.map((r) => r.namespace));
  const byNamespace = new Map<string, string[]>();
  for (const pod of pods.map(podFacts)) {
    if (!wanted.has(pod.namespace)) continue;
    const state = captureState(pod, true);
    if (state === 'notCaptured' || state === 'sidecar') byNamespace.set(pod.namespace, [...(byNamespace.get(pod.namespace) ?? []), pod.name]);
  }
  return refs.filter((ref) => byNamespace.has(ref.namespace)).map((ref) => ({ ref, pods: byNamespace.get(ref.namespace)! }));
}

function groupByContext(refs: readonly NamespaceRef[]): [string, NamespaceRef[]][] {
  const groups = new Map<string, NamespaceRef[]>();
  for (const ref of refs) groups.set(ref.context, [...(groups.get(ref.context) ?? []), ref]);
  return [...groups];
}

function offerRestart(deps: CommandDeps, uncaptured: readonly UncapturedPods[]): void {
  const podCount = uncaptured.reduce((n, u) => n + u.pods.length, 0);
  const where = uncaptured.length === 1 ? namespaceKey(uncaptured[0].ref) : `${uncaptured.length} namespaces`;
  deps.log.info(`Not captured after enrolling: ${uncaptured.map((u) => `${namespaceKey(u.ref)}: ${u.pods.join(', ')}`).join('; ')}`);
  void deps.host
    .showMessage('info', `${podCount} pod${podCount === 1 ? '' : 's'} in ${where} ${podCount === 1 ? 'is' : 'are'} not captured by ambient yet. Restart the workloads to capture them?`, {}, RESTART_WORKLOADS_ACTION)
    .then((choice) => {
      if (choice === RESTART_WORKLOADS_ACTION) void restartNamespaceWorkloads(deps, uncaptured.map((u) => u.ref));
    });
}

export async function unenrollNamespaces(deps: CommandDeps, targets: readonly NamespaceRef[]): Promise<CommandReport> {
  const title = 'Remove from Ambient';
  const dryRun = deps.settings().dryRun;
  const { existing, listFailures } = await readNamespaceLabels(deps, targets);
  const steps = planUnenroll(targets, existing);
  const refusal = await labelRefusal(deps, title, steps);
  if (refusal) return refused(deps, title, targets, refusal);
  const patched = patchedTargets(steps);
  if (patched.length > 0) {
    const confirmed = await confirmWrite(
      deps,
      `Remove ${patched.length === 1 ? `${patched[0].label} on ${patched[0].context}` : `${patched.length} namespaces (${nameTargets(patched)})`} from ambient?`,
      `Removes ${DATAPLANE_MODE_LABEL}: ztunnel stops capturing the pods, and their traffic is no longer mTLS.${unchangedLines(steps, 'not enrolled')}`,
      CONFIRM_ACTIONS.remove,
    );
    if (!confirmed) return cancelledReport(title, targets, dryRun, 'not removed: cancelled at the confirmation');
  }
  const { results, cancelled } = await applyLabelPatches(deps, title, steps, (step) => describePatch(step.patch), `has no ${DATAPLANE_MODE_LABEL} label`, listFailures);
  const report: CommandReport = { title, results, cancelled, dryRun };
  presentReport(deps, report, UNENROLL_WORDS);
  return report;
}

const LISTERS: Readonly<Record<WorkloadKind, 'listDeployments' | 'listStatefulSets' | 'listDaemonSets'>> = {
  Deployment: 'listDeployments',
  StatefulSet: 'listStatefulSets',
  DaemonSet: 'listDaemonSets',
};

/**
 * The workloads of the configured kinds in each namespace; a listing that fails is a failed result for
 * its namespace(s). Many namespaces in one context are listed with one cluster-wide LIST per kind.
 */
export async function listWorkloads(deps: CommandDeps, namespaces: readonly NamespaceRef[]): Promise<{ workloads: WorkloadRef[]; failures: TargetResult[] }> {
  const kinds = deps.settings().restartKinds;
  const jobs = groupByContext(namespaces).flatMap(([context, refs]) =>
    refs.length > PER_NAMESPACE_POD_LISTS
      ? kinds.map((kind) => ({ context, refs, kind, namespace: undefined as string | undefined }))
      : refs.flatMap((ref) => kinds.map((kind) => ({ context, refs: [ref], kind, namespace: ref.namespace as string | undefined }))),
  );
  const batch = await runBatch(
    jobs,
    async ({ context, refs, kind, namespace }) => {
      const wanted = new Set(refs.map((r) => r.namespace));
      const items = await deps.kube.client(context)[LISTERS[kind]](namespace);
      return items
        .filter((w) => wanted.has(w.metadata?.namespace ?? namespace ?? ''))
        .map((w): WorkloadRef => ({ context, namespace: w.metadata?.namespace ?? namespace ?? '', kind, name: w.metadata?.name ?? '' }));
    },
    { concurrency: deps.settings().concurrency },
  );
  const workloads: WorkloadRef[] = [];
  const failures: TargetResult[] = [];
  for (const outcome of batch.outcomes) {
    if (outcome.status === 'succeeded') workloads.push(...outcome.value);
    else if (outcome.status === 'failed') {
      const why = messageOf(outcome.error);
      for (const ref of outcome.target.refs) {
        failures.push({ ref, target: namespaceKey(ref), outcome: 'failed', detail: `could not list ${outcome.target.kind}s: ${why}` });
      }
    }
  }
  return { workloads: planRestart(workloads, kinds), failures };
}

export async function restartNamespaceWorkloads(deps: CommandDeps, namespaces: readonly NamespaceRef[]): Promise<CommandReport> {
  const title = 'Restart Workloads';
  const settings = deps.settings();
  const { workloads, failures } = await listWorkloads(deps, namespaces);
  const where =
    namespaces.length === 1 ? `${namespaces[0].namespace} (${namespaces[0].context})` : nameTargets(namespaces.map((n) => ({ context: n.context, label: n.namespace })));
  if (workloads.length === 0 && failures.length === 0) {
    const kinds = settings.restartKinds.map((k) => `${k}s`).join(', ');
    void deps.host.showMessage('info', `Nothing to restart in ${where}: no ${kinds}.`, {});
    return { title, results: [], cancelled: false, dryRun: settings.dryRun };
  }
  const refusal = await restartRefusal(deps, title, workloads);
  if (refusal) return refused(deps, title, namespaces, refusal);
  if (workloads.length > 0) {
    const lines = workloads.map((w) => (namespaces.length === 1 ? `${w.kind} ${w.name}` : describeWorkload(w)));
    const cancelledReport = await confirmRestart(deps, title, workloads, {
      question: `Restart ${workloads.length} workload${workloads.length === 1 ? '' : 's'} in ${where}?`,
      detail: 'Each rollout replaces its pods, like kubectl rollout restart:',
      lines,
    });
    if (cancelledReport) return cancelledReport;
  }
  return restartWithProgress(deps, title, workloads, failures);
}

/**
 * The restart confirmation, when the settings ask for one (`restart.confirm` and `confirmWrites`): undefined to go
 * on, else the report of a cancel. `lines` name the workloads, in order; the first 40 are shown.
 */
export async function confirmRestart(
  deps: CommandDeps,
  title: string,
  workloads: readonly WorkloadRef[],
  text: { readonly question: string; readonly detail: string; readonly lines: readonly string[] },
): Promise<CommandReport | undefined> {
  const settings = deps.settings();
  if (!settings.confirmRestart || !settings.confirmWrites) return undefined;
  const shown = text.lines.slice(0, 40);
  if (text.lines.length > shown.length) shown.push(`… and ${text.lines.length - shown.length} more`);
  const choice = await deps.host.showMessage(
    'warning',
    `${text.question}${settings.dryRun ? ' (dry run: nothing will change)' : ''}`,
    { modal: true, detail: `${text.detail}\n${shown.join('\n')}` },
    RESTART_CONFIRM,
  );
  if (choice === RESTART_CONFIRM) return undefined;
  return {
    title,
    cancelled: true,
    dryRun: settings.dryRun,
    results: workloads.map((ref) => ({ ref, target: describeWorkload(ref), outcome: 'not-started', detail: 'not restarted: cancelled at the confirmation' })),
  };
}

/** A context that may not patch these workloads: one sentence, before anything is sent. */
export function restartRefusal(deps: CommandDeps, title: string, workloads: readonly WorkloadRef[]): Promise<string | undefined> {
  const questions = new Map<string, { context: string; question: AccessQuestion }>();
  for (const w of workloads) {
    const question = { ...RESTART_ACCESS[w.kind], namespace: w.namespace };
    questions.set(JSON.stringify([w.context, w.kind, w.namespace]), { context: w.context, question });
  }
  return readOnlyRefusal(deps, title, [...questions.values()]);
}

const RESTART_ACCESS: Readonly<Record<WorkloadKind, AccessQuestion>> = {
  Deployment: WRITE_ACCESS.restartDeployments,
  StatefulSet: WRITE_ACCESS.restartStatefulSets,
  DaemonSet: WRITE_ACCESS.restartDaemonSets,
};

/** Restart Workload on workload rows: confirmed like every write (it replaces the workload's pods). */
export async function restartWorkloads(deps: CommandDeps, workloads: readonly WorkloadRef[]): Promise<CommandReport> {
  const title = workloads.length === 1 ? 'Restart Workload' : 'Restart Workloads';
  const refusal = await restartRefusal(deps, title, workloads);
  const notStarted = (detail: string): CommandReport => ({
    title,
    cancelled: true,
    dryRun: deps.settings().dryRun,
    results: workloads.map((ref) => ({ ref, target: describeWorkload(ref), outcome: 'not-started', detail })),
  });
  if (refusal) {
    deps.log.warn(refusal);
    void deps.host.showMessage('error', refusal, {});
    return notStarted(refusal);
  }
  if (workloads.length > 0 && deps.settings().confirmRestart) {
    const named = nameTargets(workloads.map((w) => ({ context: w.context, label: `${w.kind} ${w.namespace}/${w.name}` })));
    const confirmed = await confirmWrite(deps, `Restart ${named}?`, 'The rollout replaces its pods, like kubectl rollout restart.', RESTART_CONFIRM);
    if (!confirmed) return notStarted('not restarted: cancelled at the confirmation');
  }
  return restartWithProgress(deps, title, workloads, []);
}

async function restartWithProgress(deps: CommandDeps, title: string, workloads: readonly WorkloadRef[], failures: readonly TargetResult[]): Promise<CommandReport> {
  const dryRun = deps.settings().dryRun;
  const { results, cancelled } =
    workloads.length === 0 ? { results: [], cancelled: false } : await deps.host.withProgress(title, (progress, signal) => restartAndFollow(deps, workloads, progress, signal));
  const report: CommandReport = { title, results: [...failures, ...results], cancelled, dryRun };
  presentReport(deps, report, RESTART_WORDS);
  return report;
}

/**
 * Enroll in Ambient on Clusters…: the same namespace names on every chosen context, in one action. A
 * context where a namespace does not exist gets a failed result saying so; nothing is created.
 */
export async function enrollAcrossClusters(deps: CommandDeps, contexts: readonly string[], namespaceNames: readonly string[]): Promise<EnrollReport> {
  const targets = contexts.flatMap((context) => namespaceNames.map((namespace) => ({ context, namespace })));
  return enrollNamespaces(deps, targets, 'Enroll in Ambient on Clusters');
}
