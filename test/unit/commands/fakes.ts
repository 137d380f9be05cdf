// A scripted window and an in-memory cluster for driving the command handlers in plain Node.
import type { CommandDeps, CommandHost, PickItem, ProgressReporter, Severity } from '../../../src/commands/host';
import type { CommandSettings } from '../../../src/shared/settings';
import { DEFAULT_COMMAND_SETTINGS } from '../../../src/shared/settings';
import type {
  AccessQuestion,
  ClusterClient,
  KubeClients,
  KubeconfigState,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Pod,
  V1StatefulSet,
  WorkloadKind,
} from '../../../src/kube/types';

export class FakeKubeError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface FakeWorkload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  object: V1Deployment | V1StatefulSet | V1DaemonSet;
  /** Reads left before the rollout reports complete; Infinity: never completes. */
  readsToReady: number;
}

export interface PatchCall {
  context: string;
  name: string;
  labels: Record<string, string | null>;
  dryRun: boolean;
}

export interface RestartCall {
  context: string;
  kind: WorkloadKind;
  namespace: string;
  name: string;
  dryRun: boolean;
}

/** One context's worth of cluster: namespaces with labels, workloads whose rollouts finish after a few reads, pods. */
export class FakeCluster implements Partial<ClusterClient> {
  readonly namespaces = new Map<string, Record<string, string>>();
  readonly workloads: FakeWorkload[] = [];
  readonly pods: V1Pod[] = [];
  readonly patches: PatchCall[];
  readonly restarts: RestartCall[];
  /** The user this context authenticates as; `readOnly` makes every write a 403 naming it. */
  readOnly = false;
  user = 'admin';
  meshConfig?: string;
  inFlight = 0;
  peakInFlight = 0;
  /** Delay of each write, so concurrency can be observed. */
  writeDelayMs = 1;
  /** Called after each restart patch (tests cancel from here). */
  onRestart?: (call: RestartCall) => void;

  constructor(
    readonly context: string,
    log: { patches: PatchCall[]; restarts: RestartCall[] },
  ) {
    this.patches = log.patches;
    this.restarts = log.restarts;
  }

  addNamespace(name: string, labels: Record<string, string> = {}): this {
    this.namespaces.set(name, { 'kubernetes.io/metadata.name': name, ...labels });
    return this;
  }

  addWorkload(kind: WorkloadKind, namespace: string, name: string, readsToReady = 1): this {
    const object = { metadata: { name, namespace, generation: 1 }, spec: { replicas: 1, selector: {}, template: { metadata: {} } }, status: {} };
    this.workloads.push({ kind, namespace, name, object: object as FakeWorkload['object'], readsToReady });
    this.settle(this.workloads.at(-1)!);
    return this;
  }

  addPod(namespace: string, name: string, annotations: Record<string, string> = {}): this {
    this.pods.push({ metadata: { name, namespace, annotations }, spec: { containers: [], serviceAccountName: `${name}-sa` }, status: { phase: 'Running' } });
    return this;
  }

  private forbidden(verb: string, resource: string, namespace?: string): FakeKubeError {
    const where = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
    return new FakeKubeError('forbidden', `${this.context}: user "${this.user}" is not allowed to ${verb} ${resource}${where}.`);
  }

  private async write<T>(fn: () => T): Promise<T> {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
      return fn();
    } finally {
      this.inFlight--;
    }
  }

  private settle(w: FakeWorkload): void {
    const g = w.object.metadata!.generation!;
    if (w.kind === 'Deployment') w.object.status = { observedGeneration: g, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };
    if (w.kind === 'StatefulSet') w.object.status = { observedGeneration: g, replicas: 1, readyReplicas: 1, updatedReplicas: 1 };
    if (w.kind === 'DaemonSet') {
      w.object.status = { observedGeneration: g, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2 };
    }
  }

  /** Access reviews asked of this context (SelfSubjectAccessReview). */
  readonly reviews: AccessQuestion[] = [];

  /** As the test cluster's authorizer: a read-only user may read, nothing else. */
  async canI(question: AccessQuestion): Promise<boolean> {
    this.reviews.push(question);
    return !this.readOnly || ['get', 'list', 'watch'].includes(question.verb);
  }

  async listNamespaces(): Promise<V1Namespace[]> {
    return [...this.namespaces].map(([name, labels]) => ({ metadata: { name, labels: { ...labels } } }));
  }

  async patchNamespaceLabels(name: string, labels: Record<string, string | null>, options?: { dryRun?: boolean }): Promise<V1Namespace> {
    return this.write(() => {
      this.patches.push({ context: this.context, name, labels, dryRun: options?.dryRun ?? false });
      if (this.readOnly) throw this.forbidden('patch', 'namespaces');
      const current = this.namespaces.get(name);
      if (!current) throw new FakeKubeError('not-found', `${this.context}: namespace "${name}" was not found.`);
      const next = { ...current };
      for (const [key, value] of Object.entries(labels)) {
        if (value === null) delete next[key];
        else next[key] = value;
      }
      if (!options?.dryRun) this.namespaces.set(name, next);
      return { metadata: { name, labels: next } };
    });
  }

  private listKind(kind: WorkloadKind, namespace?: string) {
    return this.workloads.filter((w) => w.kind === kind && (!namespace || w.namespace === namespace)).map((w) => structuredClone(w.object));
  }
  async listDeployments(namespace?: string) {
    return this.listKind('Deployment', namespace) as V1Deployment[];
  }
  async listStatefulSets(namespace?: string) {
    return this.listKind('StatefulSet', namespace) as V1StatefulSet[];
  }
  async listDaemonSets(namespace?: string) {
    return this.listKind('DaemonSet', namespace) as V1DaemonSet[];
  }

  private find(kind: WorkloadKind, namespace: string, name: string): FakeWorkload {
    const w = this.workloads.find((x) => x.kind === kind && x.namespace === namespace && x.name === name);
    if (!w) throw new FakeKubeError('not-found', `${this.context}: ${kind} "${name}" was not found.`);
    return w;
  }

  async restartWorkload(kind: WorkloadKind, namespace: string, name: string, options?: { dryRun?: boolean; now?: Date }) {
    return this.write(() => {
      const call = { context: this.context, kind, namespace, name, dryRun: options?.dryRun ?? false };
      this.restarts.push(call);
      if (this.readOnly) throw this.forbidden('patch', `${kind.toLowerCase()}s.apps`, namespace);
      const w = this.find(kind, namespace, name);
      const next = structuredClone(w.object);
      next.spec!.template.metadata = { annotations: { 'kubectl.kubernetes.io/restartedAt': (options?.now ?? new Date()).toISOString() } };
      next.metadata!.generation! += 1;
      if (!options?.dryRun) {
        w.object = next;
        // A restarted rollout starts over: status describes the previous generation until the controller catches up.
        w.object.status = { ...w.object.status, observedGeneration: next.metadata!.generation! - 1 };
      }
      this.onRestart?.(call);
      return next;
    });
  }

  async readWorkload(kind: WorkloadKind, namespace: string, name: string) {
    const w = this.find(kind, namespace, name);
    if (w.readsToReady > 0) {
      w.readsToReady--;
      if (kind === 'Deployment') w.object.status = { observedGeneration: w.object.metadata!.generation, replicas: 2, updatedReplicas: 1, availableReplicas: 1 };
    } else {
      this.settle(w);
    }
    return structuredClone(w.object);
  }

  async listPods(namespace?: string, options?: { fieldSelector?: string }) {
    const name = options?.fieldSelector?.replace('metadata.name=', '');
    return this.pods.filter((p) => (!namespace || p.metadata?.namespace === namespace) && (!name || p.metadata?.name === name));
  }

  async readConfigMap(namespace: string, name: string) {
    if (namespace !== 'istio-system' || name !== 'istio' || this.meshConfig === undefined) {
      throw new FakeKubeError('not-found', `${this.context}: configmap "${name}" was not found.`);
    }
    return { metadata: { name, namespace }, data: { mesh: this.meshConfig } };
  }
}

export interface ShownMessage {
  severity: Severity;
  message: string;
  modal: boolean;
  detail?: string;
  actions: string[];
}

/** Answers dialogs and picks from a script; records everything shown. */
export class ScriptedHost implements CommandHost {
  readonly messages: ShownMessage[] = [];
  readonly progressTitles: string[] = [];
  readonly progressMessages: string[] = [];
  clipboard = '';
  /** Answer to each modal, by a fragment of its message; unmatched modals are dismissed (Cancel). */
  modalAnswers: { match: RegExp; answer: string | undefined }[] = [];
  /** Answer to non-modal notifications (default: dismissed). */
  notificationAnswer: (message: string, actions: string[]) => string | undefined = () => undefined;
  pickOneAnswers: unknown[] = [];
  pickManyAnswers: ((items: readonly PickItem<unknown>[]) => unknown[] | undefined)[] = [];
  readonly picks: { title: string; labels: string[] }[] = [];
  /** The progress notification's Cancel button. */
  readonly cancel = new AbortController();

  async showMessage(severity: Severity, message: string, options: { modal?: boolean; detail?: string }, ...actions: string[]) {
    this.messages.push({ severity, message, modal: options.modal ?? false, detail: options.detail, actions });
    if (options.modal) return this.modalAnswers.find((a) => a.match.test(message))?.answer;
    return this.notificationAnswer(message, actions);
  }
  async pickOne<T>(items: readonly PickItem<T>[], options: { title: string }) {
    this.picks.push({ title: options.title, labels: items.map((i) => i.label) });
    return this.pickOneAnswers.shift() as T | undefined;
  }
  async pickMany<T>(items: readonly PickItem<T>[], options: { title: string }) {
    this.picks.push({ title: options.title, labels: items.map((i) => i.label) });
    const answer = this.pickManyAnswers.shift();
    return answer?.(items as readonly PickItem<unknown>[]) as T[] | undefined;
  }
  async withProgress<R>(title: string, task: (progress: ProgressReporter, signal: AbortSignal) => Promise<R>) {
    this.progressTitles.push(title);
    return task({ report: (message) => this.progressMessages.push(message) }, this.cancel.signal);
  }
  async copyToClipboard(text: string) {
    this.clipboard = text;
  }
  modals(): ShownMessage[] {
    return this.messages.filter((m) => m.modal);
  }
}

export class RecordingLog {
  readonly lines: { level: string; message: string }[] = [];
  info(message: string) {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string) {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string) {
    this.lines.push({ level: 'error', message });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message}`).join('\n');
  }
}

export interface Fixture {
  deps: CommandDeps;
  host: ScriptedHost;
  log: RecordingLog;
  clusters: Map<string, FakeCluster>;
  patches: PatchCall[];
  restarts: RestartCall[];
  settings: { current: CommandSettings };
}

export function fixture(contexts: string[] = ['cluster-1', 'cluster-2'], settings: Partial<CommandSettings> = {}): Fixture {
  const calls = { patches: [] as PatchCall[], restarts: [] as RestartCall[] };
  const clusters = new Map(contexts.map((c) => [c, new FakeCluster(c, calls)]));
  const host = new ScriptedHost();
  const log = new RecordingLog();
  // Confirmations off unless a test turns them on: most tests are about what a command does once confirmed.
  const current = { current: { ...DEFAULT_COMMAND_SETTINGS, rolloutTimeoutSeconds: 5, confirmWrites: false, ...settings } };
  const state = (): KubeconfigState => ({
    contexts: contexts.map((name, i) => ({ name, cluster: name.replace('-viewer', ''), user: clusters.get(name)!.user, isCurrent: i === 0 })),
    currentContext: contexts[0],
    files: [],
  });
  const kube: Pick<KubeClients, 'state' | 'client'> = {
    state,
    client: (context) => {
      const cluster = clusters.get(context);
      if (!cluster) throw new FakeKubeError('bad-kubeconfig', `no context ${context}`);
      return cluster as unknown as ClusterClient;
    },
  };
  return {
    deps: { kube, host, log, settings: () => current.current, rolloutPollMs: 1, captureSettleMs: 0 },
    host,
    log,
    clusters,
    patches: calls.patches,
    restarts: calls.restarts,
    settings: current,
  };
}

/** Let the not-awaited notification callbacks (Show Details, Restart Workloads offers) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}
