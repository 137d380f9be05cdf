// Check Before Enrolling: what enrolling a namespace in ambient would break or leave out, evaluated
// over what was read from its cluster (the commands layer reads it). Each finding names the pods it
// affects, why, and the fix with the Istio doc that explains it. Pure: no vscode, no Kubernetes client.
import type { V1Pod } from '../kube/types';
import {
  actionOf,
  appliesToPod,
  authorizationPolicyName,
  l7AttributesOf,
  landsOnZtunnel,
  targetRefsOf,
  type AuthorizationPolicy,
} from './authorizationPolicy';
import { namespaceDataplane, podFacts, sidecarInjectionLabels } from './dataplane';
import { DATAPLANE_MODE_LABEL, REDIRECTION_ANNOTATION, USE_WAYPOINT_LABEL } from './labels';
import {
  HBONE_PORT,
  PROBE_SOURCE_IP,
  admitsOnOtherPorts,
  egressAllowed,
  ingressAllowed,
  isolatingPolicies,
  type ContainerPort,
  type DestinationPod,
  type NetworkPolicy,
  type TrafficSource,
} from './networkPolicy';
import { isLivePod } from '../kube/podPhase';
import { bindingProblems, declaredBinding, waypointOf } from './waypoints';
import type { BindingProblemKind, GatewayObject, Waypoint } from './waypoints';

export type PreflightSeverity = 'error' | 'warning' | 'info';

export type PreflightFindingId =
  | 'networkpolicy-hbone'
  | 'networkpolicy-probes'
  | 'networkpolicy-egress-hbone'
  | 'sidecar-injection'
  | 'sidecar-pods'
  | 'host-network'
  | 'opted-out'
  | 'authz-l7-allow'
  | 'authz-l7-deny'
  | 'authz-missing-waypoint'
  | 'waypoint-binding'
  | 'cni-not-ready'
  | 'ztunnel-not-ready'
  | 'pods-pending'
  | 'init-containers'
  | 'unreadable';

export interface PreflightFinding {
  readonly id: PreflightFindingId;
  readonly severity: PreflightSeverity;
  /** One line: what was found. */
  readonly title: string;
  /** `namespace/pod` of every pod affected (may be empty for a namespace-wide finding). */
  readonly pods: readonly string[];
  /** The objects that cause it (`NetworkPolicy finance/deny-all`). */
  readonly objects: readonly string[];
  /** Why it matters once the namespace is enrolled. */
  readonly why: string;
  /** What to do about it. */
  readonly fix: string;
  /** The Istio doc (or issue) that explains it. */
  readonly docs: string;
}

export interface PreflightReport {
  readonly context: string;
  readonly namespace: string;
  readonly findings: readonly PreflightFinding[];
  /** The most severe finding; undefined when there is none. */
  readonly worst?: PreflightSeverity;
  /** Set when the namespace could not be checked at all (it does not exist, the cluster did not answer). */
  readonly error?: string;
}

/** Pods of the DaemonSets ambient needs on every node (istio-cni, ztunnel). */
export interface NodeAgentPod {
  readonly name: string;
  readonly node?: string;
  readonly ready: boolean;
}

export interface NamespaceLabels {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Everything one namespace's checks need. Lists left undefined could not be read (their error in `errors`). */
export interface PreflightInput {
  readonly context: string;
  readonly namespace: NamespaceLabels;
  /** The namespace's pods, as the API returns them. */
  readonly pods: readonly V1Pod[];
  /** Every namespace with its labels (NetworkPolicy namespaceSelectors match them). */
  readonly namespaces?: readonly NamespaceLabels[];
  /** The pods that send traffic to this namespace's pods today: every pod of the cluster. */
  readonly sourcePods?: readonly V1Pod[];
  /** The cluster's NetworkPolicies: the namespace's judge ingress, the senders' namespaces' judge egress. */
  readonly networkPolicies?: readonly NetworkPolicy[];
  /** The namespace's and the root namespace's policies. */
  readonly authorizationPolicies?: readonly AuthorizationPolicy[];
  /** Gateway API Gateways (waypoints), of every namespace policies refer to. */
  readonly gateways?: readonly GatewayObject[];
  readonly cniPods?: readonly NodeAgentPod[];
  readonly ztunnelPods?: readonly NodeAgentPod[];
  /** What could not be read, keyed by what it was for. */
  readonly errors?: Readonly<Record<string, string>>;
}

export const PREFLIGHT_DOCS = {
  networkPolicy: 'https://istio.io/latest/docs/ambient/usage/networkpolicy/',
  addWorkloads: 'https://istio.io/latest/docs/ambient/usage/add-workloads/',
  l4Policy: 'https://istio.io/latest/docs/ambient/usage/l4-policy/',
  waypoint: 'https://istio.io/latest/docs/ambient/usage/waypoint/',
  troubleshootZtunnel: 'https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/',
  trafficRedirection: 'https://istio.io/latest/docs/ambient/architecture/traffic-redirection/',
} as const;

const ORDER: Record<PreflightSeverity, number> = { info: 0, warning: 1, error: 2 };

export function worstSeverity(findings: readonly { severity: PreflightSeverity }[]): PreflightSeverity | undefined {
  let worst: PreflightSeverity | undefined;
  for (const f of findings) if (worst === undefined || ORDER[f.severity] > ORDER[worst]) worst = f.severity;
  return worst;
}

/** At `warning` or worse: what Enroll's confirmation must show. */
export function needsAttention(severity: PreflightSeverity | undefined): boolean {
  return severity !== undefined && ORDER[severity] >= ORDER.warning;
}

function key(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}


/** Would istio-cni capture this pod once its namespace is labelled ambient? (ambient-facts "Enrollment") */
function wouldBeCaptured(pod: V1Pod): boolean {
  const facts = podFacts(pod);
  return !facts.hostNetwork && !facts.hasSidecar && facts.labels[DATAPLANE_MODE_LABEL] !== 'none';
}

function containerPorts(pod: V1Pod): ContainerPort[] {
  return (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
  );
}

function destination(pod: V1Pod): DestinationPod {
  return { namespace: pod.metadata?.namespace ?? '', labels: pod.metadata?.labels ?? {}, ports: containerPorts(pod) };
}

/** Ports the kubelet probes (exec probes use no network); named ports resolved through the container's ports. */
function probePorts(pod: V1Pod): number[] {
  const ports = new Set<number>();
  for (const container of pod.spec?.containers ?? []) {
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
      if (port === undefined) continue;
      if (typeof port === 'number') ports.add(port);
      else if (/^\d+$/.test(port)) ports.add(Number(port));
      else {
        const named = container.ports?.find((p) => p.name === port);
        if (named) ports.add(named.containerPort);
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function networkPolicyFindings(input: PreflightInput, pods: readonly V1Pod[]): PreflightFinding[] {
  const policies = input.networkPolicies ?? [];
  if (policies.length === 0) return [];
  const namespaceLabels = new Map((input.namespaces ?? [input.namespace]).map((n) => [n.name, n.labels]));
  // Only senders in the mesh tunnel to 15008: pods captured now, sidecar pods, and this namespace's own pods
  // once it is enrolled. Pods outside the mesh keep reaching the app port, which the policies admit.
  const inMesh = (p: V1Pod) => {
    const facts = podFacts(p);
    return facts.hasSidecar || facts.redirection === 'enabled' || (facts.namespace === input.namespace.name && wouldBeCaptured(p));
  };
  const sources: { name: string; source: TrafficSource }[] = (input.sourcePods ?? pods)
    .filter((p) => isLivePod(p) && p.spec?.hostNetwork !== true && inMesh(p))
    .map((p) => ({
      name: key(p),
      source: {
        kind: 'pod',
        namespace: p.metadata?.namespace ?? '',
        namespaceLabels: namespaceLabels.get(p.metadata?.namespace ?? '') ?? {},
        labels: p.metadata?.labels ?? {},
        ip: p.status?.podIP,
      },
    }));

  // Most senders have no egress policy: find the few that do once, not once per destination pod.
  const egressRestricted = sources.filter(({ source }) => source.kind === 'pod' && isolatingPolicies(policies, source, 'Egress').length > 0);
  const egressBlocked = new Set<string>();
  const egressPolicies = new Set<string>();
  const egressSenders = new Set<string>();
  const hboneBlocked: string[] = [];
  const hbonePolicies = new Set<string>();
  const lostSources = new Set<string>();
  const probeBlocked: string[] = [];
  const probePolicies = new Set<string>();
  const probeDetails: string[] = [];
  for (const pod of pods) {
    const dest = destination(pod);
    let lost = 0;
    let policiesHere: readonly string[] = [];
    // A pod no policy isolates admits everything, 15008 included.
    const ingressRestricted = isolatingPolicies(policies, dest).length > 0;
    for (const { name, source } of ingressRestricted ? sources : []) {
      if (name === key(pod)) continue;
      if (!admitsOnOtherPorts(policies, dest, source, HBONE_PORT)) continue;
      const verdict = ingressAllowed(policies, dest, source, HBONE_PORT);
      if (!verdict.allowed) {
        lost++;
        lostSources.add(name);
        policiesHere = verdict.policies;
      }
    }
    const peer: TrafficSource = { kind: 'pod', namespace: dest.namespace, namespaceLabels: namespaceLabels.get(dest.namespace) ?? {}, labels: dest.labels, ip: pod.status?.podIP };
    for (const { name, source } of egressRestricted) {
      if (name === key(pod) || source.kind !== 'pod') continue;
      if (!egressAllowed(policies, source, dest, peer, 'other').allowed) continue;
      const verdict = egressAllowed(policies, source, dest, peer, HBONE_PORT);
      if (!verdict.allowed) {
        egressBlocked.add(key(pod));
        egressSenders.add(name);
        for (const p of verdict.policies) egressPolicies.add(p);
      }
    }
    if (lost > 0) {
      hboneBlocked.push(key(pod));
      for (const p of policiesHere) hbonePolicies.add(p);
    }
    const blockedPorts = probePorts(pod).filter((port) => !ingressAllowed(policies, dest, { kind: 'ip', ip: PROBE_SOURCE_IP }, port).allowed);
    if (blockedPorts.length > 0) {
      probeBlocked.push(key(pod));
      for (const p of ingressAllowed(policies, dest, { kind: 'ip', ip: PROBE_SOURCE_IP }, blockedPorts[0]).policies) probePolicies.add(p);
      probeDetails.push(`${key(pod)}: ${blockedPorts.join(', ')}`);
    }
  }

  const findings: PreflightFinding[] = [];
  if (hboneBlocked.length > 0) {
    const shown = [...lostSources].slice(0, 5);
    const more = lostSources.size > shown.length ? ` and ${lostSources.size - shown.length} more` : '';
    findings.push({
      id: 'networkpolicy-hbone',
      severity: 'error',
      title: `NetworkPolicy drops HBONE (TCP ${HBONE_PORT}) to ${plural(hboneBlocked.length, 'pod')}`,
      pods: hboneBlocked,
      objects: [...hbonePolicies].map((p) => `NetworkPolicy ${p}`),
      why:
        `Once captured, mesh traffic to these pods arrives on port ${HBONE_PORT}. The policies let ${plural(lostSources.size, 'pod')} of the mesh (${shown.join(', ')}${more}) reach them on their own ports but not on ${HBONE_PORT}, ` +
        `so those connections time out (ztunnel logs "connection timed out, maybe a NetworkPolicy is blocking HBONE port ${HBONE_PORT}").`,
      fix: `Add \`{port: ${HBONE_PORT}, protocol: TCP}\` to the \`ports\` of the ingress rules that admit those sources (same \`from\`).`,
      docs: PREFLIGHT_DOCS.networkPolicy,
    });
  }
  if (egressBlocked.size > 0) {
    const senders = [...egressSenders];
    findings.push({
      id: 'networkpolicy-egress-hbone',
      severity: 'error',
      title: `Egress NetworkPolicies of ${plural(senders.length, 'sender')} drop HBONE (TCP ${HBONE_PORT}) to ${plural(egressBlocked.size, 'pod')}`,
      pods: [...egressBlocked],
      objects: [...egressPolicies].map((p) => `NetworkPolicy ${p}`),
      why:
        `${senders.slice(0, 5).join(', ')}${senders.length > 5 ? ` and ${senders.length - 5} more` : ''} may send to these pods on their own ports, but their namespace's egress rules do not allow ${HBONE_PORT}: ` +
        `once the pods are captured, ztunnel tunnels that traffic to ${HBONE_PORT} and it is dropped at the sender.`,
      fix: `Add \`{port: ${HBONE_PORT}, protocol: TCP}\` to the \`ports\` of those egress rules (same \`to\`).`,
      docs: PREFLIGHT_DOCS.networkPolicy,
    });
  }
  if (probeBlocked.length > 0) {
    findings.push({
      id: 'networkpolicy-probes',
      severity: 'error',
      title: `NetworkPolicy drops kubelet probes from ${PROBE_SOURCE_IP} to ${plural(probeBlocked.length, 'pod')}`,
      pods: probeBlocked,
      objects: [...probePolicies].map((p) => `NetworkPolicy ${p}`),
      why: `In captured pods istio-cni rewrites the source of kubelet health probes to ${PROBE_SOURCE_IP}; no ingress rule admits that address on the probed ports (${probeDetails.join('; ')}), so the pods go unready or are restarted.`,
      fix: `Add an ingress rule \`from: [{ipBlock: {cidr: ${PROBE_SOURCE_IP}/32}}]\` for the probe ports.`,
      docs: PREFLIGHT_DOCS.networkPolicy,
    });
  }
  return findings;
}

function sidecarFindings(input: PreflightInput, pods: readonly V1Pod[]): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const dataplane = namespaceDataplane(input.namespace.labels);
  if (dataplane.sidecar) {
    const labels = sidecarInjectionLabels(input.namespace.labels).map((l) => `${l.key}=${l.value}`);
    findings.push({
      id: 'sidecar-injection',
      severity: 'error',
      title: `Sidecar injection is on (${labels.join(', ')})`,
      pods: [],
      objects: [`Namespace ${input.namespace.name}`],
      why: 'Sidecar injection wins over ambient: new pods get an injected sidecar and ztunnel does not capture them.',
      fix: `Remove the label (\`kubectl label namespace ${input.namespace.name} ${labels.map((l) => `${l.split('=')[0]}-`).join(' ')}\`) when enrolling, then restart the workloads.`,
      docs: PREFLIGHT_DOCS.addWorkloads,
    });
  }
  const withSidecar = pods.filter((p) => podFacts(p).hasSidecar).map(key);
  const injectLabel = pods.filter((p) => !podFacts(p).hasSidecar && p.metadata?.labels?.['sidecar.istio.io/inject'] === 'true').map(key);
  if (withSidecar.length > 0 || injectLabel.length > 0) {
    findings.push({
      id: 'sidecar-pods',
      severity: 'warning',
      title: `${plural(withSidecar.length + injectLabel.length, 'pod')} run${withSidecar.length + injectLabel.length === 1 ? 's' : ''} or will get a sidecar`,
      pods: [...withSidecar, ...injectLabel],
      objects: [],
      why:
        'istio-cni skips pods that carry a sidecar (sidecar.istio.io/status), and sidecar.istio.io/inject=true on a pod injects one on its next start: ' +
        'these pods stay out of ambient until they restart without a sidecar.',
      fix: 'Turn injection off for them (namespace label, `sidecar.istio.io/inject` pod label), then restart their workloads.',
      docs: PREFLIGHT_DOCS.addWorkloads,
    });
  }
  return findings;
}

function exclusionFindings(pods: readonly V1Pod[]): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const hostNetwork = pods.filter((p) => p.spec?.hostNetwork === true).map(key);
  if (hostNetwork.length > 0) {
    findings.push({
      id: 'host-network',
      severity: 'warning',
      title: `${plural(hostNetwork.length, 'pod')} use${hostNetwork.length === 1 ? 's' : ''} the host network`,
      pods: hostNetwork,
      objects: [],
      why: 'Host-network pods share the node network namespace: ambient never captures them, so their traffic is not mTLS and ztunnel policies do not apply to them.',
      fix: 'Expect them outside the mesh; if they must be in it, run them without hostNetwork.',
      docs: PREFLIGHT_DOCS.addWorkloads,
    });
  }
  const optedOut = pods.filter((p) => p.metadata?.labels?.[DATAPLANE_MODE_LABEL] === 'none').map(key);
  if (optedOut.length > 0) {
    findings.push({
      id: 'opted-out',
      severity: 'info',
      title: `${plural(optedOut.length, 'pod')} opted out (${DATAPLANE_MODE_LABEL}=none)`,
      pods: optedOut,
      objects: [],
      why: 'The pod label wins over the namespace label: these pods stay out of the mesh.',
      fix: `Nothing, if intended; otherwise remove the pod label (\`kubectl label pod NAME ${DATAPLANE_MODE_LABEL}-\`).`,
      docs: PREFLIGHT_DOCS.addWorkloads,
    });
  }
  return findings;
}

function authorizationFindings(input: PreflightInput, pods: readonly V1Pod[]): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const namespace = input.namespace.name;
  for (const policy of input.authorizationPolicies ?? []) {
    const name = authorizationPolicyName(policy);
    const action = actionOf(policy);
    if (landsOnZtunnel(policy)) {
      const affected = pods.filter((p) => appliesToPod(policy, namespace, p.metadata?.labels ?? {})).map(key);
      if (affected.length === 0) continue;
      const rules = policy.spec?.rules ?? [];
      const l7 = rules.map(l7AttributesOf);
      const l7Rules = l7.filter((a) => a.length > 0);
      if (l7Rules.length === 0) continue;
      const attributes = [...new Set(l7Rules.flat())].join(', ');
      if (action === 'ALLOW') {
        const all = l7Rules.length === rules.length;
        findings.push({
          id: 'authz-l7-allow',
          severity: 'error',
          title: `ALLOW policy ${name} has HTTP-only rules that ztunnel cannot match`,
          pods: affected,
          objects: [`AuthorizationPolicy ${name}`],
          why:
            `Without a waypoint this policy is enforced by ztunnel, which sees only L4. ${all ? 'None of its rules' : `${plural(l7Rules.length, 'rule')} of ${rules.length}`} can match (${attributes}), ` +
            `and with an ALLOW policy present everything not allowed is denied: ${all ? 'all traffic to these pods is rejected' : 'traffic those rules were meant to allow is rejected'} ("allow policies exist, but none allowed").`,
          fix: 'Bind the namespace to a waypoint (`istioctl waypoint apply --enroll-namespace`) and attach the policy to it with `targetRefs`, or rewrite the rules with L4 attributes only.',
          docs: PREFLIGHT_DOCS.l4Policy,
        });
      } else if (action === 'DENY') {
        findings.push({
          id: 'authz-l7-deny',
          severity: 'warning',
          title: `DENY policy ${name} has HTTP-only rules: no effect on ztunnel`,
          pods: affected,
          objects: [`AuthorizationPolicy ${name}`],
          why: `ztunnel sees only L4 and cannot evaluate ${attributes}: the traffic this policy was meant to deny is let through.`,
          fix: 'Enforce it in a waypoint: attach the policy to the waypoint with `targetRefs`, after binding the namespace with `istio.io/use-waypoint`.',
          docs: PREFLIGHT_DOCS.l4Policy,
        });
      }
      continue;
    }
    for (const ref of targetRefsOf(policy)) {
      if (ref.kind !== 'Gateway') continue;
      const refNamespace = ref.namespace ?? policy.metadata?.namespace ?? '';
      if (input.gateways === undefined) continue;
      const exists = input.gateways.some((g) => g.metadata?.name === ref.name && g.metadata?.namespace === refNamespace);
      if (exists) continue;
      findings.push({
        id: 'authz-missing-waypoint',
        severity: 'error',
        title: `${action} policy ${name} targets waypoint ${refNamespace}/${ref.name ?? ''}, which does not exist`,
        pods: [],
        objects: [`AuthorizationPolicy ${name}`],
        why: `No Gateway ${refNamespace}/${ref.name ?? ''} exists, so nothing enforces this policy${action === 'ALLOW' ? '' : ': the traffic it should stop flows'}.`,
        fix: `Create the waypoint (\`istioctl waypoint apply -n ${refNamespace} --name ${ref.name ?? 'waypoint'}\`) and bind the namespace with \`${USE_WAYPOINT_LABEL}\`, or fix the policy's targetRefs.`,
        docs: PREFLIGHT_DOCS.waypoint,
      });
    }
  }
  return findings;
}

const WAYPOINT_ADVICE: Record<BindingProblemKind, { why: string; fix: string }> = {
  'missing-waypoint': {
    why: 'ztunnel redirects traffic only to a waypoint that exists: the L7 policies and routes meant for this traffic are not applied.',
    fix: `Fix the \`${USE_WAYPOINT_LABEL}\` value, or create the waypoint (\`istioctl waypoint apply -n <namespace> --name <name>\`).`,
  },
  'wrong-traffic-type': {
    why: 'A waypoint serves only the traffic its istio.io/waypoint-for names: pods need `workload` or `all`, Services `service` or `all`.',
    fix: 'Set istio.io/waypoint-for on the waypoint to `all` (or `workload`), or bind the Service instead of the pod.',
  },
  'not-programmed': {
    why: 'istiod has not programmed the waypoint (its Deployment or Service is not ready): traffic redirected to it fails.',
    fix: '`kubectl -n <namespace> describe gateway <name>` and the waypoint pod\'s logs tell why; fix that before relying on it.',
  },
};

/** `istio.io/use-waypoint` on the namespace or its pods naming a waypoint that is missing, serves other traffic, or is not programmed. */
function waypointFindings(input: PreflightInput, pods: readonly V1Pod[]): PreflightFinding[] {
  if (input.gateways === undefined) return [];
  const waypoints = input.gateways.map(waypointOf).filter((w): w is Waypoint => w !== undefined);
  const name = input.namespace.name;
  const problems = bindingProblems(declaredBinding(input.namespace.labels, name), 'namespace', `namespace ${name}`, waypoints).map((p) => ({ problem: p, pods: [] as string[] }));
  // Pods with their own label, grouped by the waypoint they name: one finding per waypoint, listing them.
  const byTarget = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const binding = declaredBinding(pod.metadata?.labels, name);
    if (binding.kind !== 'waypoint') continue;
    const target = `${binding.namespace}/${binding.name}`;
    byTarget.set(target, [...(byTarget.get(target) ?? []), pod]);
  }
  for (const group of byTarget.values()) {
    const binding = declaredBinding(group[0]!.metadata?.labels, name);
    const subject = group.length === 1 ? `pod ${key(group[0]!)}` : `${plural(group.length, 'pod')} (${group.map(key).join(', ')})`;
    for (const problem of bindingProblems(binding, 'workload', subject, waypoints)) problems.push({ problem, pods: group.map(key) });
  }
  return problems.map(({ problem, pods: affected }) => ({
    id: 'waypoint-binding' as const,
    severity: 'warning' as const,
    title: problem.message,
    pods: affected,
    objects: [],
    why: WAYPOINT_ADVICE[problem.kind].why,
    fix: WAYPOINT_ADVICE[problem.kind].fix,
    docs: PREFLIGHT_DOCS.waypoint,
  }));
}

function nodeAgentFindings(input: PreflightInput, pods: readonly V1Pod[]): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const agents: [PreflightFindingId, string, readonly NodeAgentPod[] | undefined, string][] = [
    ['cni-not-ready', 'istio-cni', input.cniPods, 'istio-cni sets up the redirection of new pods: without it they start uncaptured (or stay pending), and their traffic bypasses the mesh.'],
    ['ztunnel-not-ready', 'ztunnel', input.ztunnelPods, 'ztunnel proxies the captured pods of its node: without it their traffic is blocked.'],
  ];
  for (const [id, what, agentPods, why] of agents) {
    if (!agentPods) continue;
    const readyNodes = new Set(agentPods.filter((a) => a.ready && a.node).map((a) => a.node));
    const affected = pods.filter((p) => p.spec?.nodeName && !readyNodes.has(p.spec.nodeName));
    if (affected.length === 0) continue;
    const nodes = [...new Set(affected.map((p) => p.spec?.nodeName ?? ''))].sort();
    findings.push({
      id,
      severity: 'error',
      title: `${what} is not ready on ${plural(nodes.length, 'node')} (${nodes.join(', ')})`,
      pods: affected.map(key),
      objects: nodes.map((n) => `Node ${n}`),
      why,
      fix: `Fix ${what} first: \`kubectl -n istio-system get pods -o wide\` and read the not-ready pod's logs, then enroll.`,
      docs: PREFLIGHT_DOCS.troubleshootZtunnel,
    });
  }
  return findings;
}

function podStateFindings(pods: readonly V1Pod[]): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const pending = pods.filter((p) => p.metadata?.annotations?.[REDIRECTION_ANNOTATION] === 'pending').map(key);
  if (pending.length > 0) {
    findings.push({
      id: 'pods-pending',
      severity: 'error',
      title: `${plural(pending.length, 'pod')} already ${pending.length === 1 ? 'is' : 'are'} pending (${REDIRECTION_ANNOTATION}=pending)`,
      pods: pending,
      objects: [],
      why: 'istio-cni has set up their redirection but no ztunnel accepted them: their traffic is blocked now (istio/istio #61717).',
      fix: "Check the ztunnel on their nodes (its log shows whether it received the pod), then restart these pods' workloads.",
      docs: PREFLIGHT_DOCS.troubleshootZtunnel,
    });
  }
  const withInit = pods.filter((p) => (p.spec?.initContainers ?? []).some((c) => c.restartPolicy !== 'Always'));
  if (withInit.length > 0) {
    const names = withInit.map((p) => `${key(p)} (${(p.spec?.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always').map((c) => c.name).join(', ')})`);
    findings.push({
      id: 'init-containers',
      severity: 'warning',
      title: `${plural(withInit.length, 'pod')} ha${withInit.length === 1 ? 's' : 've'} init containers`,
      pods: withInit.map(key),
      objects: names,
      why:
        'Redirection is set up before init containers run: an init container that reaches the network before ztunnel has accepted the pod gets no connection ' +
        '(istio/istio #48854), and the pod never starts on its next restart.',
      fix: 'Make those init containers retry, or move the network step into the main container; if they must run first, opt the pod out with `istio.io/dataplane-mode=none`.',
      docs: PREFLIGHT_DOCS.trafficRedirection,
    });
  }
  return findings;
}

function unreadable(input: PreflightInput): PreflightFinding[] {
  return Object.entries(input.errors ?? {}).map(([what, error]) => ({
    id: 'unreadable' as const,
    severity: 'warning' as const,
    title: `Could not read ${what}`,
    pods: [],
    objects: [],
    why: `${error.replace(/\.$/, '')}: the checks that need it were skipped.`,
    fix: 'Check access to the cluster (the log has the request), then run the check again.',
    docs: PREFLIGHT_DOCS.troubleshootZtunnel,
  }));
}

/** Every check over one namespace of one cluster, worst first. */
export function evaluatePreflight(input: PreflightInput): PreflightReport {
  const pods = input.pods.filter(isLivePod);
  const captured = pods.filter(wouldBeCaptured);
  const findings = [
    ...unreadable(input),
    ...networkPolicyFindings(input, captured),
    ...sidecarFindings(input, pods),
    ...exclusionFindings(pods),
    ...authorizationFindings(input, captured),
    ...waypointFindings(input, pods),
    ...nodeAgentFindings(input, captured),
    ...podStateFindings(captured),
  ].sort((a, b) => ORDER[b.severity] - ORDER[a.severity]);
  return { context: input.context, namespace: input.namespace.name, findings, worst: worstSeverity(findings) };
}

/** One line per finding for the output log; one line for a clean namespace. */
export function preflightLogLines(report: PreflightReport): string[] {
  const where = `${report.namespace} (${report.context})`;
  if (report.error) return [`preflight: ${where}: not checked: ${report.error}`];
  if (report.findings.length === 0) return [`preflight: ${where}: no findings: ready to enroll`];
  return report.findings.map((f) => `preflight: ${where}: ${f.severity}: ${f.title}${f.pods.length > 0 ? ` [${f.pods.join(', ')}]` : ''}`);
}
