import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterClient, LogOptions, LogStreamCallbacks, V1Pod, WatchCallbacks } from '../../../src/kube/types';
import { ZtunnelFollower } from '../../../src/logs/ztunnelFollower';
import type { PodStreamStatus, Timers, ZtunnelLine } from '../../../src/logs/ztunnelFollower';

interface OpenStream {
  pod: string;
  container: string;
  options: LogOptions;
  callbacks: LogStreamCallbacks;
  stopped: boolean;
}

/** A cluster whose pod watch and log streams the test drives by hand. */
function fakeCluster() {
  const streams: OpenStream[] = [];
  let watcher: WatchCallbacks<V1Pod> | undefined;
  let watchArgs: unknown[] = [];
  const client = {
    context: 'cluster-1',
    watch: (resource: string, namespace: string, options: unknown, callbacks: WatchCallbacks<V1Pod>) => {
      watchArgs = [resource, namespace, options];
      watcher = callbacks as WatchCallbacks<V1Pod>;
      return { stop: () => undefined };
    },
    followLogs: (_ns: string, pod: string, container: string, options: LogOptions, callbacks: LogStreamCallbacks) => {
      const stream: OpenStream = { pod, container, options, callbacks, stopped: false };
      streams.push(stream);
      return { stop: () => (stream.stopped = true) };
    },
  } as unknown as ClusterClient;
  return { client, streams, watcher: () => watcher!, watchArgs: () => watchArgs };
}

function fakeTimers() {
  const due: { at: number; run: () => void; id: number }[] = [];
  let id = 0;
  const timers: Timers = {
    setTimeout: (run, ms) => {
      due.push({ at: ms, run, id: ++id });
      return id;
    },
    clearTimeout: (handle) => {
      const index = due.findIndex((t) => t.id === handle);
      if (index !== -1) due.splice(index, 1);
    },
  };
  return { timers, due, fireAll: () => due.splice(0).forEach((t) => t.run()) };
}

const pod = (name: string, phase = 'Running', node = `node-${name.slice(-1)}`): V1Pod => ({ metadata: { name, namespace: 'istio-system' }, spec: { nodeName: node, containers: [] }, status: { phase } }) as V1Pod;

function follow(tailLines = 100) {
  const cluster = fakeCluster();
  const clock = fakeTimers();
  const lines: ZtunnelLine[] = [];
  const statuses: PodStreamStatus[] = [];
  const follower = new ZtunnelFollower(cluster.client, { namespace: 'istio-system', labelSelector: 'app=ztunnel', container: 'istio-proxy', tailLines, timers: clock.timers, backoff: { initialMs: 100, maxMs: 1000 } }, {
    onLine: (line) => lines.push(line),
    onStatus: (status) => statuses.push(status),
  });
  follower.start();
  return { ...cluster, ...clock, lines, statuses, follower, last: (p: string) => statuses.filter((s) => s.pod === p).at(-1)!.state };
}

describe('ztunnel follower', () => {
  it('opens one follow stream per ztunnel pod, with timestamps and the tail length, more than five', () => {
    const f = follow(250);
    assert.deepEqual(f.watchArgs(), ['pods', 'istio-system', { labelSelector: 'app=ztunnel' }]);
    f.watcher().onSync(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((n) => pod(`ztunnel-${n}`)));
    assert.equal(f.streams.length, 7);
    for (const s of f.streams) {
      assert.equal(s.container, 'istio-proxy');
      assert.deepEqual(s.options, { follow: true, timestamps: true, tailLines: 250 });
    }
    assert.equal(f.last('ztunnel-a7').kind, 'live');
  });

  it('tags each line with its pod and node and strips the kubelet timestamp', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a')]);
    f.streams[0]!.callbacks.onLine('2026-11-03T09:00:00.000000001Z 2026-11-03T09:00:00.000000Z\tinfo\tdns\tx=1');
    assert.deepEqual(f.lines, [{ cluster: 'cluster-1', pod: 'ztunnel-a', node: 'node-a', text: '2026-11-03T09:00:00.000000Z\tinfo\tdns\tx=1', kubeletTime: '2026-11-03T09:00:00.000000001Z' }]);
  });

  it('resumes a dropped stream from the last timestamp, dropping the overlap: no line lost or repeated', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a')]);
    const first = f.streams[0]!;
    first.callbacks.onLine('2026-11-03T09:00:01.100Z line 1');
    first.callbacks.onLine('2026-11-03T09:00:01.500Z line 2');
    first.callbacks.onLine('2026-11-03T09:00:01.500Z line 2'); // the same text twice at the same instant
    first.callbacks.onEnd(Object.assign(new Error('the log stream was interrupted'), { reason: 'stream-dropped' }));
    assert.deepEqual(f.last('ztunnel-a'), { kind: 'reconnecting', attempt: 1, delayMs: 100, reason: 'the log stream was interrupted' });
    f.fireAll();
    const second = f.streams[1]!;
    assert.deepEqual(second.options, { follow: true, timestamps: true, sinceTime: '2026-11-03T09:00:01Z' });
    // The server resends everything from the start of that second.
    second.callbacks.onLine('2026-11-03T09:00:01.100Z line 1');
    second.callbacks.onLine('2026-11-03T09:00:01.500Z line 2');
    second.callbacks.onLine('2026-11-03T09:00:01.500Z line 2');
    second.callbacks.onLine('2026-11-03T09:00:01.500Z line 3'); // new, same instant
    second.callbacks.onLine('2026-11-03T09:00:02.000Z line 4');
    assert.deepEqual(f.lines.map((l) => l.text), ['line 1', 'line 2', 'line 2', 'line 3', 'line 4']);
    assert.equal(f.last('ztunnel-a').kind, 'live');
  });

  it('backs off exponentially up to the maximum, and resets once lines flow again', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a')]);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      f.streams.at(-1)!.callbacks.onEnd(Object.assign(new Error('refused'), { reason: 'unreachable' }));
      const state = f.last('ztunnel-a');
      assert.equal(state.kind, 'reconnecting');
      delays.push((state as { delayMs: number }).delayMs);
      f.fireAll();
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
    f.streams.at(-1)!.callbacks.onLine('2026-11-03T09:00:01.100Z back');
    f.streams.at(-1)!.callbacks.onEnd(new Error('dropped again'));
    assert.equal((f.last('ztunnel-a') as { delayMs: number }).delayMs, 100);
  });

  it('does not retry what retrying cannot fix, and says why', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a')]);
    f.streams[0]!.callbacks.onEnd(Object.assign(new Error('cluster-1: you may not read pod logs in istio-system'), { reason: 'forbidden' }));
    assert.deepEqual(f.last('ztunnel-a'), { kind: 'error', reason: 'cluster-1: you may not read pod logs in istio-system' });
    assert.equal(f.due.length, 0);
  });

  it('picks up a new pod from the watch, from its first line, and ends the stream of a deleted pod', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a')]);
    f.watcher().onEvent({ type: 'ADDED', object: pod('ztunnel-b', 'Pending') });
    assert.equal(f.last('ztunnel-b').kind, 'waiting');
    assert.equal(f.streams.length, 1);
    f.watcher().onEvent({ type: 'MODIFIED', object: pod('ztunnel-b') });
    assert.equal(f.streams.length, 2);
    assert.deepEqual(f.streams[1]!.options, { follow: true, timestamps: true });
    f.watcher().onEvent({ type: 'DELETED', object: pod('ztunnel-a') });
    f.streams[0]!.callbacks.onEnd();
    assert.deepEqual(f.last('ztunnel-a'), { kind: 'ended', reason: 'pod deleted' });
    assert.equal(f.due.length, 0, 'no reconnect for a deleted pod');
  });

  it('a pod missing from a re-list is treated as deleted, even if its stream never ends', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a'), pod('ztunnel-b')]);
    f.watcher().onSync([pod('ztunnel-b')]);
    assert.equal(f.streams[0]!.stopped, false, 'the stream may still deliver its last lines');
    f.fireAll();
    assert.equal(f.streams[0]!.stopped, true);
    assert.deepEqual(f.last('ztunnel-a'), { kind: 'ended', reason: 'pod deleted' });
  });

  it('stop ends every stream and cancels pending reconnects', () => {
    const f = follow();
    f.watcher().onSync([pod('ztunnel-a'), pod('ztunnel-b')]);
    f.streams[0]!.callbacks.onEnd(new Error('dropped'));
    f.follower.stop();
    assert.equal(f.due.length, 0);
    assert.equal(f.streams[1]!.stopped, true);
    assert.deepEqual(f.last('ztunnel-b'), { kind: 'ended', reason: 'stopped' });
  });
});
