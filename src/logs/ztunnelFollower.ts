// Follows the log of every ztunnel pod of one cluster: one follow stream per pod (no 5-stream limit), pods
// found and kept up to date by a watch (a DaemonSet rollout adds pods), and each dropped stream resumed
// with backoff from the last kubelet timestamp seen, dropping the overlap so no line is lost or shown twice.
// Pure: it talks to the cluster only through the ClusterClient interface.
import type { ClusterClient, LogStreamHandle, V1Pod, WatchHandle } from '../kube/types';
import { reasonOf } from '../kube/errors';
import { compareTimes, preciseTime, sinceTimeFor } from './time';
import type { PreciseTime } from './time';

/** What a user sees of one pod's stream. */
export type StreamState =
  | { readonly kind: 'waiting' } // the pod exists but is not running yet
  | { readonly kind: 'connecting' }
  | { readonly kind: 'live' }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'ended'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

export interface PodStreamStatus {
  readonly cluster: string;
  readonly pod: string;
  readonly node?: string;
  readonly state: StreamState;
  /** Lines received from this pod so far (after dropping the overlap of resumed streams). */
  readonly lines: number;
}

export interface ZtunnelLine {
  readonly cluster: string;
  readonly pod: string;
  readonly node?: string;
  /** The container's line, without the kubelet's timestamp. */
  readonly text: string;
  /** The kubelet's timestamp of the line (RFC 3339, nanoseconds), when the server sent one. */
  readonly kubeletTime?: string;
}

export interface FollowerListener {
  onLine(line: ZtunnelLine): void;
  onStatus(status: PodStreamStatus): void;
  /** The pod watch failed; `willRetry` false means new pods are no longer picked up. */
  onWatchProblem?(cluster: string, message: string, willRetry: boolean): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FollowerOptions {
  readonly namespace: string;
  readonly labelSelector: string;
  readonly container: string;
  /** Lines of history to show from each pod running when the follow starts. */
  readonly tailLines: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly timers?: Timers;
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Failures that retrying cannot fix: the user has to act (credentials, RBAC). */
const permanentReasons = new Set(['unauthorized', 'forbidden', 'no-kubeconfig', 'bad-kubeconfig', 'exec-plugin-missing', 'exec-plugin-failed']);

/** Splits `<kubelet RFC 3339 timestamp> <line>` as sent with `timestamps=true`. */
export function splitKubeletTimestamp(line: string): { time?: string; text: string } {
  const space = line.indexOf(' ');
  if (space < 20 || line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return { text: line };
  return { time: line.slice(0, space), text: line.slice(space + 1) };
}

class PodFollower {
  private handle: LogStreamHandle | undefined;
  private retryTimer: unknown;
  private attempt = 0;
  private lineCount = 0;
  private stopped = false;
  /** The newest kubelet timestamp delivered, and how many times each line text was delivered at exactly it. */
  private lastTime: PreciseTime | undefined;
  private atLastTime = new Map<string, number>();
  /** While resuming: lines at `lastTime` still expected again from the server (the overlap to drop). */
  private overlap: Map<string, number> | undefined;
  state: StreamState = { kind: 'connecting' };
  deleted = false;

  constructor(
    private readonly owner: ZtunnelFollower,
    readonly pod: string,
    public node: string | undefined,
    private readonly fromStart: boolean,
  ) {}

  get lines(): number {
    return this.lineCount;
  }

  start(): void {
    if (this.stopped) return;
    const { client, options } = this.owner;
    const resume = this.lastTime !== undefined;
    this.overlap = resume ? new Map(this.atLastTime) : undefined;
    this.setState({ kind: 'connecting' });
    let opened: LogStreamHandle | undefined;
    const handleForThisConnection = { ended: false };
    try {
      opened = client.followLogs(
        options.namespace,
        this.pod,
        options.container,
        resume
          ? { follow: true, timestamps: true, sinceTime: sinceTimeFor(this.lastTime!) }
          : this.fromStart
            ? { follow: true, timestamps: true }
            : { follow: true, timestamps: true, tailLines: options.tailLines },
        {
          onLine: (line) => {
            if (handleForThisConnection.ended || this.stopped) return;
            this.receive(line);
          },
          onEnd: (error) => {
            if (handleForThisConnection.ended) return;
            handleForThisConnection.ended = true;
            this.handle = undefined;
            this.streamEnded(error);
          },
        },
      );
    } catch (error) {
      this.streamEnded(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (!handleForThisConnection.ended) {
      this.handle = opened;
      if (this.state.kind === 'connecting') this.setState({ kind: 'live' });
    }
  }

  private receive(raw: string): void {
    const { time, text } = splitKubeletTimestamp(raw);
    const precise = preciseTime(time);
    if (precise !== undefined && this.lastTime !== undefined) {
      const order = compareTimes(precise, this.lastTime);
      if (order < 0) return; // before the last line delivered: the overlap of a resumed stream
      if (order === 0) {
        const expected = this.overlap?.get(text) ?? 0;
        if (expected > 0) {
          this.overlap!.set(text, expected - 1);
          return;
        }
        this.atLastTime.set(text, (this.atLastTime.get(text) ?? 0) + 1);
      } else {
        this.lastTime = precise;
        this.atLastTime = new Map([[text, 1]]);
        this.overlap = undefined;
      }
    } else if (precise !== undefined) {
      this.lastTime = precise;
      this.atLastTime = new Map([[text, 1]]);
    }
    this.attempt = 0;
    this.lineCount++;
    if (this.state.kind !== 'live') this.setState({ kind: 'live' });
    this.owner.listener.onLine({ cluster: this.owner.cluster, pod: this.pod, node: this.node, text, kubeletTime: time });
  }

  private streamEnded(error: Error | undefined): void {
    if (this.stopped) return;
    const reason = error === undefined ? undefined : reasonOf(error);
    if (this.deleted || reason === 'not-found') {
      this.finish({ kind: 'ended', reason: 'pod deleted' });
      return;
    }
    if (reason === 'cancelled') {
      this.finish({ kind: 'ended', reason: 'stopped' });
      return;
    }
    if (error !== undefined && reason !== undefined && permanentReasons.has(reason)) {
      this.finish({ kind: 'error', reason: error.message });
      return;
    }
    // A drop, or a clean end while the pod still exists (its container restarted): resume.
    this.attempt++;
    const { initialMs, maxMs } = this.owner.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const delayMs = Math.min(maxMs, initialMs * 2 ** (this.attempt - 1));
    this.setState({ kind: 'reconnecting', attempt: this.attempt, delayMs, reason: error?.message ?? 'the stream ended' });
    this.retryTimer = this.owner.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, delayMs);
  }

  /** The pod was deleted: let the stream deliver what it still has, and end. */
  podDeleted(): void {
    if (this.deleted) return;
    this.deleted = true;
    if (this.retryTimer !== undefined || this.handle === undefined) this.finish({ kind: 'ended', reason: 'pod deleted' });
    // The server normally ends the stream of a deleted pod; do not wait for it forever.
    else this.retryTimer = this.owner.timers.setTimeout(() => this.finish({ kind: 'ended', reason: 'pod deleted' }), 10_000);
  }

  stop(): void {
    this.finish({ kind: 'ended', reason: 'stopped' });
  }

  private finish(state: StreamState): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer !== undefined) this.owner.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const handle = this.handle;
    this.handle = undefined;
    handle?.stop();
    this.setState(state);
  }

  private setState(state: StreamState): void {
    this.state = state;
    this.owner.listener.onStatus(this.status());
  }

  status(): PodStreamStatus {
    return { cluster: this.owner.cluster, pod: this.pod, node: this.node, state: this.state, lines: this.lineCount };
  }
}

export class ZtunnelFollower {
  private readonly pods = new Map<string, PodFollower>();
  private watch: WatchHandle | undefined;
  private synced = false;
  private stopped = false;
  readonly timers: Timers;

  constructor(
    readonly client: ClusterClient,
    readonly options: FollowerOptions,
    readonly listener: FollowerListener,
  ) {
    this.timers = options.timers ?? defaultTimers;
  }

  get cluster(): string {
    return this.client.context;
  }

  start(): void {
    this.watch = this.client.watch<V1Pod>('pods', this.options.namespace, { labelSelector: this.options.labelSelector }, {
      onSync: (pods) => {
        if (this.stopped) return;
        const names = new Set(pods.map((pod) => pod.metadata?.name).filter((name): name is string => name !== undefined));
        for (const [name, follower] of this.pods) if (!names.has(name)) follower.podDeleted();
        // Pods present at the first list show the tail; pods that appear later are new: show all their lines.
        for (const pod of pods) this.podSeen(pod, this.synced);
        this.synced = true;
      },
      onEvent: (event) => {
        if (this.stopped) return;
        if (event.type === 'DELETED') {
          const name = event.object.metadata?.name;
          if (name !== undefined) this.pods.get(name)?.podDeleted();
        } else this.podSeen(event.object, true);
      },
      onError: (error, willRetry) => {
        if (!this.stopped) this.listener.onWatchProblem?.(this.cluster, error.message, willRetry);
      },
    });
  }

  private podSeen(pod: V1Pod, isNew: boolean): void {
    const name = pod.metadata?.name;
    if (name === undefined) return;
    const existing = this.pods.get(name);
    if (existing !== undefined && !existing.deleted) {
      if (existing.state.kind === 'waiting' && isRunning(pod)) {
        existing.node = pod.spec?.nodeName;
        existing.start();
      }
      return;
    }
    if (pod.metadata?.deletionTimestamp) return;
    const follower = new PodFollower(this, name, pod.spec?.nodeName, isNew);
    this.pods.set(name, follower);
    if (isRunning(pod)) follower.start();
    else {
      follower.state = { kind: 'waiting' };
      this.listener.onStatus(follower.status());
    }
  }

  statuses(): PodStreamStatus[] {
    return [...this.pods.values()].map((pod) => pod.status());
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watch?.stop();
    for (const pod of this.pods.values()) pod.stop();
  }
}

function isRunning(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp;
}
