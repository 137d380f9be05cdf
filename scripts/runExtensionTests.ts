// Extension-host tests (test/integration/*.test.ts) in a real VS Code, through @vscode/test-electron.
//
//   npm run test:extension-host              # or: tsx scripts/runExtensionTests.ts
//
// Builds the extension and the suites (`node esbuild.mjs --tests`), starts the two-cluster test cluster,
// and calls `runTests` with the cluster's kubeconfig in the extension host's environment. Which VS Code:
//   AMBIENT_TEST_VSCODE unset or `code-server`  the project's launcher (scripts/codeServerLauncher.mjs):
//                                                code-server + headless chromium, no download needed
//   AMBIENT_TEST_VSCODE=desktop                  test-electron downloads desktop VS Code
//                                                (AMBIENT_TEST_VSCODE_VERSION, default `stable`; on a
//                                                Linux box without a display run under `xvfb-run -a`)
//   AMBIENT_TEST_VSCODE=/path/to/code            that VS Code executable
// Output (profile, logs, kubeconfig) goes to .test-output/extension-host/run-<time>-<pid>/; kept on failure.
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPath } from '../test/kubectl/kubectl';
import { envWithProjectNode, projectNodeBin, projectRoot } from './projectNode.mjs';
import { startClusterProcess } from './testCluster.mjs';

// One folder per run (runs by teammates may overlap); removed when the run passes.
const outputDir = join(projectRoot, '.test-output/extension-host', `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);

function vscodeExecutable(): { vscodeExecutablePath?: string; version?: string; label: string } {
  const choice = process.env.AMBIENT_TEST_VSCODE ?? 'code-server';
  if (choice === 'code-server') {
    return { vscodeExecutablePath: join(projectRoot, 'scripts/codeServerLauncher.mjs'), label: 'code-server (launcher)' };
  }
  if (choice === 'desktop') {
    const version = process.env.AMBIENT_TEST_VSCODE_VERSION ?? 'stable';
    return { version, label: `desktop VS Code ${version} (downloaded by test-electron)` };
  }
  return { vscodeExecutablePath: choice, label: choice };
}

function build(): void {
  removeStaleSuites();
  const result = spawnSync(projectNodeBin(), ['esbuild.mjs', '--tests'], {
    cwd: projectRoot,
    env: envWithProjectNode(),
    stdio: 'inherit',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`\`node esbuild.mjs --tests\` failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/**
 * Drops bundles whose suite source is gone (index.js loads every *.test.js beside it). Only those:
 * another run may be using the folder right now.
 */
function removeStaleSuites(): void {
  const outDir = join(projectRoot, 'dist/test/integration');
  if (!existsSync(outDir)) return;
  for (const file of readdirSync(outDir)) {
    const suite = /^(.*\.test)\.js(\.map)?$/.exec(file)?.[1];
    if (suite && !existsSync(join(projectRoot, 'test/integration', `${suite}.ts`))) rmSync(join(outDir, file), { force: true });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  build();
  const workspace = join(outputDir, 'workspace');
  mkdirSync(workspace, { recursive: true });

  const cluster = await startClusterProcess({
    kubeconfigPath: join(outputDir, 'kubeconfig'),
    logFile: join(outputDir, 'cluster.log'),
  });
  const stopCluster = () => cluster.stop();
  process.once('SIGTERM', () => void stopCluster().then(() => process.exit(143)));

  const vscode = vscodeExecutable();
  console.log(`Extension-host tests in ${vscode.label}; test cluster ready (${cluster.controlUrl})`);
  let code: number;
  try {
    code = await runTests({
      ...vscode,
      extensionDevelopmentPath: projectRoot,
      extensionTestsPath: join(projectRoot, 'dist/test/integration/index.js'),
      launchArgs: [workspace, `--user-data-dir=${join(outputDir, 'user-data')}`, `--extensions-dir=${join(outputDir, 'extensions')}`],
      extensionTestsEnv: {
        KUBECONFIG: cluster.kubeconfigPath,
        AMBIENT_TEST_CONTROL_URL: cluster.controlUrl,
        AMBIENT_TEST_KUBECTL: kubectlPath(),
      },
    });
  } catch (error) {
    // runTests rejects with TestRunFailedError when the suite (or VS Code) exits non-zero.
    console.error(`Extension-host tests failed: ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  } finally {
    await stopCluster();
  }
  if (code === 0) rmSync(outputDir, { recursive: true, force: true });
  else console.error(`Kept for diagnosis: ${outputDir} (cluster.log; with code-server: user-data/code-server.log, user-data/workbench-output.log)`);
  console.log(`Extension-host tests finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Extension-host tests could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
