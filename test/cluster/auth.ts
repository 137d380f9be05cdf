// Authentication (x509 client certificates and bearer tokens) and a two-role authorizer that answers
// like RBAC: admins may do anything, viewers may get/list/watch (pods/log is a `get`) and nothing else.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FaultOptions } from './cluster';

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
