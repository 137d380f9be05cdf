// Generated names never collide into a failed create: the API server draws a new suffix when a
// `generateName` collides (RetryGenerateName, Kubernetes >= 1.32) and answers 409 only after its attempts
// run out. The tree benchmark once died on `pods "app-55654bfd-wrv8k" already exists` at 20,000 pods.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { generateFreeName, GENERATE_NAME_ATTEMPTS } from '../cluster/names';
import { resourceByKind } from '../cluster/resources';
import { startCluster } from './harness';
import type { TestCluster } from './harness';

const POD_COUNT = 50_000;
const IN_FLIGHT = 16;

describe('generateName on the test cluster', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster({ ztunnelLogRate: 0 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('names are drawn again on collision, and only a collision on every attempt fails', () => {
    const taken = new Set(['web-aaaaa', 'web-bbbbb']);
    const draws = ['aaaaa', 'bbbbb', 'ccccc'];
    assert.equal(generateFreeName('web-', (name) => taken.has(name), () => draws.shift()!), 'web-ccccc');
    let calls = 0;
    assert.equal(generateFreeName('web-', () => true, () => `x${calls++}`), undefined);
    assert.equal(calls, GENERATE_NAME_ATTEMPTS);
  });

  it(`creates ${POD_COUNT.toLocaleString('en')} pods from one generateName through the API, all with distinct names`, { timeout: 300_000 }, async () => {
    const sim = cluster.clusters['cluster-2']!;
    sim.store.create(resourceByKind('Namespace'), { metadata: { name: 'names' } });
    const server = new URL(cluster.servers['cluster-2']!);
    // cluster-2's admin authenticates with a bearer token, as the kubeconfig says.
    const token = /- name: cluster-2-admin\n {2}user:\n {4}token: (\S+)/.exec(readFileSync(cluster.kubeconfigPath, 'utf8'))![1]!;
    const agent = new https.Agent({ keepAlive: true, maxSockets: IN_FLIGHT, ca: cluster.caPem });
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'load-' },
      spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
    });
    const names = new Set<string>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < POD_COUNT) {
        next++;
        const { status, text } = await post(agent, server, token, '/api/v1/namespaces/names/pods', body);
        if (status === 201) names.add(JSON.parse(text).metadata.name);
        else failures.push(`${status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    agent.destroy();
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} creates failed`);
    assert.equal(names.size, POD_COUNT);
    assert.equal(sim.store.list(resourceByKind('Pod'), 'names').length, POD_COUNT);
  });
});

function post(agent: https.Agent, server: URL, token: string, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { agent, host: server.hostname, port: server.port, path, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
