// Which parts of the Clusters tree a batch of model changes needs redrawn: pure (no vscode), so the
// rule is unit-tested in plain Node; the provider turns the plan into nodes.
import type { MeshChange } from '../mesh/meshModel';

/** More namespace rows than this changed at once in a context: redraw the whole context instead. */
export const MAX_ROWS_PER_REFRESH = 200;

export interface RedrawPlan {
  /** Redraw the whole tree (the kubeconfig changed). */
  readonly all: boolean;
  /** Contexts to redraw with everything under them. */
  readonly contexts: ReadonlySet<string>;
  /** Namespace rows to redraw, per context (contexts in `contexts` are left out). */
  readonly rows: ReadonlyMap<string, ReadonlySet<string>>;
}

export function redrawPlan(changes: readonly MeshChange[], showOnlyAmbient: boolean): RedrawPlan {
  let all = false;
  const contexts = new Set<string>();
  const rows = new Map<string, Set<string>>();
  for (const change of changes) {
    if (change.scope === 'kubeconfig') {
      all = true;
    } else if (change.scope === 'cluster') {
      contexts.add(change.context);
    } else {
      // A label change can move a namespace in or out of the "only ambient" list: redraw the list.
      if (change.labelsChanged && showOnlyAmbient) contexts.add(change.context);
      let names = rows.get(change.context);
      if (!names) rows.set(change.context, (names = new Set()));
      for (const name of change.namespaces) names.add(name);
    }
  }
  for (const [context, names] of rows) {
    if (names.size > MAX_ROWS_PER_REFRESH) contexts.add(context);
    if (contexts.has(context)) rows.delete(context);
  }
  return { all, contexts, rows };
}
