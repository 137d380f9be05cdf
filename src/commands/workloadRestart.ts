// Restart workloads the way `kubectl rollout restart` does (the kube layer sends its exact patch), with
// bounded concurrency and cancel, then follow each rollout until it is ready, fails or times out, and
// report every workload: ready, restarted but not ready (the rollout's condition), failed (why).
import type { WorkloadKind } from '../kube/types';
import { messageOf } from '../mesh/problems';
import type { RolloutStatus, Workload } from '../mesh/rollout';
import { rolloutStatus } from '../mesh/rollout';
import { runBatch } from './batch';
import type { CommandDeps, ProgressReporter } from './host';
import type { WorkloadRef } from './namespacePlan';
import { describeWorkload } from './namespacePlan';
import { writeFailure, WriteFailure } from './rbacHint';
import type { TargetResult } from './report';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

const RBAC_RESOURCE: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'deployments.apps',
  StatefulSet: 'statefulsets.apps',
  DaemonSet: 'daemonsets.apps',
};

export function userOf(deps: CommandDeps, context: string): string | undefined {
  return deps.kube.state().contexts.find((c) => c.name === context)?.user;
}

interface Restarted {
  readonly ref: WorkloadRef;
  readonly restartedAt: string;
}

/**
 * Restart `workloads` and (unless dry run or cancelled) follow their rollouts. Runs inside the caller's
 * progress notification: `signal` is its Cancel button.
 */
export async function restartAndFollow(
  deps: CommandDeps,
  workloads: readonly WorkloadRef[],
  progress: ProgressReporter,
  signal: AbortSignal,
): Promise<{ results: TargetResult[]; cancelled: boolean }> {
  const settings = deps.settings();
  const dryRun = settings.dryRun;
  const total = workloads.length;
  progress.report(`Restarting 0 of ${total}`);

  const batch = await runBatch(
    workloads,
    async (ref): Promise<Restarted> => {
      const client = deps.kube.client(ref.context);
      const now = new Date();
      try {
        // No explicit time: the kube layer stamps it, and waits a moment rather than refusing a second
        // restart of the same workload within one second (restartedAt has one-second resolution).
        const updated = await client.restartWorkload(ref.kind, ref.namespace, ref.name, { dryRun });
        const restartedAt = updated.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? now.toISOString();
        deps.log.info(
          `Audit: context=${ref.context} ${ref.kind.toLowerCase()}/${ref.name} namespace=${ref.namespace} ` +
            `strategic-merge-patch ${JSON.stringify({ spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } })} ` +
            `fieldManager=kubectl-rollout${dryRun ? ' dryRun=All' : ''} → ${dryRun ? 'accepted (dry run, nothing changed)' : `applied, generation ${updated.metadata?.generation ?? '?'}`}`,
        );
        return { ref, restartedAt };
      } catch (error) {
        const failure = writeFailure(error, {
          context: ref.context,
          user: userOf(deps, ref.context),
          verb: 'patch',
          resource: RBAC_RESOURCE[ref.kind],
          namespace: ref.namespace,
          name: ref.name,
        });
        deps.log.error(`Audit: context=${ref.context} ${ref.kind.toLowerCase()}/${ref.name} namespace=${ref.namespace} restart patch → failed: ${failure.message}`);
        throw failure;
      }
    },
    {
      concurrency: settings.concurrency,
      signal,
      onSettled: (_outcome, settled) => progress.report(`Restarting ${settled} of ${total}`, 100 / Math.max(1, total) / 2),
    },
  );

  const results = new Map<WorkloadRef, TargetResult>();
  const toFollow: Restarted[] = [];
  for (const outcome of batch.outcomes) {
    const ref = outcome.target;
    const target = describeWorkload(ref);
    if (outcome.status === 'failed') {
      results.set(ref, { ref, target, outcome: 'failed', detail: (outcome.error as Error).message, hint: outcome.error instanceof WriteFailure ? outcome.error.hint : undefined });
    } else if (outcome.status === 'not-started') {
      results.set(ref, { ref, target, outcome: 'not-started', detail: 'not restarted: cancelled before its turn' });
    } else if (dryRun) {
      results.set(ref, { ref, target, outcome: 'dry-run', detail: 'the API server accepted the restart patch; nothing changed' });
    } else {
      toFollow.push(outcome.value);
    }
  }

  if (toFollow.length > 0) {
    if (batch.cancelled) {
      for (const { ref, restartedAt } of toFollow) {
        results.set(ref, { ref, target: describeWorkload(ref), outcome: 'restarted', detail: `restarted at ${restartedAt}; rollout not followed (cancelled)` });
      }
    } else {
      const followed = await followRollouts(deps, toFollow, progress, signal);
      for (const result of followed) results.set(result.ref as WorkloadRef, result);
    }
  }
  return { results: workloads.map((ref) => results.get(ref)!), cancelled: batch.cancelled || signal.aborted };
}

/** Re-read each restarted workload until its rollout is complete or failed, the timeout passes, or cancel. */
async function followRollouts(deps: CommandDeps, restarted: readonly Restarted[], progress: ProgressReporter, signal: AbortSignal): Promise<TargetResult[]> {
  const settings = deps.settings();
  const deadline = Date.now() + settings.rolloutTimeoutSeconds * 1000;
  const pollMs = deps.rolloutPollMs ?? 1000;
  const last = new Map<Restarted, RolloutStatus>();
  const readError = new Map<Restarted, string>();
  let pending = [...restarted];

  while (pending.length > 0 && !signal.aborted) {
    await runBatch(
      pending,
      async (item) => {
        try {
          const workload: Workload = await deps.kube.client(item.ref.context).readWorkload(item.ref.kind, item.ref.namespace, item.ref.name);
          last.set(item, rolloutStatus(item.ref.kind, workload));
          readError.delete(item);
        } catch (error) {
          // A read that fails once (timeout, blip) is retried on the next round; its message is kept for the report.
          readError.set(item, messageOf(error));
        }
      },
      { concurrency: settings.concurrency, signal },
    );
    pending = pending.filter((item) => last.get(item)?.state !== 'complete' && last.get(item)?.state !== 'failed');
    const ready = restarted.length - pending.length;
    progress.report(`Waiting for rollouts: ${ready} of ${restarted.length} finished`);
    if (pending.length === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
  }

  return restarted.map((item): TargetResult => {
    const target = describeWorkload(item.ref);
    const status = last.get(item);
    if (status?.state === 'complete') return { ref: item.ref, target, outcome: 'done', detail: `restarted and ready: ${status.message}` };
    if (signal.aborted) {
      return { ref: item.ref, target, outcome: 'restarted', detail: `restarted at ${item.restartedAt}; stopped following the rollout (cancelled)` };
    }
    const why = status?.message ?? readError.get(item) ?? 'no rollout status was read';
    const when = status?.state === 'failed' ? '' : ` after ${settings.rolloutTimeoutSeconds}s`;
    return { ref: item.ref, target, outcome: 'not-ready', detail: `restarted but not ready${when}: ${why}` };
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
