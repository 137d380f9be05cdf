// Manifests more than one kubectl test applies, in the shape Istio 1.28 accepts (security.istio.io/v1).

/** accounts admits the finance curl client by its SPIFFE principal (ztunnel-enforced: a selector, no targetRefs). */
export const ALLOW_FINANCE_BY_PRINCIPAL = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: accounts-allow-finance
  namespace: accounts
spec:
  selector:
    matchLabels:
      app: accounts
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/finance/sa/curl"]
`;
