// Shared set-up for the kube layer's integration tests: the in-process test cluster, clients built from its
// kubeconfig, and small polling helpers.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { KubeClientsOptions } from '../../src/kube/kubeClients';
import type { KubeClients, KubeLogger } from '../../src/kube/types';
import { startTestCluster } from '../cluster/testCluster';

export type TestCluster = Awaited<ReturnType<typeof startTestCluster>>;

export async function startCluster(options: Parameters<typeof startTestCluster>[0] = {}): Promise<TestCluster> {
  return startTestCluster(options);
}

export interface RecordingLogger extends KubeLogger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (c, m) => lines.push(`info [${c}] ${m}`),
    warn: (c, m) => lines.push(`warn [${c}] ${m}`),
    error: (c, m) => lines.push(`error [${c}] ${m}`),
  };
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-int-'));
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

/** A port on 127.0.0.1 with nothing listening. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
