// Workload identity: the SPIFFE ID ztunnel presents for a pod, and the trust domain it is built from.

export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`, as Istio issues it. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * The trust domain set in the `mesh` key of the `istio` ConfigMap (meshConfig YAML), or undefined when it
 * is not set there. Only the top-level `trustDomain:` key counts (indented keys belong to nested maps such
 * as `defaultConfig`); a full YAML parser would be a dependency for one scalar.
 */
export function trustDomainFromMeshConfig(meshYaml: string | undefined): string | undefined {
  if (!meshYaml) return undefined;
  for (const line of meshYaml.split(/\r?\n/)) {
    const match = /^trustDomain\s*:\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[1].trim();
    if (value.startsWith('"') || value.startsWith("'")) {
      const quote = value[0];
      const end = value.indexOf(quote, 1);
      value = end > 0 ? value.slice(1, end) : value.slice(1);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    return value === '' || value === 'null' || value === '~' ? undefined : value;
  }
  return undefined;
}
