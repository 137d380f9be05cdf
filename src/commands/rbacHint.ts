// Turn a failed write into one sentence a user can act on. A 403 names the verb, resource, namespace and
// user, and says which RBAC grant is missing (with the kubectl commands that would grant it); a 404 on a
// namespace says it does not exist (we never create it). Pure: no `vscode`.
import { messageOf, reasonOf } from '../mesh/problems';

/** The write that failed, as the command knows it (not parsed back from the error). */
export interface WriteRequest {
  readonly context: string;
  /** The kubeconfig user of the context (the API server's own name for the user wins when it says one). */
  readonly user?: string;
  readonly verb: 'patch';
  /** Plural resource with its API group, as RBAC names it: `namespaces`, `deployments.apps`. */
  readonly resource: string;
  /** Namespace of a namespaced object; absent for namespaces themselves (cluster-scoped). */
  readonly namespace?: string;
  readonly name: string;
}

/** The API server's Status message names the authenticated user (`User "viewer" cannot patch ...`). */
function userFromMessage(message: string): string | undefined {
  return /user "([^"]+)"/i.exec(message)?.[1];
}

function where(request: WriteRequest): string {
  return request.namespace ? ` in namespace "${request.namespace}"` : '';
}

/** What RBAC would allow the request, as the commands that grant it. */
export function rbacHint(request: WriteRequest, user: string): string {
  const subject = `--user=${user}`;
  if (!request.namespace) {
    const role = `ambient-${request.resource.split('.')[0]}-${request.verb}`;
    return (
      `Missing RBAC: a ClusterRole allowing "${request.verb}" on ${request.resource} (cluster-scoped), bound to ${user}, e.g. ` +
      `kubectl create clusterrole ${role} --verb=get,list,watch,${request.verb} --resource=${request.resource} && ` +
      `kubectl create clusterrolebinding ${role} --clusterrole=${role} ${subject}`
    );
  }
  const role = `ambient-workload-restart`;
  return (
    `Missing RBAC: a Role in namespace "${request.namespace}" allowing "${request.verb}" on ${request.resource}, bound to ${user}, e.g. ` +
    `kubectl -n ${request.namespace} create role ${role} --verb=get,list,watch,${request.verb} --resource=deployments.apps,statefulsets.apps,daemonsets.apps && ` +
    `kubectl -n ${request.namespace} create rolebinding ${role} --role=${role} ${subject}`
  );
}

/** One sentence (plus a hint for 403) explaining why the write failed. */
export function describeWriteFailure(error: unknown, request: WriteRequest): string {
  const reason = reasonOf(error);
  const message = messageOf(error);
  if (reason === 'forbidden') {
    const user = userFromMessage(message) ?? request.user ?? 'the current user';
    return (
      `Forbidden (403): user "${user}" cannot ${request.verb} ${request.resource} "${request.name}"${where(request)} ` +
      `(context ${request.context}). ${rbacHint(request, user)}`
    );
  }
  if (reason === 'not-found') {
    if (!request.namespace) return `Namespace "${request.name}" does not exist in context ${request.context} (not created).`;
    return `${request.resource} "${request.name}" no longer exists in namespace "${request.namespace}" (context ${request.context}).`;
  }
  return message;
}
