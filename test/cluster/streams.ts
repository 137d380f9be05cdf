/* eslint-disable @typescript-eslint/no-explicit-any -- reads arbitrary pod JSON */
// WebSocket streaming for exec (channel.k8s.io v4/v5: 0 stdin, 1 stdout, 2 stderr, 3 error Status,
// 4 resize, 255 close) and port-forward (v4.channel.k8s.io: per port a data and an error channel,
// each starting with the port number as two little-endian bytes, as the kubelet sends it).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { ClusterSim } from './cluster';
import type { KubeObject } from './store';
import { runInContainer } from './execCommands';
import { failure, internalError } from './status';
import type { StatusBody } from './status';
import { resourceByKind } from './resources';
import { isPodReady } from './controllers';

const Pod = resourceByKind('Pod');

const execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
// The kubelet's port-forward WebSocket speaks v4 (no v5 close channel).
const portForwardProtocols = ['v4.channel.k8s.io'];

function chooser(preferred: string[]) {
  return (offered: Set<string>) => preferred.find((p) => offered.has(p)) ?? false;
}

const execServer = new WebSocketServer({ noServer: true, handleProtocols: chooser(execProtocols), perMessageDeflate: false });
const portForwardServer = new WebSocketServer({ noServer: true, handleProtocols: chooser(portForwardProtocols), perMessageDeflate: false });

function frame(channel: number, data: string | Buffer): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

export function handleExecUpgrade(sim: ClusterSim, pod: KubeObject, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, refuse: (s: StatusBody) => void): void {
  const names: string[] = pod.spec.containers.map((c: any) => c.name);
  const containerName = q.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!containerName) return refuse(failure(400, 'BadRequest', `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`));
  const container = pod.spec.containers.find((c: any) => c.name === containerName);
  if (!container) return refuse(failure(400, 'BadRequest', `container ${containerName} is not valid for pod ${pod.metadata.name}`));
  const argv = q.getAll('command');
  execServer.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    ws.on('error', () => {});
    const statusChannel = ws.protocol !== 'channel.k8s.io' && ws.protocol !== '';
    const send = (channel: number, data: string) => {
      if (data && ws.readyState === ws.OPEN) ws.send(frame(channel, data));
    };
    const finish = (status: object) => {
      if (ws.readyState !== ws.OPEN) return;
      if (statusChannel) ws.send(frame(3, JSON.stringify(status)));
      ws.close(1000);
    };
    // Standard input (channel 0) until the client closes it (v5 close frame for channel 0) or hangs up.
    const stdinChunks: Buffer[] = [];
    const stdinClosed = new Promise<void>((resolve) => {
      if (q.get('stdin') !== 'true') return resolve();
      ws.on('message', (data: Buffer) => {
        const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
        if (buf[0] === 0) stdinChunks.push(buf.subarray(1));
        else if (buf[0] === 255 && buf[1] === 0) resolve();
      });
      ws.on('close', () => resolve());
    });
    const readStdin = async () => {
      await stdinClosed;
      return Buffer.concat(stdinChunks).toString('utf8');
    };
    void (async () => {
      try {
        const outcome = await runInContainer(sim, pod, container, argv, readStdin);
        // The pod may have been deleted while the command ran: the stream just ends, as with a real runtime.
        if (!sim.store.get(Pod, pod.metadata.namespace, pod.metadata.name)) return ws.close(1000);
        if (outcome.kind === 'failed') {
          const s = internalError(outcome.message);
          return finish({ metadata: {}, status: 'Failure', message: s.message, reason: 'InternalError', details: { causes: [{ message: outcome.message }] }, code: 500 });
        }
        send(1, outcome.stdout);
        send(2, outcome.stderr);
        if (outcome.exitCode === 0) return finish({ metadata: {}, status: 'Success' });
        finish({
          metadata: {},
          status: 'Failure',
          message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${outcome.exitCode}`,
          reason: 'NonZeroExitCode',
          details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
        });
      } catch (err) {
        finish({ metadata: {}, status: 'Failure', message: (err as Error).message, reason: 'InternalError', code: 500 });
      }
    })();
  });
}

/** What a pod's port answers to one HTTP request, or undefined when nothing listens there. */
type PortHandler = (method: string, path: string) => { status: number; contentType: string; body: string };

function portHandler(sim: ClusterSim, pod: KubeObject, port: number): PortHandler | undefined {
  if (sim.ztunnel.isZtunnelPod(pod)) {
    const node = pod.spec.nodeName;
    if (port === 15000) {
      return (_method, path) => {
        if (path.startsWith('/config_dump')) return { status: 200, contentType: 'application/json', body: JSON.stringify(sim.ztunnel.configDump(node), null, 2) };
        if (path.startsWith('/logging')) return { status: 200, contentType: 'text/plain', body: 'current log level is info\n' };
        if (path === '/' || path === '') return { status: 200, contentType: 'text/html; charset=utf-8', body: '<html><body><a href="config_dump">config_dump</a> <a href="logging">logging</a></body></html>' };
        return { status: 404, contentType: 'text/plain', body: '' };
      };
    }
    if (port === 15021) {
      return (_m, path) => {
        if (!path.startsWith('/healthz/ready')) return { status: 404, contentType: 'text/plain', body: '' };
        const current = sim.store.get(Pod, pod.metadata.namespace, pod.metadata.name);
        return current && isPodReady(current) ? { status: 200, contentType: 'text/plain', body: 'ready\n' } : { status: 503, contentType: 'text/plain', body: 'not ready\n' };
      };
    }
    if (port === 15020) {
      return (_m, path) =>
        path.startsWith('/metrics') || path.startsWith('/stats/prometheus')
          ? { status: 200, contentType: 'text/plain; version=0.0.4', body: `# TYPE istio_build gauge\nistio_build{component="ztunnel",tag="${sim.istio.version}"} 1\n# TYPE workload_manager_active_proxy_count gauge\nworkload_manager_active_proxy_count ${sim.store.list(Pod).filter((p) => p.spec?.nodeName === node && p.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled').length}\n` }
          : { status: 404, contentType: 'text/plain', body: '' };
    }
    return undefined;
  }
  const listens = pod.spec.containers.some((c: any) => (c.ports ?? []).some((p: any) => p.containerPort === port));
  if (!listens) return undefined;
  const echo = pod.spec.containers.flatMap((c: any) => c.args ?? []).find((a: string) => a.startsWith('-text='));
  return () => ({ status: 200, contentType: 'text/plain', body: echo ? `${echo.slice(6)}\n` : `${pod.metadata.name}\n` });
}

function httpResponse(r: { status: number; contentType: string; body: string }): Buffer {
  const body = Buffer.from(r.body);
  const reason = ({ 200: 'OK', 404: 'Not Found', 503: 'Service Unavailable' } as Record<number, string>)[r.status] ?? 'Error';
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${r.status} ${reason}\r\ncontent-type: ${r.contentType}\r\ncontent-length: ${body.length}\r\nconnection: close\r\ndate: ${new Date().toUTCString()}\r\n\r\n`), body]);
}

export function handlePortForwardUpgrade(sim: ClusterSim, pod: KubeObject, q: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, refuse: (s: StatusBody) => void): void {
  const ports = q.getAll('ports').flatMap((p) => p.split(',')).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
    return refuse(failure(400, 'BadRequest', 'query parameter "port" is required'));
  }
  portForwardServer.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    ws.on('error', () => {});
    const buffers = ports.map(() => Buffer.alloc(0));
    const answered = ports.map(() => false);
    ports.forEach((port, i) => {
      const prefix = Buffer.from([port & 0xff, port >> 8]);
      ws.send(frame(i * 2, prefix));
      ws.send(frame(i * 2 + 1, prefix));
    });
    ws.on('message', (data: Buffer) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (buf.length === 0) return;
      const channel = buf[0];
      if (channel % 2 !== 0 || channel / 2 >= ports.length) return;
      const i = channel / 2;
      if (answered[i]) return;
      buffers[i] = Buffer.concat([buffers[i], buf.subarray(1)]);
      const text = buffers[i].toString('latin1');
      const headerEnd = text.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const contentLength = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headerEnd))?.[1] ?? 0);
      if (buffers[i].length < headerEnd + 4 + contentLength) return;
      answered[i] = true;
      const [method, path] = text.slice(0, text.indexOf('\r\n')).split(' ');
      const handler = portHandler(sim, pod, ports[i]);
      if (!handler) {
        const message = `error forwarding port ${ports[i]} to pod ${pod.metadata.uid}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${pod.metadata.uid}": failed to connect to localhost:${ports[i]} inside namespace "${pod.metadata.uid}", IPv4: dial tcp4 127.0.0.1:${ports[i]}: connect: connection refused IPv6 dial tcp6 [::1]:${ports[i]}: connect: connection refused `;
        ws.send(frame(channel + 1, message));
        return ws.close(1000);
      }
      ws.send(frame(channel, httpResponse(handler(method, path))));
      // The target closes its side after a `connection: close` response.
      if (answered.every(Boolean)) setTimeout(() => ws.close(1000), 10);
    });
  });
}
