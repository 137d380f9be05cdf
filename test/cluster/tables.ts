/* eslint-disable @typescript-eslint/no-explicit-any -- table rows read arbitrary object JSON */
// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with the columns of the
// real API server's printers (pkg/printers/internalversion) so `kubectl get` output looks familiar.
import type { KubeObject } from './store';
import { selectorToString } from './selectors';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  priority: number;
  cell(obj: KubeObject, now: number): string | number;
}

/** k8s.io/apimachinery duration.HumanDuration, which kubectl's AGE column shows. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name };
const age: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => humanDuration(now - Date.parse(o.metadata.creationTimestamp)),
};
const containers = (spec: (o: KubeObject) => any): Column => ({ name: 'Containers', type: 'string', description: 'Names of each container in the template.', priority: 1, cell: (o) => (spec(o)?.containers ?? []).map((c: any) => c.name).join(',') });
const images = (spec: (o: KubeObject) => any): Column => ({ name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', priority: 1, cell: (o) => (spec(o)?.containers ?? []).map((c: any) => c.image).join(',') });
const selector: Column = { name: 'Selector', type: 'string', description: 'Label selector for pods.', priority: 1, cell: (o) => selectorToString(o.spec?.selector) };
const templateSpec = (o: KubeObject) => o.spec?.template?.spec;

function podStatusReason(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const cs of pod.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) return cs.state.waiting.reason;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
}

function podReady(pod: KubeObject): string {
  const statuses = pod.status?.containerStatuses ?? [];
  return `${statuses.filter((c: any) => c.ready).length}/${pod.spec?.containers?.length ?? 0}`;
}

function servicePorts(svc: KubeObject): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p: any) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

const columnsByKind: Record<string, Column[]> = {
  // The built-in printer's NetworkPolicy columns, and the CRDs' additionalPrinterColumns (Istio 1.28, Gateway API v1).
  NetworkPolicy: [name, { name: 'Pod-Selector', type: 'string', description: 'Selector for pods the policy applies to.', priority: 0, cell: (o) => selectorToString(o.spec?.podSelector) || '<none>' }, age],
  AuthorizationPolicy: [name, { name: 'Action', type: 'string', description: 'The operation to take.', priority: 0, cell: (o) => o.spec?.action ?? '' }, age],
  PeerAuthentication: [name, { name: 'Mode', type: 'string', description: 'Defines the mTLS mode used for peer authentication.', priority: 0, cell: (o) => o.spec?.mtls?.mode ?? '' }, age],
  Gateway: [
    name,
    { name: 'Class', type: 'string', description: 'The gateway class of the gateway.', priority: 0, cell: (o) => o.spec?.gatewayClassName ?? '' },
    { name: 'Address', type: 'string', description: 'The first address of the gateway.', priority: 0, cell: (o) => o.status?.addresses?.[0]?.value ?? '' },
    { name: 'Programmed', type: 'string', description: 'Whether the gateway is programmed.', priority: 0, cell: (o) => o.status?.conditions?.find((c: any) => c.type === 'Programmed')?.status ?? 'Unknown' },
    age,
  ],
  Namespace: [name, { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0, cell: (o) => o.status?.phase ?? 'Active' }, age],
  Node: [
    name,
    { name: 'Status', type: 'string', description: 'The status of the node', priority: 0, cell: (o) => (o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady') },
    { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0, cell: (o) => Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).join(',') || '<none>' },
    age,
    { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', priority: 0, cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', description: 'List of internal IPs in the cluster.', priority: 1, cell: (o) => o.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address ?? '<none>' },
    { name: 'External-IP', type: 'string', description: 'List of external IPs in the cluster.', priority: 1, cell: () => '<none>' },
    { name: 'OS-Image', type: 'string', description: 'OS image reported by the node.', priority: 1, cell: (o) => o.status?.nodeInfo?.osImage ?? '' },
    { name: 'Kernel-Version', type: 'string', description: 'Kernel version reported by the node.', priority: 1, cell: (o) => o.status?.nodeInfo?.kernelVersion ?? '' },
    { name: 'Container-Runtime', type: 'string', description: 'Container runtime reported by the node.', priority: 1, cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '' },
  ],
  Pod: [
    name,
    { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0, cell: podReady },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', priority: 0, cell: podStatusReason },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', priority: 0, cell: (o) => String((o.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0)) },
    age,
    { name: 'IP', type: 'string', description: 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', priority: 1, cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', description: "NodeName is a request to schedule this pod onto a specific node.", priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', description: 'nominatedNodeName is set only when this pod preempts other pods on the node.', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', description: 'If specified, all readiness gates will be evaluated for pod readiness.', priority: 1, cell: () => '<none>' },
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.', priority: 0, cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', description: 'clusterIP is the IP address of the service.', priority: 0, cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', priority: 0, cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.', priority: 0, cell: servicePorts },
    age,
    { name: 'Selector', type: 'string', description: 'Route service traffic to pods with label keys and values matching this selector.', priority: 1, cell: (o) => Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
  ],
  ServiceAccount: [name, { name: 'Secrets', type: 'integer', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', priority: 0, cell: (o) => (o.secrets ?? []).length }, age],
  ConfigMap: [name, { name: 'Data', type: 'integer', description: 'Data contains the configuration data.', priority: 0, cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, age],
  Event: [
    { name: 'Last Seen', type: 'string', description: 'The time at which the most recent occurrence of this event was recorded.', priority: 0, cell: (o, now) => humanDuration(now - Date.parse(o.lastTimestamp ?? o.metadata.creationTimestamp)) },
    { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning), new types could be added in the future.', priority: 0, cell: (o) => o.type ?? '' },
    { name: 'Reason', type: 'string', description: 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.', priority: 0, cell: (o) => o.reason ?? '' },
    { name: 'Object', type: 'string', description: 'The object that this event is about.', priority: 0, cell: (o) => `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}` },
    { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.', priority: 0, cell: (o) => o.message ?? '' },
  ],
  Deployment: [
    name,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', priority: 0, cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', priority: 0, cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', priority: 0, cell: (o) => o.status?.availableReplicas ?? 0 },
    age,
    containers(templateSpec),
    images(templateSpec),
    selector,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', description: 'Replicas is the number of desired replicas.', priority: 0, cell: (o) => o.spec?.replicas ?? 1 },
    { name: 'Current', type: 'integer', description: 'Replicas is the most recently observed number of replicas.', priority: 0, cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: 'The number of ready replicas for this replica set.', priority: 0, cell: (o) => o.status?.readyReplicas ?? 0 },
    age,
    containers(templateSpec),
    images(templateSpec),
    selector,
  ],
  StatefulSet: [
    name,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', priority: 0, cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    age,
    containers(templateSpec),
    images(templateSpec),
  ],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod.', priority: 0, cell: (o) => o.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod.', priority: 0, cell: (o) => o.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', priority: 0, cell: (o) => o.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod', priority: 0, cell: (o) => o.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', priority: 0, cell: (o) => o.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', type: 'string', description: 'NodeSelector is a selector which must be true for the pod to fit on a node.', priority: 0, cell: (o) => Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
    age,
    containers(templateSpec),
    images(templateSpec),
    selector,
  ],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

/** A meta.k8s.io/v1 Table of `objects`; `noHeaders` leaves out columnDefinitions (watch events after the first). */
export function toTable(kind: string, objects: KubeObject[], options: { include: IncludeObject; resourceVersion: string; continueToken?: string; remaining?: number; noHeaders?: boolean }): unknown {
  const columns = columnsByKind[kind] ?? [name, age];
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: options.resourceVersion,
      ...(options.continueToken ? { continue: options.continueToken } : {}),
      ...(options.remaining !== undefined ? { remainingItemCount: options.remaining } : {}),
    },
    columnDefinitions: options.noHeaders ? [] : columns.map(({ cell: _cell, ...def }) => ({ format: '', ...def })),
    rows: objects.map((obj) => ({ cells: columns.map((c) => c.cell(obj, now)), object: rowObject(obj, options.include) })),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
