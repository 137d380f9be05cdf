// Timestamps as ztunnel and the kubelet write them (RFC 3339, up to nanoseconds), made comparable.

/** Epoch seconds and the nanoseconds within that second; undefined when `time` is not RFC 3339. */
export interface PreciseTime {
  readonly seconds: number;
  readonly nanos: number;
}

export function preciseTime(time: string | undefined): PreciseTime | undefined {
  if (time === undefined || time.length < 20) return undefined;
  let nanos = 0;
  let rest = 19;
  if (time.charCodeAt(19) === 46 /* . */) {
    let digits = 0;
    let i = 20;
    for (; i < time.length; i++) {
      const c = time.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (digits < 9) {
        nanos = nanos * 10 + (c - 48);
        digits++;
      }
    }
    for (; digits < 9; digits++) nanos *= 10;
    rest = i;
  }
  const ms = Date.parse(time.slice(0, 19) + time.slice(rest));
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos };
}

export function compareTimes(a: PreciseTime, b: PreciseTime): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** Milliseconds since the epoch with microsecond fraction, for ordering entries; undefined if unparsable. */
export function timeKey(time: string | undefined): number | undefined {
  const precise = preciseTime(time);
  return precise === undefined ? undefined : precise.seconds * 1000 + precise.nanos / 1e6;
}

/** Whole-second RFC 3339 for the API's `sinceTime` (rounded down, so a resumed stream overlaps, never skips). */
export function sinceTimeFor(time: PreciseTime): string {
  return new Date(time.seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
