// Run one operation over many targets with at most N in flight, stop starting new ones on cancel, and
// account for every target: done, failed (with the error) or not started. Nothing is silently skipped.
// No `vscode` here: the commands and the bench share it.

export type BatchOutcome<T, R> =
  | { readonly target: T; readonly status: 'succeeded'; readonly value: R }
  | { readonly target: T; readonly status: 'failed'; readonly error: unknown }
  /** Cancelled before this target's operation started: the cluster was not touched for it. */
  | { readonly target: T; readonly status: 'not-started' };

export interface BatchReport<T, R> {
  /** One outcome per target, in the targets' order. */
  readonly outcomes: readonly BatchOutcome<T, R>[];
  readonly cancelled: boolean;
}

export interface BatchOptions<T, R> {
  /** Upper bound of operations in flight (at least 1). */
  readonly concurrency: number;
  /** Once aborted, no new operation starts; the ones in flight finish and are reported as they end. */
  readonly signal?: AbortSignal;
  /** Called as each operation settles (progress reporting). */
  readonly onSettled?: (outcome: BatchOutcome<T, R>, settledCount: number) => void;
}

export async function runBatch<T, R>(
  targets: readonly T[],
  operation: (target: T, signal: AbortSignal) => Promise<R>,
  options: BatchOptions<T, R>,
): Promise<BatchReport<T, R>> {
  const outcomes: (BatchOutcome<T, R> | undefined)[] = new Array(targets.length);
  const signal = options.signal ?? new AbortController().signal;
  let next = 0;
  let settled = 0;

  const worker = async (): Promise<void> => {
    while (next < targets.length && !signal.aborted) {
      const index = next++;
      const target = targets[index];
      let outcome: BatchOutcome<T, R>;
      try {
        outcome = { target, status: 'succeeded', value: await operation(target, signal) };
      } catch (error) {
        outcome = { target, status: 'failed', error };
      }
      outcomes[index] = outcome;
      options.onSettled?.(outcome, ++settled);
    }
  };

  const lanes = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, targets.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return {
    // Array.from, not map: map skips the holes left by targets that never started.
    outcomes: Array.from(targets, (target, index) => outcomes[index] ?? { target, status: 'not-started' }),
    cancelled: signal.aborted,
  };
}

export function succeeded<T, R>(report: BatchReport<T, R>): Extract<BatchOutcome<T, R>, { status: 'succeeded' }>[] {
  return report.outcomes.filter((o): o is Extract<BatchOutcome<T, R>, { status: 'succeeded' }> => o.status === 'succeeded');
}

export function failed<T, R>(report: BatchReport<T, R>): Extract<BatchOutcome<T, R>, { status: 'failed' }>[] {
  return report.outcomes.filter((o): o is Extract<BatchOutcome<T, R>, { status: 'failed' }> => o.status === 'failed');
}

export function notStarted<T, R>(report: BatchReport<T, R>): T[] {
  return report.outcomes.filter((o) => o.status === 'not-started').map((o) => o.target);
}
