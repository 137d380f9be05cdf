// What went wrong talking to a cluster, in one sentence a user can act on.
import { reasonOf } from '../kube/errors';
import type { KubeErrorReason } from '../kube/types';

export interface ClusterProblem {
  readonly reason: KubeErrorReason;
  /** One sentence for the tree. */
  readonly sentence: string;
  /** The underlying error text, for the log only. */
  readonly detail: string;
}


/** An error's message (its text when something else was thrown). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}


export function sentenceFor(reason: KubeErrorReason, context: string): string {
  switch (reason) {
    case 'no-kubeconfig':
      return 'No kubeconfig found.';
    case 'bad-kubeconfig':
      return `The kubeconfig entry for ${context} is incomplete or does not parse.`;
    case 'unreachable':
      return `Cannot reach the API server of ${context}.`;
    case 'timeout':
      return `The API server of ${context} did not answer in time.`;
    case 'tls':
      return `The API server certificate of ${context} is not trusted.`;
    case 'unauthorized':
      return `The credentials for ${context} were rejected: log in again.`;
    case 'forbidden':
      return `Your user may not list namespaces and pods in ${context}.`;
    case 'exec-plugin-missing':
      return `The credential plugin for ${context} was not found on PATH.`;
    case 'exec-plugin-failed':
      return `The credential plugin for ${context} failed.`;
    case 'server-error':
      return `The API server of ${context} reported an internal error.`;
    case 'stream-dropped':
      return `The connection to ${context} dropped.`;
    default:
      return `Could not load ${context}.`;
  }
}

export function problemFrom(error: unknown, context: string): ClusterProblem {
  const reason = reasonOf(error);
  const detail = messageOf(error);
  // The kube layer's errors already carry one user-facing sentence naming the context: prefer it.
  const kubeSentence = reason !== 'unknown' && detail.length > 0 && detail.length <= 240 && !detail.includes('\n') ? detail : undefined;
  return { reason, sentence: kubeSentence ?? sentenceFor(reason, context), detail };
}
