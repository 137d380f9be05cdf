// The UI test runner: `npm run test:ui` (all test/e2e/*.e2e.ts) or `npm run test:ui -- explorer`
// (files whose name contains "explorer").
//
// 1. builds the extension and packages it with `vsce package` (so packaging is tested too),
// 2. installs the VSIX with `code-server --install-extension` into .test-output/e2e/extensions,
// 3. starts the two-cluster test cluster,
// 4. runs the UI test files one at a time with node:test; each test starts its own code-server and
//    chromium through test/e2e/harness.ts,
// 5. stops the cluster.
// Screenshots: .test-output/screenshots/<test>/NN-<step>.png (always kept). On failure the test's
// run's folder .test-output/e2e/run-<time>-<pid>/ is kept too: <test>/code-server.log, cluster.log, tests.log.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, globSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerDirs, installExtension, spawnGroup, withTimeout } from '../../scripts/codeServer.mjs';
import { envWithProjectNode, projectNodeBin, projectRoot } from '../../scripts/projectNode.mjs';
import { startClusterProcess } from '../../scripts/testCluster.mjs';
import { kubectlPath } from '../kubectl/kubectl';
import { e2eOutputDir } from './harness';

const vsixPath = join(projectRoot, 'dist/ambient-mesh.vsix');
const TEST_TIMEOUT_MS = 5 * 60_000;
const RUN_TIMEOUT_MS = 25 * 60_000;

function step(title: string, command: string, args: string[], timeoutMs = 180_000): void {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    env: envWithProjectNode(),
    stdio: ['ignore', 'inherit', 'inherit'], // stdin closed: vsce must never wait on a prompt
    timeout: timeoutMs,
  });
  if (result.status !== 0) {
    throw new Error(`${title} failed (${result.error?.message ?? (result.signal ? `killed by ${result.signal}` : `exit ${result.status}`)})`);
  }
  console.log(`${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = globSync('test/e2e/*.e2e.ts', { cwd: projectRoot })
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
  if (files.length === 0) throw new Error(`no UI test files match ${filters.join(', ') || 'test/e2e/*.e2e.ts'}`);

  // One folder per run (teammates' runs may overlap); removed when every test passed.
  const runDir = join(e2eOutputDir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });

  step('build (production)', projectNodeBin(), ['esbuild.mjs', '--production']);
  const packaged = Date.now();
  step('vsce package', 'npm', ['run', '--silent', 'package']);
  if (!existsSync(vsixPath) || statSync(vsixPath).mtimeMs < packaged - 1000) throw new Error(`vsce package did not write ${vsixPath}`);
  // Our own copy: another run may repackage dist/ambient-mesh.vsix while we install.
  const vsix = join(runDir, 'ambient-mesh.vsix');
  copyFileSync(vsixPath, vsix);
  const installDirs = codeServerDirs(join(runDir, 'install'));
  const installed = Date.now();
  await installExtension(installDirs, vsix);
  console.log(`code-server --install-extension: ${((Date.now() - installed) / 1000).toFixed(1)} s`);

  const cluster = await startClusterProcess({
    kubeconfigPath: join(runDir, 'kubeconfig'),
    logFile: join(runDir, 'cluster.log'),
  });
  process.once('SIGTERM', () => void cluster.stop().then(() => process.exit(143)));
  try {
    const tests = spawnGroup(
      join(projectRoot, 'node_modules/.bin/tsx'),
      ['--test', '--test-concurrency=1', '--test-reporter=spec', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files],
      {
        cwd: projectRoot,
        env: envWithProjectNode({
          AMBIENT_E2E_RUN_DIR: runDir,
          AMBIENT_E2E_EXTENSIONS_DIR: installDirs.extensionsDir,
          KUBECONFIG: cluster.kubeconfigPath,
          AMBIENT_TEST_CONTROL_URL: cluster.controlUrl,
          AMBIENT_TEST_KUBECTL: kubectlPath(),
        }),
        logFile: join(runDir, 'tests.log'),
      },
    );
    tests.child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    tests.child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    const result = await withTimeout(tests.exited, RUN_TIMEOUT_MS);
    await tests.stop();
    if (result === 'timeout') {
      console.error(`UI tests stopped after ${RUN_TIMEOUT_MS / 60_000} min (time limit)`);
      return 1;
    }
    console.log(`Screenshots: ${join(projectRoot, '.test-output/screenshots')}`);
    if (result.code === 0) rmSync(runDir, { recursive: true, force: true });
    else console.error(`Kept for diagnosis: ${runDir} (<test>/code-server.log, cluster.log, tests.log)`);
    return result.code ?? 1;
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`UI tests could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
