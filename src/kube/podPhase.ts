// A pod's lifecycle as the API reports it, in one place: a pod that has finished (Succeeded/Failed) never runs
// again, and a running pod with a deletionTimestamp is on its way out (exec and log follows would race it).
import type { V1Pod } from './types';

/** `Succeeded` or `Failed`: the pod's containers have all terminated for good. */
export function isFinishedPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Running and not being deleted: a pod to exec in or follow. */
export function isRunningPod(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp;
}

/** Not finished and not being deleted: a pod that still counts (pre-flight, capture). */
export function isLivePod(pod: V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && !isFinishedPhase(pod.status?.phase);
}
