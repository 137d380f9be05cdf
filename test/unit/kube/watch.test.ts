// The watch loop against a scripted server: resume after drops without losing or repeating events,
// bookmarks move the resume point, 410 re-lists, failures back off and are reported, stop() is clean.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createKubeClients } from '../../../src/kube/kubeClients';
import type { KubeError } from '../../../src/kube/errors';
import type { KubeClients, V1Namespace, WatchEvent, WatchHandle } from '../../../src/kube/types';
import { recordingLogger, sendJson, startFakeApiServer, statusBody, tempDir, writeKubeconfig } from './fakeApiServer';
import type { FakeApiServer, RecordedRequest } from './fakeApiServer';

/** A namespace collection with a history of changes, served as list + watch. */
class NamespaceHistory {
  rv = 100;
  /** Oldest resourceVersion a watch may resume from; older gets 410. */
  compactedBefore = 0;
  readonly objects = new Map<string, object>();
  readonly events: { rv: number; type: string; object: object }[] = [];
  readonly watchers = new Set<{ res: http.ServerResponse; from: number }>();
  listStatus = 200;

  change(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string): void {
    this.rv++;
    const object = { metadata: { name, resourceVersion: String(this.rv), labels: { seq: String(this.rv) }, creationTimestamp: '2026-11-03T10:00:00Z' } };
    if (type === 'DELETED') this.objects.delete(name);
    else this.objects.set(name, object);
    this.events.push({ rv: this.rv, type, object });
    for (const w of this.watchers) w.res.write(JSON.stringify({ type, object }) + '\n');
  }

  bookmark(): void {
    this.rv++;
    for (const w of this.watchers) w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } }) + '\n');
  }

  /** Cut every open watch as a flaky load balancer would. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  serve = (req: RecordedRequest, res: http.ServerResponse): void => {
    if (req.query.get('watch') !== 'true') {
      if (this.listStatus !== 200) return sendJson(res, this.listStatus, statusBody(this.listStatus, 'Failure', 'scripted failure'));
      return sendJson(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items: [...this.objects.values()] });
    }
    const from = Number(req.query.get('resourceVersion'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    if (from < this.compactedBefore) {
      res.end(JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${from}`) }) + '\n');
      return;
    }
    for (const e of this.events) if (e.rv > from) res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
    const watcher = { res, from };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  };
}

function until(condition: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() - started > ms) return reject(new Error('condition not met in time'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('watch', () => {
  let api: FakeApiServer;
  let history: NamespaceHistory;
  let clients: KubeClients;
  let handle: WatchHandle | undefined;
  const logger = recordingLogger();

  beforeEach(async () => {
    history = new NamespaceHistory();
    api = await startFakeApiServer(history.serve);
    const file = writeKubeconfig(tempDir(), { context: 'cluster-1', server: api.url });
    clients = createKubeClients({ kubeconfigPaths: [file], watchFiles: false, logger, watch: { backoffBaseMs: 20, backoffMaxMs: 200 } });
  });
  afterEach(async () => {
    handle?.stop();
    handle = undefined;
    clients.dispose();
    await api.close();
  });

  function start() {
    const syncs: string[][] = [];
    const events: WatchEvent<V1Namespace>[] = [];
    const errors: [KubeError, boolean][] = [];
    handle = clients.client('cluster-1').watch<V1Namespace>('namespaces', undefined, {}, {
      onSync: (items) => syncs.push(items.map((i) => i.metadata?.name ?? '')),
      onEvent: (e) => events.push(e),
      onError: (e, willRetry) => errors.push([e as KubeError, willRetry]),
    });
    return { syncs, events, errors };
  }

  it('lists first, then delivers every change exactly once across dropped connections', async () => {
    history.change('ADDED', 'finance');
    const { syncs, events, errors } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    assert.deepEqual(syncs, [['finance']]);

    for (let round = 0; round < 5; round++) {
      history.change('ADDED', `ns-${round}`);
      history.dropWatches();
      history.change('MODIFIED', `ns-${round}`); // happens while the client is disconnected
      await until(() => history.watchers.size === 1);
    }
    history.change('DELETED', 'finance');
    await until(() => events.length === 11);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata?.name}`),
      ['ADDED ns-0', 'MODIFIED ns-0', 'ADDED ns-1', 'MODIFIED ns-1', 'ADDED ns-2', 'MODIFIED ns-2', 'ADDED ns-3', 'MODIFIED ns-3', 'ADDED ns-4', 'MODIFIED ns-4', 'DELETED finance'],
    );
    assert.equal(syncs.length, 1, 'resumed, never re-listed');
    assert.deepEqual(errors, [], 'a drop the watch recovered from is not an error');
    const watchRequests = api.requests.filter((r) => r.query.get('watch') === 'true');
    assert.ok(watchRequests.every((r) => r.query.get('allowWatchBookmarks') === 'true'), 'asks for bookmarks');
    assert.equal(watchRequests[0].query.get('resourceVersion'), '101');
  });

  it('gives watch objects the same typed shape as listed ones (dates are Dates)', async () => {
    history.change('ADDED', 'finance');
    let listed: V1Namespace[] = [];
    const events: WatchEvent<V1Namespace>[] = [];
    handle = clients.client('cluster-1').watch<V1Namespace>('namespaces', undefined, {}, {
      onSync: (items) => (listed = items),
      onEvent: (e) => events.push(e),
    });
    await until(() => listed.length === 1 && history.watchers.size === 1);
    history.change('ADDED', 'accounts');
    await until(() => events.length === 1);
    assert.ok(listed[0].metadata?.creationTimestamp instanceof Date);
    assert.ok(events[0].object.metadata?.creationTimestamp instanceof Date);
    assert.equal(events[0].object.metadata?.labels?.seq, '102');
  });

  it('resumes from the last bookmark', async () => {
    const { syncs } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    history.bookmark();
    history.bookmark();
    const bookmarkRv = history.rv;
    await new Promise((r) => setTimeout(r, 50));
    history.dropWatches();
    await until(() => history.watchers.size === 1);
    const last = api.requests.filter((r) => r.query.get('watch') === 'true').at(-1);
    assert.equal(last?.query.get('resourceVersion'), String(bookmarkRv));
  });

  it('lists again after 410 Gone and calls onSync with the fresh list', async () => {
    history.change('ADDED', 'finance');
    const { syncs, events } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    history.dropWatches();
    // While disconnected: changes happen and the history is compacted past the client's resourceVersion.
    history.watchers.clear();
    history.change('ADDED', 'accounts');
    history.change('DELETED', 'finance');
    history.compactedBefore = history.rv;
    await until(() => syncs.length === 2);
    assert.deepEqual(syncs[1], ['accounts']);
    assert.deepEqual(events, [], 'no stale events were replayed');
  });

  it('reports failures with willRetry, backs off, and recovers', async () => {
    history.listStatus = 503;
    const { syncs, errors } = start();
    await until(() => errors.length >= 3);
    assert.ok(errors.every(([e, willRetry]) => e.reason === 'server-error' && willRetry));
    assert.match(errors[0][0].message, /^cluster-1: the API server \(https:\/\/127\.0\.0\.1:\d+\) failed to list namespaces \(503 Service Unavailable\): scripted failure\.$/);
    history.listStatus = 200;
    await until(() => syncs.length === 1);
  });

  it('stop() ends everything: no more callbacks, no open watch on the server', async () => {
    const { syncs, events } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    handle?.stop();
    await until(() => history.watchers.size === 0);
    history.change('ADDED', 'late');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(events, []);
  });

  it('does not spin on a watch the server cuts as soon as it starts', async () => {
    const { syncs } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    api.respond = (req, res) => {
      if (req.query.get('watch') !== 'true') return history.serve(req, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      setImmediate(() => res.socket?.destroy());
    };
    history.dropWatches();
    const before = api.requests.length;
    await new Promise((r) => setTimeout(r, 1000));
    const attempts = api.requests.length - before;
    assert.ok(attempts >= 3, `it keeps trying (${attempts})`);
    assert.ok(attempts < 40, `but backs off (${attempts} attempts in 1 s)`);
  });

  it('stop() also closes a watch request the server never answered', async () => {
    const { syncs } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    // From now on the server accepts watch requests and never sends headers.
    let hungClosed = false;
    let hungSeen = false;
    api.respond = (req, res) => {
      if (req.query.get('watch') !== 'true') return history.serve(req, res);
      hungSeen = true;
      res.on('close', () => (hungClosed = true));
    };
    history.dropWatches();
    await until(() => hungSeen);
    handle?.stop();
    await until(() => hungClosed, 2000);
  });

  it('stop() during a list that never answers closes it', async () => {
    let listClosed = false;
    api.respond = (_req, res) => res.on('close', () => (listClosed = true));
    start();
    await until(() => api.requests.length === 1);
    handle?.stop();
    await until(() => listClosed, 2000);
  });

  it('a client disposed by a kubeconfig change stops its watches and says so', async () => {
    const { syncs, errors } = start();
    await until(() => syncs.length === 1 && history.watchers.size === 1);
    clients.dispose();
    await until(() => history.watchers.size === 0);
    assert.equal(errors.length, 1);
    assert.equal(errors[0][0].reason, 'cancelled');
    assert.equal(errors[0][1], false);
  });
});
