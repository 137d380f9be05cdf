import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failed, notStarted, runBatch, succeeded } from '../../../src/commands/batch';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runBatch', () => {
  it('never has more operations in flight than the concurrency bound', async () => {
    let inFlight = 0;
    let peak = 0;
    const report = await runBatch(
      Array.from({ length: 50 }, (_, i) => i),
      async (n) => {
        peak = Math.max(peak, ++inFlight);
        await tick();
        inFlight--;
        return n * 2;
      },
      { concurrency: 8 },
    );
    assert.equal(peak, 8);
    assert.equal(succeeded(report).length, 50);
    assert.deepEqual(
      report.outcomes.map((o) => (o.status === 'succeeded' ? o.value : -1)),
      Array.from({ length: 50 }, (_, i) => i * 2),
      'outcomes keep the targets order',
    );
  });

  it('reports a partial failure: what succeeded, what failed and the error of each failure', async () => {
    const report = await runBatch(
      ['finance', 'missing', 'accounts'],
      async (ns) => {
        if (ns === 'missing') throw new Error('namespace "missing" not found');
        return ns;
      },
      { concurrency: 2 },
    );
    assert.deepEqual(succeeded(report).map((o) => o.target), ['finance', 'accounts']);
    const failures = failed(report);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].target, 'missing');
    assert.match((failures[0].error as Error).message, /not found/);
    assert.equal(report.cancelled, false);
  });

  it('on cancel stops starting operations, lets the ones in flight finish, and lists the rest as not started', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const report = await runBatch(
      Array.from({ length: 10 }, (_, i) => i),
      async (n) => {
        started.push(n);
        if (n === 2) controller.abort();
        await tick();
        return n;
      },
      { concurrency: 2, signal: controller.signal },
    );
    assert.equal(report.cancelled, true);
    assert.deepEqual(started, [0, 1, 2], 'nothing starts after the cancel');
    assert.deepEqual(succeeded(report).map((o) => o.target), [0, 1, 2]);
    assert.deepEqual(notStarted(report), [3, 4, 5, 6, 7, 8, 9]);
  });

  it('reports progress as each operation settles', async () => {
    const counts: number[] = [];
    await runBatch([1, 2, 3], async (n) => n, { concurrency: 3, onSettled: (_o, count) => counts.push(count) });
    assert.deepEqual(counts, [1, 2, 3]);
  });

  it('treats a concurrency below 1 as 1 and handles no targets', async () => {
    let inFlight = 0;
    let peak = 0;
    await runBatch([1, 2, 3], async () => {
      peak = Math.max(peak, ++inFlight);
      await tick();
      inFlight--;
    }, { concurrency: 0 });
    assert.equal(peak, 1);
    const empty = await runBatch([], async () => 1, { concurrency: 8 });
    assert.deepEqual(empty.outcomes, []);
  });
});
