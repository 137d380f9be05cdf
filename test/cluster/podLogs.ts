// Container logs as the kubelet keeps them: timestamped lines per pod and container, bounded, with
// followers for `follow=true` streams. Buffers outlive their pod so the control endpoint can still
// report every line a (since replaced) ztunnel pod emitted.

export interface LogLine {
  /** RFC3339Nano, as the kubelet prefixes lines when `timestamps=true`. */
  readonly time: string;
  readonly epochMs: number;
  readonly text: string;
}

export type LogFollower = { onLine(line: LogLine): void; onEnd(): void };

export class ContainerLog {
  readonly lines: LogLine[] = [];
  /** Every line ever appended, even those trimmed from `lines`. */
  totalEmitted = 0;
  private readonly followers = new Set<LogFollower>();
  ended = false;

  constructor(private readonly limit: number) {}

  get followerCount(): number {
    return this.followers.size;
  }

  append(text: string, at = new Date()): LogLine {
    const line = { time: rfc3339Nano(at), epochMs: at.getTime(), text };
    this.lines.push(line);
    this.totalEmitted++;
    if (this.lines.length > this.limit + 1000) this.lines.splice(0, this.lines.length - this.limit);
    for (const f of this.followers) f.onLine(line);
    return line;
  }

  follow(follower: LogFollower): () => void {
    if (this.ended) {
      follower.onEnd();
      return () => {};
    }
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** The container is gone: follow streams end like `kubectl logs -f` on a deleted pod. */
  end(): void {
    this.ended = true;
    for (const f of [...this.followers]) f.onEnd();
    this.followers.clear();
  }

  /** Drop every follower (fault injection: the stream is cut, the container keeps running). */
  dropFollowers(): void {
    for (const f of [...this.followers]) f.onEnd();
    this.followers.clear();
  }
}

/** `2026-11-22T02:30:00.123456789Z`: nanosecond precision like the kubelet's CRI log timestamps. */
let lastMs = 0;
let subMs = 0;
export function rfc3339Nano(at: Date): string {
  // Sub-millisecond digits count up within a millisecond so timestamps stay strictly increasing.
  const ms = at.getTime();
  subMs = ms === lastMs ? subMs + 1 : Math.floor(Math.random() * 1000) * 100;
  lastMs = ms;
  return `${at.toISOString().slice(0, 23)}${String(subMs % 1_000_000).padStart(6, '0')}Z`;
}

export class PodLogs {
  private readonly byPodUid = new Map<string, Map<string, ContainerLog>>();
  /** `namespace/pod` -> uid of the latest pod by that name (kept after deletion). */
  private readonly uidByName = new Map<string, string>();

  constructor(private readonly linesPerContainer = 20_000) {}

  container(namespace: string, pod: string, uid: string, container: string): ContainerLog {
    this.uidByName.set(`${namespace}/${pod}`, uid);
    let containers = this.byPodUid.get(uid);
    if (!containers) this.byPodUid.set(uid, (containers = new Map()));
    let log = containers.get(container);
    if (!log) containers.set(container, (log = new ContainerLog(this.linesPerContainer)));
    return log;
  }

  find(uid: string, container: string): ContainerLog | undefined {
    return this.byPodUid.get(uid)?.get(container);
  }

  findByName(namespace: string, pod: string): Map<string, ContainerLog> | undefined {
    const uid = this.uidByName.get(`${namespace}/${pod}`);
    return uid ? this.byPodUid.get(uid) : undefined;
  }

  podDeleted(uid: string): void {
    for (const log of this.byPodUid.get(uid)?.values() ?? []) log.end();
  }

  /** Open follow streams across all containers (tests check that clients hang up cleanly). */
  activeFollowers(): number {
    let n = 0;
    for (const containers of this.byPodUid.values()) for (const log of containers.values()) n += log.followerCount;
    return n;
  }

  dropAllFollowers(): void {
    for (const containers of this.byPodUid.values()) for (const log of containers.values()) log.dropFollowers();
  }
}
