/* eslint-disable @typescript-eslint/no-explicit-any -- reads arbitrary pod/service JSON */
// The few programs our containers can run under `kubectl exec`: enough of curl to cross the mesh
// (and leave ztunnel access logs behind), echo, hostname, cat /etc/hostname, sh -c.
import { randomBytes } from 'node:crypto';
import type { ClusterSim } from './cluster';
import type { KubeObject } from './store';
import { resourceByKind } from './resources';
import { isPodReady } from './controllers';
import { authorize } from './authorization';
import { networkAdmits } from './networkPolicies';

const Pod = resourceByKind('Pod');
const Service = resourceByKind('Service');
const AuthorizationPolicy = resourceByKind('AuthorizationPolicy');
const NetworkPolicy = resourceByKind('NetworkPolicy');
const Namespace = resourceByKind('Namespace');

/** ztunnel gives up connecting to a peer's HBONE port after this long (its logs of it say `duration="10002ms"`). */
const ZTUNNEL_CONNECT_TIMEOUT_MS = 10_002;
/** What ztunnel 1.22+ logs then (src/proxy.rs Error::MaybeHBONENetworkPolicyError, over the tokio timeout). */
const hboneBlocked = 'connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ExecOutcome =
  | { kind: 'exited'; stdout: string; stderr: string; exitCode: number }
  /** The runtime could not start the process (the kubelet reports an InternalError). */
  | { kind: 'failed'; message: string };

const shellTools = ['sh', 'echo', 'hostname', 'cat', 'env', 'true', 'false', 'sleep', 'date', 'ls'];

/** Which executables an image has: distroless and scratch images have none but their own. */
function executables(image: string): string[] {
  if (image.includes('curl')) return [...shellTools, 'curl'];
  if (/http-echo|pause|ztunnel|prometheus-operator|node-exporter|coredns/.test(image)) return [];
  return shellTools;
}

function notFound(command: string): ExecOutcome {
  const id = randomBytes(32).toString('hex');
  return { kind: 'failed', message: `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${command}": executable file not found in $PATH: unknown` };
}

/** Split a `sh -c` string into words, honouring simple single and double quotes. */
function shellWords(script: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(script))) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

export async function runInContainer(sim: ClusterSim, pod: KubeObject, container: any, argv: string[], readStdin: () => Promise<string> = async () => ''): Promise<ExecOutcome> {
  if (argv.length === 0) return { kind: 'failed', message: 'error executing command in container: command must not be empty' };
  const [command, ...args] = argv;
  const program = command.split('/').pop()!;
  if (!executables(container.image ?? '').includes(program)) return notFound(command);
  const ok = (stdout: string, stderr = '', exitCode = 0): ExecOutcome => ({ kind: 'exited', stdout, stderr, exitCode });
  switch (program) {
    case 'sh': {
      const script = args[0] === '-c' ? args[1] ?? '' : '';
      const words = shellWords(script);
      if (words.length === 0) return ok('');
      const inner = await runInContainer(sim, pod, container, words, readStdin);
      if (inner.kind === 'failed') return ok('', `sh: ${words[0]}: not found\n`, 127);
      return inner;
    }
    case 'echo':
      return ok(`${args.join(' ')}\n`);
    case 'hostname':
      return ok(`${pod.metadata.name}\n`);
    case 'cat':
      if (args.length === 0 || (args.length === 1 && args[0] === '-')) return ok(await readStdin());
      if (args.length === 1 && args[0] === '/etc/hostname') return ok(`${pod.metadata.name}\n`);
      return ok('', args.map((a) => `cat: can't open '${a}': No such file or directory\n`).join(''), 1);
    case 'env':
      return ok(`PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=${pod.metadata.name}\nKUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\n`);
    case 'true':
      return ok('');
    case 'false':
      return ok('', '', 1);
    case 'sleep':
      await new Promise((r) => setTimeout(r, Math.min(Number(args[0]) || 0, 30) * 1000));
      return ok('');
    case 'date':
      return ok(`${new Date().toUTCString()}\n`);
    case 'ls':
      return ok('bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\nvar\n');
    case 'curl':
      return curl(sim, pod, args);
    default:
      return notFound(command);
  }
}

const curlFlagsWithValue = new Set(['-m', '--max-time', '-o', '--output', '-w', '--write-out', '-H', '--header', '-X', '--request', '-d', '--data', '--connect-timeout', '-A', '--user-agent', '-u', '--user', '--retry']);

function progressMeter(bytes: number): string {
  const header = '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
  const b = String(bytes).padStart(5);
  return `${header}\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100 ${b}  100 ${b}    0     0  ${String(bytes * 500).padStart(5)}      0 --:--:-- --:--:-- --:--:--  ${String(bytes * 1000).padStart(5)}\n`;
}

/** curl inside the pod: cluster DNS for Services, kube-proxy to a ready endpoint, ztunnel in between. */
async function curl(sim: ClusterSim, pod: KubeObject, args: string[]): Promise<ExecOutcome> {
  let silent = false;
  let showError = false;
  let failOnError = false;
  let url: string | undefined;
  let maxTimeMs = Infinity;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (curlFlagsWithValue.has(a)) {
      if (a === '-m' || a === '--max-time') maxTimeMs = Number(args[i + 1]) * 1000 || Infinity;
      i++;
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(a)) {
      if (a.includes('s')) silent = true;
      if (a.includes('S')) showError = true;
      if (a.includes('f')) failOnError = true;
      continue;
    }
    if (a === '--silent') silent = true;
    else if (a === '--show-error') showError = true;
    else if (a === '--fail') failOnError = true;
    else if (!a.startsWith('-')) url ??= a;
  }
  const err = (code: number, message: string): ExecOutcome => ({ kind: 'exited', stdout: '', stderr: !silent || showError ? `curl: (${code}) ${message}\n` : '', exitCode: code });
  if (!url) return { kind: 'exited', stdout: '', stderr: "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n", exitCode: 2 };
  const m = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?(\/[^?#]*)?/.exec(url);
  if (!m) return err(3, 'URL rejected: Malformed input to a URL function');
  const scheme = m[1] ?? 'http';
  const host = m[2].replace(/\.$/, '');
  const port = Number(m[3] ?? (scheme === 'https' ? 443 : 80));
  const path = m[4] ?? '/';

  // Resolve like the pod's resolv.conf search path: <ns>.svc.cluster.local svc.cluster.local cluster.local.
  let service: KubeObject | undefined;
  let target: KubeObject | undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    service = sim.store.list(Service).find((s) => s.spec?.clusterIP === host);
    if (!service) target = sim.store.list(Pod).find((p) => p.status?.podIP === host && !p.spec?.hostNetwork);
    if (!service && !target) return err(28, `Failed to connect to ${host} port ${port} after 10002 ms: Timeout was reached`);
  } else {
    const labels = host.split('.');
    let svcName: string | undefined;
    let svcNs: string | undefined;
    if (labels.length === 1) [svcName, svcNs] = [labels[0], pod.metadata.namespace];
    else if (labels.length === 2 || (labels.length === 3 && labels[2] === 'svc') || (labels.length === 5 && labels.slice(2).join('.') === 'svc.cluster.local')) [svcName, svcNs] = [labels[0], labels[1]];
    service = svcName && svcNs ? sim.store.get(Service, svcNs, svcName) : undefined;
    if (!service) return err(6, `Could not resolve host: ${host}`);
  }

  let targetPort = port;
  if (service) {
    const servicePort = (service.spec.ports ?? []).find((p: any) => p.port === port);
    if (!servicePort) return err(7, `Failed to connect to ${host} port ${port} after 2 ms: Couldn't connect to server`);
    targetPort = Number(servicePort.targetPort ?? port);
    const endpoints = sim.store.list(Pod, service.metadata.namespace).filter((p) => isPodReady(p) && Object.entries(service!.spec.selector ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v));
    if (endpoints.length === 0) return err(7, `Failed to connect to ${host} port ${port} after 1 ms: Couldn't connect to server`);
    target = endpoints[Math.floor(Math.random() * endpoints.length)];
  }
  const backend = target!;
  const listens = (backend.spec.containers ?? []).some((c: any) => (c.ports ?? []).some((p: any) => p.containerPort === targetPort));
  if (!listens) return err(7, `Failed to connect to ${host} port ${port} after 1 ms: Couldn't connect to server`);

  const echoArg = backend.spec.containers.flatMap((c: any) => c.args ?? []).find((a: string) => a.startsWith('-text='));
  const body = echoArg ? `${echoArg.slice('-text='.length)}\n` : `${service?.metadata.name ?? backend.metadata.name}-${sim.name}\n`;
  // The CNI first: between two captured pods the connection is HBONE to the destination's 15008, which a
  // NetworkPolicy admitting only the app port drops. The source ztunnel has accepted curl's connection, so
  // curl waits for an answer until its -m or ztunnel's connect timeout, whichever comes first.
  const hbone = sim.ztunnel.isMeshed(pod) && sim.ztunnel.isMeshed(backend);
  const world = { policies: sim.store.list(NetworkPolicy), namespaces: sim.store.list(Namespace) };
  if (!networkAdmits(world, pod, backend, hbone ? 15008 : targetPort)) {
    if (hbone) {
      setTimeout(() => sim.ztunnel.connection({ src: pod, dst: backend, service, port: targetPort, bytesSent: 0, bytesRecv: 0, durationMs: ZTUNNEL_CONNECT_TIMEOUT_MS, error: hboneBlocked }), ZTUNNEL_CONNECT_TIMEOUT_MS).unref();
      if (maxTimeMs < ZTUNNEL_CONNECT_TIMEOUT_MS) {
        await sleep(maxTimeMs);
        return err(28, `Operation timed out after ${maxTimeMs + 1} milliseconds with 0 bytes received`);
      }
      await sleep(ZTUNNEL_CONNECT_TIMEOUT_MS);
      return err(56, 'Recv failure: Connection reset by peer');
    }
    const waited = Math.min(maxTimeMs, ZTUNNEL_CONNECT_TIMEOUT_MS);
    await sleep(waited);
    return err(28, `Failed to connect to ${host} port ${port} after ${waited} ms: Timeout was reached`);
  }
  // The destination's ztunnel authorizes the connection (L4 AuthorizationPolicies) before any byte reaches the app.
  if (sim.ztunnel.isMeshed(backend)) {
    const peer = { identity: sim.ztunnel.isMeshed(pod) ? sim.ztunnel.identity(pod) : undefined, ip: pod.status?.podIP };
    const decision = authorize(sim.store.list(AuthorizationPolicy), peer, { namespace: backend.metadata.namespace!, labels: backend.metadata.labels ?? {}, ip: backend.status?.podIP, port: targetPort });
    if (!decision.allowed) {
      sim.ztunnel.connection({ src: pod, dst: backend, service, port: targetPort, rejected: decision.error });
      // ztunnel closes the client's connection once the request is on its way: curl reads a reset (exit 56).
      return err(56, 'Recv failure: Connection reset by peer');
    }
  }
  const status = path === '/' || echoArg ? 200 : 404;
  sim.ztunnel.connection({ src: pod, dst: backend, service, port: targetPort, bytesSent: 78 + host.length, bytesRecv: 120 + body.length });
  const app = backend.spec.containers[0];
  sim.logs.container(backend.metadata.namespace!, backend.metadata.name, backend.metadata.uid, app.name)
    .append(`${new Date().toISOString().replace('T', ' ').slice(0, 19)} ${host}:${port} ${pod.status?.podIP} "GET ${path} HTTP/1.1" ${status} ${body.length} "curl/8.16.0"`);
  if (failOnError && status >= 400) return err(22, `The requested URL returned error: ${status}`);
  return { kind: 'exited', stdout: body, stderr: silent ? '' : progressMeter(body.length), exitCode: 0 };
}
