// Turn a failed write into one sentence a user can act on. A 403 names the verb, resource, namespace and
// user, and says which RBAC grant is missing (with the kubectl commands that would grant it); a 404 on a
// namespace says it does not exist (we never create it). Pure: no `vscode`.
import { messageOf } from '../mesh/problems';
import { denialOf, reasonOf } from '../kube/errors';

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

/** Who was refused: the API server's name for the user (from the kube layer's denial), else the kubeconfig's. */
function refusedUser(error: unknown, request: WriteRequest): string {
  return denialOf(error)?.user ?? request.user ?? 'the current user';
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

/** A failed write: `message` is the one sentence a user reads; `hint` (the RBAC recipe) goes behind Show Details. */
export class WriteFailure extends Error {
  constructor(
    message: string,
    readonly hint: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WriteFailure';
  }
}

/**
 * One sentence explaining why the write failed. A 403 says which context may not do what and to use one
 * that can write: granting cluster-wide patch to a read-only user is rarely what anyone wants, so the RBAC
 * recipe is only the hint (see `writeFailureHint`).
 */
export function describeWriteFailure(error: unknown, request: WriteRequest): string {
  const reason = reasonOf(error);
  const message = messageOf(error);
  if (reason === 'forbidden') {
    const user = refusedUser(error, request);
    return `Forbidden: ${request.context} (user "${user}") may not ${request.verb} ${request.resource} "${request.name}"${where(request)}; use a context that can write.`;
  }
  if (reason === 'not-found') {
    if (!request.namespace) return `Namespace "${request.name}" does not exist in context ${request.context} (not created).`;
    return `${request.resource} "${request.name}" no longer exists in namespace "${request.namespace}" (context ${request.context}).`;
  }
  return message;
}

/** For a 403: the RBAC grant that would allow the write, as kubectl commands (shown behind Show Details). */
export function writeFailureHint(error: unknown, request: WriteRequest): string | undefined {
  if (reasonOf(error) !== 'forbidden') return undefined;
  return rbacHint(request, refusedUser(error, request));
}

/** The WriteFailure to throw for a failed write. */
export function writeFailure(error: unknown, request: WriteRequest): WriteFailure {
  return new WriteFailure(describeWriteFailure(error, request), writeFailureHint(error, request), { cause: error });
}
