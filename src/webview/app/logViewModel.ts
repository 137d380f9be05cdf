// What the log view holds, apart from how it is drawn: the newest N rows in time order, the rows that arrived
// while paused (shown on resume, never lost), the rows the filters let through, and the counters. Pure (no
// DOM), so follow/pause, the cap and the counts are unit-tested in Node (test/unit/logs/logViewModel.test.ts);
// logView.ts renders it.
import { entryFields } from '../../logs/fields';
import { compileFilter } from '../../logs/filter';
import { LogBuffer } from '../../logs/logBuffer';
import { parseRejection, type PolicyRejection } from '../../logs/policyRejection';
import type { LogFilters, LogRow } from '../../shared/logProtocol';

export interface LogCounts {
  entries: number;
  mtls: number;
  plaintext: number;
  errors: number;
  unparsed: number;
  denied: number;
  readonly byPod: Map<string, number>;
  /** "denied by ns/name", or "no ALLOW matched": who denies most is what to read first. */
  readonly byPolicy: Map<string, number>;
}

/** The policy rejection an entry carries, read from its `error` field. */
export function rowRejection(row: LogRow): PolicyRejection | undefined {
  if (row.class !== 'denied') return undefined;
  const error = entryFields(row)['error'];
  return typeof error === 'string' ? parseRejection(error) : undefined;
}

function emptyCounts(): LogCounts {
  return { entries: 0, mtls: 0, plaintext: 0, errors: 0, unparsed: 0, denied: 0, byPod: new Map(), byPolicy: new Map() };
}

export class LogViewModel {
  private buffer: LogBuffer<LogRow>;
  private pausedRows: LogRow[] = [];
  private pausedDropped = 0;
  private shown: LogRow[] = [];
  private matches: (row: LogRow) => boolean;
  private filterValue: LogFilters;
  private following: boolean;
  readonly counts: LogCounts = emptyCounts();

  constructor(capacity: number, filters: LogFilters, follow: boolean) {
    this.buffer = new LogBuffer<LogRow>(capacity);
    this.filterValue = filters;
    this.matches = compileFilter(filters);
    this.following = follow;
  }

  get capacity(): number {
    return this.buffer.capacity;
  }

  set capacity(value: number) {
    this.buffer.capacity = value;
  }

  get filters(): LogFilters {
    return this.filterValue;
  }

  get follow(): boolean {
    return this.following;
  }

  /** Rows kept (shown or filtered out). */
  get length(): number {
    return this.buffer.length;
  }

  /** The rows the filters let through, in time order. */
  get visible(): readonly LogRow[] {
    return this.shown;
  }

  /** Rows that arrived while paused, waiting for Resume. */
  get pausedCount(): number {
    return this.pausedRows.length;
  }

  /** Older rows dropped at the cap (kept or paused). */
  get dropped(): number {
    return this.buffer.dropped + this.pausedDropped;
  }

  all(): readonly LogRow[] {
    return this.buffer.all();
  }

  find(seq: number): LogRow | undefined {
    return this.buffer.all().find((row) => row.seq === seq);
  }

  /** New rows: kept and counted when following, held (up to the cap) while paused. */
  add(rows: readonly LogRow[]): void {
    if (!this.following) {
      this.pausedRows.push(...rows);
      if (this.pausedRows.length > this.buffer.capacity) {
        this.pausedDropped += this.pausedRows.length - this.buffer.capacity;
        this.pausedRows.splice(0, this.pausedRows.length - this.buffer.capacity);
      }
      return;
    }
    const { appended, removed } = this.buffer.insert(rows);
    for (const row of rows) this.count(row, 1);
    for (const row of removed) this.count(row, -1);
    if (appended) {
      // The common case, also at the buffer cap: new rows at the end, the oldest gone from the front. Only
      // the batch is filtered; re-filtering the whole buffer on every batch made a search at the cap cost
      // ~100 ms per batch (test/bench/logPanel.bench.ts).
      for (const row of rows) if (this.matches(row)) this.shown.push(row);
      if (removed.length > 0) {
        // Removed rows are the oldest of the buffer, so the shown ones among them lead `shown`.
        const gone = new Set(removed);
        let shownGone = 0;
        while (shownGone < this.shown.length && gone.has(this.shown[shownGone]!)) shownGone++;
        this.shown.splice(0, shownGone);
      }
    } else {
      this.shown = this.buffer.all().filter(this.matches);
    }
  }

  /** Follow on: what arrived while paused is added (in time order, exactly once). */
  setFollow(on: boolean): void {
    this.following = on;
    if (on && this.pausedRows.length > 0) {
      const rows = this.pausedRows;
      this.pausedRows = [];
      this.add(rows);
    }
  }

  setFilters(filters: LogFilters): void {
    this.filterValue = filters;
    this.matches = compileFilter(filters);
    this.shown = this.buffer.all().filter(this.matches);
  }

  clear(): void {
    this.buffer = new LogBuffer<LogRow>(this.buffer.capacity);
    this.pausedRows = [];
    this.pausedDropped = 0;
    this.shown = [];
    Object.assign(this.counts, { entries: 0, mtls: 0, plaintext: 0, errors: 0, unparsed: 0, denied: 0 });
    this.counts.byPod.clear();
    this.counts.byPolicy.clear();
  }

  private count(row: LogRow, delta: number): void {
    const counts = this.counts;
    counts.entries += delta;
    if (row.class === 'mtls') counts.mtls += delta;
    else if (row.class === 'plaintext') counts.plaintext += delta;
    if (row.class === 'tls-error' || row.level === 'error') counts.errors += delta;
    if (row.class === 'unparsed') counts.unparsed += delta;
    if (row.class === 'denied') {
      counts.denied += delta;
      const rejection = rowRejection(row);
      const key = rejection?.kind === 'denied' ? `denied by ${rejection.namespace}/${rejection.name}` : 'no ALLOW matched';
      counts.byPolicy.set(key, (counts.byPolicy.get(key) ?? 0) + delta);
    }
    const pod = row.pod ?? '(no pod)';
    counts.byPod.set(pod, (counts.byPod.get(pod) ?? 0) + delta);
  }
}
