import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createKubeClients } from '../../../src/kube/kubeClients';
import { KubeError } from '../../../src/kube/errors';
import { kubeconfigCandidates, loadKubeconfig } from '../../../src/kube/kubeconfig';
import { tempDir } from './fakeApiServer';

interface Entry {
  clusters?: Record<string, string>; // name -> server
  users?: Record<string, string>; // name -> token
  contexts?: Record<string, [cluster: string, user: string]>;
  current?: string;
}

function yamlFor(entry: Entry): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const [name, server] of Object.entries(entry.clusters ?? {})) lines.push(`- name: ${name}`, `  cluster:`, `    server: ${server}`);
  lines.push('users:');
  for (const [name, token] of Object.entries(entry.users ?? {})) lines.push(`- name: ${name}`, `  user:`, `    token: ${token}`);
  lines.push('contexts:');
  for (const [name, [cluster, user]] of Object.entries(entry.contexts ?? {})) {
    lines.push(`- name: ${name}`, `  context:`, `    cluster: ${cluster}`, `    user: ${user}`);
  }
  if (entry.current) lines.push(`current-context: ${entry.current}`);
  return lines.join('\n') + '\n';
}

function write(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe('kubeconfig loading follows kubectl', () => {
  it('skips missing KUBECONFIG files and merges first-wins by name', () => {
    const dir = tempDir();
    const a = write(dir, 'a', yamlFor({ clusters: { prod: 'https://a.example:6443' }, users: { admin: 'tok-a' }, contexts: { prod: ['prod', 'admin'] } }));
    const b = write(
      dir,
      'b',
      yamlFor({
        clusters: { prod: 'https://b.example:6443', dev: 'https://dev.example:6443' },
        users: { admin: 'tok-b' },
        contexts: { prod: ['dev', 'admin'], dev: ['dev', 'admin'] },
      }),
    );
    const missing = path.join(dir, 'does-not-exist');
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [missing, a, b].join(path.delimiter) }, homeDir: dir });

    assert.equal(loaded.state.problem, undefined);
    assert.deepEqual(loaded.state.files, [a, b]);
    assert.deepEqual(
      loaded.state.contexts.map((c) => [c.name, c.cluster, c.server]),
      [
        ['prod', 'prod', 'https://a.example:6443'], // a's context and a's cluster win
        ['dev', 'dev', 'https://dev.example:6443'],
      ],
    );
    assert.equal(loaded.entries.get('prod')?.user?.token, 'tok-a');
  });

  it('takes current-context from the first file that sets it', () => {
    const dir = tempDir();
    const a = write(dir, 'a', yamlFor({ clusters: { c1: 'https://c1:6443' }, users: { u: 't' }, contexts: { one: ['c1', 'u'] } }));
    const b = write(dir, 'b', yamlFor({ clusters: { c2: 'https://c2:6443' }, users: { u: 't' }, contexts: { two: ['c2', 'u'] }, current: 'two' }));
    const c = write(dir, 'c', yamlFor({ contexts: { one: ['c1', 'u'] }, current: 'one' }));
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [a, b, c].join(path.delimiter) }, homeDir: dir });
    assert.equal(loaded.state.currentContext, 'two');
    assert.deepEqual(
      loaded.state.contexts.filter((x) => x.isCurrent).map((x) => x.name),
      ['two'],
    );
  });

  it('uses ~/.kube/config when KUBECONFIG is unset', () => {
    const home = tempDir();
    write(home, '.kube/config', yamlFor({ clusters: { c: 'https://home:6443' }, users: { u: 't' }, contexts: { home: ['c', 'u'] }, current: 'home' }));
    const loaded = loadKubeconfig({ env: {}, homeDir: home });
    assert.deepEqual(loaded.state.files, [path.join(home, '.kube', 'config')]);
    assert.equal(loaded.state.currentContext, 'home');
  });

  it('lets an explicit list of paths override KUBECONFIG and ~/.kube/config, expanding ~', () => {
    const home = tempDir();
    write(home, '.kube/config', yamlFor({ clusters: { c: 'https://home:6443' }, users: { u: 't' }, contexts: { home: ['c', 'u'] } }));
    const envFile = write(home, 'env', yamlFor({ clusters: { c: 'https://env:6443' }, users: { u: 't' }, contexts: { env: ['c', 'u'] } }));
    write(home, 'configs/chosen', yamlFor({ clusters: { c: 'https://chosen:6443' }, users: { u: 't' }, contexts: { chosen: ['c', 'u'] } }));
    const loaded = loadKubeconfig({ paths: ['~/configs/chosen'], env: { KUBECONFIG: envFile }, homeDir: home });
    assert.deepEqual(
      loaded.state.contexts.map((c) => c.name),
      ['chosen'],
    );
    assert.deepEqual(kubeconfigCandidates({ paths: ['  '], env: { KUBECONFIG: envFile }, homeDir: home }), [envFile]);
  });

  it('says plainly that there is no kubeconfig instead of falling back to localhost:8080', () => {
    const home = tempDir();
    const loaded = loadKubeconfig({ env: {}, homeDir: home });
    assert.equal(loaded.state.problem?.reason, 'no-kubeconfig');
    assert.match(loaded.state.problem?.message ?? '', /^No kubeconfig found at .*\.kube\/config/);
    assert.doesNotMatch(loaded.state.problem?.message ?? '', /localhost|8080/);
    assert.deepEqual(loaded.state.contexts, []);

    const clients = createKubeClients({ env: {}, homeDir: home, watchFiles: false });
    assert.throws(() => clients.client('anything'), (e: unknown) => e instanceof KubeError && e.reason === 'no-kubeconfig');
    clients.dispose();
  });

  it('reports a malformed file in one sentence naming it, and still loads the others', () => {
    const dir = tempDir();
    const good = write(dir, 'good', yamlFor({ clusters: { c: 'https://good:6443' }, users: { u: 't' }, contexts: { good: ['c', 'u'] }, current: 'good' }));
    const bad = write(dir, 'bad', 'clusters:\n- name: x\n  cluster: {server: "https://x"\nusers: [token: sekrit-token-value\n');
    const noServer = write(dir, 'noserver', 'clusters:\n- name: x\n  cluster: {}\ncontexts: []\n');
    const missingTokenFile = write(
      dir,
      'tokenfile',
      [
        'clusters:\n- name: c2\n  cluster: {server: "https://other:6443"}',
        `users:\n- name: u2\n  user: {token: t}\n- name: gone\n  user: {token-file: ${path.join(dir, 'no-such-token')}}`,
        'contexts:\n- name: other\n  context: {cluster: c2, user: u2}\n- name: broken\n  context: {cluster: c2, user: gone}\n',
      ].join('\n'),
    );
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [bad, good, noServer, missingTokenFile].join(path.delimiter) }, homeDir: dir });

    assert.equal(loaded.state.problem, undefined);
    assert.deepEqual(loaded.state.files, [good, missingTokenFile]);
    assert.equal(loaded.state.currentContext, 'good');
    const warnings = loaded.state.warnings ?? [];
    assert.equal(warnings.length, 3);
    assert.match(warnings[0], new RegExp(`^Kubeconfig ${bad} is not valid YAML \\(line \\d+: .+\\); it was skipped\\.$`));
    assert.equal(warnings[1], `Kubeconfig ${noServer} is not valid (clusters[0].cluster.server is missing); it was skipped.`);
    assert.equal(warnings[2], `Kubeconfig ${missingTokenFile} names a token-file that cannot be read (${path.join(dir, 'no-such-token')}); that entry was skipped.`);
    for (const w of warnings) assert.doesNotMatch(w, /sekrit/);
    // The rest of the file with the bad entry still works.
    assert.deepEqual(
      loaded.state.contexts.map((c) => c.name),
      ['good', 'other', 'broken'],
    );
    assert.equal(loaded.entries.get('other')?.user?.token, 't');
    assert.equal(loaded.entries.get('broken')?.user, undefined);
  });

  it('makes a kubeconfig whose only file is malformed a bad-kubeconfig problem', () => {
    const dir = tempDir();
    const bad = write(dir, 'bad', '- just\n- a list\n');
    const loaded = loadKubeconfig({ paths: [bad], homeDir: dir });
    assert.equal(loaded.state.problem?.reason, 'bad-kubeconfig');
    assert.match(loaded.state.problem?.message ?? '', new RegExp(`^Kubeconfig ${bad} `));
  });

  it('resolves relative certificate paths against the file that names them', () => {
    const dir = tempDir();
    const file = write(
      dir,
      'sub/config',
      'clusters:\n- name: c\n  cluster:\n    server: https://x:6443\n    certificate-authority: certs/ca.crt\nusers:\n- name: u\n  user:\n    client-certificate: /abs/client.crt\n    client-key: key.pem\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n',
    );
    const entry = loadKubeconfig({ paths: [file], homeDir: dir }).entries.get('x');
    assert.equal(entry?.cluster?.caFile, path.join(dir, 'sub', 'certs', 'ca.crt'));
    assert.equal(entry?.user?.certFile, '/abs/client.crt');
    assert.equal(entry?.user?.keyFile, path.join(dir, 'sub', 'key.pem'));
  });

  it('refuses to use a context that names a cluster that does not exist', async () => {
    const dir = tempDir();
    const file = write(dir, 'config', yamlFor({ users: { u: 't' }, contexts: { orphan: ['gone', 'u'] } }));
    const clients = createKubeClients({ kubeconfigPaths: [file], watchFiles: false });
    assert.deepEqual(
      clients.state().contexts.map((c) => c.name),
      ['orphan'],
    );
    await assert.rejects(clients.client('orphan').listNamespaces(), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.equal(e.reason, 'bad-kubeconfig');
      assert.equal(e.message, 'orphan: the kubeconfig names cluster "gone", which is not defined.');
      return true;
    });
    clients.dispose();
  });
});

describe('KubeClients', () => {
  it('reloads when a kubeconfig file changes and replaces only the clients whose context changed', async () => {
    const dir = tempDir();
    const file = write(
      dir,
      'config',
      yamlFor({ clusters: { c1: 'https://one:6443', c2: 'https://two:6443' }, users: { u: 't' }, contexts: { one: ['c1', 'u'], two: ['c2', 'u'] }, current: 'one' }),
    );
    const clients = createKubeClients({ kubeconfigPaths: [file], reloadDebounceMs: 50 });
    try {
      const one = clients.client('one');
      const two = clients.client('two');
      assert.equal(clients.client('one'), one, 'clients are cached per context');

      const changed = new Promise<string | undefined>((resolve) => clients.onDidChange((state) => resolve(state.currentContext)));
      fs.writeFileSync(
        file,
        yamlFor({ clusters: { c1: 'https://one:6443', c2: 'https://two-moved:6443' }, users: { u: 't' }, contexts: { one: ['c1', 'u'], two: ['c2', 'u'] }, current: 'two' }),
      );
      assert.equal(await withTimeout(changed, 5000), 'two');
      assert.equal(clients.client('one'), one, 'an unchanged context keeps its client');
      assert.notEqual(clients.client('two'), two, 'a changed context gets a new client');
      assert.equal(clients.state().contexts.find((c) => c.name === 'two')?.server, 'https://two-moved:6443');
    } finally {
      clients.dispose();
    }
  });

  it('switches to the files of the ambient.kubeconfig setting when it changes, keeping clients of unchanged contexts', () => {
    const dir = tempDir();
    const shared = { clusters: { c: 'https://shared:6443' }, users: { u: 't' } };
    const first = write(dir, 'first', yamlFor({ ...shared, contexts: { lab: ['c', 'u'] }, current: 'lab' }));
    const second = write(dir, 'second', yamlFor({ ...shared, contexts: { lab: ['c', 'u'], prod: ['c', 'u'] }, current: 'prod' }));
    const clients = createKubeClients({ env: { KUBECONFIG: first }, homeDir: dir, watchFiles: false });
    try {
      const lab = clients.client('lab');
      let changes = 0;
      clients.onDidChange(() => changes++);

      clients.setKubeconfigPaths([second]);
      assert.deepEqual(clients.state().files, [second]);
      assert.deepEqual(clients.state().contexts.map((c) => c.name), ['lab', 'prod']);
      assert.equal(clients.state().currentContext, 'prod');
      assert.equal(changes, 1);
      assert.equal(clients.client('lab'), lab, 'same cluster and user: the client and its watches go on');

      clients.setKubeconfigPaths([]);
      assert.deepEqual(clients.state().files, [first], 'an empty setting falls back to KUBECONFIG');
    } finally {
      clients.dispose();
    }
  });

  it('notices a kubeconfig that appears after start', async () => {
    const home = tempDir();
    const clients = createKubeClients({ env: {}, homeDir: home, reloadDebounceMs: 50 });
    try {
      assert.equal(clients.state().problem?.reason, 'no-kubeconfig');
      const changed = new Promise<void>((resolve) => clients.onDidChange(() => resolve()));
      write(home, '.kube/config', yamlFor({ clusters: { c: 'https://late:6443' }, users: { u: 't' }, contexts: { late: ['c', 'u'] }, current: 'late' }));
      await withTimeout(changed, 5000);
      assert.equal(clients.state().problem, undefined);
      assert.equal(clients.state().currentContext, 'late');
    } finally {
      clients.dispose();
    }
  });
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}
