// Capture proof for namespaces (istio-cni's annotation + every ztunnel's workload table), and Restart
// Uncaptured Workloads: restart only the Deployments, StatefulSets and DaemonSets owning pods that are
// stale, pending or not captured, with Restart Workloads' confirmation, dry run, rollout follow-up and
// report; then take the proof again and say how it ended. No `vscode` here.
import type { WorkloadKind } from '../kube/types';
import { proofCounts, proveCapture, workloadsToRestart, type PodProof } from '../mesh/captureProof';
import { podFacts } from '../mesh/dataplane';
import { DATAPLANE_MODE_LABEL } from '../mesh/labels';
import { messageOf } from '../mesh/problems';
import { mergeWorkloads } from '../mesh/ztunnelConfig';
import type { CommandDeps } from './host';
import { confirmRestart, refused, RESTART_WORDS, restartRefusal } from './namespaceCommands';
import type { NamespaceRef, WorkloadRef } from './namespacePlan';
import { describeWorkload, namespaceKey } from './namespacePlan';
import type { CommandReport } from './report';
import { presentReport } from './report';
import { listZtunnelPods, readConfigDumps } from './verifyDeps';
import { restartAndFollow } from './workloadRestart';

export const RESTART_UNCAPTURED_TITLE = 'Restart Uncaptured Workloads';

export interface NamespaceProof {
  readonly ref: NamespaceRef;
  readonly pods: readonly PodProof[];
  /** Why ztunnel could not be asked (the proofs then say `unverified`), or the pods could not be listed. */
  readonly problem?: string;
}

/** One read per context: pods, namespaces, ReplicaSets (for Deployment owners), every ztunnel's config dump. */
export async function takeCaptureProof(deps: Pick<CommandDeps, 'kube' | 'log'>, targets: readonly NamespaceRef[]): Promise<NamespaceProof[]> {
  const contexts = [...new Set(targets.map((t) => t.context))];
  const byContext = new Map<string, NamespaceProof[]>();
  await Promise.all(
    contexts.map(async (context) => {
      const refs = targets.filter((t) => t.context === context);
      const client = deps.kube.client(context);
      try {
        const [pods, namespaces, replicaSets, ztunnels] = await Promise.all([client.listPods(), client.listNamespaces(), client.listReplicaSets(), listZtunnelPods(client)]);
        const dumps = await readConfigDumps(client, ztunnels);
        const read = dumps.filter((d) => d.dump);
        const problem = read.length === 0 ? `no ztunnel config dump could be read${dumps[0]?.error ? ` (${dumps[0].error})` : ''}` : undefined;
        const ambient = new Set(namespaces.filter((n) => n.metadata?.labels?.[DATAPLANE_MODE_LABEL] === 'ambient').map((n) => n.metadata?.name ?? ''));
        const owners = new Map(replicaSets.map((rs) => {
          const owner = rs.metadata?.ownerReferences?.find((o) => o.controller);
          return [rs.metadata?.name ?? '', owner ? { kind: owner.kind, name: owner.name } : undefined] as const;
        }));
        const live = pods.filter((p) => !p.metadata?.deletionTimestamp).map(podFacts);
        const proofs = proveCapture({ pods: live, ambientNamespaces: ambient, workloads: read.length > 0 ? mergeWorkloads(read) : undefined, replicaSetOwners: owners });
        byContext.set(context, refs.map((ref) => ({ ref, pods: proofs.filter((p) => p.namespace === ref.namespace), problem })));
      } catch (error) {
        byContext.set(context, refs.map((ref) => ({ ref, pods: [], problem: messageOf(error) })));
      }
    }),
  );
  return targets.map((ref) => byContext.get(ref.context)!.find((p) => p.ref.namespace === ref.namespace)!);
}

/** `captured 3/4 (1 stale: web-1)` */
export function describeProof(proof: NamespaceProof): string {
  const counts = proofCounts(proof.pods);
  const expected = counts.captured + counts.pending + counts.stale + counts.notCaptured + counts.unverified;
  const parts = [`${counts.captured}/${expected} proven captured`];
  for (const state of ['stale', 'pending', 'notCaptured', 'unverified'] as const) {
    const pods = proof.pods.filter((p) => p.state === state).map((p) => p.pod);
    if (pods.length > 0) parts.push(`${pods.length} ${state === 'notCaptured' ? 'not captured' : state}: ${pods.join(', ')}`);
  }
  return `${namespaceKey(proof.ref)}: ${parts.join('; ')}${proof.problem ? ` (${proof.problem})` : ''}`;
}

export interface RestartUncapturedReport extends CommandReport {
  readonly before: readonly NamespaceProof[];
  /** The proof taken again after the restarts (absent on a dry run, a cancel, or nothing to restart). */
  readonly after?: readonly NamespaceProof[];
}

export async function restartUncapturedWorkloads(deps: CommandDeps, namespaces: readonly NamespaceRef[]): Promise<RestartUncapturedReport> {
  const title = RESTART_UNCAPTURED_TITLE;
  const settings = deps.settings();
  const before = await deps.host.withProgress(`${title}: checking capture…`, () => takeCaptureProof(deps, namespaces));
  for (const proof of before) deps.log.info(`capture proof: ${describeProof(proof)}`);
  const workloads: WorkloadRef[] = [];
  for (const proof of before) {
    const { workloads: found, orphans } = workloadsToRestart(proof.pods);
    workloads.push(...found.map((w) => ({ context: proof.ref.context, namespace: w.namespace, kind: w.kind as WorkloadKind, name: w.name })));
    for (const orphan of orphans) deps.log.warn(`${title}: ${proof.ref.context}/${orphan.namespace}/${orphan.pod} is not captured but is owned by ${orphan.workload.kind} ${orphan.workload.name}: delete or recreate it yourself`);
  }
  const where = namespaces.length === 1 ? `${namespaces[0].namespace} (${namespaces[0].context})` : `${namespaces.length} namespaces`;
  if (workloads.length === 0) {
    void deps.host.showMessage('info', `Nothing to restart in ${where}: every pod expected in the mesh is proven captured.`, {});
    return { title, results: [], cancelled: false, dryRun: settings.dryRun, before };
  }
  const refusal = await restartRefusal(deps, title, workloads);
  if (refusal) return { ...refused(deps, title, namespaces, refusal), before };
  const why = new Map(before.flatMap((p) => p.pods).map((p) => [`${p.namespace}/${p.workload.kind}/${p.workload.name}`, p]));
  const cancelledReport = await confirmRestart(deps, title, workloads, {
    question: `Restart ${workloads.length} uncaptured workload${workloads.length === 1 ? '' : 's'} in ${where}?`,
    detail: 'Only the workloads with pods not proven captured, like kubectl rollout restart:',
    lines: workloads.map((w) => {
      const pod = why.get(`${w.namespace}/${w.kind}/${w.name}`);
      return `${describeWorkload(w)}${pod ? ` — ${pod.pod}: ${pod.state === 'notCaptured' ? 'not captured' : pod.state}` : ''}`;
    }),
  });
  if (cancelledReport) return { ...cancelledReport, before };
  const { results, cancelled } = await deps.host.withProgress(title, (progress, signal) => restartAndFollow(deps, workloads, progress, signal));
  const report: CommandReport = { title, results, cancelled, dryRun: settings.dryRun };
  presentReport(deps, report, RESTART_WORDS);
  if (settings.dryRun || cancelled) return { ...report, before };
  const after = await takeCaptureProof(deps, namespaces);
  for (const proof of after) deps.log.info(`capture proof after restart: ${describeProof(proof)}`);
  const left = after.flatMap((p) => p.pods).filter((p) => p.state !== 'captured' && p.state !== 'excluded').length;
  void deps.host.showMessage(
    left === 0 ? 'info' : 'warning',
    left === 0 ? `${title}: every pod in ${where} is now proven captured.` : `${title}: ${left} pod${left === 1 ? '' : 's'} in ${where} still not proven captured.`,
    {},
  );
  return { ...report, before, after };
}
