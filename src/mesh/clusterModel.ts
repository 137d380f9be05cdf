// The live ambient model of one kube context. Collapsed, it holds only a one-off summary (no watches);
// started (the context is expanded), it keeps namespaces and pods current through watches, and the
// workloads of the namespaces that are open. It never imports vscode: the tree is one consumer, the
// benchmark in plain Node another.
import type {
  ClusterClient,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Pod,
  WatchCallbacks,
  WatchHandle,
  WatchedResource,
} from '../kube/types';
import {
  captureProgress,
  captureState,
  emptyCounts,
  namespaceBadge,
  namespaceDataplane,
  namespaceFacts,
  podFacts,
} from './dataplane';
import type { CaptureProgress, CaptureState, NamespaceBadge, NamespaceDataplane, NamespaceFacts, PodFacts } from './dataplane';
import { Emitter } from './events';
import { ISTIO_NAMESPACE, MESH_CONFIG_MAP } from './meshSummary';
import type { MeshSummary } from './meshSummary';
import { MeshSummaryTracker, type IstioSystemParts } from './meshSummaryTracker';
import { problemFrom } from './problems';
import type { ClusterProblem } from './problems';
import { readNamespacePolicies, type NamespacePolicies } from './policyRead';
import { WorkloadIndex } from './workloadIndex';
import type { WorkloadGroup } from './workloads';

/** `idle`: collapsed (summary at most); `loading`: first lists in flight; `error`: see `problem`. */
export type ClusterStatus = 'idle' | 'loading' | 'ready' | 'error';

export type ClusterChange =
  /** Status, summary or the set of namespaces changed: redraw the whole context. */
  | { readonly context: string; readonly scope: 'cluster' }
  /** Rows of these namespaces changed (pods, capture, workloads; labels when `labelsChanged`). */
  | { readonly context: string; readonly scope: 'namespaces'; readonly namespaces: readonly string[]; readonly labelsChanged: boolean };

/** Everything a namespace row shows, derived and cached until the namespace or one of its pods changes. */
export interface NamespaceEntry {
  readonly name: string;
  readonly facts: NamespaceFacts;
  readonly dataplane: NamespaceDataplane;
  readonly progress: CaptureProgress;
  readonly badge: NamespaceBadge;
  readonly system: boolean;
}

/**
 * One reading of a context, taken once per redraw: the context row, its namespace rows, their badges and
 * the status bar all draw from the same reading, so they never disagree. Immutable.
 */
export interface ClusterView {
  readonly status: ClusterStatus;
  readonly problem?: ClusterProblem;
  readonly summary?: MeshSummary;
  readonly namespaceCounts?: { readonly ambient: number; readonly total: number };
  /** Namespace rows by name, in name order (empty until started and synced). */
  readonly namespaces: ReadonlyMap<string, NamespaceEntry>;
}

export interface PodEntry {
  readonly facts: PodFacts;
  readonly state: CaptureState;
}

export interface ClusterModelOptions {
  /** System namespaces (a setting): excluded from the `ambient n/m` count and hidden on request. */
  readonly isSystemNamespace: (name: string) => boolean;
  readonly log?: { debug(message: string): void; warn(message: string): void };
}

function samePod(a: PodFacts, b: PodFacts): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class ClusterModel {
  private readonly changes = new Emitter<ClusterChange>();
  readonly onDidChange = this.changes.event;

  private statusValue: ClusterStatus = 'idle';
  private problemValue?: ClusterProblem;
  /** istio-system as last read or watched, and the summary drawn from it. */
  private readonly mesh = new MeshSummaryTracker();
  /** Ambient and all (non-system) namespace counts, kept after the watches stop so a collapsed node still says. */
  private counts?: { ambient: number; total: number };
  private summaryLoad?: Promise<void>;

  /** Bumped on every start/stop: callbacks of stopped watches compare and drop themselves. */
  private generation = 0;
  private started?: Promise<void>;
  private handles: WatchHandle[] = [];
  private readonly namespaces = new Map<string, NamespaceFacts>();
  private readonly pods = new Map<string, Map<string, PodFacts>>();
  private readonly entries = new Map<string, NamespaceEntry>();
  /** The workloads of the open namespaces (their own watches). */
  private readonly workloads = new WorkloadIndex();

  constructor(
    private readonly client: ClusterClient,
    private readonly options: ClusterModelOptions,
  ) {}

  get context(): string {
    return this.client.context;
  }
  /** The namespace's AuthorizationPolicies with where each is enforced and its traps, read now (not watched). */
  readPolicies(namespace: string): Promise<NamespacePolicies> {
    return readNamespacePolicies(this.client, namespace);
  }


  get status(): ClusterStatus {
    return this.statusValue;
  }

  /** Why the cluster could not be loaded (status `error`), or why its mesh summary could not. */
  get problem(): ClusterProblem | undefined {
    return this.problemValue;
  }

  get summary(): MeshSummary | undefined {
    return this.mesh.summary;
  }

  get live(): boolean {
    return this.started !== undefined;
  }

  /** Ambient namespaces and all non-system namespaces, once known. */
  get namespaceCounts(): { ambient: number; total: number } | undefined {
    return this.counts;
  }

  // ---- Summary of a collapsed context (one-off lists, no watches) ----

  /** Load the mesh summary and namespace counts once (for the context's description); a no-op while live. */
  loadSummary(force = false): Promise<void> {
    if (this.live) return this.started ?? Promise.resolve();
    if (this.summaryLoad && !force) return this.summaryLoad;
    const generation = this.generation;
    this.summaryLoad = (async () => {
      try {
        // istio-system may be unreadable (a restricted user) while namespaces are not: that is no outage.
        const [namespaces] = await Promise.all([
          this.client.listNamespaces(),
          this.loadIstioSystem().catch((error: unknown) => this.options.log?.warn(`${this.context}: cannot read ${ISTIO_NAMESPACE}: ${(error as Error).message}`)),
        ]);
        if (generation !== this.generation) return;
        this.counts = this.countNamespaces(namespaces.map(namespaceFacts));
        this.problemValue = undefined;
        if (this.statusValue === 'error') this.statusValue = 'idle';
      } catch (error) {
        if (generation !== this.generation) return;
        this.setProblem(error);
      }
      this.fireCluster();
    })();
    return this.summaryLoad;
  }

  private async loadIstioSystem(): Promise<void> {
    const [deployments, daemonSets, meshConfig] = await Promise.all([
      this.client.listDeployments(ISTIO_NAMESPACE),
      this.client.listDaemonSets(ISTIO_NAMESPACE),
      // Missing or unreadable (a viewer without ConfigMap rights): the default trust domain applies.
      this.client.readConfigMap(ISTIO_NAMESPACE, MESH_CONFIG_MAP).catch((error: unknown) => {
        this.options.log?.debug(`${this.context}: no mesh config (${(error as Error).message})`);
        return undefined;
      }),
    ]);
    this.mesh.update({ deployments, daemonSets, meshConfig });
  }

  // ---- Live model (expanded context) ----

  /**
   * Start the watches (namespaces and pods, cluster-wide; istio-system's Deployments and DaemonSets).
   * Resolves once namespaces and pods are listed, or on the first failure (status `error`; the watches keep
   * retrying and the model recovers by itself when they succeed).
   */
  start(): Promise<void> {
    if (this.started) return this.started;
    const generation = ++this.generation;
    this.statusValue = 'loading';
    this.problemValue = undefined;
    this.fireCluster();
    this.started = new Promise<void>((resolve) => {
      let waiting = 2;
      const synced = () => {
        if (--waiting === 0) {
          this.statusValue = 'ready';
          this.problemValue = undefined;
          this.recount();
          resolve();
          this.fireCluster();
        }
      };
      const failed = (error: Error, willRetry: boolean) => {
        if (generation !== this.generation) return;
        // The first failure is news; the retries of a context already shown in error are not.
        const repeat = this.statusValue === 'error';
        this.options.log?.[repeat ? 'debug' : 'warn'](`${this.context}: watch failed${willRetry ? ', retrying' : ''}: ${error.message}`);
        if (this.statusValue === 'ready' && willRetry) return; // keep showing the last state while it reconnects
        if (repeat) return;
        this.setProblem(error);
        resolve();
        this.fireCluster();
      };
      let namespacesSynced = false;
      let podsSynced = false;
      this.handles.push(
        this.watchFor<V1Namespace>(generation, 'namespaces', undefined, {
          onSync: (items) => {
            this.replaceNamespaces(items);
            if (!namespacesSynced) {
              namespacesSynced = true;
              synced();
            } else this.recoveredOrChanged();
          },
          onEvent: (event) => this.namespaceEvent(event.type, event.object),
          onError: failed,
        }),
        this.watchFor<V1Pod>(generation, 'pods', undefined, {
          onSync: (items) => {
            this.replacePods(items);
            if (!podsSynced) {
              podsSynced = true;
              synced();
            } else this.recoveredOrChanged();
          },
          onEvent: (event) => this.podEvent(event.type, event.object),
          onError: failed,
        }),
      );
      this.startIstioWatches(generation);
    });
    return this.started;
  }

  /** Stop every watch and drop the live data; the summary and counts stay for the collapsed node. */
  stop(): void {
    if (!this.started) return;
    this.generation++;
    for (const handle of this.handles) handle.stop();
    this.handles = [];
    this.workloads.unwatchAll();
    this.namespaces.clear();
    this.pods.clear();
    this.entries.clear();
    this.started = undefined;
    this.summaryLoad = undefined;
    if (this.statusValue !== 'error') this.statusValue = 'idle';
  }

  /** Re-list everything: restart the watches if live, else reload the summary. */
  async refresh(): Promise<void> {
    if (this.live) {
      const openNamespaces = this.workloads.namespaces();
      this.stop();
      const started = this.start();
      for (const namespace of openNamespaces) void this.watchWorkloads(namespace);
      await started;
    } else {
      this.problemValue = undefined;
      if (this.statusValue === 'error') this.statusValue = 'idle';
      await this.loadSummary(true);
    }
  }

  /** The system-namespace setting changed: re-derive the rows and counts that depend on it. */
  reclassify(): void {
    this.entries.clear();
    if (this.live) this.recount();
    else this.summaryLoad = undefined; // the collapsed counts came from a one-off list: take a new one
    this.fireCluster();
  }

  dispose(): void {
    this.stop();
    this.changes.dispose();
  }

  private watchFor<T>(generation: number, resource: WatchedResource, namespace: string | undefined, callbacks: WatchCallbacks<T>): WatchHandle {
    // Callbacks of a stopped generation are dropped here, once, rather than in every handler.
    const current = () => generation === this.generation;
    return this.client.watch<T>(resource, namespace, {}, {
      onSync: (items) => current() && callbacks.onSync(items),
      onEvent: (event) => current() && callbacks.onEvent(event),
      onError: (error, willRetry) => current() && callbacks.onError?.(error, willRetry),
    });
  }

  private startIstioWatches(generation: number): void {
    const onList = <T>(assign: (items: T[]) => void): WatchCallbacks<T> => {
      let items: T[] = [];
      const byName = (o: T) => (o as { metadata?: { name?: string } }).metadata?.name;
      return {
        onSync: (all) => {
          items = all;
          assign(items);
        },
        onEvent: (event) => {
          items = items.filter((o) => byName(o) !== byName(event.object));
          if (event.type !== 'DELETED') items.push(event.object);
          assign(items);
        },
        onError: (error) => this.options.log?.debug(`${this.context}: istio-system watch: ${error.message}`),
      };
    };
    this.handles.push(
      this.watchFor<V1Deployment>(generation, 'deployments', ISTIO_NAMESPACE, onList((items) => {
        this.summaryChanged({ deployments: items });
      })),
      this.watchFor<V1DaemonSet>(generation, 'daemonsets', ISTIO_NAMESPACE, onList((items) => {
        this.summaryChanged({ daemonSets: items });
      })),
    );
    void this.client.readConfigMap(ISTIO_NAMESPACE, MESH_CONFIG_MAP).then(
      (configMap) => {
        if (generation !== this.generation) return;
        this.summaryChanged({ meshConfig: configMap });
      },
      () => undefined,
    );
  }

  private summaryChanged(parts: Partial<IstioSystemParts>): void {
    if (this.mesh.update(parts)) this.fireCluster();
  }

  private recoveredOrChanged(): void {
    if (this.statusValue === 'error') {
      this.statusValue = 'ready';
      this.problemValue = undefined;
    }
    this.recount();
    this.fireCluster();
  }

  private setProblem(error: unknown): void {
    this.problemValue = problemFrom(error, this.context);
    this.statusValue = 'error';
    const { sentence, detail } = this.problemValue;
    this.options.log?.warn(`${this.context}: ${sentence}${detail === sentence ? '' : ` (${detail})`}`);
  }

  private fireCluster(): void {
    this.changes.fire({ context: this.context, scope: 'cluster' });
  }

  private fireNamespaces(namespaces: string[], labelsChanged: boolean): void {
    this.changes.fire({ context: this.context, scope: 'namespaces', namespaces, labelsChanged });
  }

  private replaceNamespaces(items: V1Namespace[]): void {
    this.namespaces.clear();
    this.entries.clear();
    for (const item of items) {
      const facts = namespaceFacts(item);
      this.namespaces.set(facts.name, facts);
    }
  }

  private replacePods(items: V1Pod[]): void {
    this.pods.clear();
    this.entries.clear();
    for (const item of items) {
      const facts = podFacts(item);
      let inNamespace = this.pods.get(facts.namespace);
      if (!inNamespace) this.pods.set(facts.namespace, (inNamespace = new Map()));
      inNamespace.set(facts.name, facts);
    }
  }

  private namespaceEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: V1Namespace): void {
    const facts = namespaceFacts(object);
    const before = this.namespaces.get(facts.name);
    this.entries.delete(facts.name);
    if (type === 'DELETED') {
      this.namespaces.delete(facts.name);
      this.pods.delete(facts.name);
    } else {
      this.namespaces.set(facts.name, facts);
    }
    if (this.statusValue !== 'ready') return;
    const countsBefore = this.counts;
    this.recount();
    // The context's own row says how many namespaces are ambient: a label that changes the count is a
    // change of the context, not only of the namespace's row.
    const countsChanged = countsBefore?.ambient !== this.counts?.ambient || countsBefore?.total !== this.counts?.total;
    if (type === 'MODIFIED' && before && !countsChanged) {
      if (JSON.stringify(before) !== JSON.stringify(facts)) this.fireNamespaces([facts.name], true);
    } else {
      this.fireCluster();
    }
  }

  private podEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: V1Pod): void {
    const facts = podFacts(object);
    let inNamespace = this.pods.get(facts.namespace);
    if (type === 'DELETED') {
      if (!inNamespace?.delete(facts.name)) return;
    } else {
      if (!inNamespace) this.pods.set(facts.namespace, (inNamespace = new Map()));
      const before = inNamespace.get(facts.name);
      if (before && samePod(before, facts)) return; // status churn that changes nothing we show
      inNamespace.set(facts.name, facts);
    }
    this.entries.delete(facts.namespace);
    if (this.statusValue === 'ready') this.fireNamespaces([facts.namespace], false);
  }

  private countNamespaces(namespaces: Iterable<NamespaceFacts>): { ambient: number; total: number } {
    let ambient = 0;
    let total = 0;
    for (const ns of namespaces) {
      if (this.options.isSystemNamespace(ns.name)) continue;
      total++;
      if (namespaceDataplane(ns.labels).ambient) ambient++;
    }
    return { ambient, total };
  }

  private recount(): void {
    this.counts = this.countNamespaces(this.namespaces.values());
  }

  // ---- Reading the live model ----

  /** The model as it is now, as one immutable value (entries are cached: cheap when little changed). */
  view(): ClusterView {
    return {
      status: this.statusValue,
      problem: this.problemValue,
      summary: this.mesh.summary,
      namespaceCounts: this.counts,
      namespaces: new Map(this.namespaceEntries().map((entry) => [entry.name, entry])),
    };
  }

  /** Namespace rows, sorted by name (empty until started and synced). */
  namespaceEntries(): NamespaceEntry[] {
    const names = [...this.namespaces.keys()].sort();
    return names.map((name) => this.namespaceEntry(name)).filter((e): e is NamespaceEntry => e !== undefined);
  }

  namespaceEntry(name: string): NamespaceEntry | undefined {
    const cached = this.entries.get(name);
    if (cached) return cached;
    const facts = this.namespaces.get(name);
    if (!facts) return undefined;
    const dataplane = namespaceDataplane(facts.labels);
    const counts = emptyCounts();
    for (const pod of this.pods.get(name)?.values() ?? []) counts[captureState(pod, dataplane.ambient)]++;
    const progress = captureProgress(counts);
    const entry: NamespaceEntry = {
      name,
      facts,
      dataplane,
      progress,
      badge: namespaceBadge(dataplane, progress),
      system: this.options.isSystemNamespace(name),
    };
    this.entries.set(name, entry);
    return entry;
  }

  /** Pods of a namespace with their capture state. */
  podEntries(namespace: string): PodEntry[] {
    const ambient = this.namespaces.has(namespace) ? namespaceDataplane(this.namespaces.get(namespace)!.labels).ambient : false;
    const pods = [...(this.pods.get(namespace)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    return pods.map((facts) => ({ facts, state: captureState(facts, ambient) }));
  }

  podEntry(namespace: string, name: string): PodEntry | undefined {
    const facts = this.pods.get(namespace)?.get(name);
    if (!facts) return undefined;
    const labels = this.namespaces.get(namespace)?.labels ?? {};
    return { facts, state: captureState(facts, namespaceDataplane(labels).ambient) };
  }

  /** Total pods held (for the memory benchmark and the log). */
  get podCount(): number {
    let count = 0;
    for (const inNamespace of this.pods.values()) count += inNamespace.size;
    return count;
  }

  // ---- Workloads of open namespaces ----

  /**
   * Watch the workloads (and ReplicaSets, to group pods by Deployment) of one namespace while it is open.
   * Resolves once listed; a failure (e.g. no rights) leaves grouping to the pods' own owner references.
   */
  watchWorkloads(namespace: string): Promise<void> {
    if (!this.started) return Promise.resolve();
    const generation = this.generation;
    return this.workloads.watch(namespace, {
      watch: (resource, ns, callbacks) => this.watchFor(generation, resource, ns, callbacks),
      changed: () => this.fireNamespaces([namespace], false),
      debug: (message) => this.options.log?.debug(`${this.context}/${namespace}: ${message}`),
    });
  }

  unwatchWorkloads(namespace: string): void {
    this.workloads.unwatch(namespace);
  }

  /** The namespace's pods grouped by workload (with known workloads that have no pods). */
  workloadGroups(namespace: string): WorkloadGroup[] {
    return this.workloads.groups(namespace, this.pods.get(namespace)?.values() ?? []);
  }
}
