// The one contextValue grammar for tree nodes: `<base>(+<flag>)*`, e.g. `namespace+ambient+partial`.
// Menus match with `viewItem =~ /^namespace\b.*\+ambient\b/` (see `whenViewItem`). Flags are written in
// a fixed order so a value is stable, and every flag a base may carry is listed here, so a menu's `when`
// clause cannot target a flag that is never set.
import type { NamespaceEntry } from './clusterModel';

export const NODE_FLAGS = {
  /** A kube context. */
  context: ['current', 'loading', 'error', 'noIstio', 'readOnly'],
  /** The Mesh node under a context (istiod, ztunnel, istio-cni, trust domain). */
  mesh: ['noIstio', 'degraded'],
  /** A row of the Mesh node. */
  meshComponent: ['degraded'],
  ztunnelPod: ['degraded'],
  namespace: ['ambient', 'sidecar', 'conflict', 'waypoint', 'partial', 'system'],
  workload: ['deployment', 'statefulset', 'daemonset', 'bare', 'other', 'ambient', 'partial'],
  pod: ['captured', 'pending', 'notCaptured', 'optedOut', 'sidecar', 'hostNetwork', 'completed', 'outside'],
  /** A namespace's Authorization Policies group. */
  policies: [],
  /** One AuthorizationPolicy; `trap`: it does not do what it says (policyTraps). */
  policy: ['trap'],
  /** An explanatory row (error, empty list), possibly with an action. */
  message: ['error', 'retry', 'showLog'],
} as const;

export type NodeBase = keyof typeof NODE_FLAGS;
export type NodeFlag<B extends NodeBase> = (typeof NODE_FLAGS)[B][number];

/** `contextValue('namespace', ['partial', 'ambient'])` → `namespace+ambient+partial`. */
export function contextValue<B extends NodeBase>(base: B, flags: Iterable<NodeFlag<B> | false | undefined>): string {
  const set = new Set<string>();
  for (const flag of flags) if (flag) set.add(flag);
  const ordered = (NODE_FLAGS[base] as readonly string[]).filter((flag) => set.has(flag));
  return [base, ...ordered].join('+');
}

export interface ParsedContextValue {
  readonly base: string;
  readonly flags: ReadonlySet<string>;
}

export function parseContextValue(value: string): ParsedContextValue {
  const [base, ...flags] = value.split('+');
  return { base, flags: new Set(flags) };
}

/** A `when` clause for package.json menus: this base, with this flag if given. */
export function whenViewItem<B extends NodeBase>(base: B, flag?: NodeFlag<B>): string {
  return flag ? `viewItem =~ /^${base}\\b.*\\+${flag}\\b/` : `viewItem =~ /^${base}\\b/`;
}

/** A namespace row's contextValue, e.g. `namespace+ambient+partial` (pure, so the benchmark renders the same). */
export function namespaceContextValue(entry: NamespaceEntry): string {
  return contextValue('namespace', [
    entry.dataplane.ambient && 'ambient',
    entry.dataplane.sidecar && 'sidecar',
    entry.dataplane.mode === 'conflict' && 'conflict',
    entry.dataplane.waypoint !== undefined && 'waypoint',
    entry.dataplane.ambient && entry.progress.partial && 'partial',
    entry.system && 'system',
  ]);
}
