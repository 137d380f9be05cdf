// Where a command's targets come from: the tree node(s) it was invoked on (right-click, inline icon,
// multi-selection), a plain ref (tests, other commands), or, from the palette, quick picks for the
// context and the namespace(s). No `vscode`: the picks go through CommandHost.
import type { WorkloadKind } from '../kube/types';
import { WRITE_ACCESS } from '../kube/access';
import { messageOf } from '../mesh/problems';
import type { CommandDeps, PickItem } from './host';
import type { NamespaceRef, WorkloadRef } from './namespacePlan';
import { isAmbient, sidecarInjectionLabels } from '../mesh/dataplane';
import { invokedOn, RESTARTABLE_KINDS, targetOf, targetsOf } from './target';

export interface PodRef extends NamespaceRef {
  readonly pod: string;
}

/** A namespace node, or anything carrying `{ context, namespace }` (see target.ts: one decoder). */
export function asNamespaceRef(value: unknown): NamespaceRef | undefined {
  const target = targetOf(value);
  return target?.kind === 'namespace' ? { context: target.context, namespace: target.namespace } : undefined;
}

export function asWorkloadRef(value: unknown): WorkloadRef | undefined {
  const target = targetOf(value);
  if (target?.kind !== 'workload' || !(RESTARTABLE_KINDS as readonly string[]).includes(target.workloadKind)) return undefined;
  return { context: target.context, namespace: target.namespace, kind: target.workloadKind as WorkloadKind, name: target.name };
}

export function asPodRef(value: unknown): PodRef | undefined {
  const target = targetOf(value);
  return target?.kind === 'pod' ? { context: target.context, namespace: target.namespace, pod: target.pod } : undefined;
}

/** The refs of one kind among the clicked/selected nodes (VS Code passes (clicked, selected)). */
export function refsFromArgs<R>(args: readonly unknown[], convert: (value: unknown) => R | undefined): R[] {
  // Each argument is decoded once, by `convert` (through targetOf): never a decoded target decoded again.
  return invokedOn(args)
    .map(convert)
    .filter((r): r is R => r !== undefined);
}

/** The context a user invoked a command under (a context row, or any row inside it). */
export function contextFromArgs(args: readonly unknown[]): string | undefined {
  return targetsOf(args)[0]?.context;
}

/**
 * One context: the only one, or picked. Listed in kubeconfig order with the current one only described as
 * such: an Enter on a pre-highlighted "current" row would act on a cluster the user never chose.
 */
export async function pickContext(deps: Pick<CommandDeps, 'kube' | 'host'>, title: string): Promise<string | undefined> {
  const state = deps.kube.state();
  if (state.contexts.length === 0) {
    void deps.host.showMessage('error', state.problem?.message ?? 'No kube contexts found in the kubeconfig.', {});
    return undefined;
  }
  if (state.contexts.length === 1) return state.contexts[0].name;
  const items = state.contexts.map((c): PickItem<string> => ({ label: c.name, description: `${c.cluster}${c.isCurrent ? ' (current)' : ''}`, value: c.name }));
  return deps.host.pickOne(items, { title, placeHolder: 'Kube context' });
}

/** A context to add to a view that already follows `followed`; says so when every context is already there. */
export async function pickContextToAdd(deps: Pick<CommandDeps, 'kube' | 'host'>, title: string, followed: readonly string[]): Promise<string | undefined> {
  const candidates = deps.kube.state().contexts.filter((c) => !followed.includes(c.name));
  if (candidates.length === 0) {
    void deps.host.showMessage('info', 'Every context of your kubeconfig is already in this view.', {});
    return undefined;
  }
  const items = candidates.map((c): PickItem<string> => ({ label: c.name, description: `${c.cluster}${c.isCurrent ? ' (current)' : ''}`, value: c.name }));
  return deps.host.pickOne(items, { title, placeHolder: 'Kube context' });
}

/**
 * Contexts to enroll on: pre-ticked only those the user started from (the clicked rows' contexts), each
 * saying which of the namespaces it would enroll, and "read-only" where its user may not label namespaces.
 */
export async function pickContexts(deps: CommandDeps, title: string, namespaces: readonly string[] = [], startedFrom: readonly string[] = []): Promise<string[] | undefined> {
  const state = deps.kube.state();
  const items = await Promise.all(
    state.contexts.map(async (c): Promise<PickItem<string>> => {
      const access = deps.access ? await deps.access.check(c.name, WRITE_ACCESS.labelNamespaces) : 'unknown';
      const readOnly = access === 'denied' ? ' · read-only' : '';
      let detail: string | undefined;
      if (namespaces.length > 0) {
        const present = await deps.kube
          .client(c.name)
          .listNamespaces()
          .then((list) => new Set(list.map((n) => n.metadata?.name ?? '')))
          .catch(() => undefined);
        const here = present ? namespaces.filter((n) => present.has(n)) : namespaces;
        const missing = present ? namespaces.filter((n) => !present.has(n)) : [];
        detail = `${here.length > 0 ? `enrolls ${here.join(', ')}` : 'enrolls nothing'}${missing.length > 0 ? ` · not here: ${missing.join(', ')}` : ''}`;
      }
      return { label: c.name, description: `${c.cluster}${c.isCurrent ? ' (current)' : ''}${readOnly}`, detail, picked: startedFrom.includes(c.name), value: c.name };
    }),
  );
  const which = namespaces.length > 0 ? `Contexts (clusters) to enroll ${namespaces.join(', ')} on` : 'Contexts (clusters) to enroll on';
  const picked = await deps.host.pickMany(items, { title, placeHolder: which });
  return picked && picked.length > 0 ? picked : undefined;
}

export type NamespaceFilter = 'notAmbient' | 'ambient' | 'any';

function modeDescription(labels: Readonly<Record<string, string>>): string {
  const sidecar = sidecarInjectionLabels(labels).length > 0;
  if (isAmbient(labels)) return sidecar ? 'ambient + sidecar (conflict)' : 'ambient';
  return sidecar ? 'sidecar' : '';
}

/** Multi-select namespaces of one context; the filter keeps the pick to namespaces the command applies to. */
export async function pickNamespaces(deps: CommandDeps, context: string, title: string, filter: NamespaceFilter): Promise<NamespaceRef[] | undefined> {
  let namespaces;
  try {
    namespaces = await deps.kube.client(context).listNamespaces();
  } catch (error) {
    void deps.host.showMessage('error', messageOf(error), {});
    return undefined;
  }
  const items = namespaces
    .map((ns) => ({ name: ns.metadata?.name ?? '', labels: ns.metadata?.labels ?? {} }))
    .filter((ns) => filter === 'any' || (filter === 'ambient') === isAmbient(ns.labels))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((ns): PickItem<NamespaceRef> => ({ label: ns.name, description: modeDescription(ns.labels), value: { context, namespace: ns.name } }));
  if (items.length === 0) {
    const which = filter === 'ambient' ? 'ambient namespaces' : filter === 'notAmbient' ? 'namespaces outside ambient' : 'namespaces';
    void deps.host.showMessage('info', `No ${which} in ${context}.`, {});
    return undefined;
  }
  const picked = await deps.host.pickMany(items, { title, placeHolder: `Namespaces in ${context}` });
  return picked && picked.length > 0 ? picked : undefined;
}

/**
 * The namespace refs a namespace command works on: the selected namespace rows; on a context row (or a row
 * inside one) the namespaces picked in that context; from the palette a context, then its namespaces.
 */
export async function namespaceTargets(deps: CommandDeps, args: readonly unknown[], title: string, filter: NamespaceFilter): Promise<NamespaceRef[] | undefined> {
  const fromNodes = refsFromArgs(args, asNamespaceRef);
  if (fromNodes.length > 0) return fromNodes;
  const context = contextFromArgs(args) ?? (await pickContext(deps, title));
  return context ? pickNamespaces(deps, context, title, filter) : undefined;
}

/** Namespace names offered across several contexts: each says in which of them it exists. */
export async function pickNamespaceNames(deps: CommandDeps, contexts: readonly string[], title: string): Promise<string[] | undefined> {
  const where = new Map<string, string[]>();
  await Promise.all(
    contexts.map(async (context) => {
      try {
        for (const ns of await deps.kube.client(context).listNamespaces()) {
          const name = ns.metadata?.name ?? '';
          where.set(name, [...(where.get(name) ?? []), context]);
        }
      } catch (error) {
        deps.log.warn(`Could not list namespaces of ${context}: ${messageOf(error)}`);
      }
    }),
  );
  const items = [...where.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, in_]): PickItem<string> => ({
      label: name,
      description: in_.length === contexts.length ? `in all ${contexts.length}` : `only in ${in_.sort().join(', ')}`,
      value: name,
    }));
  const picked = await deps.host.pickMany(items, { title, placeHolder: 'Namespaces to enroll on every chosen context' });
  return picked && picked.length > 0 ? picked : undefined;
}

/** One namespace of one context (the context picked first), for the commands that then pick inside it. */
async function pickNamespace(deps: CommandDeps, title: string): Promise<NamespaceRef | undefined> {
  const context = await pickContext(deps, title);
  if (!context) return undefined;
  const namespaces = await deps.kube.client(context).listNamespaces();
  const namespace = await deps.host.pickOne(
    namespaces.map((ns) => ({ label: ns.metadata?.name ?? '', value: ns.metadata?.name ?? '' })).sort((a, b) => a.label.localeCompare(b.label)),
    { title, placeHolder: `Namespace in ${context}` },
  );
  return namespace ? { context, namespace } : undefined;
}

export async function pickWorkload(deps: CommandDeps, title: string): Promise<WorkloadRef | undefined> {
  const picked = await pickNamespace(deps, title);
  if (!picked) return undefined;
  const { context, namespace } = picked;
  const client = deps.kube.client(context);
  const [deployments, statefulSets, daemonSets] = await Promise.all([
    client.listDeployments(namespace),
    client.listStatefulSets(namespace),
    client.listDaemonSets(namespace),
  ]);
  const items: PickItem<WorkloadRef>[] = [
    ...deployments.map((w) => ['Deployment', w.metadata?.name ?? ''] as const),
    ...statefulSets.map((w) => ['StatefulSet', w.metadata?.name ?? ''] as const),
    ...daemonSets.map((w) => ['DaemonSet', w.metadata?.name ?? ''] as const),
  ].map(([kind, name]) => ({ label: name, description: kind, value: { context, namespace, kind, name } }));
  if (items.length === 0) {
    void deps.host.showMessage('info', `No Deployments, StatefulSets or DaemonSets in ${namespace} (${context}).`, {});
    return undefined;
  }
  return deps.host.pickOne(items, { title, placeHolder: `Workload in ${namespace}` });
}

export async function pickPod(deps: CommandDeps, title: string): Promise<PodRef | undefined> {
  const picked = await pickNamespace(deps, title);
  if (!picked) return undefined;
  const { context, namespace } = picked;
  const pods = await deps.kube.client(context).listPods(namespace);
  if (pods.length === 0) {
    void deps.host.showMessage('info', `No pods in ${namespace} (${context}).`, {});
    return undefined;
  }
  return deps.host.pickOne(
    pods.map((p) => ({ label: p.metadata?.name ?? '', description: p.spec?.serviceAccountName, value: { context, namespace, pod: p.metadata?.name ?? '' } })),
    { title, placeHolder: `Pod in ${namespace}` },
  );
}
