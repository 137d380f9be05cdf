// Shared set-up for the kube layer's integration tests: the in-process test cluster, clients built from its
// kubeconfig, and small polling helpers (the logger and port helpers are the unit tests', fakeApiServer.ts).
import fs from 'node:fs';
import path from 'node:path';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { KubeClientsOptions } from '../../src/kube/kubeClients';
import type { KubeClients } from '../../src/kube/types';
import { startTestCluster } from '../cluster/testCluster';
import { tempDir } from '../unit/kube/fakeApiServer';

export type TestCluster = Awaited<ReturnType<typeof startTestCluster>>;

export async function startCluster(options: Parameters<typeof startTestCluster>[0] = {}): Promise<TestCluster> {
  return startTestCluster(options);
}

export function clientsFor(kubeconfigPath: string, options: Partial<KubeClientsOptions> = {}): KubeClients {
  return createKubeClients({ kubeconfigPaths: [kubeconfigPath], watchFiles: false, requestTimeoutMs: 10_000, ...options });
}

/** Poll until `condition` holds (it may be async), or fail after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return;
    if (Date.now() - started > ms) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A kubeconfig that adds contexts to the test cluster's: `dead` (a closed port), `expired` (cluster-1 with
 * the token the server always rejects). Built with the YAML-as-JSON trick from the cluster's own file.
 */
export function extendedKubeconfig(cluster: TestCluster, extra: { deadServer: string }): string {
  const dir = tempDir('kube-int-');
  const file = path.join(dir, 'extra.kubeconfig');
  const cluster1Server = serverOf(cluster, 'cluster-1');
  const clusterEntry = (name: string, server: string) => `- name: ${name}\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\n`;
  fs.writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      clusterEntry('dead', extra.deadServer),
      clusterEntry('expired-cluster', cluster1Server),
      'users:',
      '- name: expired-user\n  user:\n    token: expired-token\n',
      'contexts:',
      '- name: dead\n  context:\n    cluster: dead\n    user: expired-user\n',
      '- name: expired\n  context:\n    cluster: expired-cluster\n    user: expired-user\n',
    ].join('\n'),
  );
  return file;
}

/** The API server URL of a context of the test cluster, read from its kubeconfig. */
export function serverOf(cluster: TestCluster, context: string): string {
  const clients = clientsFor(cluster.kubeconfigPath);
  try {
    const server = clients.state().contexts.find((c) => c.name === context)?.server;
    if (!server) throw new Error(`no server for ${context}`);
    return server;
  } finally {
    clients.dispose();
  }
}
