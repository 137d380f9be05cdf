// Every KubeErrorReason a user can meet, provoked for real against a local HTTPS server where possible,
// and the one-sentence message each must produce.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClients } from '../../../src/kube/kubeClients';
import type { KubeClientsOptions } from '../../../src/kube/kubeClients';
import { describeExecCommand, KubeError, redactSecrets, toKubeError } from '../../../src/kube/errors';
import type { KubeErrorReason } from '../../../src/kube/types';
import { closedPort, recordingLogger, sendJson, startFakeApiServer, statusBody, tempDir, testPki, writeKubeconfig } from './fakeApiServer';
import type { FakeApiServer, KubeconfigUser } from './fakeApiServer';

const TOKEN = 'sekrit-bearer-token-4f9a1c2e7b';

interface Outcome {
  error: KubeError;
  logs: string[];
}

/** Run `listNamespaces` (or `act`) against `server` through a fresh client and return the KubeError. */
async function failureOf(
  server: string,
  options: { user?: KubeconfigUser; trustCa?: boolean; context?: string; clients?: Partial<KubeClientsOptions> } = {},
  act: (client: ReturnType<ReturnType<typeof createKubeClients>['client']>) => Promise<unknown> = (c) => c.listNamespaces(),
): Promise<Outcome> {
  const dir = tempDir();
  const context = options.context ?? 'cluster-1';
  const file = writeKubeconfig(dir, { context, server, user: options.user ?? { name: 'admin', token: TOKEN }, trustCa: options.trustCa });
  const logger = recordingLogger();
  const clients = createKubeClients({ kubeconfigPaths: [file], watchFiles: false, logger, requestTimeoutMs: 3000, ...options.clients });
  try {
    await act(clients.client(context));
  } catch (error) {
    assert.ok(error instanceof KubeError, `expected a KubeError, got ${String(error)}`);
    return { error, logs: logger.lines };
  } finally {
    clients.dispose();
  }
  assert.fail('the call should have failed');
}

function expectOneSentence(error: KubeError, reason: KubeErrorReason, message: string | RegExp): void {
  assert.equal(error.reason, reason);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  assert.doesNotMatch(error.message, /\n/, 'one line');
  assert.doesNotMatch(error.message, /HTTP-Code|Headers:|fetch failed|\bBody:/, 'never client-node raw text');
}

describe('errors users can act on', () => {
  let api: FakeApiServer;
  before(async () => {
    api = await startFakeApiServer((_req, res) => sendJson(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] }));
  });
  after(() => api.close());

  it('refused connection: "Cannot reach <context> (<server>): connection refused."', async () => {
    const port = await closedPort();
    const server = `https://127.0.0.1:${port}`;
    const { error } = await failureOf(server, { context: 'cluster-2' });
    expectOneSentence(error, 'unreachable', `Cannot reach cluster-2 (${server}): connection refused.`);
    assert.equal(error.context, 'cluster-2');
  });

  it('a server certificate no configured CA vouches for', async () => {
    const { error } = await failureOf(api.url, { trustCa: false });
    expectOneSentence(error, 'tls', "cluster-1: the server's certificate is not trusted (unknown certificate authority).");
  });

  it('a self-signed server certificate', async () => {
    const selfSigned = await startFakeApiServer((_req, res) => sendJson(res, 200, {}), 'selfSigned');
    try {
      const { error } = await failureOf(selfSigned.url);
      expectOneSentence(error, 'tls', /^cluster-1: the server's certificate is not trusted \((self-signed certificate|unknown certificate authority)\)\.$/);
    } finally {
      await selfSigned.close();
    }
  });

  it('a certificate for another host name', async () => {
    const wrongHost = await startFakeApiServer((_req, res) => sendJson(res, 200, {}), 'wrongHost');
    try {
      const { error } = await failureOf(wrongHost.url);
      expectOneSentence(error, 'tls', "cluster-1: the server's certificate does not match its address.");
    } finally {
      await wrongHost.close();
    }
  });

  it('an expired server certificate', async () => {
    const expired = await startFakeApiServer((_req, res) => sendJson(res, 200, {}), 'expired');
    try {
      const { error } = await failureOf(expired.url);
      expectOneSentence(error, 'tls', "cluster-1: the server's certificate has expired.");
    } finally {
      await expired.close();
    }
  });

  it('401: credentials rejected, with advice to log in again', async () => {
    api.respond = (_req, res) => sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    const { error } = await failureOf(api.url);
    assert.equal(error.status, 401);
    expectOneSentence(
      error,
      'unauthorized',
      'cluster-1: the credentials of user "admin" were rejected (401); the token may have expired — log in again or refresh the credentials in your kubeconfig.',
    );
  });

  it('401 with an exec plugin names the plugin command to try', async () => {
    api.respond = (_req, res) => sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    const plugin = execCredentialPlugin('expired-token-from-plugin');
    const { error } = await failureOf(api.url, { user: { name: 'eks-user', exec: { command: process.execPath, args: [plugin] } } });
    assert.equal(error.reason, 'unauthorized');
    assert.ok(error.message.includes(`check that \`${process.execPath} ${plugin}\` works in a terminal, then log in again.`), error.message);
    assert.equal(api.requests.at(-1)?.headers.authorization, 'Bearer expired-token-from-plugin', 'the plugin token was sent');
  });

  it('403: who may not do what, from the Status message', async () => {
    api.respond = (_req, res) =>
      sendJson(
        res,
        403,
        statusBody(403, 'Forbidden', 'namespaces "finance" is forbidden: User "viewer" cannot patch resource "namespaces" in API group "" at the cluster scope', {
          name: 'finance',
          kind: 'namespaces',
        }),
      );
    const { error } = await failureOf(api.url, { context: 'cluster-1-viewer' }, (c) => c.patchNamespaceLabels('finance', { 'istio.io/dataplane-mode': 'ambient' }));
    assert.equal(error.status, 403);
    expectOneSentence(error, 'forbidden', 'cluster-1-viewer: user "viewer" is not allowed to patch namespaces "finance" (403 Forbidden).');
    // The structured denial every later sentence (the RBAC hint) is built from.
    assert.deepEqual(error.denial, { user: 'viewer', verb: 'patch', resource: 'namespaces', name: 'finance', namespace: undefined });
  });

  it('403 on a namespaced resource names the namespace', async () => {
    api.respond = (_req, res) =>
      sendJson(
        res,
        403,
        statusBody(403, 'Forbidden', 'deployments.apps "curl" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "finance"', {
          name: 'curl',
          group: 'apps',
          kind: 'deployments',
        }),
      );
    const { error } = await failureOf(api.url, { context: 'cluster-1-viewer' }, (c) => c.restartWorkload('Deployment', 'finance', 'curl'));
    expectOneSentence(error, 'forbidden', 'cluster-1-viewer: user "viewer" is not allowed to patch deployments "curl" in namespace "finance" (403 Forbidden).');
    assert.deepEqual(error.denial, { user: 'viewer', verb: 'patch', resource: 'deployments', name: 'curl', namespace: 'finance' });
  });

  it('404: what was not found', async () => {
    api.respond = (_req, res) => sendJson(res, 404, statusBody(404, 'NotFound', 'configmaps "istio" not found', { name: 'istio', kind: 'configmaps' }));
    const { error } = await failureOf(api.url, {}, (c) => c.readConfigMap('istio-system', 'istio'));
    expectOneSentence(error, 'not-found', 'cluster-1: configmaps "istio" in namespace "istio-system" was not found (404 Not Found).');
  });

  it('409: changed by someone else', async () => {
    api.respond = (_req, res) =>
      sendJson(res, 409, statusBody(409, 'Conflict', 'Operation cannot be fulfilled on namespaces "finance": the object has been modified', { name: 'finance', kind: 'namespaces' }));
    const { error } = await failureOf(api.url, {}, (c) => c.patchNamespaceLabels('finance', { a: 'b' }));
    expectOneSentence(error, 'conflict', 'cluster-1: namespaces "finance" was changed by someone else; reload and try again (409 Conflict).');
  });

  it('422: the field and why it is invalid', async () => {
    api.respond = (_req, res) =>
      sendJson(
        res,
        422,
        statusBody(422, 'Invalid', 'Namespace "finance" is invalid: metadata.labels: Invalid value: "not ok!"', {
          name: 'finance',
          kind: 'Namespace',
          causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "not ok!": a valid label must be an empty string or consist of alphanumeric characters', field: 'metadata.labels' }],
        }),
      );
    const { error } = await failureOf(api.url, {}, (c) => c.patchNamespaceLabels('finance', { bad: 'not ok!' }));
    expectOneSentence(
      error,
      'invalid',
      'cluster-1: the server rejected the change to Namespace "finance" as invalid (422 Unprocessable Entity): metadata.labels: Invalid value: "not ok!": a valid label must be an empty string or consist of alphanumeric characters.',
    );
  });

  it('500: the server failed, with its own words', async () => {
    api.respond = (_req, res) => sendJson(res, 500, statusBody(500, 'InternalError', 'etcdserver: request timed out'));
    const { error } = await failureOf(api.url);
    expectOneSentence(error, 'server-error', `cluster-1: the API server (${api.url}) failed to list namespaces (500 Internal Server Error): etcdserver: request timed out.`);
  });

  it('a server that never answers hits the request timeout', async () => {
    api.respond = () => undefined; // never answer
    const started = Date.now();
    const { error } = await failureOf(api.url, { clients: { requestTimeoutMs: 300 } });
    expectOneSentence(error, 'timeout', `cluster-1: the API server (${api.url}) did not answer in time.`);
    assert.ok(Date.now() - started < 2500, 'the timeout applies');
  });

  it('an exec credential plugin that is not on PATH', async () => {
    const { error } = await failureOf(api.url, { user: { name: 'gke', exec: { command: 'gke-gcloud-auth-plugin-not-installed', args: [] } } });
    expectOneSentence(
      error,
      'exec-plugin-missing',
      'cluster-1: exec plugin "gke-gcloud-auth-plugin-not-installed" was not found on PATH (install it, or add its folder to PATH for VS Code).',
    );
  });

  it('finds an exec credential plugin in the extra plugin folders', async () => {
    api.respond = (_req, res) => sendJson(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] });
    const dir = tempDir();
    const plugin = path.join(dir, 'fake-get-token');
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'token-from-path-plugin' } });
    fs.writeFileSync(plugin, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(credential)});\n`, { mode: 0o755 });
    const user = { name: 'sso', exec: { command: 'fake-get-token' } };
    const missing = await failureOf(api.url, { user });
    assert.equal(missing.error.reason, 'exec-plugin-missing');

    const file = writeKubeconfig(tempDir(), { context: 'cluster-1', server: api.url, user });
    const clients = createKubeClients({ kubeconfigPaths: [file], watchFiles: false, execPluginPath: [dir] });
    try {
      await clients.client('cluster-1').listNamespaces();
      assert.equal(api.requests.at(-1)?.headers.authorization, 'Bearer token-from-path-plugin');
    } finally {
      clients.dispose();
    }
  });

  it('an exec credential plugin that fails says what it printed', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'failing-plugin.cjs');
    fs.writeFileSync(script, 'process.stderr.write("error: SSO session expired, run aws sso login\\n"); process.exit(1);\n');
    const { error } = await failureOf(api.url, { user: { name: 'aws', exec: { command: process.execPath, args: [script] } } });
    expectOneSentence(error, 'exec-plugin-failed', `cluster-1: exec plugin "${process.execPath}" failed: error: SSO session expired, run aws sso login.`);
  });

  it('a port fetch refuses to use (1, 6000...) is unreachable, not "unknown"', async () => {
    const { error } = await failureOf('https://127.0.0.1:1');
    expectOneSentence(error, 'unreachable', 'Cannot reach cluster-1 (https://127.0.0.1:1): the HTTP client refuses to connect to that port.');
  });

  it('errors thrown by the transport map by their codes', () => {
    const site = { context: 'c', server: 'https://api.example:6443' };
    const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code }) });
    assert.equal(toKubeError(fetchFailed('ENOTFOUND'), site).message, 'Cannot reach c (https://api.example:6443): host name not found.');
    assert.equal(toKubeError(fetchFailed('UND_ERR_CONNECT_TIMEOUT'), site).message, 'Cannot reach c (https://api.example:6443): connection timed out.');
    assert.equal(toKubeError(fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT'), site).message, "c: the server's certificate is not trusted (self-signed certificate).");
    assert.equal(toKubeError(fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), site).reason, 'tls');
    assert.equal(toKubeError(new DOMException('aborted', 'AbortError'), site).reason, 'cancelled');
    // ws reports an upgrade refusal as an ErrorEvent-like object.
    const wsRefusal = { type: 'error', message: 'Unexpected server response: 403', error: new Error('Unexpected server response: 403') };
    const forbidden = toKubeError(wsRefusal, { ...site, user: 'viewer', operation: { verb: 'create', resource: 'pods/exec', name: 'curl-1', namespace: 'finance' } });
    assert.equal(forbidden.message, 'c: user "viewer" is not allowed to create pods/exec "curl-1" in namespace "finance" (403 Forbidden).');
  });
});

describe('secrets never reach a message or a log', () => {
  it('tokens, client keys and certificates stay out of every error and log line', async () => {
    const pki = testPki();
    const clientKey = pki.server.keyPem;
    const clientCert = pki.server.certPem;
    const api = await startFakeApiServer((req, res) => {
      if (req.path.endsWith('/finance')) return sendJson(res, 403, statusBody(403, 'Forbidden', `namespaces "finance" is forbidden: User "viewer" cannot patch resource "namespaces" in API group "" at the cluster scope`));
      sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    });
    const port = await closedPort();
    const user = { name: 'admin', token: TOKEN, clientCertPem: clientCert, clientKeyPem: clientKey };
    const outcomes = [
      await failureOf(api.url, { user }),
      await failureOf(api.url, { user, trustCa: false }),
      await failureOf(`https://127.0.0.1:${port}`, { user }),
      await failureOf(api.url, { user }, (c) => c.patchNamespaceLabels('finance', { a: null })),
      await failureOf(api.url, { user, clients: { requestTimeoutMs: 1 } }),
    ];
    await api.close();

    const everything = outcomes.flatMap((o) => [o.error.message, ...o.logs]).join('\n');
    assert.ok(outcomes.every((o) => o.logs.length > 0), 'failures are logged');
    const keyBody = clientKey.split('\n')[1];
    const certBody = clientCert.split('\n')[1];
    for (const secret of [TOKEN, keyBody, certBody, Buffer.from(clientKey).toString('base64').slice(0, 40), Buffer.from(clientCert).toString('base64').slice(0, 40)]) {
      assert.ok(!everything.includes(secret), `a secret leaked: ${secret.slice(0, 8)}...`);
    }
  });

  it('a credential plugin command line in a message masks secret-looking arguments', () => {
    assert.equal(describeExecCommand('aws', ['eks', 'get-token', '--cluster-name', 'prod']), 'aws eks get-token --cluster-name prod');
    assert.equal(
      describeExecCommand('kubelogin', ['get-token', '--client-secret', 'hunter2', '--password=swordfish', '--server-id', 'abc']),
      'kubelogin get-token --client-secret *** --password=*** --server-id abc',
    );
  });

  it('redactSecrets scrubs bearer tokens, PEM blocks and long base64', () => {
    const pem = testPki().server.keyPem;
    const text = redactSecrets(`Authorization: Bearer abc.def-ghi token=xyz123 ${pem} data ${'A'.repeat(60)}`);
    assert.doesNotMatch(text, /abc\.def|xyz123|PRIVATE KEY|AAAAAAAAAAAAAAAAAAAA/);
  });
});

/** A Node script that prints an ExecCredential with `token`, like `aws eks get-token`. */
function execCredentialPlugin(token: string): string {
  const dir = tempDir();
  const script = path.join(dir, 'plugin.cjs');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
  fs.writeFileSync(script, `process.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`);
  return script;
}
