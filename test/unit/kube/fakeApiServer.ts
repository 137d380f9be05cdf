// A tiny HTTPS "API server" for unit tests of the kube layer: it records what the client sends and
// answers with whatever the test scripts, so errors are provoked for real (refused port, untrusted
// certificate, 401/403/... Status bodies) rather than imitated.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';

export interface Pki {
  caPem: string;
  /** Serving certificate for 127.0.0.1/localhost, signed by the CA. */
  server: { certPem: string; keyPem: string };
  /** A self-signed certificate for 127.0.0.1 (no CA will vouch for it). */
  selfSigned: { certPem: string; keyPem: string };
  /** Signed by the CA, valid, but for another host name. */
  wrongHost: { certPem: string; keyPem: string };
  /** Signed by the CA for 127.0.0.1, but expired. */
  expired: { certPem: string; keyPem: string };
}

let cachedPki: Pki | undefined;

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.publicKeyFromPem(publicKey), keyPem: forge.pki.privateKeyToPem(forgeKey) };
}

function certificate(options: {
  subjectCn: string;
  publicKey: forge.pki.PublicKey;
  signer: forge.pki.rsa.PrivateKey;
  issuer?: forge.pki.Certificate;
  ca?: boolean;
  altNames?: { type: number; value?: string; ip?: string }[];
  expired?: boolean;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  const serial = randomBytes(12);
  serial[0] = (serial[0] & 0x7f) | 0x10;
  cert.serialNumber = serial.toString('hex');
  const day = 24 * 60 * 60 * 1000;
  cert.validity.notBefore = new Date(Date.now() - (options.expired ? 10 * day : day));
  cert.validity.notAfter = new Date(Date.now() + (options.expired ? -day : 30 * day));
  const subject = [{ name: 'commonName', value: options.subjectCn }];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.subject.attributes : subject);
  const extensions: object[] = options.ca
    ? [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ]
    : [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: options.altNames ?? [] },
      ];
  cert.setExtensions(extensions);
  cert.sign(options.signer, forge.md.sha256.create());
  return cert;
}

export function testPki(): Pki {
  if (cachedPki) return cachedPki;
  const caKeys = keyPair();
  const ca = certificate({ subjectCn: 'unit-test-ca', publicKey: caKeys.publicKey, signer: caKeys.privateKey, ca: true });
  const leaf = keyPair();
  const local = [
    { type: 7, ip: '127.0.0.1' },
    { type: 2, value: 'localhost' },
  ];
  const pem = (cert: forge.pki.Certificate) => forge.pki.certificateToPem(cert);
  const server = certificate({ subjectCn: '127.0.0.1', publicKey: leaf.publicKey, signer: caKeys.privateKey, issuer: ca, altNames: local });
  const selfSigned = certificate({ subjectCn: '127.0.0.1', publicKey: leaf.publicKey, signer: leaf.privateKey, altNames: local });
  const wrongHost = certificate({
    subjectCn: 'api.elsewhere.example',
    publicKey: leaf.publicKey,
    signer: caKeys.privateKey,
    issuer: ca,
    altNames: [{ type: 2, value: 'api.elsewhere.example' }],
  });
  const expired = certificate({ subjectCn: '127.0.0.1', publicKey: leaf.publicKey, signer: caKeys.privateKey, issuer: ca, altNames: local, expired: true });
  cachedPki = {
    caPem: pem(ca),
    server: { certPem: pem(server), keyPem: leaf.keyPem },
    selfSigned: { certPem: pem(selfSigned), keyPem: leaf.keyPem },
    wrongHost: { certPem: pem(wrongHost), keyPem: leaf.keyPem },
    expired: { certPem: pem(expired), keyPem: leaf.keyPem },
  };
  return cachedPki;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Responder = (request: RecordedRequest, res: http.ServerResponse) => void;

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** TLS connections accepted so far. */
  tlsConnections: number;
  respond: Responder;
  close(): Promise<void>;
}

/** Start an HTTPS server on 127.0.0.1:0 presenting `cert` (default: the CA-signed serving certificate). */
export async function startFakeApiServer(respond: Responder, cert: keyof Omit<Pki, 'caPem'> = 'server'): Promise<FakeApiServer> {
  const pki = testPki();
  const requests: RecordedRequest[] = [];
  const state: FakeApiServer = {
    url: '',
    requests,
    tlsConnections: 0,
    respond,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = https.createServer({ cert: pki[cert].certPem, key: pki[cert].keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      state.respond(recorded, res);
    });
  });
  server.on('tlsClientError', () => undefined);
  server.on('secureConnection', () => state.tlsConnections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as net.AddressInfo;
  state.url = `https://127.0.0.1:${address.port}`;
  return state;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A Kubernetes Status body as the API server sends it with an error. */
export function statusBody(code: number, reason: string, message: string, details?: object): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function tempDir(prefix = 'kube-unit-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface KubeconfigUser {
  name: string;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  exec?: { command: string; args?: string[] };
}

/** Write a one-context kubeconfig for `server`, trusting the unit-test CA unless told otherwise. */
export function writeKubeconfig(
  dir: string,
  options: { context?: string; server: string; user?: KubeconfigUser; trustCa?: boolean; file?: string },
): string {
  const context = options.context ?? 'unit';
  const user = options.user ?? { name: 'unit-user', token: 'unit-token-0123456789' };
  const userBody: Record<string, unknown> = {};
  if (user.token) userBody.token = user.token;
  if (user.clientCertPem) userBody['client-certificate-data'] = Buffer.from(user.clientCertPem).toString('base64');
  if (user.clientKeyPem) userBody['client-key-data'] = Buffer.from(user.clientKeyPem).toString('base64');
  if (user.exec) userBody.exec = { apiVersion: 'client.authentication.k8s.io/v1', command: user.exec.command, args: user.exec.args ?? [], interactiveMode: 'Never' };
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.trustCa !== false) cluster['certificate-authority-data'] = Buffer.from(testPki().caPem).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `${context}-cluster`, cluster }],
    users: [{ name: user.name, user: userBody }],
    contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: user.name } }],
    'current-context': context,
  };
  const file = path.join(dir, options.file ?? `${context}.kubeconfig`);
  // JSON is YAML: no need for a YAML writer here.
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** A logger that keeps every line, to assert on (and to grep for secrets). */
export function recordingLogger(): { lines: string[]; info(c: string, m: string): void; warn(c: string, m: string): void; error(c: string, m: string): void } {
  const lines: string[] = [];
  return {
    lines,
    info: (c, m) => lines.push(`info [${c}] ${m}`),
    warn: (c, m) => lines.push(`warn [${c}] ${m}`),
    error: (c, m) => lines.push(`error [${c}] ${m}`),
  };
}
