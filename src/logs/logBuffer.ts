// The newest N entries in time order. Entries from several pods arrive interleaved and a little late, so
// each goes where its time says (usually the end); beyond capacity the oldest are dropped and counted.

export interface Ordered {
  readonly timeKey: number;
  readonly seq: number;
}

function before(a: Ordered, b: Ordered): boolean {
  return a.timeKey < b.timeKey || (a.timeKey === b.timeKey && a.seq < b.seq);
}

export class LogBuffer<T extends Ordered> {
  private items: T[] = [];
  /** Entries dropped since the buffer was created or cleared, to make room for newer ones. */
  dropped = 0;

  constructor(public capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  at(index: number): T | undefined {
    return this.items[index];
  }

  all(): readonly T[] {
    return this.items;
  }

  /**
   * Adds a batch; returns whether every entry went to the end (the common case, which lets a view
   * append instead of rebuilding) and the entries dropped to stay within capacity.
   */
  insert(batch: readonly T[]): { appended: boolean; removed: T[] } {
    let appended = true;
    for (const item of batch) {
      const items = this.items;
      if (items.length === 0 || !before(item, items[items.length - 1]!)) {
        items.push(item);
        continue;
      }
      appended = false;
      let low = 0;
      let high = items.length - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (before(item, items[mid]!)) high = mid;
        else low = mid + 1;
      }
      items.splice(low, 0, item);
    }
    let removed: T[] = [];
    if (this.items.length > this.capacity) {
      removed = this.items.splice(0, this.items.length - this.capacity);
      this.dropped += removed.length;
    }
    return { appended, removed };
  }

  clear(): void {
    this.items = [];
    this.dropped = 0;
  }
}
