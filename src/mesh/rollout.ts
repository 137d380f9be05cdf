// Is a rollout finished? The same answers, in the same order, as `kubectl rollout status`
// (kubectl/pkg/polymorphichelpers/rollout_status.go), so what the extension reports after a restart
// matches what a user would see in a terminal. Pure: takes the object as read from the API server.
import type { V1DaemonSet, V1Deployment, V1StatefulSet, WorkloadKind } from '../kube/types';

export type RolloutState =
  /** Every replica runs the new template and is available. */
  | 'complete'
  /** Still rolling: the message says what it is waiting for. */
  | 'progressing'
  /** Will not finish by itself (progress deadline exceeded, OnDelete strategy). */
  | 'failed';

export interface RolloutStatus {
  readonly state: RolloutState;
  /** One sentence, kubectl's wording: what is done or what the rollout waits for. */
  readonly message: string;
}

export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet;

export function rolloutStatus(kind: WorkloadKind, workload: Workload): RolloutStatus {
  switch (kind) {
    case 'Deployment':
      return deploymentRolloutStatus(workload as V1Deployment);
    case 'StatefulSet':
      return statefulSetRolloutStatus(workload as V1StatefulSet);
    case 'DaemonSet':
      return daemonSetRolloutStatus(workload as V1DaemonSet);
  }
}

const progressing = (message: string): RolloutStatus => ({ state: 'progressing', message });
const complete = (message: string): RolloutStatus => ({ state: 'complete', message });
const failed = (message: string): RolloutStatus => ({ state: 'failed', message });

/** The controller has not yet seen the latest spec: any status it reports is about the previous one. */
function specObserved(generation: number | undefined, observedGeneration: number | undefined): boolean {
  return (generation ?? 0) <= (observedGeneration ?? 0);
}

export function deploymentRolloutStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name ?? '';
  const status = deployment.status ?? {};
  if (!specObserved(deployment.metadata?.generation, status.observedGeneration)) {
    return progressing('Waiting for deployment spec update to be observed');
  }
  const progressingCondition = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressingCondition?.reason === 'ProgressDeadlineExceeded') {
    return failed(`deployment "${name}" exceeded its progress deadline` + conditionDetail(progressingCondition.message));
  }
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) {
    return progressing(`Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated`);
  }
  if (replicas > updated) {
    return progressing(`Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination`);
  }
  if (available < updated) {
    return progressing(`Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available`);
  }
  return complete(`deployment "${name}" successfully rolled out`);
}

export function daemonSetRolloutStatus(daemonSet: V1DaemonSet): RolloutStatus {
  const name = daemonSet.metadata?.name ?? '';
  // The API server defaults the strategy to RollingUpdate; OnDelete replaces pods only when someone deletes them.
  if ((daemonSet.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return failed(`daemon set "${name}" uses the OnDelete update strategy: its pods are replaced only when deleted`);
  }
  const status = daemonSet.status;
  if (!status || !specObserved(daemonSet.metadata?.generation, status.observedGeneration)) {
    return progressing('Waiting for daemon set spec update to be observed');
  }
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (updated < desired) {
    return progressing(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated`);
  }
  if (available < desired) {
    return progressing(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available`);
  }
  return complete(`daemon set "${name}" successfully rolled out`);
}

export function statefulSetRolloutStatus(statefulSet: V1StatefulSet): RolloutStatus {
  const name = statefulSet.metadata?.name ?? '';
  const strategy = statefulSet.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return failed(`statefulset "${name}" uses the OnDelete update strategy: its pods are replaced only when deleted`);
  }
  const status = statefulSet.status;
  // Unlike the other two, a StatefulSet whose controller never reported (observedGeneration 0) is not done.
  if (!status?.observedGeneration || (statefulSet.metadata?.generation ?? 0) > status.observedGeneration) {
    return progressing('Waiting for statefulset spec update to be observed');
  }
  const desired = statefulSet.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  if (ready < desired) {
    return progressing(`Waiting for ${desired - ready} pods of statefulset "${name}" to be ready`);
  }
  // The API server defaults rollingUpdate.partition to 0, so kubectl decides on updated replicas and never
  // reaches the revision comparison below for a defaulted object; only an object without rollingUpdate does.
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition ?? 0;
    const updated = status.updatedReplicas ?? 0;
    if (updated < desired - partition) {
      return progressing(`Waiting for statefulset "${name}" rollout to finish: ${updated} out of ${desired - partition} new pods have been updated`);
    }
    return complete(
      partition > 0
        ? `partitioned roll out complete: ${updated} new pods have been updated`
        : `statefulset "${name}" rolling update complete: ${updated} pods updated`,
    );
  }
  if (status.updateRevision !== status.currentRevision) {
    return progressing(`Waiting for statefulset "${name}" rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision}`);
  }
  return complete(`statefulset "${name}" rolling update complete ${status.currentReplicas ?? ready} pods at revision ${status.updateRevision}`);
}

function conditionDetail(message: string | undefined): string {
  return message ? ` (${message})` : '';
}
