// Waypoints: which Gateways are waypoints, what traffic each serves, whether istiod has programmed it, and which
// waypoint a namespace, Service or pod is bound to. Pure; the rules are Istio's (istio.io "Configure waypoint
// proxies", istio/istio pilot's ambient index):
// - a waypoint is a Gateway API Gateway (`gateway.networking.k8s.io/v1`) with `gatewayClassName: istio-waypoint`;
// - `istio.io/waypoint-for` on it says what it serves: `service` (the default: traffic addressed to a Service),
//   `workload` (traffic addressed to a pod IP), `all`, or `none`;
// - `istio.io/use-waypoint: <name>` on a namespace, Service or pod binds it (the Service's or pod's own label wins
//   over its namespace's; `#none` opts it out), `istio.io/use-waypoint-namespace` names the waypoint's namespace
//   when it is not the object's own. A label value cannot hold `/`, so there is no `<ns>/<name>` form;
// - a pod bound to a waypoint that serves only `service` traffic gets no waypoint (istioctl's WAYPOINT column
//   shows None), and likewise a Service bound to a `workload`-only waypoint.
import { USE_WAYPOINT_LABEL, USE_WAYPOINT_NAMESPACE_LABEL, WAYPOINT_FOR_LABEL } from './labels';

export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';
/** The opt-out value of `istio.io/use-waypoint`. */
export const NO_WAYPOINT = '#none';

export type WaypointTrafficType = 'service' | 'workload' | 'all' | 'none';

/** The parts of a Gateway the rules read (as the API returns it). */
export interface GatewayObject {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: { readonly gatewayClassName?: string };
  readonly status?: {
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string }[];
  };
}

export interface Waypoint {
  readonly namespace: string;
  readonly name: string;
  readonly trafficType: WaypointTrafficType;
  /** The label's text when it is none of the four values (reported; the rules here read it as `service`). */
  readonly invalidTrafficType?: string;
  /** `Programmed` condition: true / false, or undefined while istiod has not reported it. */
  readonly programmed: boolean | undefined;
  /** The condition's reason and message, for a waypoint that is not programmed. */
  readonly programmedDetail?: string;
}

export function isWaypointGateway(gateway: GatewayObject): boolean {
  return gateway.spec?.gatewayClassName === WAYPOINT_GATEWAY_CLASS;
}

const TRAFFIC_TYPES: ReadonlySet<string> = new Set(['service', 'workload', 'all', 'none']);

/** The waypoint a Gateway is, or undefined when it is another kind of Gateway. */
export function waypointOf(gateway: GatewayObject): Waypoint | undefined {
  if (!isWaypointGateway(gateway)) return undefined;
  const label = gateway.metadata?.labels?.[WAYPOINT_FOR_LABEL];
  const known = label === undefined || TRAFFIC_TYPES.has(label);
  const condition = gateway.status?.conditions?.find((c) => c.type === 'Programmed');
  const programmed = condition === undefined ? undefined : condition.status === 'True';
  const detail = condition && !programmed ? [condition.reason, condition.message].filter(Boolean).join(': ') : undefined;
  return {
    namespace: gateway.metadata?.namespace ?? '',
    name: gateway.metadata?.name ?? '',
    trafficType: known && label !== undefined ? (label as WaypointTrafficType) : 'service',
    ...(known ? {} : { invalidTrafficType: label }),
    programmed,
    ...(detail ? { programmedDetail: detail } : {}),
  };
}

/** What an object's labels say about its waypoint: bound to one, opted out, or nothing (inherit). */
export type WaypointBinding =
  | { readonly kind: 'waypoint'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'opt-out' }
  | { readonly kind: 'unset' };

const UNSET: WaypointBinding = { kind: 'unset' };
const OPT_OUT: WaypointBinding = { kind: 'opt-out' };

/** The binding an object's own labels declare; `namespace` is the object's namespace. */
export function declaredBinding(labels: Readonly<Record<string, string>> | undefined, namespace: string): WaypointBinding {
  const name = labels?.[USE_WAYPOINT_LABEL];
  if (name === undefined || name === '') return UNSET;
  if (name === NO_WAYPOINT) return OPT_OUT;
  return { kind: 'waypoint', namespace: labels?.[USE_WAYPOINT_NAMESPACE_LABEL] || namespace, name };
}

/** The binding in force for a Service or pod: its own label, else its namespace's. */
export function effectiveBinding(
  objectLabels: Readonly<Record<string, string>> | undefined,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  namespace: string,
): WaypointBinding {
  const own = declaredBinding(objectLabels, namespace);
  return own.kind !== 'unset' ? own : declaredBinding(namespaceLabels, namespace);
}

/** Whether a waypoint serves traffic addressed to this kind of object. */
export function serves(waypoint: Pick<Waypoint, 'trafficType'>, addressedTo: 'service' | 'workload'): boolean {
  return waypoint.trafficType === 'all' || waypoint.trafficType === addressedTo;
}

/** What can be wrong with a binding (bindingProblems), and with a waypoint itself (waypointProblems). */
export type BindingProblemKind = 'missing-waypoint' | 'wrong-traffic-type' | 'not-programmed';
export type WaypointProblemKind = BindingProblemKind | 'not-enrolled' | 'invalid-traffic-type';

export interface WaypointProblem<Kind extends WaypointProblemKind = WaypointProblemKind> {
  readonly kind: Kind;
  /** One sentence a user can act on. */
  readonly message: string;
}

/** The nearest waypoint name to a name that matches none (a typo), when one is close. */
function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * What is wrong with a binding, given the waypoints that exist: the named waypoint is missing (with the name it
 * was probably meant to be), serves the other kind of traffic, or is not programmed. `subject` names the bound
 * object in the sentence (`namespace accounts`, `Service accounts/api`, `pod accounts/api-1`).
 */
export function bindingProblems(
  binding: WaypointBinding,
  addressedTo: 'service' | 'workload' | 'namespace',
  subject: string,
  waypoints: readonly Waypoint[],
): WaypointProblem<BindingProblemKind>[] {
  if (binding.kind !== 'waypoint') return [];
  const target = `${binding.namespace}/${binding.name}`;
  const found = waypoints.find((w) => w.namespace === binding.namespace && w.name === binding.name);
  if (found === undefined) {
    const guess = nearest(binding.name, waypoints.filter((w) => w.namespace === binding.namespace).map((w) => w.name));
    return [
      {
        kind: 'missing-waypoint',
        message:
          `Waypoint ${target}, used by ${subject}, does not exist: that traffic goes through no waypoint.` +
          (guess ? ` Did you mean ${guess}?` : ''),
      },
    ];
  }
  const problems: WaypointProblem<BindingProblemKind>[] = [];
  if (addressedTo !== 'namespace' && !serves(found, addressedTo)) {
    problems.push({
      kind: 'wrong-traffic-type',
      message: `Waypoint ${target}, used by ${subject}, serves ${found.trafficType} traffic only (istio.io/waypoint-for): traffic addressed to ${addressedTo === 'service' ? 'a Service' : 'a pod'} skips it.`,
    });
  }
  if (found.programmed === false) {
    problems.push({ kind: 'not-programmed', message: `Waypoint ${target} is not Programmed${found.programmedDetail ? ` (${found.programmedDetail})` : ''}.` });
  }
  return problems;
}

/** Problems of a waypoint itself: its namespace is not in ambient, or its traffic type is not one Istio knows. */
export function waypointProblems(waypoint: Waypoint, namespaceAmbient: boolean): WaypointProblem[] {
  const problems: WaypointProblem[] = [];
  const target = `${waypoint.namespace}/${waypoint.name}`;
  if (!namespaceAmbient) {
    problems.push({
      kind: 'not-enrolled',
      message: `Waypoint ${target} is in namespace ${waypoint.namespace}, which is not in ambient mode: workloads there are not captured by ztunnel.`,
    });
  }
  if (waypoint.invalidTrafficType !== undefined) {
    problems.push({
      kind: 'invalid-traffic-type',
      message: `Waypoint ${target} has istio.io/waypoint-for=${waypoint.invalidTrafficType}, which is none of service, workload, all, none (a typo?).`,
    });
  }
  return problems;
}
