// ztunnel's words for a connection its L4 authorization refused, as the access log's `error` carries them
// (istio/ztunnel src/proxy.rs Error::AuthorizationPolicyRejection, the reasons from src/state.rs):
// `connection closed due to policy rejection: explicitly denied by: <ns>/<name>` and
// `…: allow policies exist, but none allowed`. Pure: the log view and the policy evaluator share them.

export const POLICY_REJECTION_PREFIX = 'connection closed due to policy rejection: ';
export const EXPLICITLY_DENIED_BY = 'explicitly denied by: ';
export const NONE_ALLOWED = 'allow policies exist, but none allowed';

export type PolicyRejection =
  | { readonly kind: 'denied'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'none-allowed' };

/** Reads ztunnel's rejection from an `error` value; undefined for any other error. */
export function parseRejection(error: string): PolicyRejection | undefined {
  const at = error.indexOf(POLICY_REJECTION_PREFIX);
  if (at === -1) return undefined;
  const rest = error.slice(at + POLICY_REJECTION_PREFIX.length);
  if (rest.startsWith(EXPLICITLY_DENIED_BY)) {
    const m = /^([^/\s]+)\/([^/\s"]+)/.exec(rest.slice(EXPLICITLY_DENIED_BY.length));
    return m ? { kind: 'denied', namespace: m[1]!, name: m[2]! } : undefined;
  }
  return rest.startsWith(NONE_ALLOWED) ? { kind: 'none-allowed' } : undefined;
}

/** `denied by accounts/deny-finance` / `no ALLOW policy matched`: the rejection in the view's words. */
export function rejectionSentence(rejection: PolicyRejection): string {
  return rejection.kind === 'denied' ? `Denied by ${rejection.namespace}/${rejection.name}` : 'Denied: ALLOW policies apply, but none allowed it';
}
