// What one log view shows, independent of the window: the ztunnel followers of one or more clusters (or
// the lines of a file), parsed into rows in time order, the newest N kept, handed to a sink in batches.
// Pure: clusters come in as ClusterClients, and the sink is whatever shows the rows (the webview panel).
import type { ClusterClient } from '../kube/types';
import type { LogRow } from '../shared/logProtocol';
import { judgeLogFile } from './fileCheck';
import type { FileVerdict } from './fileCheck';
import { LogBuffer } from './logBuffer';
import { parseZtunnelLine } from './parser';
import { timeKey } from './time';
import { ZtunnelFollower } from './ztunnelFollower';
import type { FollowerOptions, PodStreamStatus, Timers, ZtunnelLine } from './ztunnelFollower';

export interface LogSessionSink {
  /** New rows (time-ordered among themselves); `dropped` is how many old rows the buffer has let go. */
  rows(rows: readonly LogRow[], dropped: number): void;
  status(status: PodStreamStatus): void;
  problem(message: string): void;
}

export interface LogSessionOptions {
  /** The newest rows kept (`ambient.logs.maxEntries`). */
  readonly maxEntries: number;
  /** Rows are handed over at most this often, in batches (a busy cluster logs thousands of lines a second). */
  readonly flushMs?: number;
  readonly timers?: Timers;
}

/** A row and the line it came from, for export. */
interface Kept {
  readonly row: LogRow;
  readonly text: string;
  /** The pod is known from the stream, not written in the line: export adds the prefix. */
  readonly addPrefix: boolean;
}

interface KeptOrdered extends Kept {
  readonly timeKey: number;
  readonly seq: number;
}

export class LogSession {
  private readonly buffer: LogBuffer<KeptOrdered>;
  private readonly followers = new Map<string, ZtunnelFollower>();
  private readonly statusByPod = new Map<string, PodStreamStatus>();
  private readonly lastKeyByPod = new Map<string, number>();
  /** Pods whose last record was ztunnel's `running with config:`: the YAML lines after it are its own. */
  private readonly inConfigDump = new Set<string>();
  private pending: KeptOrdered[] = [];
  private flushTimer: unknown;
  private seq = 0;
  private lastKey = 0;
  private disposed = false;
  private readonly timers: Timers;

  constructor(
    private readonly options: LogSessionOptions,
    private sink: LogSessionSink,
  ) {
    this.buffer = new LogBuffer(options.maxEntries);
    this.timers = options.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  }

  get contexts(): string[] {
    return [...this.followers.keys()];
  }

  /** Follow every ztunnel pod of a cluster. A context already followed is left alone. */
  addCluster(client: ClusterClient, options: Omit<FollowerOptions, 'timers'>): void {
    if (this.disposed || this.followers.has(client.context)) return;
    const follower = new ZtunnelFollower(client, { ...options, timers: this.options.timers }, {
      onLine: (line) => this.addLine(line),
      onStatus: (status) => {
        this.statusByPod.set(`${status.cluster}/${status.pod}`, status);
        this.sink.status(status);
      },
      onWatchProblem: (cluster, message, willRetry) =>
        this.sink.problem(`${cluster}: watching the ztunnel pods failed${willRetry ? ', retrying' : ''}: ${message}`),
    });
    this.followers.set(client.context, follower);
    follower.start();
  }

  /**
   * Lines of a saved file (`kubectl logs` output, any format, with or without a prefix), judged before any
   * is shown (fileCheck.ts): a file with no ztunnel record is refused and nothing of it is kept. Blank lines
   * carry nothing and are left out.
   */
  addText(lines: Iterable<string>, name = 'The file'): FileVerdict {
    const start = this.pending.length;
    let lineCount = 0;
    for (const text of lines) {
      lineCount++;
      if (text.trim() !== '') this.addLine({ cluster: '', pod: '', text });
    }
    const verdict = judgeLogFile(name, this.pending.slice(start).map((kept) => kept.row), lineCount);
    if (verdict.kind === 'refused') {
      this.pending.length = start;
      return verdict;
    }
    this.flush();
    return verdict;
  }

  private addLine(line: ZtunnelLine): void {
    if (this.disposed) return;
    const entry = parseZtunnelLine(line.text);
    const pod = line.pod !== '' ? line.pod : entry.pod;
    const podKey = `${line.cluster}/${pod ?? ''}`;
    // ztunnel prints its config as YAML after `running with config:`, one key a line with no timestamp:
    // those lines are ztunnel's own, not text we failed to read.
    if (entry.format !== 'raw') {
      if (entry.message.startsWith('running with config:')) this.inConfigDump.add(podKey);
      else this.inConfigDump.delete(podKey);
    } else if (entry.time === undefined && this.inConfigDump.has(podKey)) {
      entry.class = 'other';
    }
    // Rows are ordered by the time they show (ztunnel's own), so rows of different pods read strictly in
    // time order; the kubelet's time stands in for a line without one of its own, and a line with neither
    // (a continuation) sorts right after the previous line of its pod.
    const key = timeKey(entry.time) ?? timeKey(line.kubeletTime) ?? this.lastKeyByPod.get(podKey) ?? this.lastKey;
    this.lastKeyByPod.set(podKey, key);
    this.lastKey = key;
    const row: LogRow = {
      ...entry,
      pod,
      container: entry.container,
      cluster: line.cluster !== '' ? line.cluster : undefined,
      node: line.node,
      seq: ++this.seq,
      timeKey: key,
    };
    this.pending.push({ row, text: line.text, addPrefix: line.pod !== '', timeKey: key, seq: row.seq });
    if (this.flushTimer === undefined) this.flushTimer = this.timers.setTimeout(() => this.flush(), this.options.flushMs ?? 100);
  }

  /** Hand pending rows to the sink now. */
  flush(): void {
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.disposed) return;
    const batch = this.pending.sort((a, b) => a.timeKey - b.timeKey || a.seq - b.seq);
    this.pending = [];
    this.buffer.insert(batch);
    this.sink.rows(
      batch.map((kept) => kept.row),
      this.buffer.dropped,
    );
  }

  /** Every row kept, in time order (a view that reloaded asks for it). */
  rows(): LogRow[] {
    return this.buffer.all().map((kept) => kept.row);
  }

  get dropped(): number {
    return this.buffer.dropped;
  }

  statuses(): PodStreamStatus[] {
    return [...this.statusByPod.values()];
  }

  clear(): void {
    this.pending = [];
    this.buffer.clear();
  }

  /**
   * The kept lines as `kubectl logs --prefix` output (so the file opens again with its pods), all of them
   * or only those with the given seqs, in time order.
   */
  exportText(seqs?: readonly number[]): { text: string; count: number } {
    const wanted = seqs === undefined ? undefined : new Set(seqs);
    const lines: string[] = [];
    for (const kept of this.buffer.all()) {
      if (wanted !== undefined && !wanted.has(kept.seq)) continue;
      const { pod, container } = kept.row;
      lines.push(kept.addPrefix && pod !== undefined ? `[pod/${pod}/${container ?? 'istio-proxy'}] ${kept.text}` : kept.text);
    }
    return { text: lines.length > 0 ? lines.join('\n') + '\n' : '', count: lines.length };
  }

  setSink(sink: LogSessionSink): void {
    this.sink = sink;
  }

  dispose(): void {
    if (this.disposed) return;
    this.flush();
    this.disposed = true;
    for (const follower of this.followers.values()) follower.stop();
    this.followers.clear();
  }
}
