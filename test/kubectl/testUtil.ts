// Small helpers shared by the kubectl referee tests.
import type { RunningTestCluster } from '../cluster/testCluster';

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Poll until `check` returns a truthy value (returned), or fail after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | Promise<T>, timeoutMs = 5000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Lines a pod's container has emitted, as the control endpoint reports them. */
export async function emittedLines(cluster: RunningTestCluster, clusterName: string, pod: string, namespace = 'istio-system'): Promise<string[]> {
  const res = await fetch(`${cluster.controlUrl}/logs?cluster=${clusterName}&namespace=${namespace}&pod=${pod}&format=json`);
  if (!res.ok) throw new Error(`control /logs: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { lines: string[] }).lines;
}

export async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}
