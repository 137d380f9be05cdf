#!/usr/bin/env node
// `npm run demo`: the extension, built from this source tree, in a real VS Code (code-server) against the
// two-cluster test cluster. Prints the URL to open and serves until Ctrl-C, then stops everything it
// started (each piece is its own process group).
//
//   npm run demo                              http://127.0.0.1:<free port>/
//   DEMO_HOST=0.0.0.0 DEMO_PORT=8080 npm run demo   to open it from another machine (no auth!)
//
// Everything lives in .demo/ (or DEMO_DIR): kubeconfig (also for kubectl, or for desktop VS Code's "Run Extension"),
// cluster.log, code-server/code-server.log, a workspace folder. Rebuild with `npm run build` and reload the
// browser window to pick up changes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCodeServer } from './codeServer.mjs';
import { envWithProjectNode, projectNodeBin, projectRoot } from './projectNode.mjs';
import { startClusterProcess } from './testCluster.mjs';

// DEMO_DIR: another folder (the UI test of the demo uses one of its own, leaving a running demo alone).
const demoDir = process.env.DEMO_DIR ? resolve(process.env.DEMO_DIR) : join(projectRoot, '.demo');

function buildExtension() {
  const result = spawnSync(projectNodeBin(), ['esbuild.mjs'], { cwd: projectRoot, env: envWithProjectNode(), stdio: 'inherit', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`\`node esbuild.mjs\` failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/**
 * An extensions folder holding only a link to the source tree. Recreated each run: code-server ignores a
 * folder it finds that an existing extensions.json does not list.
 */
function linkExtension() {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  const extensionsDir = join(demoDir, 'extensions');
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  symlinkSync(projectRoot, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  return extensionsDir;
}

async function main() {
  const running = [];
  let stopping;
  const stopAll = (code) => {
    stopping ??= (async () => {
      console.log('\nStopping the demo...');
      for (const stop of running.reverse()) await stop().catch((error) => console.error(error.message));
      console.log('Stopped.');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    buildExtension();
    mkdirSync(demoDir, { recursive: true });
    console.log('Starting the test cluster...');
    const cluster = await startClusterProcess({ kubeconfigPath: join(demoDir, 'kubeconfig'), logFile: join(demoDir, 'cluster.log') });
    running.push(cluster.stop);

    const dataDir = join(demoDir, 'code-server');
    rmSync(dataDir, { recursive: true, force: true });
    const workspace = join(demoDir, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    // The demo's clusters are the labs: their namespaces are expected enrolled on both (a workspace setting the
    // user can see and change, as they would for their own clusters).
    writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'ambient.health.expectedNamespaces': ['finance', 'accounts', 'prometheus'] }, null, 2)}\n`);
    console.log('Starting code-server...');
    const server = await startCodeServer({
      dataDir,
      extensionsDir: linkExtension(),
      env: { KUBECONFIG: cluster.kubeconfigPath, AMBIENT_TEST_CONTROL_URL: cluster.controlUrl },
      host: process.env.DEMO_HOST ?? '127.0.0.1',
      port: Number(process.env.DEMO_PORT ?? 0),
    });
    running.push(server.stop);

    void cluster.exited.then(() => {
      if (stopping) return;
      console.error(`The test cluster exited unexpectedly (see ${cluster.logFile}).`);
      void stopAll(1);
    });
    void server.exited.then(() => {
      if (stopping) return;
      console.error(`code-server exited unexpectedly (see ${server.logFile}).`);
      void stopAll(1);
    });
    console.log(`
Ambient Mesh demo is ready. Open:

    ${server.url}/?folder=${encodeURIComponent(workspace)}

  kubeconfig   ${cluster.kubeconfigPath}   (contexts cluster-1, cluster-2, cluster-1-viewer, cluster-2-viewer)
  logs         ${cluster.logFile}, ${server.logFile}
Press Ctrl-C to stop.`);
  } catch (error) {
    console.error(`The demo could not start: ${error.message}`);
    await stopAll(1);
  }
}

await main();
