// Smoke suite for the extension-host harness itself: the extension under development is loaded into a
// real VS Code, it activates, and the host was given a working test cluster (the environment every
// other suite builds on). If this suite fails, read its message before any other suite's.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ambient-mesh.ambient-mesh';
const run = promisify(execFile);

function requiredEnv(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set in the extension host (the test runner passes it)`);
  return value;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(requiredEnv('AMBIENT_TEST_KUBECTL'), ['--kubeconfig', requiredEnv('KUBECONFIG'), ...args], {
    timeout: 20_000,
  });
  return stdout;
}

describe('extension-host harness', () => {
  it('loads the extension under development', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
    assert.equal(extension.packageJSON.name, 'ambient-mesh');
  });

  it('activates the extension without error', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('gives the host the test cluster kubeconfig with both clusters and their viewer contexts', async () => {
    assert.ok(existsSync(requiredEnv('KUBECONFIG')), `KUBECONFIG file ${process.env.KUBECONFIG} does not exist`);
    const contexts = (await kubectl('config', 'get-contexts', '-o', 'name')).trim().split('\n').sort();
    assert.deepEqual(contexts, ['cluster-1', 'cluster-1-viewer', 'cluster-2', 'cluster-2-viewer']);
    assert.equal((await kubectl('config', 'current-context')).trim(), 'cluster-1');
  });

  it('reaches the test cluster: cluster-1 serves the finance and accounts namespaces', async () => {
    const namespaces = (await kubectl('--context', 'cluster-1', 'get', 'namespaces', '-o', 'name')).split('\n');
    assert.ok(namespaces.includes('namespace/finance'), `cluster-1 namespaces: ${namespaces.join(', ')}`);
    assert.ok(namespaces.includes('namespace/accounts'), `cluster-1 namespaces: ${namespaces.join(', ')}`);
  });

  it('gives the host the test cluster control endpoint, and it reports cluster-1 state', async () => {
    const controlUrl = requiredEnv('AMBIENT_TEST_CONTROL_URL');
    const response = await fetch(`${controlUrl}/state?cluster=cluster-1`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 200, `${controlUrl}/state answered ${response.status}`);
    const state = (await response.json()) as { counts: Record<string, number> };
    assert.ok(state.counts.namespaces >= 2, `cluster-1 state: ${JSON.stringify(state)}`);
  });
});
