// The mocha runner inside the extension host: @vscode/test-electron's `extensionTestsPath` points at the
// bundle of this file (dist/test/integration/index.js, built by `node esbuild.mjs --tests`), and VS Code
// calls `run()` once the extension under development is loaded. It runs every `*.test.js` suite bundled
// beside it, so a new suite is just a new `test/integration/<name>.test.ts` (mocha BDD: describe/it,
// `import * as vscode from 'vscode'`).
//
// Environment the runner (scripts/runExtensionTests.ts) gives the extension host:
//   KUBECONFIG                 the test cluster's kubeconfig: contexts cluster-1 (current), cluster-2,
//                              cluster-1-viewer, cluster-2-viewer
//   AMBIENT_TEST_CONTROL_URL   the test cluster's control endpoint (for suites that change the cluster's
//                              state behind the extension's back)
//   AMBIENT_TEST_KUBECTL       kubectl 1.35, for suites to check effects the way a user would
//   AMBIENT_TEST_GREP          optional: run only tests whose full title matches this pattern
//
// The last line it logs is `# extension-host: pass N fail N`, which `npm test` reads for its summary.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  if (process.env.AMBIENT_TEST_GREP) mocha.grep(new RegExp(process.env.AMBIENT_TEST_GREP));
  const suiteFiles = readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  console.log(`Extension-host tests: ${suiteFiles.length} suite file(s) in ${__dirname}`);
  if (suiteFiles.length === 0) throw new Error(`no *.test.js suites beside ${__filename}: run \`node esbuild.mjs --tests\``);
  for (const file of suiteFiles) mocha.addFile(join(__dirname, file));

  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((failed) => resolve(failed));
      runner.on('end', () => {
        const stats = runner.stats;
        if (stats) console.log(`# extension-host: pass ${stats.passes} fail ${stats.failures}`);
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
