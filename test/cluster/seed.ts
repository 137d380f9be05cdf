/* eslint-disable @typescript-eslint/no-explicit-any -- seed objects are plain Kubernetes JSON */
// The content every cluster starts with: the lab seeds (finance, accounts), Istio in ambient mode,
// a kube-prometheus-stack-like monitoring namespace, a sidecar namespace, a partly opted-out ambient
// namespace, and optional load namespaces for scale tests.
import type { ClusterSim } from './cluster';
import { resourceByKind } from './resources';
import type { KubeObject } from './store';
import { generateFreeName, templateHash } from './names';

const R = {
  Namespace: resourceByKind('Namespace'),
  Node: resourceByKind('Node'),
  ServiceAccount: resourceByKind('ServiceAccount'),
  ConfigMap: resourceByKind('ConfigMap'),
  Service: resourceByKind('Service'),
  Deployment: resourceByKind('Deployment'),
  StatefulSet: resourceByKind('StatefulSet'),
  DaemonSet: resourceByKind('DaemonSet'),
  Pod: resourceByKind('Pod'),
  ReplicaSet: resourceByKind('ReplicaSet'),
  NetworkPolicy: resourceByKind('NetworkPolicy'),
  AuthorizationPolicy: resourceByKind('AuthorizationPolicy'),
  PeerAuthentication: resourceByKind('PeerAuthentication'),
};

export interface SeedOptions {
  nodes: number;
  extraNamespaces: number;
  podsPerExtraNamespace: number;
}

interface ContainerSpec {
  name: string;
  image: string;
  ports?: number[];
  /** Names for `ports`, by position (`http`): NetworkPolicies and probes refer to ports by name. */
  portNames?: string[];
  /** An httpGet readiness probe on this port (number or name). */
  readinessPort?: number | string;
  command?: string[];
  args?: string[];
}

interface WorkloadSpec {
  labels: Record<string, string>;
  serviceAccount?: string;
  replicas?: number;
  containers: ContainerSpec[];
  hostNetwork?: boolean;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  initContainers?: ContainerSpec[];
}

function containerOf(c: ContainerSpec): any {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    ...(c.ports ? { ports: c.ports.map((p, i) => ({ ...(c.portNames?.[i] ? { name: c.portNames[i] } : {}), containerPort: p, protocol: 'TCP' })) } : {}),
    ...(c.readinessPort !== undefined
      ? { readinessProbe: { httpGet: { path: '/healthz', port: c.readinessPort, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } }
      : {}),
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function podTemplate(w: WorkloadSpec): any {
  return {
    metadata: { labels: { ...w.labels, ...(w.podLabels ?? {}) }, ...(w.podAnnotations ? { annotations: w.podAnnotations } : {}) },
    spec: {
      ...(w.serviceAccount ? { serviceAccountName: w.serviceAccount } : {}),
      ...(w.hostNetwork ? { hostNetwork: true } : {}),
      ...(w.initContainers ? { initContainers: w.initContainers.map(containerOf) } : {}),
      containers: w.containers.map(containerOf),
    },
  };
}

export class Seeder {
  private readonly created = new Date(Date.now() - 26 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');

  constructor(private readonly sim: ClusterSim) {}

  namespace(name: string, labels: Record<string, string> = {}): void {
    this.sim.store.create(R.Namespace, { metadata: { name, labels, creationTimestamp: this.created }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }

  /** Seed objects look a day old; objects made later for a new namespace are made now. */
  private timestamp(): string | undefined {
    return this.sim.seeding ? this.created : undefined;
  }

  serviceAccount(namespace: string, name: string): void {
    if (this.sim.store.get(R.ServiceAccount, namespace, name)) return;
    this.sim.store.create(R.ServiceAccount, { metadata: { name, namespace, creationTimestamp: this.timestamp() } });
  }

  configMap(namespace: string, name: string, data: Record<string, string>, labels?: Record<string, string>): void {
    this.sim.store.create(R.ConfigMap, { metadata: { name, namespace, creationTimestamp: this.timestamp(), ...(labels ? { labels } : {}) }, data });
  }

  service(namespace: string, name: string, selector: Record<string, string>, ports: { name?: string; port: number; targetPort?: number }[], fixedIp?: string): void {
    const ip = fixedIp ?? this.sim.allocateServiceIp();
    this.sim.store.create(R.Service, {
      metadata: { name, namespace, labels: selector.app ? { app: selector.app } : {}, creationTimestamp: this.created },
      spec: {
        type: 'ClusterIP',
        clusterIP: ip,
        clusterIPs: [ip],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
        ...(Object.keys(selector).length ? { selector } : {}),
        ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: 'TCP', targetPort: p.targetPort ?? p.port })),
      },
      status: { loadBalancer: {} },
    });
  }

  deployment(namespace: string, name: string, w: WorkloadSpec): void {
    if (w.serviceAccount) this.serviceAccount(namespace, w.serviceAccount);
    this.sim.store.create(R.Deployment, {
      metadata: { name, namespace, labels: w.labels, annotations: { 'deployment.kubernetes.io/revision': '1' }, creationTimestamp: this.created },
      spec: {
        replicas: w.replicas ?? 1,
        selector: { matchLabels: w.labels },
        template: podTemplate(w),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
  }

  statefulSet(namespace: string, name: string, w: WorkloadSpec, serviceName: string): void {
    if (w.serviceAccount) this.serviceAccount(namespace, w.serviceAccount);
    this.sim.store.create(R.StatefulSet, {
      metadata: { name, namespace, labels: w.labels, creationTimestamp: this.created },
      spec: {
        replicas: w.replicas ?? 1,
        selector: { matchLabels: w.labels },
        serviceName,
        template: podTemplate(w),
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
      },
      status: {},
    });
  }

  daemonSet(namespace: string, name: string, w: WorkloadSpec): void {
    if (w.serviceAccount) this.serviceAccount(namespace, w.serviceAccount);
    this.sim.store.create(R.DaemonSet, {
      metadata: { name, namespace, labels: w.labels, annotations: { 'deprecated.daemonset.template.generation': '1' }, creationTimestamp: this.created },
      spec: {
        selector: { matchLabels: w.labels },
        template: podTemplate(w),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: {},
    });
  }

  /**
   * A namespace that enrolling would break, one way per finding of Check Before Enrolling: a NetworkPolicy
   * (the istio.io example's shape) that admits the app port from the namespace's pods but not HBONE 15008
   * nor the probe source 169.254.7.127, a host-network DaemonSet, an init container, an ALLOW policy with
   * HTTP-only rules (it lands on ztunnel), a policy bound to a waypoint that does not exist, and a STRICT
   * PeerAuthentication (which is fine: ztunnel speaks mTLS).
   */
  private checkout(): void {
    const ns = 'checkout';
    this.deployment(ns, 'storefront', {
      labels: { app: 'storefront' },
      serviceAccount: 'storefront',
      containers: [{ name: 'storefront', image: 'docker.io/hashicorp/http-echo:1.0', args: ['-text=storefront', '-listen=:8080'], ports: [8080], portNames: ['http'], readinessPort: 'http' }],
    });
    this.service(ns, 'storefront', { app: 'storefront' }, [{ name: 'http', port: 8080 }]);
    this.deployment(ns, 'cart', {
      labels: { app: 'cart' },
      serviceAccount: 'cart',
      initContainers: [{ name: 'wait-for-storefront', image: 'curlimages/curl:8.16.0', command: ['sh', '-c', 'until curl -s storefront:8080; do sleep 1; done'] }],
      containers: [{ name: 'cart', image: 'curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }],
    });
    this.daemonSet(ns, 'log-agent', { labels: { app: 'log-agent' }, serviceAccount: 'log-agent', hostNetwork: true, containers: [{ name: 'fluent-bit', image: 'cr.fluentbit.io/fluent/fluent-bit:4.0.7', ports: [2020] }] });
    const t = this.created;
    this.sim.store.create(R.NetworkPolicy, {
      metadata: { name: 'storefront-allow-web', namespace: ns, creationTimestamp: t },
      spec: { podSelector: { matchLabels: { app: 'storefront' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
    });
    this.sim.store.create(R.AuthorizationPolicy, {
      metadata: { name: 'storefront-get-only', namespace: ns, creationTimestamp: t },
      spec: { selector: { matchLabels: { app: 'storefront' } }, action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/*'] } }] }] },
    });
    this.sim.store.create(R.AuthorizationPolicy, {
      metadata: { name: 'cart-deny-delete', namespace: ns, creationTimestamp: t },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'checkout-waypoint' }], action: 'DENY', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] },
    });
    this.sim.store.create(R.PeerAuthentication, { metadata: { name: 'default', namespace: ns, creationTimestamp: t }, spec: { mtls: { mode: 'STRICT' } } });
  }

  node(name: string, index: number): void {
    this.sim.store.create(R.Node, {
      metadata: {
        name,
        creationTimestamp: this.created,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'beta.kubernetes.io/arch': 'amd64',
          ...(index === 1 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      },
      spec: { podCIDR: `10.${this.sim.index}.${index}.0/24`, podCIDRs: [`10.${this.sim.index}.${index}.0/24`], providerID: `kind://docker/${this.sim.name}/${name}` },
      status: {
        capacity: { cpu: '8', memory: '32827380Ki', pods: '110', 'ephemeral-storage': '102626232Ki' },
        allocatable: { cpu: '8', memory: '32827380Ki', pods: '110', 'ephemeral-storage': '102626232Ki' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: this.created, lastTransitionTime: this.created },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: this.created, lastTransitionTime: this.created },
          { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: this.created, lastTransitionTime: this.created },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: this.created, lastTransitionTime: this.created },
        ],
        addresses: [{ type: 'InternalIP', address: this.sim.nodeIp(name) }, { type: 'Hostname', address: name }],
        nodeInfo: { kubeletVersion: 'v1.35.0', kubeProxyVersion: 'v1.35.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0-57-generic', containerRuntimeVersion: 'containerd://2.1.4', operatingSystem: 'linux', architecture: 'amd64', machineID: `${this.sim.index}${index}`.padStart(32, '0'), systemUUID: `${this.sim.index}${index}`.padStart(32, '0'), bootID: `${this.sim.index}${index}`.padStart(32, '0') },
      },
    });
  }

  /**
   * A scale-test namespace with a Deployment `app` and its ReplicaSet and pods, created directly in their
   * settled state (what the controllers would converge to): 2,000 of these must seed in seconds.
   */
  loadNamespace(namespace: string, pods: number): void {
    const store = this.sim.store;
    this.namespace(namespace, { 'load-test': 'true' });
    this.namespaceDefaults(namespace);
    const labels = { app: 'app' };
    const template = podTemplate({ labels, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] });
    const hash = templateHash(template);
    const t = this.created;
    const d = store.create(R.Deployment, {
      metadata: { name: 'app', namespace, labels, annotations: { 'deployment.kubernetes.io/revision': '1' }, creationTimestamp: t },
      spec: { replicas: pods, selector: { matchLabels: labels }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
      status: {
        observedGeneration: 1, replicas: pods, updatedReplicas: pods, readyReplicas: pods, availableReplicas: pods,
        conditions: [
          { type: 'Available', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
          { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "app-${hash}" has successfully progressed.` },
        ],
      },
    }, { adopt: true });
    const rsTemplate = { ...template, metadata: { labels: { ...labels, 'pod-template-hash': hash } } };
    const rs = store.create(R.ReplicaSet, {
      metadata: { name: `app-${hash}`, namespace, labels: { ...labels, 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/desired-replicas': String(pods), 'deployment.kubernetes.io/max-replicas': String(pods + 1), 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }], creationTimestamp: t },
      spec: { replicas: pods, selector: { matchLabels: { ...labels, 'pod-template-hash': hash } }, template: rsTemplate },
      status: { replicas: pods, fullyLabeledReplicas: pods, readyReplicas: pods, availableReplicas: pods, observedGeneration: 1 },
    }, { adopt: true });
    for (let i = 0; i < pods; i++) {
      const podName = generateFreeName(`app-${hash}-`, (name) => store.get(R.Pod, namespace, name) !== undefined);
      // Seeding has no controller to retry later: a collision on every attempt is a seed that cannot be built.
      if (!podName) throw new Error(`seeding ${namespace}: every generated name for app-${hash}- was taken`);
      const pod: any = {
        metadata: { name: podName, generateName: `app-${hash}-`, namespace, labels: { ...labels, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }] },
        spec: { ...structuredClone(template.spec), nodeName: this.sim.pickNode(), serviceAccountName: 'default', serviceAccount: 'default', restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 },
      };
      this.sim.startPod(pod);
      store.create(R.Pod, pod, { adopt: true });
    }
  }

  /** The per-namespace objects Kubernetes' own controllers create: the default SA and the root CA. */
  namespaceDefaults(namespace: string): void {
    this.serviceAccount(namespace, 'default');
    if (!this.sim.store.get(R.ConfigMap, namespace, 'kube-root-ca.crt')) {
      this.configMap(namespace, 'kube-root-ca.crt', { 'ca.crt': '-----BEGIN CERTIFICATE-----\n(test cluster root CA)\n-----END CERTIFICATE-----\n' });
    }
  }

  seed(options: SeedOptions): void {
    const sim = this.sim;
    sim.seeding = true;
    for (let i = 1; i <= options.nodes; i++) this.node(`node-${i}`, i);

    this.namespace('default');
    this.namespace('kube-system');
    this.namespace('kube-public');
    this.namespace('kube-node-lease');
    this.namespace('istio-system');
    this.namespace('prometheus');
    this.namespace('finance');
    this.namespace('accounts');
    this.namespace('bookinfo', { 'istio-injection': 'enabled' });
    this.namespace('legacy', { 'istio.io/dataplane-mode': 'ambient' });
    this.namespace('checkout');

    this.service('default', 'kubernetes', {}, [{ name: 'https', port: 443, targetPort: 6443 }], '10.96.0.1');
    this.deployment('kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, serviceAccount: 'coredns', replicas: 2, containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.1', ports: [53, 9153], args: ['-conf', '/etc/coredns/Corefile'] }] });
    this.service('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53 }, { name: 'metrics', port: 9153 }], '10.96.0.10');
    this.daemonSet('kube-system', 'kube-proxy', { labels: { 'k8s-app': 'kube-proxy' }, serviceAccount: 'kube-proxy', hostNetwork: true, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.35.0' }] });

    // Istio 1.28 in ambient mode (istioctl install --set profile=ambient).
    this.configMap('istio-system', 'istio', {
      mesh: 'defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\ndefaultProviders:\n  metrics:\n  - prometheus\nenablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: cluster.local\n',
      meshNetworks: 'networks: {}',
    }, { 'istio.io/rev': 'default', 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': 'Pilot', release: 'istiod' });
    this.deployment('istio-system', 'istiod', { labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default' }, serviceAccount: 'istiod', containers: [{ name: 'discovery', image: `docker.io/istio/pilot:${this.sim.istio.version}`, ports: [8080, 15010, 15012, 15017], args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'] }] });
    this.service('istio-system', 'istiod', { app: 'istiod', istio: 'pilot' }, [{ name: 'grpc-xds', port: 15010 }, { name: 'https-dns', port: 15012 }, { name: 'https-webhook', port: 443, targetPort: 15017 }, { name: 'http-monitoring', port: 15014 }]);
    this.daemonSet('istio-system', 'istio-cni-node', { labels: { 'k8s-app': 'istio-cni-node' }, serviceAccount: 'istio-cni', hostNetwork: true, containers: [{ name: 'install-cni', image: `docker.io/istio/install-cni:${this.sim.istio.version}`, ports: [15014], command: ['install-cni'], args: ['--log_output_level=info'] }] });
    this.daemonSet('istio-system', 'ztunnel', { labels: { app: 'ztunnel' }, serviceAccount: 'ztunnel', podAnnotations: { 'sidecar.istio.io/inject': 'false', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' }, containers: [{ name: 'istio-proxy', image: `docker.io/istio/ztunnel:${this.sim.istio.version}`, ports: [15020, 15021, 15008], args: ['proxy', 'ztunnel'] }] });

    // kube-prometheus-stack, abridged.
    this.deployment('prometheus', 'grafana', { labels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'prometheus' }, serviceAccount: 'grafana', containers: [{ name: 'grafana', image: 'docker.io/grafana/grafana:12.1.1', ports: [3000] }] });
    this.service('prometheus', 'grafana', { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'prometheus' }, [{ name: 'http-web', port: 80, targetPort: 3000 }]);
    this.deployment('prometheus', 'prometheus-operator', { labels: { app: 'kube-prometheus-stack-operator', release: 'prometheus' }, serviceAccount: 'prometheus-operator', containers: [{ name: 'kube-prometheus-stack', image: 'quay.io/prometheus-operator/prometheus-operator:v0.85.0', ports: [10250] }] });
    this.statefulSet('prometheus', 'prometheus-prometheus', { labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus-prometheus', prometheus: 'prometheus-prometheus' }, serviceAccount: 'prometheus-prometheus', podAnnotations: { 'kubectl.kubernetes.io/default-container': 'prometheus' }, containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v3.5.0', ports: [9090] }, { name: 'config-reloader', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0', ports: [8080] }] }, 'prometheus-operated');
    this.service('prometheus', 'prometheus-operated', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', port: 9090 }]);
    this.daemonSet('prometheus', 'node-exporter', { labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter', 'app.kubernetes.io/instance': 'prometheus' }, serviceAccount: 'prometheus-prometheus-node-exporter', hostNetwork: true, containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.9.1', ports: [9100] }] });
    this.service('prometheus', 'node-exporter', { 'app.kubernetes.io/name': 'prometheus-node-exporter' }, [{ name: 'http-metrics', port: 9100 }]);

    // The lab seeds.
    this.deployment('finance', 'curl', { labels: { app: 'curl' }, serviceAccount: 'curl', containers: [{ name: 'curl', image: 'curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }] });
    this.deployment('accounts', 'accounts', { labels: { app: 'accounts' }, serviceAccount: 'accounts', containers: [{ name: 'accounts', image: 'docker.io/hashicorp/http-echo:1.0', args: [`-text=accounts-${sim.name}`, '-listen=:8080'], ports: [8080] }] });
    this.service('accounts', 'accounts', { app: 'accounts' }, [{ name: 'http', port: 8080 }]);

    // Sidecar mode: the injector adds istio-proxy and sidecar.istio.io/status to these pods.
    for (const app of ['productpage', 'details', 'ratings', 'reviews']) {
      this.deployment('bookinfo', `${app}-v1`, { labels: { app, version: 'v1' }, serviceAccount: `bookinfo-${app}`, containers: [{ name: app, image: `docker.io/istio/examples-bookinfo-${app}-v1:1.20.3`, ports: [9080] }] });
      this.service('bookinfo', app, { app }, [{ name: 'http', port: 9080 }]);
    }

    // Ambient namespace with one workload opted out by its pod label.
    this.deployment('legacy', 'web', { labels: { app: 'web' }, serviceAccount: 'web', containers: [{ name: 'web', image: 'docker.io/library/nginx:1.29', ports: [80] }] });
    this.service('legacy', 'web', { app: 'web' }, [{ name: 'http', port: 80 }]);
    this.deployment('legacy', 'reporting', { labels: { app: 'reporting' }, podLabels: { 'istio.io/dataplane-mode': 'none' }, serviceAccount: 'reporting', containers: [{ name: 'reporting', image: 'docker.io/library/python:3.13-slim', command: ['python', '-m', 'http.server', '8000'], ports: [8000] }] });

    this.checkout();

    for (const ns of sim.store.list(R.Namespace)) this.namespaceDefaults(ns.metadata.name);
    sim.controllers.drain();

    const width = Math.max(4, String(options.extraNamespaces).length);
    sim.controllers.paused = true;
    for (let i = 1; i <= options.extraNamespaces; i++) {
      this.loadNamespace(`load-${String(i).padStart(width, '0')}`, options.podsPerExtraNamespace);
    }
    sim.controllers.paused = false;

    // The grafana pod stays uncaptured if prometheus is enrolled, until it is restarted (see IstioCni).
    for (const pod of sim.store.list(R.Pod, 'prometheus')) {
      if (pod.metadata.labels?.['app.kubernetes.io/name'] === 'grafana') sim.cni.missedByNodeAgent.add(pod.metadata.uid);
    }
    sim.seeding = false;
    sim.store.markSeeded();
  }
}

export function isLoadNamespace(ns: KubeObject): boolean {
  return ns.metadata.labels?.['load-test'] === 'true';
}
