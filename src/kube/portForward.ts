// A local listener on 127.0.0.1 whose connections each open a client-node PortForward WebSocket to the
// pod's port, as `kubectl port-forward` does. Used to read ztunnel's admin endpoint (/config_dump).
import { PortForward } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { describeForLog, KubeError, toKubeError } from './errors';
import type { KubeErrorSite } from './errors';
import type { ClusterClient, KubeLogger, PortForwardHandle } from './types';
import { closeSocket } from './webSocket';
import type { ClientSocket } from './webSocket';

export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

export async function openPortForward(
  kubeConfig: KubeConfig,
  target: PortForwardTarget,
  site: KubeErrorSite,
  logger: KubeLogger,
): Promise<PortForwardHandle> {
  const component = `port-forward ${site.context}/${target.namespace}/${target.pod}:${target.port}`;
  const forward = new PortForward(kubeConfig);
  const connections = new Set<{ socket: net.Socket; ws?: ClientSocket }>();
  let closed = false;
  let lastError: KubeError | undefined;

  const server = net.createServer((socket) => {
    const connection: { socket: net.Socket; ws?: ClientSocket } = { socket };
    connections.add(connection);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      connections.delete(connection);
      closeSocket(connection.ws);
    });
    // The pod side's error channel: text such as "connection refused" from the kubelet.
    const errors = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = chunk.toString('utf8').trim();
        if (text) {
          logger.warn(component, `remote error: ${text}`);
          lastError = /connection refused/i.test(text)
            ? new KubeError('unreachable', site.context, `${site.context}: nothing is listening on port ${target.port} in ${target.namespace}/${target.pod} (connection refused).`)
            : new KubeError('stream-dropped', site.context, `${site.context}: the port-forward to ${target.namespace}/${target.pod}:${target.port} failed on the node.`);
        }
        done();
      },
    });
    forward.portForward(target.namespace, target.pod, [target.port], socket, errors, socket).then(
      (ws) => {
        const forwardSocket = ws as unknown as ClientSocket;
        connection.ws = forwardSocket;
        if (closed || socket.destroyed) return closeSocket(forwardSocket);
        forwardSocket.on?.('close', () => socket.end());
      },
      (error: unknown) => {
        lastError = toKubeError(error, site);
        logger.warn(component, `${lastError.message} [${describeForLog(error)}]`);
        socket.destroy();
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') {
    server.close();
    throw new KubeError('unknown', site.context, `${site.context}: could not open a local port for port-forward.`);
  }
  logger.info(component, `listening on 127.0.0.1:${address.port}`);

  return {
    localPort: address.port,
    get lastError() {
      return lastError;
    },
    close() {
      if (closed) return;
      closed = true;
      server.close();
      for (const { socket, ws } of connections) {
        closeSocket(ws);
        socket.destroy();
      }
      connections.clear();
    },
  };
}

/**
 * GET `path` from a pod's port through a temporary port-forward and return the body (e.g. ztunnel's
 * `/config_dump` on 15000). Fails with a KubeError on a non-2xx answer, a failed forward or the timeout.
 */
export async function httpGetViaPortForward(
  client: ClusterClient,
  namespace: string,
  pod: string,
  port: number,
  path: string,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const handle = await client.portForward(namespace, pod, port);
  try {
    return await new Promise<string>((resolve, reject) => {
      const request = http.get(
        { host: '127.0.0.1', port: handle.localPort, path, agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', () =>
            reject(new KubeError('stream-dropped', client.context, `${client.context}: the port-forward to ${namespace}/${pod}:${port} broke while reading ${path}.`)),
          );
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(body);
            reject(new KubeError(status === 404 ? 'not-found' : 'server-error', client.context, `${client.context}: ${namespace}/${pod}:${port}${path} answered ${status}.`, status));
          });
        },
      );
      request.on('timeout', () => {
        request.destroy();
        reject(new KubeError('timeout', client.context, `${client.context}: ${namespace}/${pod}:${port}${path} did not answer within ${Math.round(timeoutMs / 1000)} s.`));
      });
      request.on('error', () =>
        reject(handle.lastError ?? new KubeError('stream-dropped', client.context, `${client.context}: could not read ${path} from ${namespace}/${pod}:${port} through port-forward.`)),
      );
    });
  } finally {
    handle.close();
  }
}
