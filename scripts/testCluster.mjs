// Runs the two-cluster test cluster (test/cluster/main.ts) as a child process group, for the test
// runners and the demo. A process of its own: the cluster keeps serving while the caller blocks on
// other work, and stopping its group stops everything it started.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { spawnGroup, waitFor } from './codeServer.mjs';
import { envWithProjectNode, projectRoot } from './projectNode.mjs';

export const clusterMain = join(projectRoot, 'test/cluster/main.ts');

/** A free loopback port (the kernel picks one; we release it for the child to bind). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the test cluster writing its kubeconfig to `kubeconfigPath`, waits for its `ready` line.
 * @returns {Promise<{kubeconfigPath: string, controlUrl: string, logFile: string, exited: Promise<unknown>, stop: () => Promise<void>}>}
 */
export async function startClusterProcess({ kubeconfigPath, logFile, controlPort, timeoutMs = 120_000 }) {
  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  const tsx = join(projectRoot, 'node_modules/.bin/tsx');
  const args = [clusterMain, '--kubeconfig', kubeconfigPath];
  if (controlPort !== undefined) args.push('--control-port', String(controlPort));
  const cluster = spawnGroup(tsx, args, { env: envWithProjectNode(), cwd: projectRoot, logFile });
  let readyLine;
  try {
    // main.ts prints `test cluster ready in N ms: kubeconfig=... cluster-1=https://... control=http://...`
    readyLine = await waitFor(
      () => {
        cluster.assertRunning();
        return cluster.tail().split('\n').find((line) => /\bready\b/.test(line));
      },
      { timeoutMs, describe: () => `no "ready" line within ${timeoutMs / 1000} s` },
    );
  } catch (error) {
    await cluster.stop();
    throw new Error(`the test cluster (${clusterMain}) did not start: ${error.message}\n--- its output (${logFile}) ---\n${cluster.tail()}`);
  }
  const controlUrl = /\bcontrol=(\S+)/.exec(readyLine)?.[1] ?? (controlPort !== undefined ? `http://127.0.0.1:${controlPort}` : undefined);
  if (!controlUrl) {
    await cluster.stop();
    throw new Error(`the test cluster's ready line does not name its control endpoint: ${readyLine}`);
  }
  return { kubeconfigPath, controlUrl, logFile, exited: cluster.exited, stop: cluster.stop };
}
