// GET /api/v1/namespaces/{ns}/pods/{name}/log: the kubelet's container log endpoint, proxied.
import type { ServerResponse } from 'node:http';
import type { ClusterSim } from './cluster';
import { resourceByKind } from './resources';
import { ApiError, failure } from './status';
import type { LogLine } from './podLogs';

const Pod = resourceByKind('Pod');

export function streamPodLogs(sim: ClusterSim, res: ServerResponse, namespace: string, name: string, q: URLSearchParams): void {
  const pod = sim.store.get(Pod, namespace, name);
  if (!pod) throw new ApiError(failure(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' }));
  const containers: string[] = pod.spec.containers.map((c: { name: string }) => c.name);
  let container = q.get('container') ?? undefined;
  if (!container) {
    if (containers.length !== 1) {
      throw new ApiError(failure(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`));
    }
    container = containers[0];
  }
  if (!containers.includes(container)) throw new ApiError(failure(400, 'BadRequest', `container ${container} is not valid for pod ${name}`));
  if (pod.status?.phase !== 'Running') {
    throw new ApiError(failure(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`));
  }
  const follow = q.get('follow') === 'true';
  const timestamps = q.get('timestamps') === 'true';
  const tailLines = q.has('tailLines') ? Number(q.get('tailLines')) : undefined;
  const limitBytes = q.has('limitBytes') ? Number(q.get('limitBytes')) : undefined;
  let since = q.has('sinceTime') ? Date.parse(q.get('sinceTime')!) : undefined;
  if (q.has('sinceSeconds')) since = Date.now() - Number(q.get('sinceSeconds')) * 1000;
  if (q.get('previous') === 'true') {
    throw new ApiError(failure(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`));
  }

  const log = sim.logs.container(namespace, name, pod.metadata.uid, container);
  let lines: readonly LogLine[] = log.lines;
  // sinceTime has second precision on the wire; the kubelet keeps lines at or after it.
  if (since !== undefined) lines = lines.filter((l) => l.epochMs >= since!);
  if (tailLines !== undefined && tailLines >= 0) lines = tailLines === 0 ? [] : lines.slice(-tailLines);

  const format = (l: LogLine) => (timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`);
  let sentBytes = 0;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (text: string): boolean => {
    if (res.writableEnded || res.destroyed) return false;
    if (limitBytes !== undefined && sentBytes + Buffer.byteLength(text) > limitBytes) {
      res.end(Buffer.from(text).subarray(0, Math.max(0, limitBytes - sentBytes)));
      return false;
    }
    sentBytes += Buffer.byteLength(text);
    res.write(text);
    return true;
  };
  if (lines.length > 0 && !send(lines.map(format).join(''))) return;
  if (!follow || log.ended) {
    res.end();
    return;
  }
  sim.counters.logStreamsOpened++;
  const stop = log.follow({
    onLine: (l) => {
      if (!send(format(l))) stop();
    },
    onEnd: () => {
      if (!log.ended) sim.counters.logStreamsDropped++;
      if (!res.writableEnded) res.end();
    },
  });
  res.on('close', () => stop());
}
