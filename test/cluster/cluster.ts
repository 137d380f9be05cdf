/* eslint-disable @typescript-eslint/no-explicit-any -- pods are arbitrary JSON */
// One simulated cluster: its object store, controllers, kubelet behaviour (pod start, IPs, container
// logs), istio-cni and ztunnel, and the faults injected into its API.
import { Controllers, now } from './controllers';
import { IstioCni, injectSidecar } from './istioCni';
import { PodLogs } from './podLogs';
import { resourceByKind, resourceTypes } from './resources';
import type { ResourceType } from './resources';
import { ObjectStore } from './store';
import type { KubeObject } from './store';
import { DEFAULT_ISTIO_RELEASE, type IstioRelease } from './istioRelease';
import { ZtunnelFleet } from './ztunnel';

const Node = resourceByKind('Node');
const Namespace = resourceByKind('Namespace');

export interface FaultOptions {
  serverErrorRate?: number;
  dropWatchesEveryMs?: number;
  dropLogStreamsEveryMs?: number;
  forbid?: { verb: string; resource: string; namespace?: string; user?: string }[];
  latencyMs?: number;
}

export interface ClusterSimOptions {
  name: string;
  /** 1-based; picks the pod network (10.<index>.x.y) so the two clusters' IPs differ. */
  index: number;
  readyDelayMs?: number;
  /** How long a deleted pod stays Terminating before it is gone (0: immediately). */
  podTerminationMs?: number;
  ztunnelLogRate?: number;
  historyLimit?: number;
  /** The Istio release the cluster claims (default 1.28.3). */
  istio?: IstioRelease;
}

/** Per-cluster request counters for the control endpoint. */
export interface RequestCounters {
  total: number;
  byVerb: Record<string, number>;
  byStatus: Record<string, number>;
  watchesOpened: number;
  watchesDropped: number;
  logStreamsOpened: number;
  logStreamsDropped: number;
  execs: number;
  portForwards: number;
}

export class ClusterSim {
  readonly name: string;
  readonly index: number;
  readonly store: ObjectStore;
  readonly logs = new PodLogs();
  readonly controllers: Controllers;
  readonly cni: IstioCni;
  readonly ztunnel: ZtunnelFleet;
  readonly readyDelayMs: number;
  readonly podTerminationMs: number;
  /** What istiod, istio-cni and ztunnel claim to be; the control endpoint can move ztunnel to another. */
  istio: IstioRelease;
  seeding = false;
  faults: FaultOptions = {};
  readonly counters: RequestCounters = { total: 0, byVerb: {}, byStatus: {}, watchesOpened: 0, watchesDropped: 0, logStreamsOpened: 0, logStreamsDropped: 0, execs: 0, portForwards: 0 };
  private nextPodIp = 10;
  private nextServiceIp = 10;
  private nextNode = 0;
  private readonly faultTimers: NodeJS.Timeout[] = [];
  /** Called to end every open watch (fault injection); set by the HTTP layer. */
  dropWatches: () => void = () => {};
  /** Application-log generators keyed by pod uid (background lines for non-ztunnel pods). */
  private readonly appLogTimer: NodeJS.Timeout;

  constructor(options: ClusterSimOptions) {
    this.name = options.name;
    this.index = options.index;
    this.readyDelayMs = options.readyDelayMs ?? 300;
    this.podTerminationMs = options.podTerminationMs ?? 200;
    this.istio = options.istio ?? DEFAULT_ISTIO_RELEASE;
    this.store = new ObjectStore({ historyLimit: options.historyLimit });
    this.controllers = new Controllers(this);
    this.cni = new IstioCni(this);
    this.ztunnel = new ZtunnelFleet(this, options.ztunnelLogRate ?? 1);
    this.appLogTimer = setInterval(() => this.appHeartbeat(), 5000);
    this.appLogTimer.unref();
  }

  start(): void {
    this.ztunnel.startBackground();
  }

  stop(): void {
    this.controllers.stop();
    this.ztunnel.stop();
    clearInterval(this.appLogTimer);
    for (const t of this.faultTimers) clearInterval(t);
  }

  setFaults(faults: FaultOptions): void {
    this.faults = { ...this.faults, ...faults };
    for (const t of this.faultTimers.splice(0)) clearInterval(t);
    if (this.faults.dropWatchesEveryMs) {
      this.faultTimers.push(setInterval(() => this.dropWatches(), this.faults.dropWatchesEveryMs).unref());
    }
    if (this.faults.dropLogStreamsEveryMs) {
      this.faultTimers.push(setInterval(() => this.logs.dropAllFollowers(), this.faults.dropLogStreamsEveryMs).unref());
    }
  }

  namespacedResources(): ResourceType[] {
    return resourceTypes.filter((r) => r.namespaced);
  }

  nodeNames(): string[] {
    return this.store.list(Node).map((n) => n.metadata.name);
  }

  nodeIp(node: string): string {
    const n = Number(node.replace(/\D+/g, '')) || 1;
    return `172.18.${this.index}.${n + 1}`;
  }

  pickNode(): string {
    const nodes = this.nodeNames();
    return nodes[this.nextNode++ % nodes.length];
  }

  allocatePodIp(): string {
    const n = this.nextPodIp++;
    return `10.${this.index}.${(n >> 8) & 255}.${n & 255}`;
  }

  allocateServiceIp(): string {
    const n = this.nextServiceIp++;
    return `10.96.${(n >> 8) & 255}.${n & 255}`;
  }

  /** Admission for a pod about to be created: the sidecar injector webhook. */
  admitPod(pod: any): void {
    const ns = this.store.get(Namespace, undefined, pod.metadata.namespace);
    injectSidecar(pod, ns?.metadata.labels, this.istio.version);
  }

  /** The kubelet started the pod's containers: Running, Ready, an IP, container statuses. */
  startPod(pod: any): void {
    const started = now();
    const hostIp = this.nodeIp(pod.spec.nodeName);
    const ip = pod.spec.hostNetwork ? hostIp : this.allocatePodIp();
    pod.status = {
      phase: 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.status?.conditions?.[0]?.lastTransitionTime ?? started },
      ],
      hostIP: hostIp,
      hostIPs: [{ ip: hostIp }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: started,
      qosClass: 'BestEffort',
      containerStatuses: pod.spec.containers.map((c: any) => ({
        name: c.name,
        image: c.image,
        imageID: `${imageRepository(c.image)}@sha256:${imageDigest(c.image)}`,
        containerID: `containerd://${randomHex(64)}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: started } },
      })),
    };
    if (pod.metadata.uid) this.containersStarted(pod);
  }

  /** Container logs begin when the containers start. */
  containersStarted(pod: KubeObject): void {
    if (this.ztunnel.isZtunnelPod(pod)) return this.ztunnel.started(pod);
    for (const c of pod.spec.containers) {
      const log = this.logs.container(pod.metadata.namespace!, pod.metadata.name, pod.metadata.uid, c.name);
      for (const line of startupLines(pod, c, this.istio)) log.append(line);
    }
  }

  /** Fault: the ztunnel pod on `node` fails (or passes again) its readiness probe. */
  /** Move the ztunnels to another release: the dump, banner and metrics follow, and the pods' image tags. */
  setIstioRelease(release: IstioRelease): void {
    this.istio = release;
    const Pod = resourceByKind('Pod');
    for (const pod of this.store.list(Pod, 'istio-system').filter((p) => this.ztunnel.isZtunnelPod(p))) {
      this.store.update(Pod, 'istio-system', pod.metadata.name, (draft) => {
        for (const c of draft.spec.containers ?? []) c.image = String(c.image).replace(/:[^/:]+$/, `:${release.version}`);
      });
    }
  }

  setZtunnelReady(node: string, ready: boolean): void {
    const Pod = resourceByKind('Pod');
    const pod = this.store.list(Pod, 'istio-system').find((p) => this.ztunnel.isZtunnelPod(p) && p.spec.nodeName === node);
    if (!pod) return;
    const t = now();
    this.store.update(Pod, 'istio-system', pod.metadata.name, (draft) => {
      for (const c of draft.status?.conditions ?? []) {
        if (c.type !== 'Ready' && c.type !== 'ContainersReady') continue;
        if ((c.status === 'True') === ready) continue;
        c.status = ready ? 'True' : 'False';
        c.lastTransitionTime = t;
        if (ready) {
          delete c.reason;
          delete c.message;
        } else {
          c.reason = 'ContainersNotReady';
          c.message = 'containers with unready status: [istio-proxy]';
        }
      }
      for (const cs of draft.status?.containerStatuses ?? []) cs.ready = ready;
    });
  }

  podDeleted(pod: KubeObject): void {
    if (this.ztunnel.isZtunnelPod(pod)) this.ztunnel.stopped(pod);
    else if (pod.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled') this.ztunnel.podReleased(pod);
    this.ztunnel.forgotten.delete(pod.metadata.uid);
    this.logs.podDeleted(pod.metadata.uid);
  }

  /** Every few seconds a running app writes something, so follow streams of any pod see activity. */
  private appHeartbeat(): void {
    const Pod = resourceByKind('Pod');
    for (const ns of ['finance', 'accounts']) {
      for (const pod of this.store.list(Pod, ns)) {
        if (pod.status?.phase !== 'Running') continue;
        const c = pod.spec.containers[0];
        this.logs.container(ns, pod.metadata.name, pod.metadata.uid, c.name).append(`${new Date().toISOString()} ${c.name}: healthy`);
      }
    }
  }
}

/** Container ids only need to look random; Math.random is much cheaper than crypto at 20,000 pods. */
function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/** `curlimages/curl:8.16.0` -> `docker.io/curlimages/curl`, as containerd reports image ids. */
function imageRepository(image: string): string {
  const withoutTag = image.replace(/:[^/:]+$/, '');
  const parts = withoutTag.split('/');
  if (parts.length === 1) return `docker.io/library/${withoutTag}`;
  return parts[0].includes('.') ? withoutTag : `docker.io/${withoutTag}`;
}

const digests = new Map<string, string>();
/** One digest per image, like a registry: every pod of an image reports the same imageID. */
function imageDigest(image: string): string {
  let digest = digests.get(image);
  if (!digest) digests.set(image, (digest = randomHex(64)));
  return digest;
}

function startupLines(pod: KubeObject, container: any, istio: IstioRelease): string[] {
  const t = new Date().toISOString();
  const image: string = container.image ?? '';
  if (container.name === 'istio-proxy') {
    return [
      `${t}\tinfo\tFLAG: --concurrency="2"`,
      `${t}\tinfo\tVersion ${istio.version}-${istio.gitRevision}-Clean`,
      `${t}\tinfo\tProxy role\tips=[${pod.status?.podIP ?? ''}] type=sidecar id=${pod.metadata.name}.${pod.metadata.namespace} domain=${pod.metadata.namespace}.svc.cluster.local`,
      `${t}\tinfo\tEnvoy proxy is ready`,
    ];
  }
  if (image.includes('curl')) return [`${t} curl container started; waiting for commands`];
  if (image.includes('pilot')) {
    return [
      `${t}\tinfo\tFLAG: --clusterID="${'Kubernetes'}"`,
      `${t}\tinfo\tads\tADS: new connection for node:ztunnel-1`,
      `${t}\tinfo\tads\tXDS: Pushing Services:${12} ConnectedEndpoints:${3} Version:${t}`,
    ];
  }
  if (image.includes('install-cni')) {
    return [`${t}\tinfo\tcni-agent\tambient enabled, starting ambient node agent`, `${t}\tinfo\tcni-agent\tnode agent listening on ztunnel socket`];
  }
  return [`${t} starting ${container.name} (${image})`, `${t} ${container.name} listening on :${container.ports?.[0]?.containerPort ?? 8080}`];
}
