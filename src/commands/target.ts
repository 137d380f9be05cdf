// What a command was invoked on, decoded in one place. Tree nodes carry a `target`: plain strings (context
// name + object identity), never a model object, so a node a user right-clicked before a kubeconfig reload
// or a `kubectl config use-context` still names the same cluster and object, and the command resolves it
// against the clients of now. Plain refs (`{ context, namespace }`, tests and other commands) decode the same
// way. No `vscode` here.
import type { WorkloadKind } from '../kube/types';

export type CommandTarget =
  | { readonly kind: 'context'; readonly context: string }
  | { readonly kind: 'namespace'; readonly context: string; readonly namespace: string }
  | { readonly kind: 'workload'; readonly context: string; readonly namespace: string; readonly workloadKind: string; readonly name: string }
  | { readonly kind: 'pod'; readonly context: string; readonly namespace: string; readonly pod: string };

export const RESTARTABLE_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

type Loose = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A node's own `target`, checked field by field (a target is data, it may come from anywhere). */
function ownTarget(value: Loose): CommandTarget | undefined {
  const t = value.target;
  if (!t || typeof t !== 'object') return undefined;
  const target = t as Loose;
  const context = str(target.context);
  if (!context) return undefined;
  const namespace = str(target.namespace);
  switch (target.kind) {
    case 'context':
      return { kind: 'context', context };
    case 'namespace':
      return namespace ? { kind: 'namespace', context, namespace } : undefined;
    case 'workload': {
      const workloadKind = str(target.workloadKind);
      const name = str(target.name);
      return namespace && workloadKind && name ? { kind: 'workload', context, namespace, workloadKind, name } : undefined;
    }
    case 'pod': {
      const pod = str(target.pod);
      return namespace && pod ? { kind: 'pod', context, namespace, pod } : undefined;
    }
    default:
      return undefined;
  }
}

/** A plain ref: `{ context, namespace, kind, name }`, `{ context, namespace, pod }`, `{ context, namespace }`, `{ context }`. */
function plainRef(value: Loose): CommandTarget | undefined {
  const context = str(value.context);
  if (!context) return undefined;
  // A row-shaped object (`{ context, name, contextValue: 'namespace+…' }`), as callers outside the tree pass one.
  const base = str(value.contextValue)?.split('+')[0];
  const name = str(value.name);
  if (base === 'namespace' && name) return { kind: 'namespace', context, namespace: name };
  if (base === 'pod' && name && str(value.namespace)) return { kind: 'pod', context, namespace: str(value.namespace)!, pod: name };
  if (base === 'context') return { kind: 'context', context };
  const namespace = str(value.namespace);
  if (!namespace) return { kind: 'context', context };
  const pod = str(value.pod);
  if (pod) return { kind: 'pod', context, namespace, pod };
  const workloadKind = str(value.kind);
  if (workloadKind && name) return { kind: 'workload', context, namespace, workloadKind, name };
  return { kind: 'namespace', context, namespace };
}

/**
 * The target of one argument: a tree node's `target`, a plain ref, a context name, or (for nodes that carry
 * no target of their own, like the Mesh node) the target of the context they sit under.
 */
export function targetOf(value: unknown): CommandTarget | undefined {
  if (typeof value === 'string') return value !== '' ? { kind: 'context', context: value } : undefined;
  if (!value || typeof value !== 'object') return undefined;
  const node = value as Loose;
  const own = ownTarget(node);
  if (own) return own;
  if ('target' in node) return undefined; // a node whose target is malformed names nothing
  if (node.parent && node.parent !== value && typeof node.parent === 'object') {
    const parent = targetOf(node.parent);
    return parent ? { kind: 'context', context: parent.context } : undefined;
  }
  return plainRef(node);
}

/**
 * VS Code calls a tree command with (clicked node, all selected nodes); with a multi-selection the second
 * argument holds every selected node. A palette invocation has no arguments.
 */
export function targetsOf(args: readonly unknown[]): CommandTarget[] {
  return invokedOn(args)
    .map(targetOf)
    .filter((t): t is CommandTarget => t !== undefined);
}

/** The arguments a command was invoked on, undecoded: the multi-selection, else the clicked row (or a list). */
export function invokedOn(args: readonly unknown[]): readonly unknown[] {
  const [clicked, selected] = args;
  return Array.isArray(selected) && selected.length > 0 ? selected : Array.isArray(clicked) ? clicked : [clicked];
}

/** The one context the command was invoked under (the first selected node's), if any. */
export function contextOfTarget(args: readonly unknown[]): string | undefined {
  return targetsOf(args)[0]?.context;
}

/**
 * A tree invocation whose rows VS Code could no longer hand over: it passes `undefined` (or a list of them) for
 * a row whose item it is re-fetching at that instant. The palette passes no arguments at all. Such a command
 * must not fall back to asking for a context (the user clicked a row of one): it says so and changes nothing.
 */
export function rowsLost(args: readonly unknown[]): boolean {
  if (args.length === 0) return false;
  return args.every((arg) => arg === undefined || arg === null || (Array.isArray(arg) && arg.every((a) => a === undefined || a === null)));
}

export const ROWS_LOST_SENTENCE = 'The row you clicked was being redrawn, so VS Code did not pass it on; nothing was changed. Try again.';
