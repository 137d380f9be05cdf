// Where a command's targets come from: the tree node(s) it was invoked on (right-click, inline icon,
// multi-selection), a plain ref (tests, other commands), or, from the palette, quick picks for the
// context and the namespace(s). No `vscode`: the picks go through CommandHost.
import type { WorkloadKind } from '../kube/types';
import { messageOf } from '../mesh/problems';
import type { CommandDeps, PickItem } from './host';
import type { NamespaceRef, WorkloadRef } from './namespacePlan';
import { isAmbient, sidecarInjectionLabels } from './namespacePlan';

export interface PodRef extends NamespaceRef {
  readonly pod: string;
}

const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

type Loose = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function contextOf(node: Loose): string | undefined {
  return str(node.context);
}

/** The contextValue base (`namespace`, `workload`, `pod`) of a tree node, or of a plain object that names one. */
function baseOf(node: Loose): string | undefined {
  // Tree nodes carry their contextValue on the TreeItem they build, not on themselves.
  const getTreeItem = node.getTreeItem;
  const contextValue = str(node.contextValue) ?? (typeof getTreeItem === 'function' ? str((getTreeItem.call(node) as Loose | undefined)?.contextValue) : undefined);
  return contextValue?.split('+')[0];
}

/** A namespace node, or anything carrying `{ context, namespace }`. */
export function asNamespaceRef(value: unknown): NamespaceRef | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const node = value as Loose;
  const context = contextOf(node);
  const base = baseOf(node);
  // A plain ref `{ context, namespace }`, or a namespace node (its `name` is the namespace).
  const namespace = base === 'namespace' ? str(node.name) : base === undefined ? str(node.namespace) : undefined;
  return context && namespace ? { context, namespace } : undefined;
}

export function asWorkloadRef(value: unknown): WorkloadRef | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const node = value as Loose;
  const base = baseOf(node);
  const context = contextOf(node);
  const namespace = str(node.namespace);
  const kind = str(node.kind);
  const name = str(node.name);
  if ((base !== undefined && base !== 'workload') || !context || !namespace || !kind || !name || !WORKLOAD_KINDS.includes(kind)) return undefined;
  return { context, namespace, kind: kind as WorkloadKind, name };
}

export function asPodRef(value: unknown): PodRef | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const node = value as Loose;
  const base = baseOf(node);
  const context = contextOf(node);
  const namespace = str(node.namespace);
  const pod = base === 'pod' ? str(node.name) : base === undefined ? str(node.pod) : undefined;
  return context && namespace && pod ? { context, namespace, pod } : undefined;
}

/**
 * VS Code calls a tree command with (clicked node, all selected nodes); with a multi-selection the second
 * argument holds every selected node. A palette invocation has no arguments.
 */
export function refsFromArgs<R>(args: readonly unknown[], convert: (value: unknown) => R | undefined): R[] {
  const [clicked, selected] = args;
  const candidates = Array.isArray(selected) && selected.length > 0 ? selected : Array.isArray(clicked) ? clicked : [clicked];
  return candidates.map(convert).filter((r): r is R => r !== undefined);
}

/** One context: the only one, or picked (current first). The namespace and verify commands share it. */
export async function pickContext(deps: Pick<CommandDeps, 'kube' | 'host'>, title: string): Promise<string | undefined> {
  const state = deps.kube.state();
  if (state.contexts.length === 0) {
    void deps.host.showMessage('error', state.problem?.message ?? 'No kube contexts found in the kubeconfig.', {});
    return undefined;
  }
  if (state.contexts.length === 1) return state.contexts[0].name;
  const items = [...state.contexts]
    .sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent))
    .map((c): PickItem<string> => ({ label: c.name, description: `${c.cluster}${c.isCurrent ? ' (current)' : ''}`, value: c.name }));
  return deps.host.pickOne(items, { title, placeHolder: 'Kube context' });
}

export async function pickContexts(deps: CommandDeps, title: string): Promise<string[] | undefined> {
  const state = deps.kube.state();
  const items = state.contexts.map((c): PickItem<string> => ({
    label: c.name,
    description: `${c.cluster}${c.isCurrent ? ' (current)' : ''}`,
    picked: c.isCurrent,
    value: c.name,
  }));
  const picked = await deps.host.pickMany(items, { title, placeHolder: 'Contexts (clusters) to enroll on' });
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

/** The namespace refs a namespace command works on: the selected nodes, or context + namespaces picked. */
export async function namespaceTargets(deps: CommandDeps, args: readonly unknown[], title: string, filter: NamespaceFilter): Promise<NamespaceRef[] | undefined> {
  const fromNodes = refsFromArgs(args, asNamespaceRef);
  if (fromNodes.length > 0) return fromNodes;
  const context = await pickContext(deps, title);
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
