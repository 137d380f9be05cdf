// Authentication (x509 client certificates and bearer tokens) and a two-role authorizer that answers
// like RBAC: admins may do anything, viewers may get/list/watch (pods/log is a `get`) and nothing else.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FaultOptions } from './cluster';
import { findResource } from './resources';

export interface UserInfo {
  name: string;
  groups: string[];
}

/** Token that always answers 401, so tests can write a kubeconfig with expired credentials. */
export const expiredToken = 'expired-token';

export class Authenticator {
  private readonly tokens = new Map<string, UserInfo>();

  addToken(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(.+)$/i.exec(header);
      if (!m || m[1] === expiredToken) return undefined;
      return this.tokens.get(m[1].trim());
    }
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cert = socket.getPeerCertificate();
      const subject = cert?.subject as unknown as { CN?: string; O?: string | string[] } | undefined;
      if (subject?.CN) {
        const groups = subject.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
        return { name: subject.CN, groups: [...groups, 'system:authenticated'] };
      }
    }
    return undefined;
  }
}

export interface RequestAttributes {
  verb: string;
  group: string;
  /** `pods`, or `pods/exec` for a subresource. */
  resource: string;
  namespace?: string;
  name?: string;
}

const readVerbs = new Set(['get', 'list', 'watch']);

export function isAdmin(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}

/** Undefined when allowed; otherwise the RBAC-style reason. */
export function authorize(user: UserInfo, attrs: RequestAttributes, faults: FaultOptions): 'forbidden' | undefined {
  for (const rule of faults.forbid ?? []) {
    if (rule.verb !== '*' && rule.verb !== attrs.verb) continue;
    if (rule.resource !== '*' && rule.resource !== attrs.resource) continue;
    // As in the API server's RequestInfo, a namespace object is "in" its own namespace.
    const namespace = attrs.namespace ?? (attrs.resource.split('/')[0] === 'namespaces' ? attrs.name : undefined);
    if (rule.namespace && rule.namespace !== namespace) continue;
    if (rule.user && rule.user !== user.name) continue;
    return 'forbidden';
  }
  if (isAdmin(user)) return undefined;
  if (user.groups.includes('viewers') || user.name === 'viewer') {
    if (!readVerbs.has(attrs.verb)) return 'forbidden';
    if (attrs.resource === 'pods/exec' || attrs.resource === 'pods/portforward' || attrs.resource === 'pods/attach') return 'forbidden';
    return undefined;
  }
  return 'forbidden';
}

/** The message a real API server writes for an RBAC denial. */
export function forbiddenMessage(user: UserInfo, attrs: RequestAttributes): string {
  const [resource, sub] = attrs.resource.split('/');
  const qualified = attrs.group ? `${resource}.${attrs.group}` : resource;
  const subject = attrs.name ? `${qualified} "${attrs.name}"` : qualified;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${user.name}" cannot ${attrs.verb} resource "${sub ? `${resource}/${sub}` : resource}" in API group "${attrs.group}" ${scope}`;
}

export const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/**
 * POST selfsubjectaccessreviews: the same authorizer that guards every request answers "may I?", so a
 * viewer context learns it is read-only before its first write fails. The response has the shape of
 * kube-apiserver 1.35's (`status.allowed`, an RBAC-style `reason` when allowed, nothing more when denied).
 */
export function selfSubjectAccessReview(user: UserInfo, body: unknown, faults: FaultOptions): unknown {
  const spec = (body as { spec?: { resourceAttributes?: Record<string, unknown> } } | undefined)?.spec ?? {};
  const ra = spec.resourceAttributes ?? {};
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const resource = text(ra.resource) ?? '';
  const subresource = text(ra.subresource);
  const attrs: RequestAttributes = {
    verb: text(ra.verb) ?? '',
    group: text(ra.group) ?? '',
    resource: subresource ? `${resource}/${subresource}` : resource,
    // kubectl sends its default namespace even for cluster-scoped resources; RBAC ignores it there.
    namespace: findResource(text(ra.group) ?? '', resource)?.namespaced === false ? undefined : text(ra.namespace),
    name: text(ra.name),
  };
  const allowed = authorize(user, attrs, faults) === undefined;
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: allowed
      ? { allowed: true, reason: isAdmin(user) ? 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' : 'RBAC: allowed by ClusterRoleBinding "view" of ClusterRole "view" to Group "viewers"' }
      : { allowed: false },
  };
}
