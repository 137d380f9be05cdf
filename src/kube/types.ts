// The contract between the kube access layer and everything above it (mesh model, views, commands,
// log streams). Nothing outside src/kube/ imports @kubernetes/client-node: object types are re-exported
// here as types only, and the behaviour is reached through the interfaces below.
import type {
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
} from '@kubernetes/client-node';

export type {
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
};

/** Why a Kubernetes call failed, as a user would need to know it. */
export type KubeErrorReason =
  | 'no-kubeconfig' // no file found: we never fall back to localhost:8080
  | 'bad-kubeconfig' // a file that does not parse, or a context that names a missing cluster/user
  | 'unreachable' // connection refused, DNS failure, connect timeout
  | 'timeout' // connected, but no answer within the request timeout
  | 'tls' // unknown CA, bad certificate, hostname mismatch
  | 'unauthorized' // 401: credentials expired or rejected
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'invalid' // 422
  | 'server-error' // 5xx
  | 'exec-plugin-missing' // credential plugin not on PATH
  | 'exec-plugin-failed' // credential plugin ran and failed
  | 'stream-dropped' // a watch, log or exec stream ended unexpectedly
  | 'cancelled'
  | 'unknown';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface KubeContextInfo {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
  readonly server?: string;
  readonly isCurrent: boolean;
}

/** The merged kubeconfig, or why there is none. */
export interface KubeconfigState {
  readonly contexts: readonly KubeContextInfo[];
  readonly currentContext?: string;
  /** Files that were read, in precedence order (first wins). */
  readonly files: readonly string[];
  /** Set when no usable kubeconfig exists (reason `no-kubeconfig` or `bad-kubeconfig`). */
  readonly problem?: { readonly reason: KubeErrorReason; readonly message: string };
  /** Files that were skipped (malformed, unreadable) while others loaded: one sentence each, naming the file. */
  readonly warnings?: readonly string[];
}

/** Where the kube layer reports what it does; the extension routes it to its LogOutputChannel. */
export interface KubeLogger {
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string): void;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and reported, nothing changes. */
  readonly dryRun?: boolean;
}

/** A resource of an API group other than core/apps, addressed as in its URL (NetworkPolicies, Istio and Gateway API CRDs). */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** An object read through `listApiObjects`: the API's JSON, typed by whoever reads it. */
export interface ApiObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: unknown;
  readonly status?: unknown;
}

export type WatchedResource = 'namespaces' | 'pods' | 'deployments' | 'statefulsets' | 'daemonsets' | 'replicasets' | 'services';

export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: T;
}

export interface WatchCallbacks<T> {
  /** A full list: on start and after every re-list (410 Gone, or a reconnect that could not resume). */
  onSync(items: T[]): void;
  onEvent(event: WatchEvent<T>): void;
  /** A failure; `willRetry` says whether the watch keeps trying (with backoff) or has stopped. */
  onError?(error: Error, willRetry: boolean): void;
}

export interface WatchHandle {
  stop(): void;
}

export interface LogOptions {
  readonly follow?: boolean;
  readonly timestamps?: boolean;
  readonly sinceTime?: string;
  readonly tailLines?: number;
}

export interface LogStreamCallbacks {
  /** One complete line of the container's log, without its newline. */
  onLine(line: string): void;
  /** The stream ended: `error` is absent for a clean end (pod gone, or `stop()`), set for a failure. */
  onEnd(error?: Error): void;
}

export interface LogStreamHandle {
  stop(): void;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The command's exit code (0 success), from the Status the API server sends on the error channel. */
  readonly exitCode: number;
}

export interface PortForwardHandle {
  /** A local port on 127.0.0.1 forwarded to the pod's port. */
  readonly localPort: number;
  /** The last failure of a forwarded connection (e.g. 403, pod gone): why a local connection was dropped. */
  readonly lastError?: Error;
  close(): void;
}

/** Everything the features need from one kube context. One instance per context, created lazily. */
export interface ClusterClient {
  readonly context: string;

  listNamespaces(options?: ListOptions): Promise<V1Namespace[]>;
  readNamespace(name: string): Promise<V1Namespace>;
  listPods(namespace?: string, options?: ListOptions): Promise<V1Pod[]>;
  listDeployments(namespace?: string, options?: ListOptions): Promise<V1Deployment[]>;
  listStatefulSets(namespace?: string, options?: ListOptions): Promise<V1StatefulSet[]>;
  listDaemonSets(namespace?: string, options?: ListOptions): Promise<V1DaemonSet[]>;
  listReplicaSets(namespace?: string, options?: ListOptions): Promise<V1ReplicaSet[]>;
  listServices(namespace?: string, options?: ListOptions): Promise<V1Service[]>;
  listServiceAccounts(namespace?: string, options?: ListOptions): Promise<V1ServiceAccount[]>;
  listNodes(options?: ListOptions): Promise<V1Node[]>;
  readConfigMap(namespace: string, name: string): Promise<V1ConfigMap>;
  readWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<V1Deployment | V1StatefulSet | V1DaemonSet>;
  /** Every object of a resource of another API group (paged), in one namespace or all; a KubeError `not-found` when the cluster does not serve it. */
  listApiObjects(resource: ApiResource, namespace?: string): Promise<ApiObject[]>;

  /** Merge-patch namespace labels; `null` removes a label. Other labels are untouched. */
  patchNamespaceLabels(name: string, labels: Record<string, string | null>, options?: WriteOptions): Promise<V1Namespace>;
  /** Exactly what `kubectl rollout restart` sends (strategic merge patch, fieldManager=kubectl-rollout). */
  restartWorkload(kind: WorkloadKind, namespace: string, name: string, options?: WriteOptions & { now?: Date }): Promise<V1Deployment | V1StatefulSet | V1DaemonSet>;

  watch<T>(resource: WatchedResource, namespace: string | undefined, options: ListOptions, callbacks: WatchCallbacks<T>): WatchHandle;
  followLogs(namespace: string, pod: string, container: string, options: LogOptions, callbacks: LogStreamCallbacks): LogStreamHandle;
  exec(namespace: string, pod: string, container: string | undefined, argv: readonly string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
  portForward(namespace: string, pod: string, port: number): Promise<PortForwardHandle>;
  /** A SelfSubjectAccessReview: whether this context's user may do it (what `kubectl auth can-i` asks). */
  canI(question: AccessQuestion): Promise<boolean>;
}

/** One "may I?" question, as `kubectl auth can-i VERB RESOURCE[.GROUP][/NAME] [-n NAMESPACE]` asks it. */
export interface AccessQuestion {
  readonly verb: string;
  /** Plural resource, without group: `namespaces`, `deployments`, `pods`. */
  readonly resource: string;
  readonly group?: string;
  readonly subresource?: string;
  /** Absent: every namespace (or a cluster-scoped resource). */
  readonly namespace?: string;
  readonly name?: string;
}

/** The set of contexts from the user's kubeconfig, and a client for each. */
export interface KubeClients {
  state(): KubeconfigState;
  client(context: string): ClusterClient;
  /** Re-read the kubeconfig files (they are also watched). */
  reload(): void;
  /** Read these files instead (the `ambient.kubeconfig` setting); empty: KUBECONFIG, else ~/.kube/config. */
  setKubeconfigPaths(paths: readonly string[]): void;
  onDidChange(listener: (state: KubeconfigState) => void): { dispose(): void };
  dispose(): void;
}
