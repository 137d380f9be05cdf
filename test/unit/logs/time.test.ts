import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTimes, preciseTime, sinceTimeFor, timeKey } from '../../../src/logs/time';

describe('timestamps', () => {
  it('orders kubelet timestamps to the nanosecond, whatever their number of digits', () => {
    const a = preciseTime('2026-11-03T09:59:05.0287Z')!;
    const b = preciseTime('2026-11-03T09:59:05.028700001Z')!;
    const c = preciseTime('2026-11-03T09:59:05Z')!;
    assert.ok(compareTimes(a, b) < 0);
    assert.ok(compareTimes(c, a) < 0);
    assert.equal(compareTimes(a, preciseTime('2026-11-03T09:59:05.028700000Z')!), 0);
  });

  it('reads offsets and rejects what is not a timestamp', () => {
    assert.equal(timeKey('2026-11-03T10:59:05.5+01:00'), timeKey('2026-11-03T09:59:05.500Z'));
    assert.equal(preciseTime('not a time at all, really'), undefined);
    assert.equal(timeKey(undefined), undefined);
  });

  it('keeps microseconds in the ordering key', () => {
    assert.ok(timeKey('2026-11-03T09:59:05.028709Z')! > timeKey('2026-11-03T09:59:05.028708Z')!);
  });

  it('asks the API for whole seconds, rounded down, so a resumed stream overlaps', () => {
    assert.equal(sinceTimeFor(preciseTime('2026-11-03T09:59:05.999999Z')!), '2026-11-03T09:59:05Z');
  });
});
