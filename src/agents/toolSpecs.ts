// The agent tools as a model sees them: name, when to use it, input schema. One list for both the VS Code
// language-model tools (package.json `contributes.languageModelTools` repeats it; a unit test keeps the two
// equal) and the MCP server. Pure: no vscode.

export type AgentToolName =
  | 'ambient_status'
  | 'ambient_enroll'
  | 'ambient_unenroll'
  | 'ambient_restart_workloads'
  | 'ambient_check_connectivity'
  | 'ambient_recent_ztunnel_logs'
  | 'ambient_preflight';

export interface AgentToolSpec {
  readonly name: AgentToolName;
  /** Shown to the user in VS Code's tool picker. */
  readonly displayName: string;
  /** What the model reads to decide when to call it. */
  readonly modelDescription: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /** False: it changes the cluster (needs a confirmation in VS Code, `--allow-writes` in the MCP server). */
  readonly readOnly: boolean;
}

const contexts = {
  type: 'array',
  items: { type: 'string' },
  description: 'Kube contexts (clusters) to act on, as named in the kubeconfig. Default: the current context.',
};
const namespaces = { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Namespace names; each is acted on in every context given.' };
const dryRun = { type: 'boolean', description: 'Server-side dry run (dryRun=All): the API server checks the change and nothing is changed. Default false.' };

export const AGENT_TOOLS: readonly AgentToolSpec[] = [
  {
    name: 'ambient_status',
    displayName: 'Ambient Mesh: Status',
    modelDescription:
      'Read the Istio ambient mesh state of the kube contexts: Istio version, ztunnel and istio-cni readiness, every namespace with its dataplane mode ' +
      '(ambient, sidecar, conflict or none), how many of its pods ztunnel captures, its waypoint, and a health summary (Check Ambient Health). ' +
      'Use it first, before enrolling or troubleshooting, to learn which contexts and namespaces exist and which are already in ambient. Read-only.',
    inputSchema: {
      type: 'object',
      properties: {
        contexts: { ...contexts, description: 'Kube contexts to report. Default: every context in the kubeconfig.' },
        includeHealth: { type: 'boolean', description: 'Also run Check Ambient Health (istiod, ztunnel, istio-cni, XDS, capture, conflicts). Default true.' },
        includeSystemNamespaces: { type: 'boolean', description: 'List system namespaces (kube-system, …) too. Default false.' },
      },
    },
    readOnly: true,
  },
  {
    name: 'ambient_enroll',
    displayName: 'Ambient Mesh: Enroll Namespaces',
    modelDescription:
      'Enroll namespaces in Istio ambient mode: sets the label istio.io/dataplane-mode=ambient on each namespace in each context, after Check Before Enrolling. ' +
      'Use it when the user asks to add namespaces to the ambient mesh. Namespaces that do not exist are reported, never created. ' +
      'If Check Before Enrolling finds problems the tool stops and lists them; call it again with enrollDespiteFindings=true only if the user accepts them. ' +
      'If sidecar injection is on in a namespace, removeSidecarLabels=true removes the injection label while enrolling. Changes the cluster.',
    inputSchema: {
      type: 'object',
      properties: {
        namespaces,
        contexts,
        removeSidecarLabels: { type: 'boolean', description: 'Remove istio-injection / istio.io/rev labels while enrolling, so new pods join ambient instead of getting sidecars. Default false.' },
        enrollDespiteFindings: { type: 'boolean', description: 'Enroll even when Check Before Enrolling found warnings or errors. Default false.' },
        dryRun,
      },
      required: ['namespaces'],
    },
    readOnly: false,
  },
  {
    name: 'ambient_unenroll',
    displayName: 'Ambient Mesh: Remove Namespaces from Ambient',
    modelDescription:
      'Remove namespaces from Istio ambient mode: removes the istio.io/dataplane-mode label of each namespace in each context, so ztunnel stops capturing ' +
      'its pods and their traffic is no longer mTLS. Use it only when the user asks to take namespaces out of the mesh. Changes the cluster.',
    inputSchema: { type: 'object', properties: { namespaces, contexts, dryRun }, required: ['namespaces'] },
    readOnly: false,
  },
  {
    name: 'ambient_restart_workloads',
    displayName: 'Ambient Mesh: Restart Workloads',
    modelDescription:
      "Restart every Deployment, StatefulSet and DaemonSet of namespaces (like kubectl rollout restart) and follow the rollouts. Use it after enrolling when " +
      'pods are not captured yet, or to drop the sidecars of pods in a namespace moved from sidecar to ambient. Changes the cluster (replaces pods).',
    inputSchema: { type: 'object', properties: { namespaces, contexts, dryRun }, required: ['namespaces'] },
    readOnly: false,
  },
  {
    name: 'ambient_check_connectivity',
    displayName: 'Ambient Mesh: Test Connectivity',
    modelDescription:
      'Run curl from a source pod to a target (a Service with port such as reviews.bookinfo.svc.cluster.local:9080, or a URL) and read ztunnel\'s access log ' +
      'to say whether the connection was mutual TLS, with both SPIFFE identities, or plain text. Use it to verify that traffic between two workloads is ' +
      'encrypted by the mesh. Runs curl inside the source pod; changes nothing in the cluster.',
    inputSchema: {
      type: 'object',
      properties: {
        contexts,
        sourceNamespace: { type: 'string', description: 'Namespace of the pod to run curl in.' },
        sourceWorkload: { type: 'string', description: 'Workload (e.g. Deployment name) whose running pod runs curl.' },
        sourcePod: { type: 'string', description: 'Exact pod name to run curl in (instead of sourceWorkload).' },
        target: { type: 'string', description: 'host:port of a Service (name.namespace.svc.cluster.local:port) or a URL, as curl takes it.' },
      },
      required: ['sourceNamespace', 'target'],
    },
    readOnly: true,
  },
  {
    name: 'ambient_recent_ztunnel_logs',
    displayName: 'Ambient Mesh: Recent ztunnel Logs',
    modelDescription:
      "Read the recent logs of every ztunnel pod, filtered (namespace, workload, mTLS/plaintext/TLS error, level, text or /regex/), with counts per kind " +
      'and the newest matching lines summarized (route, identities, bytes, errors), capped. Use it to troubleshoot denied, failing or unencrypted ' +
      'connections in ambient mode. Read-only.',
    inputSchema: {
      type: 'object',
      properties: {
        contexts,
        namespace: { type: 'string', description: 'Only entries about this namespace (source or destination).' },
        workload: { type: 'string', description: 'Only entries about this workload, pod or service (substring).' },
        class: { type: 'string', enum: ['all', 'mtls', 'plaintext', 'tls-error'], description: 'Only access-log entries of this kind. Default all.' },
        level: { type: 'string', enum: ['all', 'error', 'warn', 'info', 'debug'], description: 'Only entries at this level or more severe. Default all.' },
        search: { type: 'string', description: 'Text, or /regex/, that an entry must contain.' },
        sinceMinutes: { type: 'number', minimum: 1, maximum: 1440, description: 'How far back to read. Default 15.' },
        limit: { type: 'number', minimum: 1, maximum: 200, description: 'Most matching lines to return (newest). Default 40.' },
      },
    },
    readOnly: true,
  },
  {
    name: 'ambient_preflight',
    displayName: 'Ambient Mesh: Check Before Enrolling',
    modelDescription:
      'Check namespaces before enrolling them in ambient: NetworkPolicies that would block HBONE (port 15008) or kubelet probes, AuthorizationPolicies ' +
      'with L7 rules and no waypoint, hostNetwork pods, init containers that need the network, sidecar injection, missing istio-cni or ztunnel on a node. ' +
      'Each finding has its severity, the pods and objects involved, why it matters and the fix. Use it before ambient_enroll. Read-only.',
    inputSchema: { type: 'object', properties: { namespaces, contexts }, required: ['namespaces'] },
    readOnly: true,
  },
];

export function agentTool(name: string): AgentToolSpec | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}
