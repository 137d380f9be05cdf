// One kube context's client: typed reads with pagination, the two writes the extension makes (namespace
// labels, rollout restart), watches, logs, exec and port-forward. Every request has a timeout, every
// failure becomes a KubeError naming the context.
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, createConfiguration, KubeConfig, Observable, PatchStrategy, ServerConfiguration } from '@kubernetes/client-node';
import type { ConfigurationOptions, ObservableMiddleware, RequestContext, User, V1ListMeta } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import path from 'node:path';
import { connectionKey, PooledAuthentication } from './connectionPool';
import { CredentialSetupError, describeExecCommand, describeForLog, describeOperation, KubeError, toKubeError } from './errors';
import type { KubeErrorSite, KubeOperation } from './errors';
import { runExec } from './exec';
import { contextProblem } from './kubeconfig';
import type { ContextEntry } from './kubeconfig';
import { followPodLogs, streamDropped } from './logStream';
import { openPortForward } from './portForward';
import type {
  AccessQuestion,
  ApiObject,
  ApiResource,
  ClusterClient,
  ExecResult,
  KubeLogger,
  ListOptions,
  LogOptions,
  LogStreamCallbacks,
  LogStreamHandle,
  PortForwardHandle,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  WatchCallbacks,
  WatchedResource,
  WatchHandle,
  WorkloadKind,
  WriteOptions,
} from './types';
import { startWatch } from './watch';
import type { ListPage, WatchTuning } from './watch';

export interface ClusterClientOptions {
  /** Timeout for each ordinary request (default 15 s). */
  readonly requestTimeoutMs?: number;
  /** Page size for lists (default 500, as kubectl). */
  readonly pageSize?: number;
  /** Default timeout for exec (default 30 s). */
  readonly execTimeoutMs?: number;
  readonly watch?: WatchTuning;
  readonly logger: KubeLogger;
  /**
   * Extra folders searched for exec credential plugins (`aws`, `gke-gcloud-auth-plugin`, `kubelogin`),
   * before the extension host's PATH, which on macOS GUI launches often lacks Homebrew or gcloud.
   */
  readonly execPluginPath?: readonly string[];
}

/** kubectl's field manager for `rollout restart`: the restart must look exactly like kubectl's. */
export const ROLLOUT_RESTART_FIELD_MANAGER = 'kubectl-rollout';
/** Who we say changed namespace labels (visible in managedFields). */
export const LABEL_FIELD_MANAGER = 'ambient-mesh';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** The body `kubectl rollout restart` sends, for any workload kind. */
export function rolloutRestartPatch(now: Date): object {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: rfc3339(now) } } } } };
}

/** The merge-patch body that sets (string) or removes (null) namespace labels and touches nothing else. */
export function namespaceLabelsPatch(labels: Record<string, string | null>): object {
  return { metadata: { labels } };
}

/** RFC3339 with seconds and a zone offset, as Go's time.RFC3339 (kubectl) writes it: no milliseconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A KubeConfig holding exactly one context. Credential failures (exec plugin missing or failing, an
 * unreadable cert file) are tagged so they are not mistaken for network errors.
 */
class ContextKubeConfig extends KubeConfig {
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    try {
      await super.applySecurityAuthentication(context);
    } catch (error) {
      throw new CredentialSetupError(error);
    }
  }

  override async applyToHTTPSOptions(opts: Parameters<KubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    try {
      await super.applyToHTTPSOptions(opts);
    } catch (error) {
      throw new CredentialSetupError(error);
    }
  }
}

interface ResourceInfo {
  /** '' for the core group. */
  readonly group: string;
  readonly plural: string;
  readonly model: string;
  readonly clusterScoped?: boolean;
}

const resourceInfo: Record<WatchedResource | 'serviceaccounts' | 'nodes', ResourceInfo> = {
  namespaces: { group: '', plural: 'namespaces', model: 'V1Namespace', clusterScoped: true },
  nodes: { group: '', plural: 'nodes', model: 'V1Node', clusterScoped: true },
  pods: { group: '', plural: 'pods', model: 'V1Pod' },
  services: { group: '', plural: 'services', model: 'V1Service' },
  serviceaccounts: { group: '', plural: 'serviceaccounts', model: 'V1ServiceAccount' },
  deployments: { group: 'apps', plural: 'deployments', model: 'V1Deployment' },
  statefulsets: { group: 'apps', plural: 'statefulsets', model: 'V1StatefulSet' },
  daemonsets: { group: 'apps', plural: 'daemonsets', model: 'V1DaemonSet' },
  replicasets: { group: 'apps', plural: 'replicasets', model: 'V1ReplicaSet' },
};

const workloadResource: Record<WorkloadKind, 'deployments' | 'statefulsets' | 'daemonsets'> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

/** The collection's URL path, e.g. `/apis/apps/v1/namespaces/x/deployments`. */
export function collectionPath(resource: keyof typeof resourceInfo, namespace?: string): string {
  const info = resourceInfo[resource];
  const base = info.group === '' ? '/api/v1' : `/apis/${info.group}/v1`;
  if (info.clusterScoped || !namespace) return `${base}/${info.plural}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
}

interface ListParams {
  limit: number;
  _continue?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

type ListResult = { items: unknown[]; metadata?: V1ListMeta };
type Lister = (namespace: string | undefined, params: ListParams, options: ConfigurationOptions) => Promise<ListResult>;

export class KubeClusterClient implements ClusterClient {
  private readonly kubeConfig?: ContextKubeConfig;
  private readonly core?: CoreV1Api;
  private readonly apps?: AppsV1Api;
  private readonly authorization?: AuthorizationV1Api;
  private readonly custom?: CustomObjectsApi;
  private readonly pool?: PooledAuthentication;
  private readonly problem?: string;
  private readonly site: KubeErrorSite;
  private readonly requestTimeoutMs: number;
  private readonly pageSize: number;
  private readonly logger: KubeLogger;
  private readonly active = new Set<{ stop(reason: KubeError): void }>();
  private disposed = false;

  constructor(
    readonly context: string,
    entry: ContextEntry,
    private readonly options: ClusterClientOptions,
  ) {
    this.logger = options.logger;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.pageSize = options.pageSize ?? 500;
    const exec = entry.user?.exec as { command?: string; args?: string[] } | undefined;
    this.site = {
      context,
      server: entry.cluster?.server,
      user: entry.context.user,
      execCommand: exec?.command ? describeExecCommand(exec.command, exec.args ?? []) : undefined,
    };
    this.problem = contextProblem(entry);
    if (this.problem || !entry.cluster) return;

    const kc = new ContextKubeConfig();
    kc.loadFromOptions({
      clusters: [entry.cluster],
      users: entry.user ? [withPluginPath(entry.user, options.execPluginPath)] : [],
      contexts: [entry.context],
      currentContext: entry.context.name,
    });
    this.kubeConfig = kc;
    const { cluster, user } = entry;
    this.pool = new PooledAuthentication(kc, () => connectionKey(cluster, user));
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(entry.cluster.server, {}),
      authMethods: { default: this.pool },
      middleware: [headerMiddleware('User-Agent', 'ambient-mesh-vscode')],
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.authorization = new AuthorizationV1Api(configuration);
    this.custom = new CustomObjectsApi(configuration);
  }

  // ---- reads ----

  listNamespaces(options?: ListOptions): Promise<V1Namespace[]> {
    return this.listAll('namespaces', undefined, options) as Promise<V1Namespace[]>;
  }
  listPods(namespace?: string, options?: ListOptions): Promise<V1Pod[]> {
    return this.listAll('pods', namespace, options) as Promise<V1Pod[]>;
  }
  listDeployments(namespace?: string, options?: ListOptions): Promise<V1Deployment[]> {
    return this.listAll('deployments', namespace, options) as Promise<V1Deployment[]>;
  }
  listStatefulSets(namespace?: string, options?: ListOptions): Promise<V1StatefulSet[]> {
    return this.listAll('statefulsets', namespace, options) as Promise<V1StatefulSet[]>;
  }
  listDaemonSets(namespace?: string, options?: ListOptions): Promise<V1DaemonSet[]> {
    return this.listAll('daemonsets', namespace, options) as Promise<V1DaemonSet[]>;
  }
  listReplicaSets(namespace?: string, options?: ListOptions): Promise<V1ReplicaSet[]> {
    return this.listAll('replicasets', namespace, options) as Promise<V1ReplicaSet[]>;
  }
  listServices(namespace?: string, options?: ListOptions): Promise<V1Service[]> {
    return this.listAll('services', namespace, options) as Promise<V1Service[]>;
  }
  listServiceAccounts(namespace?: string, options?: ListOptions): Promise<V1ServiceAccount[]> {
    return this.listAll('serviceaccounts', namespace, options) as Promise<V1ServiceAccount[]>;
  }
  listNodes(options?: ListOptions): Promise<V1Node[]> {
    return this.listAll('nodes', undefined, options) as Promise<V1Node[]>;
  }

  readNamespace(name: string): Promise<V1Namespace> {
    return this.call({ verb: 'get', resource: 'namespaces', name }, (o) => this.api().core.readNamespace({ name }, o));
  }

  readConfigMap(namespace: string, name: string): Promise<V1ConfigMap> {
    return this.call({ verb: 'get', resource: 'configmaps', name, namespace }, (o) =>
      this.api().core.readNamespacedConfigMap({ name, namespace }, o),
    );
  }

  readWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<V1Deployment | V1StatefulSet | V1DaemonSet> {
    const op: KubeOperation = { verb: 'get', resource: workloadResource[kind], name, namespace };
    return this.call(op, (o) => {
      const { apps } = this.api();
      switch (kind) {
        case 'Deployment':
          return apps.readNamespacedDeployment({ name, namespace }, o);
        case 'StatefulSet':
          return apps.readNamespacedStatefulSet({ name, namespace }, o);
        case 'DaemonSet':
          return apps.readNamespacedDaemonSet({ name, namespace }, o);
      }
    });
  }

  /** POST selfsubjectaccessreviews: allowed to anyone authenticated, so it answers before the first write fails. */
  async canI(question: AccessQuestion): Promise<boolean> {
    const resource = question.subresource ? `${question.resource}/${question.subresource}` : question.resource;
    const review = await this.call({ verb: 'create', resource: 'selfsubjectaccessreviews' }, (o) => {
      if (!this.authorization) throw this.unusable({ verb: 'create', resource });
      return this.authorization.createSelfSubjectAccessReview(
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: question.verb,
                resource: question.resource,
                group: question.group ?? '',
                subresource: question.subresource,
                namespace: question.namespace,
                name: question.name,
              },
            },
          },
        },
        o,
      );
    });
    return review.status?.allowed === true;
  }

  // ---- writes ----

  async listApiObjects(resource: ApiResource, namespace?: string): Promise<ApiObject[]> {
    const custom = this.custom;
    if (!custom) throw this.unusable({ verb: 'list', resource: `${resource.plural}.${resource.group}`, namespace });
    const items: ApiObject[] = [];
    let continueToken: string | undefined;
    do {
      const params = { group: resource.group, version: resource.version, plural: resource.plural, limit: this.pageSize, _continue: continueToken };
      const page = (await this.call({ verb: 'list', resource: `${resource.plural}.${resource.group}`, namespace }, (o) =>
        namespace ? custom.listNamespacedCustomObject({ ...params, namespace }, o) : custom.listClusterCustomObject(params, o),
      )) as { items?: ApiObject[]; metadata?: V1ListMeta };
      items.push(...(page.items ?? []));
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return items;
  }

  patchNamespaceLabels(name: string, labels: Record<string, string | null>, options?: WriteOptions): Promise<V1Namespace> {
    const op: KubeOperation = { verb: 'patch', resource: 'namespaces', name };
    this.logger.info(this.context, `patch namespace ${name} labels ${JSON.stringify(labels)}${options?.dryRun ? ' (dry run)' : ''}`);
    return this.call(
      op,
      (o) =>
        this.api().core.patchNamespace(
          { name, body: namespaceLabelsPatch(labels), fieldManager: LABEL_FIELD_MANAGER, dryRun: options?.dryRun ? 'All' : undefined },
          withHeader(o, 'Content-Type', PatchStrategy.MergePatch),
        ),
    );
  }

  async restartWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    options?: WriteOptions & { now?: Date },
  ): Promise<V1Deployment | V1StatefulSet | V1DaemonSet> {
    const op: KubeOperation = { verb: 'patch', resource: workloadResource[kind], name, namespace };
    // restartedAt has one-second resolution: a second restart within the same second would send the same
    // annotation, change nothing and replace no pod. kubectl refuses then; a user who clicks Restart twice
    // means it, so we wait for the next second instead. With an explicit `now` we refuse, as kubectl does.
    let now = options?.now ?? new Date();
    const current = await this.readWorkload(kind, namespace, name);
    if (current.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] === rfc3339(now)) {
      if (options?.now) {
        throw new KubeError(
          'conflict',
          this.context,
          `${this.context}: ${kind} ${namespace}/${name} was already restarted within the past second; wait a moment and restart again.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 - now.getUTCMilliseconds()));
      now = new Date();
    }
    const body = rolloutRestartPatch(now);
    const params = { name, namespace, body, fieldManager: ROLLOUT_RESTART_FIELD_MANAGER, dryRun: options?.dryRun ? 'All' : undefined };
    this.logger.info(this.context, `rollout restart ${kind} ${namespace}/${name}${options?.dryRun ? ' (dry run)' : ''}`);
    return this.call(op, (o) => {
      const { apps } = this.api();
      const patchOptions = withHeader(o, 'Content-Type', PatchStrategy.StrategicMergePatch);
      switch (kind) {
        case 'Deployment':
          return apps.patchNamespacedDeployment(params, patchOptions);
        case 'StatefulSet':
          return apps.patchNamespacedStatefulSet(params, patchOptions);
        case 'DaemonSet':
          return apps.patchNamespacedDaemonSet(params, patchOptions);
      }
    });
  }

  // ---- streams ----

  watch<T>(resource: WatchedResource, namespace: string | undefined, options: ListOptions, callbacks: WatchCallbacks<T>): WatchHandle {
    const op: KubeOperation = { verb: 'watch', resource, namespace };
    if (this.disposed || this.problem || !this.kubeConfig) {
      const error = this.unusable(op);
      queueMicrotask(() => callbacks.onError?.(error, false));
      return { stop() {} };
    }
    const info = resourceInfo[resource];
    const lister = this.lister(resource);
    const handle = startWatch<T>(
      {
        kubeConfig: this.kubeConfig,
        path: collectionPath(resource, namespace),
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        listPage: async (continueToken, signal) => {
          const page = await lister(
            namespace,
            { limit: this.pageSize, _continue: continueToken, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
            this.callOptions(signal),
          );
          return toPage(page) as ListPage<T>;
        },
        deserialize: (raw) => ObjectSerializer.deserialize(raw, info.model, '') as T,
        site: { ...this.site, operation: { verb: 'list', resource, namespace } },
        logger: this.logger,
        tuning: this.options.watch,
      },
      {
        onSync: (items) => callbacks.onSync(items),
        onEvent: (event) => callbacks.onEvent(event),
        onError: (error, willRetry) => {
          if (!willRetry) this.active.delete(tracked);
          callbacks.onError?.(error, willRetry);
        },
      },
    );
    const tracked = {
      stop: (reason: KubeError) => {
        handle.stop();
        callbacks.onError?.(reason, false);
      },
    };
    this.active.add(tracked);
    return {
      stop: () => {
        this.active.delete(tracked);
        handle.stop();
      },
    };
  }

  followLogs(namespace: string, pod: string, container: string, options: LogOptions, callbacks: LogStreamCallbacks): LogStreamHandle {
    const op: KubeOperation = { verb: 'get', resource: 'pods/log', name: pod, namespace };
    if (this.disposed || this.problem || !this.kubeConfig) {
      const error = this.unusable(op);
      queueMicrotask(() => callbacks.onEnd(error));
      return { stop() {} };
    }
    // onEnd runs asynchronously, after `tracked` below exists.
    const handle = followPodLogs(
      this.kubeConfig,
      { namespace, pod, container, options },
      {
        onLine: callbacks.onLine,
        onEnd: (error) => {
          this.active.delete(tracked);
          callbacks.onEnd(error);
        },
      },
      { ...this.site, operation: op },
      this.logger,
      () => this.logStreamWasCut(namespace, pod, container),
    );
    const tracked = { stop: (reason: KubeError) => handle.stop(reason) };
    this.active.add(tracked);
    return { stop: () => handle.stop() };
  }

  async exec(namespace: string, pod: string, container: string | undefined, argv: readonly string[], options?: { timeoutMs?: number }): Promise<ExecResult> {
    const op: KubeOperation = { verb: 'create', resource: 'pods/exec', name: pod, namespace };
    if (this.disposed || this.problem || !this.kubeConfig) throw this.unusable(op);
    // Like kubectl, name the container ourselves when the caller did not: the API server's handling of an
    // absent container differs between versions and fails outright for multi-container pods.
    container ??= defaultContainer(
      await this.call({ verb: 'get', resource: 'pods', name: pod, namespace }, (o) => this.api().core.readNamespacedPod({ name: pod, namespace }, o)),
    );
    return runExec(this.kubeConfig, { namespace, pod, container, argv, timeoutMs: options?.timeoutMs ?? this.options.execTimeoutMs ?? 30_000 }, {
      ...this.site,
      operation: op,
    });
  }

  async portForward(namespace: string, pod: string, port: number): Promise<PortForwardHandle> {
    const op: KubeOperation = { verb: 'create', resource: 'pods/portforward', name: pod, namespace };
    if (this.disposed || this.problem || !this.kubeConfig) throw this.unusable(op);
    const handle = await openPortForward(this.kubeConfig, { namespace, pod, port }, { ...this.site, operation: op }, this.logger);
    const tracked = { stop: () => handle.close() };
    this.active.add(tracked);
    return {
      localPort: handle.localPort,
      get lastError() {
        return handle.lastError;
      },
      close: () => {
        this.active.delete(tracked);
        handle.close();
      },
    };
  }

  /** After a followed log ended cleanly: a stream-dropped error if the container is in fact still running. */
  private async logStreamWasCut(namespace: string, pod: string, container: string): Promise<KubeError | undefined> {
    const site = { ...this.site, operation: { verb: 'get', resource: 'pods/log', name: pod, namespace } };
    try {
      const current = await this.api().core.readNamespacedPod({ name: pod, namespace }, this.callOptions());
      const running = current.status?.containerStatuses?.find((c) => c.name === container)?.state?.running;
      return running && !current.metadata?.deletionTimestamp ? streamDropped(site, { namespace, pod, container }) : undefined;
    } catch (error) {
      const kubeError = toKubeError(error, site);
      return kubeError.reason === 'not-found' ? undefined : streamDropped(site, { namespace, pod, container }, kubeError);
    }
  }

  /** Stop every watch, log stream and port-forward of this client (the context changed or went away). */
  dispose(reason = 'the kubeconfig changed'): void {
    if (this.disposed) return;
    this.disposed = true;
    const error = new KubeError('cancelled', this.context, `${this.context}: stopped because ${reason}.`);
    for (const item of [...this.active]) item.stop(error);
    this.active.clear();
    this.pool?.dispose();
  }

  // ---- plumbing ----

  private api(): { core: CoreV1Api; apps: AppsV1Api } {
    if (!this.core || !this.apps) throw this.unusable();
    return { core: this.core, apps: this.apps };
  }

  private unusable(operation?: KubeOperation): KubeError {
    if (this.disposed) return new KubeError('cancelled', this.context, `${this.context}: this client was closed because the kubeconfig changed.`);
    const what = operation ? ` to ${describeOperation(operation)}` : '';
    return new KubeError('bad-kubeconfig', this.context, this.problem ?? `${this.context}: the context cannot be used${what}.`);
  }

  /** Per-request options: a fresh timeout (and an optional cancel signal) on every request. */
  private callOptions(signal?: AbortSignal): ConfigurationOptions {
    const timeoutMs = this.requestTimeoutMs;
    const timeout: ObservableMiddleware = {
      pre: (request) => {
        const deadline = AbortSignal.timeout(timeoutMs);
        request.setSignal(signal ? AbortSignal.any([deadline, signal]) : deadline);
        return new Observable(Promise.resolve(request));
      },
      post: (response) => new Observable(Promise.resolve(response)),
    };
    return { middleware: [timeout], middlewareMergeStrategy: 'append' };
  }

  private async call<R>(operation: KubeOperation, request: (options: ConfigurationOptions) => Promise<R>): Promise<R> {
    if (this.disposed || this.problem) throw this.unusable(operation);
    try {
      return await request(this.callOptions());
    } catch (error) {
      const kubeError = toKubeError(error, { ...this.site, operation });
      this.logger.warn(this.context, `${kubeError.message} [${describeForLog(error)}]`);
      throw kubeError;
    }
  }

  private async listAll(resource: keyof typeof resourceInfo, namespace: string | undefined, options?: ListOptions): Promise<unknown[]> {
    const lister = this.lister(resource);
    const items: unknown[] = [];
    let continueToken: string | undefined;
    do {
      const page: ListResult = await this.call({ verb: 'list', resource, namespace }, (o) =>
        lister(
          namespace,
          { limit: this.pageSize, _continue: continueToken, labelSelector: options?.labelSelector, fieldSelector: options?.fieldSelector },
          o,
        ),
      );
      items.push(...page.items);
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return items;
  }

  private lister(resource: keyof typeof resourceInfo): Lister {
    return (namespace, params, o) => {
      const { core, apps } = this.api();
      switch (resource) {
        case 'namespaces':
          return core.listNamespace(params, o);
        case 'nodes':
          return core.listNode(params, o);
        case 'pods':
          return namespace ? core.listNamespacedPod({ ...params, namespace }, o) : core.listPodForAllNamespaces(params, o);
        case 'services':
          return namespace ? core.listNamespacedService({ ...params, namespace }, o) : core.listServiceForAllNamespaces(params, o);
        case 'serviceaccounts':
          return namespace
            ? core.listNamespacedServiceAccount({ ...params, namespace }, o)
            : core.listServiceAccountForAllNamespaces(params, o);
        case 'deployments':
          return namespace ? apps.listNamespacedDeployment({ ...params, namespace }, o) : apps.listDeploymentForAllNamespaces(params, o);
        case 'statefulsets':
          return namespace ? apps.listNamespacedStatefulSet({ ...params, namespace }, o) : apps.listStatefulSetForAllNamespaces(params, o);
        case 'daemonsets':
          return namespace ? apps.listNamespacedDaemonSet({ ...params, namespace }, o) : apps.listDaemonSetForAllNamespaces(params, o);
        case 'replicasets':
          return namespace ? apps.listNamespacedReplicaSet({ ...params, namespace }, o) : apps.listReplicaSetForAllNamespaces(params, o);
      }
    };
  }
}

/** The user, with `extraPath` put in front of PATH for its exec plugin (client-node spawns it with exec.env). */
export function withPluginPath(user: User, extraPath: readonly string[] | undefined): User {
  const exec = user.exec as { env?: { name: string; value: string }[] | null } | undefined | null;
  if (!exec || !extraPath || extraPath.length === 0) return user;
  const env = (exec.env ?? []).filter((e) => e.name !== 'PATH');
  const basePath = exec.env?.find((e) => e.name === 'PATH')?.value ?? process.env.PATH ?? '';
  const pathValue = [...extraPath, basePath].filter((p) => p.length > 0).join(path.delimiter);
  return { ...user, exec: { ...user.exec, env: [...env, { name: 'PATH', value: pathValue }] } };
}

/** kubectl's choice: the `kubectl.kubernetes.io/default-container` annotation, else the first container. */
export function defaultContainer(pod: V1Pod): string | undefined {
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && pod.spec?.containers?.some((c) => c.name === annotated)) return annotated;
  return pod.spec?.containers?.[0]?.name;
}

function toPage(result: ListResult): ListPage<unknown> {
  return { items: result.items, resourceVersion: result.metadata?.resourceVersion, continueToken: result.metadata?._continue };
}

function headerMiddleware(key: string, value: string): ObservableMiddleware {
  return {
    pre: (request) => {
      request.setHeaderParam(key, value);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

function withHeader(options: ConfigurationOptions, key: string, value: string): ConfigurationOptions {
  return { ...options, middleware: [...(options.middleware ?? []), headerMiddleware(key, value)], middlewareMergeStrategy: 'append' };
}
