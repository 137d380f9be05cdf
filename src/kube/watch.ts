// List-then-watch that survives what real clusters do to long requests: the server closing the stream
// (resume from the last resourceVersion, bookmarks included), 410 Gone (list again, onSync again), and
// failures (exponential backoff with jitter, capped). Each watch owns its timers and its request: one
// context being slow or unreachable never holds up another.
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeForLog, KubeError, toKubeError } from './errors';
import { trackConnections } from './requestConnection';
import type { TrackedConfig } from './requestConnection';
import type { KubeErrorSite } from './errors';
import type { KubeLogger, WatchCallbacks, WatchEvent, WatchHandle } from './types';

export interface WatchTuning {
  /** First retry delay after a failure; doubles per consecutive failure (default 500 ms). */
  readonly backoffBaseMs?: number;
  /** Longest retry delay (default 30 s). */
  readonly backoffMaxMs?: number;
  /**
   * client-node aborts a watch that received nothing for this long (its default is 30 s). We ask for
   * bookmarks, and a quiet watch that times out is resumed from its resourceVersion without fuss.
   */
  readonly idleTimeoutMs?: number;
}

/** One page of a list, already deserialized into typed objects. */
export interface ListPage<T> {
  readonly items: T[];
  readonly resourceVersion?: string;
  readonly continueToken?: string;
}

export interface WatchSource<T> {
  readonly kubeConfig: KubeConfig;
  /** The collection's URL path, e.g. `/api/v1/namespaces/finance/pods`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Read one page of the list (the caller applies the page size, the selectors and the timeout). */
  listPage(continueToken: string | undefined, signal: AbortSignal): Promise<ListPage<T>>;
  /** Turn a raw watch object (plain JSON) into the same typed shape the list returns. */
  deserialize(raw: unknown): T;
  readonly site: KubeErrorSite;
  readonly logger: KubeLogger;
  readonly tuning?: WatchTuning;
}

/** How one watch request ended. */
type WatchOutcome =
  | { kind: 'gone' } // 410: the resourceVersion is too old; list again
  | { kind: 'closed'; established: boolean; events: number; durationMs: number } // the server or the idle timer ended it
  | { kind: 'failed'; error: unknown; established: boolean; events: number; durationMs: number };

interface RawWatchObject {
  metadata?: { resourceVersion?: string };
  code?: number;
  reason?: string;
}

/** Start a list-then-watch. `onSync` gets the full list first and after every re-list. */
export function startWatch<T>(source: WatchSource<T>, callbacks: WatchCallbacks<T>): WatchHandle {
  const { logger, site } = source;
  const component = `watch ${site.context}${source.path}`;
  const baseMs = source.tuning?.backoffBaseMs ?? 500;
  const maxMs = source.tuning?.backoffMaxMs ?? 30_000;

  let stopped = false;
  const stopController = new AbortController();
  let currentRequest: AbortController | undefined;
  let currentConnections: TrackedConfig | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      wakeUp = resolve;
      sleepTimer = setTimeout(() => {
        sleepTimer = undefined;
        wakeUp = undefined;
        resolve();
      }, ms);
    });

  const backoff = (failures: number) => {
    const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
    return Math.round(exp * (0.5 + Math.random() * 0.5)); // jitter: 50-100 % of the step
  };

  const safely = (what: string, fn: () => void) => {
    if (stopped) return;
    try {
      fn();
    } catch (error) {
      logger.error(component, `${what} callback threw: ${describeForLog(error)}`);
    }
  };

  // The same failure reads differently for the list and the watch request ("not allowed to watch pods").
  const watchSite: KubeErrorSite = site.operation ? { ...site, operation: { ...site.operation, verb: 'watch' } } : site;
  const reportFailure = (error: unknown, willRetry: boolean, during: KubeErrorSite = site): KubeError => {
    const kubeError = toKubeError(error, during);
    logger.warn(component, `${kubeError.message} ${willRetry ? '(will retry)' : '(stopped)'} [${describeForLog(error)}]`);
    safely('onError', () => callbacks.onError?.(kubeError, willRetry));
    return kubeError;
  };

  async function listAll(): Promise<{ items: T[]; resourceVersion?: string }> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await source.listPage(continueToken, stopController.signal);
      items.push(...page.items);
      resourceVersion = page.resourceVersion ?? resourceVersion;
      continueToken = page.continueToken || undefined;
    } while (continueToken && !stopped);
    return { items, resourceVersion };
  }

  function watchOnce(resourceVersion: string, onResourceVersion: (rv: string) => void): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve) => {
      const connections = trackConnections(source.kubeConfig);
      currentConnections = connections;
      const watch = new Watch(connections.config);
      if (source.tuning?.idleTimeoutMs) (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = source.tuning.idleTimeoutMs;
      const started = Date.now();
      let gone = false;
      let statusError: unknown;
      let events = 0;
      let settled = false;
      let established = false;
      const finish = (outcome: WatchOutcome) => {
        if (!settled) {
          settled = true;
          // Close this request's connection now rather than leave a keep-alive socket behind.
          connections.destroyConnections();
          if (currentConnections === connections) currentConnections = undefined;
          resolve(outcome);
        }
      };
      const query: Record<string, string | boolean> = { allowWatchBookmarks: true, resourceVersion };
      if (source.labelSelector) query.labelSelector = source.labelSelector;
      if (source.fieldSelector) query.fieldSelector = source.fieldSelector;

      const onEvent = (type: string, object: RawWatchObject) => {
        if (stopped) return;
        if (type === 'ERROR') {
          if (object?.code === 410 || object?.reason === 'Expired' || object?.reason === 'Gone') gone = true;
          else statusError = Object.assign(new Error('watch error event'), { code: object?.code ?? 500, body: object });
          return;
        }
        const rv = object?.metadata?.resourceVersion;
        if (rv) onResourceVersion(rv);
        if (type === 'BOOKMARK') return;
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
        events++;
        let event: WatchEvent<T>;
        try {
          event = { type, object: source.deserialize(object) };
        } catch (error) {
          logger.warn(component, `skipped an event that could not be read: ${describeForLog(error)}`);
          return;
        }
        safely('onEvent', () => callbacks.onEvent(event));
      };

      const onDone = (error: unknown) => {
        currentRequest = undefined;
        if (gone) return finish({ kind: 'gone' });
        if (statusError) return finish({ kind: 'failed', error: statusError, established, events, durationMs: Date.now() - started });
        const name = (error as { name?: string } | null)?.name;
        // A quiet watch hitting client-node's idle timer is a normal end: resume from the last resourceVersion.
        if (!error || (established && name === 'TimeoutError')) {
          return finish({ kind: 'closed', established, events, durationMs: Date.now() - started });
        }
        finish({ kind: 'failed', error, established, events, durationMs: Date.now() - started });
      };

      watch.watch(source.path, query, onEvent, onDone).then(
        (controller) => {
          if (settled) return; // done already ran: the request failed before a response
          established = true;
          currentRequest = controller;
          if (stopped) controller.abort();
        },
        // Building the request failed (credentials, exec plugin): done() is never called then.
        (error: unknown) => finish({ kind: 'failed', error, established: false, events: 0, durationMs: Date.now() - started }),
      );
    });
  }

  async function run(): Promise<void> {
    let resourceVersion: string | undefined;
    let failures = 0;
    let quickCloses = 0;
    while (!stopped) {
      if (resourceVersion === undefined) {
        try {
          const list = await listAll();
          if (stopped) return;
          resourceVersion = list.resourceVersion ?? '0';
          failures = 0;
          logger.info(component, `listed ${list.items.length} at resourceVersion ${resourceVersion}`);
          safely('onSync', () => callbacks.onSync(list.items));
        } catch (error) {
          if (stopped) return;
          failures++;
          const kubeError = reportFailure(error, isRetryable(error, site));
          if (!isRetryable(kubeError, site)) return stop();
          await sleep(backoff(failures));
          continue;
        }
      }

      const outcome = await watchOnce(resourceVersion, (rv) => (resourceVersion = rv));
      if (stopped) return;
      switch (outcome.kind) {
        case 'gone':
          logger.info(component, 'resourceVersion expired (410 Gone): listing again');
          resourceVersion = undefined;
          break;
        case 'closed':
          failures = 0;
          logger.info(component, `watch ended after ${Math.round(outcome.durationMs / 1000)} s with ${outcome.events} event(s); resuming from ${resourceVersion}`);
          quickCloses = outcome.durationMs < 1000 && outcome.events === 0 ? quickCloses + 1 : 0;
          // A stream that ends at once with nothing in it, again and again, must not spin.
          if (quickCloses > 0) await sleep(backoff(quickCloses));
          break;
        case 'failed':
          if (outcome.established) {
            // The stream dropped after it was up: resume from the last resourceVersion, at once unless it
            // keeps dropping as soon as it connects.
            logger.info(component, `stream dropped (${describeForLog(outcome.error)}); resuming from ${resourceVersion}`);
            failures = 0;
            quickCloses = outcome.durationMs < 1000 && outcome.events === 0 ? quickCloses + 1 : 0;
            if (quickCloses > 0) await sleep(backoff(quickCloses));
            break;
          }
          failures++;
          {
            const kubeError = reportFailure(outcome.error, isRetryable(outcome.error, site), watchSite);
            if (!isRetryable(kubeError, site)) return stop();
          }
          await sleep(backoff(failures));
          break;
      }
    }
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    stopController.abort();
    currentRequest?.abort();
    currentRequest = undefined;
    // A request still waiting for response headers has no AbortController yet: close its connection.
    currentConnections?.destroyConnections();
    currentConnections = undefined;
    if (sleepTimer) clearTimeout(sleepTimer);
    sleepTimer = undefined;
    wakeUp?.();
    wakeUp = undefined;
  }

  void run().catch((error: unknown) => logger.error(component, `watch loop failed: ${describeForLog(error)}`));
  return { stop };
}

/** A broken kubeconfig entry does not heal by waiting; everything else (network, RBAC, server) may. */
function isRetryable(error: unknown, site: KubeErrorSite): boolean {
  const kubeError = error instanceof KubeError ? error : toKubeError(error, site);
  return kubeError.reason !== 'bad-kubeconfig';
}
