/* eslint-disable @typescript-eslint/no-explicit-any -- request bodies and objects are arbitrary JSON */
// The HTTPS API server for one simulated cluster: discovery, CRUD, list/watch with selectors and
// pagination, patches, server-side tables, logs, and the WebSocket upgrades for exec and port-forward.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ClusterSim } from './cluster';
import type { Authenticator, RequestAttributes, UserInfo } from './auth';
import { authorize, forbiddenMessage, selfSubjectAccessReview, SSAR_PATH } from './auth';
import { apiGroups, apiVersionOf, findResource, resourceByKind, resourceTypes } from './resources';
import type { ResourceType } from './resources';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError, selectorToString } from './selectors';
import type { ChangeEvent, KubeObject } from './store';
import { StoreError } from './store';
import { applyPatch, PatchError } from './patch';
import { toTable, wantsTable } from './tables';
import type { IncludeObject } from './tables';
import { ApiError, detailsFor, failure, internalError, unauthorized } from './status';
import type { StatusBody } from './status';
import { handleExecUpgrade, handlePortForwardUpgrade } from './streams';
import { streamPodLogs } from './logsEndpoint';
import { generateFreeName, randomSuffix } from './names';
import type { KeyAndCert } from './certs';
import { decodeProtobufObject, protobufContentType } from './protobuf';

export interface ApiServerOptions {
  sim: ClusterSim;
  auth: Authenticator;
  tls: KeyAndCert;
  caPem: string;
  /** BOOKMARK period for watches that ask for bookmarks. */
  bookmarkIntervalMs?: number;
}

interface ParsedPath {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface OpenWatch {
  end(): void;
}

const Pod = resourceByKind('Pod');
const Namespace = resourceByKind('Namespace');

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** A create/update body: JSON, or the protobuf kubectl's typed clients send for a few simple kinds. */
async function readObjectBody(req: IncomingMessage): Promise<any> {
  const raw = await readRawBody(req);
  if ((req.headers['content-type'] ?? '').startsWith(protobufContentType)) {
    try {
      return decodeProtobufObject(raw);
    } catch (err) {
      throw new ApiError(failure(415, 'UnsupportedMediaType', (err as Error).message));
    }
  }
  return parseJson(raw.toString('utf8'));
}

function parseJson(body: string): any {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new ApiError(failure(400, 'BadRequest', `the object provided is unrecognized: ${(err as Error).message}`));
  }
}

/** Split `/api/v1/...` and `/apis/apps/v1/...` into resource, namespace, name, subresource. */
export function parseResourcePath(pathname: string): ParsedPath | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && apiGroups().some((g) => g.name === parts[1] && g.version === parts[2])) {
    group = parts[1];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // `/namespaces/{ns}/{resource}...` is namespaced; `/namespaces/{name}/status` is the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && findResource(group, rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = findResource(group, rest[0] ?? '');
  if (!resource || rest.length > 3) return undefined;
  if (namespace !== undefined && !resource.namespaced) return undefined;
  return { resource, namespace, name: rest[1], subresource: rest[2] };
}

/** DeleteOptions bodies are optional. */
function parseJsonOrEmpty(body: string): any {
  try {
    return body ? JSON.parse(body) : {};
  } catch {
    return {};
  }
}

function verbFor(method: string, parsed: ParsedPath, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (parsed.name === undefined) return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
      return 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return parsed.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

export class ApiServer {
  readonly server: https.Server;
  private readonly sim: ClusterSim;
  private readonly auth: Authenticator;
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket | Duplex>();
  private readonly bookmarkIntervalMs: number;
  url = '';

  constructor(options: ApiServerOptions) {
    this.sim = options.sim;
    this.auth = options.auth;
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 5000;
    this.server = https.createServer(
      { key: options.tls.keyPem, cert: options.tls.certPem, ca: [options.caPem], requestCert: true, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] },
      (req, res) => void this.handle(req, res),
    );
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
    this.sim.dropWatches = () => this.dropWatches();
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.dropWatches();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  dropWatches(): void {
    for (const w of [...this.watches]) {
      this.sim.counters.watchesDropped++;
      w.end();
    }
  }

  private count(verb: string, code: number): void {
    const c = this.sim.counters;
    c.total++;
    c.byVerb[verb] = (c.byVerb[verb] ?? 0) + 1;
    c.byStatus[code] = (c.byStatus[code] ?? 0) + 1;
  }

  private sendJson(res: ServerResponse, code: number, body: unknown, verb: string): void {
    this.count(verb, code);
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', 'Audit-Id': crypto.randomUUID() });
    res.end(text);
  }

  private sendStatus(res: ServerResponse, status: StatusBody, verb: string): void {
    this.sendJson(res, status.code, status, verb);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    let verb = 'get';
    try {
      const user = this.auth.authenticate(req);
      if (!user) return this.sendStatus(res, unauthorized(), 'unauthenticated');
      if (this.sim.faults.latencyMs) await sleep(this.sim.faults.latencyMs);

      const nonResource = this.nonResource(url.pathname);
      if (nonResource !== undefined) return this.sendJson(res, 200, nonResource, 'get');
      if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
        this.count('get', 200);
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('ok');
      }

      if (url.pathname.replace(/\/+$/, '') === SSAR_PATH) {
        verb = 'create';
        if (req.method !== 'POST') throw new ApiError(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
        return this.sendJson(res, 201, selfSubjectAccessReview(user, await readObjectBody(req), this.sim.faults), verb);
      }

      const parsed = parseResourcePath(url.pathname);
      if (!parsed) return this.sendStatus(res, failure(404, 'NotFound', 'the server could not find the requested resource', { causes: [] }), 'get');
      verb = verbFor(req.method ?? 'GET', parsed, url.searchParams);
      const sub = parsed.subresource;
      const attrs: RequestAttributes = { verb, group: parsed.resource.group, resource: sub ? `${parsed.resource.plural}/${sub}` : parsed.resource.plural, namespace: parsed.namespace, name: parsed.name };
      if (sub === 'exec' || sub === 'portforward' || sub === 'attach') attrs.verb = verb = 'create';
      this.checkAccess(user, attrs);
      if (verb !== 'watch' && sub !== 'log' && this.sim.faults.serverErrorRate && Math.random() < this.sim.faults.serverErrorRate) {
        return this.sendStatus(res, internalError('injected fault: serverErrorRate'), verb);
      }
      await this.route(req, res, url, parsed, verb);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) return this.sendStatus(res, err.status, verb);
      if (err instanceof StoreError) return this.sendStatus(res, failure(err.code, err.reason, err.message, this.detailsFromUrl(url)), verb);
      if (err instanceof SelectorError) return this.sendStatus(res, failure(400, 'BadRequest', err.message), verb);
      if (err instanceof PatchError) {
        const reason = err.code === 415 ? 'UnsupportedMediaType' : err.code === 422 ? 'Invalid' : 'BadRequest';
        return this.sendStatus(res, failure(err.code, reason, err.message), verb);
      }
      console.error(`[${this.sim.name}] ${req.method} ${req.url} failed:`, err);
      return this.sendStatus(res, internalError((err as Error).message), verb);
    }
  }

  private detailsFromUrl(url: URL): Record<string, unknown> | undefined {
    const parsed = parseResourcePath(url.pathname);
    return parsed ? detailsFor(parsed.resource.group, parsed.resource.plural, parsed.name) : undefined;
  }

  private checkAccess(user: UserInfo, attrs: RequestAttributes): void {
    if (authorize(user, attrs, this.sim.faults) === 'forbidden') {
      throw new ApiError(failure(403, 'Forbidden', forbiddenMessage(user, attrs), detailsFor(attrs.group, attrs.resource.split('/')[0], attrs.name)));
    }
  }

  // ---- Discovery ----------------------------------------------------------------------------------

  private nonResource(pathname: string): unknown {
    const path = pathname.replace(/\/+$/, '') || '/';
    switch (path) {
      case '/version':
        return { major: '1', minor: '35', emulationMajor: '1', emulationMinor: '35', minCompatibilityMajor: '1', minCompatibilityMinor: '34', gitVersion: 'v1.35.0', gitCommit: '66452049f3d692768c39c797b21b793dce80314e', gitTreeState: 'clean', buildDate: '2025-12-17T12:32:59Z', goVersion: 'go1.25.5', compiler: 'gc', platform: 'linux/amd64' };
      case '/api':
        // Legacy discovery documents: client-go asks for the aggregated form first and falls back to these.
        return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.url.replace('https://', '') }] };
      case '/apis':
        return {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...apiGroups().map((g) => this.apiGroup(g.name, g.version)), this.apiGroup('authorization.k8s.io', 'v1')],
        };
      case '/apis/authorization.k8s.io':
        return { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup('authorization.k8s.io', 'v1') };
      case '/apis/authorization.k8s.io/v1':
        // Only the self review: what `kubectl auth can-i` and the extension ask.
        return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'authorization.k8s.io/v1', resources: [{ name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] }] };
      case '/api/v1':
        return this.resourceList('');
      default: {
        const [, apis, group, version, extra] = path.split('/');
        const served = apiGroups().find((g) => g.name === group);
        if (apis !== 'apis' || !served || extra !== undefined) return undefined;
        if (version === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(served.name, served.version) };
        return version === served.version ? this.resourceList(served.name) : undefined;
      }
    }
  }

  private apiGroup(name: string, version: string): { name: string; versions: unknown[]; preferredVersion: unknown } {
    const groupVersion = { groupVersion: `${name}/${version}`, version };
    return { name, versions: [groupVersion], preferredVersion: groupVersion };
  }

  private resourceList(group: string): unknown {
    const resources: unknown[] = [];
    for (const r of resourceTypes.filter((t) => t.group === group)) {
      resources.push({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}), storageVersionHash: Buffer.from(r.kind).toString('base64').slice(0, 11) });
      for (const sub of r.subresources) {
        if (sub === 'status') resources.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
        if (sub === 'scale') resources.push({ name: `${r.plural}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
        if (sub === 'log') resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
        if (sub === 'exec') resources.push({ name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
        if (sub === 'portforward') resources.push({ name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${resourceTypes.find((t) => t.group === group)?.version ?? 'v1'}` : 'v1', resources };
  }

  // ---- Resources ----------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, p: ParsedPath, verb: string): Promise<void> {
    const store = this.sim.store;
    const q = url.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    const r = p.resource;
    if (r.namespaced && p.namespace === undefined && p.name !== undefined) {
      throw new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', { causes: [] }));
    }
    if (p.subresource === 'log') {
      if (req.method !== 'GET') throw new ApiError(failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      streamPodLogs(this.sim, res, p.namespace!, p.name!, q);
      return this.count('get', 200);
    }
    if (p.subresource === 'exec' || p.subresource === 'portforward' || p.subresource === 'attach') {
      throw new ApiError(failure(400, 'BadRequest', 'Upgrade request required'));
    }
    if (p.subresource && !r.subresources.includes(p.subresource)) {
      throw new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', { causes: [] }));
    }
    if (p.subresource === 'scale') return this.scale(req, res, p, verb, dryRun);

    switch (verb) {
      case 'list':
        return this.list(req, res, p, q, verb);
      case 'watch':
        return this.watch(req, res, p, q);
      case 'get': {
        const obj = store.get(r, p.namespace, p.name!);
        if (!obj) throw new StoreError(404, 'NotFound', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${p.name}" not found`);
        return this.sendObject(req, res, obj, q, verb);
      }
      case 'create': {
        const body = await readObjectBody(req);
        if (r.namespaced && p.namespace === undefined) throw new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', { causes: [] }));
        if (r.namespaced) {
          const ns = store.get(Namespace, undefined, p.namespace!);
          if (!ns) throw new ApiError(failure(404, 'NotFound', `namespaces "${p.namespace}" not found`, { name: p.namespace, kind: 'namespaces' }));
          if (ns.metadata.deletionTimestamp) throw new ApiError(failure(403, 'Forbidden', `${r.plural} "${body?.metadata?.name ?? ''}" is forbidden: unable to create new content in namespace ${p.namespace} because it is being terminated`, { name: body?.metadata?.name, kind: r.plural }));
          if (body?.metadata?.namespace && body.metadata.namespace !== p.namespace) {
            throw new ApiError(failure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
          }
        }
        body.metadata ??= {};
        if (!body.metadata.name && body.metadata.generateName) {
          const prefix: string = body.metadata.generateName;
          // Every attempt taken: the last one goes on to the store, which answers 409 like the real server.
          body.metadata.name = generateFreeName(prefix, (name) => store.get(r, p.namespace, name) !== undefined) ?? `${prefix}${randomSuffix()}`;
        }
        if (!body.metadata.name) throw this.invalid(r, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
        this.validate(r, body);
        body.metadata.namespace = p.namespace;
        for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp']) delete body.metadata[k];
        if (r.kind === 'Pod') this.prepareCreatedPod(body);
        if (r.kind === 'Service') this.prepareService(body);
        if (r.kind === 'Namespace') {
          body.spec = { finalizers: ['kubernetes'], ...(body.spec ?? {}) };
          body.status = { phase: 'Active' };
        }
        this.setManagedFields(body, q.get('fieldManager') ?? userAgentManager(req), 'Update');
        const created = store.create(r, body, { dryRun });
        return this.sendJson(res, 201, created, verb);
      }
      case 'update': {
        const body = await readObjectBody(req);
        const current = store.get(r, p.namespace, p.name!);
        if (!current) throw new StoreError(404, 'NotFound', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${p.name}" not found`);
        if (body?.metadata?.name !== p.name) throw new ApiError(failure(400, 'BadRequest', `the name of the object (${body?.metadata?.name}) does not match the name on the URL (${p.name})`));
        const next = p.subresource === 'status' ? { ...structuredClone(current), status: body.status } : { ...body, status: current.status };
        next.metadata = { ...next.metadata, namespace: current.metadata.namespace };
        this.validate(r, next);
        this.setManagedFields(next, q.get('fieldManager') ?? userAgentManager(req), 'Update');
        const updated = store.replace(r, next, { dryRun, expectedRv: body.metadata?.resourceVersion });
        return this.sendJson(res, 200, updated, verb);
      }
      case 'patch': {
        const body = await readBody(req);
        const current = store.get(r, p.namespace, p.name!);
        if (!current) throw new StoreError(404, 'NotFound', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${p.name}" not found`);
        const patched = applyPatch(structuredClone(current), req.headers['content-type'] ?? '', body, q.get('fieldManager') ?? undefined);
        if (patched?.metadata?.name !== current.metadata.name) {
          throw this.invalid(r, current.metadata.name, [{ field: 'metadata.name', message: `Invalid value: "${patched?.metadata?.name}": field is immutable`, reason: 'FieldValueInvalid' }]);
        }
        // A resourceVersion in the patch is a precondition (optimistic concurrency), as in the real server.
        const expectedRv = patched.metadata.resourceVersion !== current.metadata.resourceVersion ? patched.metadata.resourceVersion : undefined;
        // Like the real server: the main resource ignores status changes, the status subresource everything else.
        const next = p.subresource === 'status' ? { ...structuredClone(current), status: patched.status } : { ...patched, status: current.status };
        next.metadata.namespace = current.metadata.namespace;
        this.validate(r, next);
        const manager = q.get('fieldManager') ?? userAgentManager(req);
        this.setManagedFields(next, manager, (req.headers['content-type'] ?? '').startsWith('application/apply-patch') ? 'Apply' : 'Update');
        const updated = store.replace(r, next, { dryRun, expectedRv });
        return this.sendJson(res, 200, updated, verb);
      }
      case 'delete': {
        const current = store.get(r, p.namespace, p.name!);
        if (!current) throw new StoreError(404, 'NotFound', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${p.name}" not found`);
        if (r.kind === 'Namespace') {
          if (['default', 'kube-system', 'kube-public'].includes(p.name!)) {
            throw new ApiError(failure(403, 'Forbidden', `namespaces "${p.name}" is forbidden: this namespace may not be deleted`, { name: p.name, kind: 'namespaces' }));
          }
          // Namespaces terminate: phase Terminating now, gone once their content is removed.
          if (dryRun) return this.sendJson(res, 200, current, verb);
          const terminating = store.update(r, undefined, p.name!, (draft) => {
            draft.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
            draft.status = { ...(draft.status ?? {}), phase: 'Terminating' };
          });
          return this.sendJson(res, 200, terminating, verb);
        }
        if (r.kind === 'Pod' && !dryRun) {
          const grace = q.has('gracePeriodSeconds') ? Number(q.get('gracePeriodSeconds')) : parseJsonOrEmpty(await readBody(req)).gracePeriodSeconds;
          return this.sendJson(res, 200, this.sim.controllers.deletePod(current, grace) ?? current, verb);
        }
        // Owned objects (ReplicaSets, pods) are garbage-collected in the background, as with the default policy.
        const deleted = store.delete(r, p.namespace, p.name!, { dryRun });
        return this.sendJson(res, 200, deleted, verb);
      }
      case 'deletecollection': {
        const items = this.selectItems(p, q);
        if (!dryRun) for (const obj of items) store.delete(r, obj.metadata.namespace, obj.metadata.name);
        return this.sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(store.resourceVersion) }, items }, verb);
      }
      default:
        throw new ApiError(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    }
  }

  private invalid(r: ResourceType, name: string, causes: { field: string; message: string; reason: string }[]): ApiError {
    const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
    return new ApiError(failure(422, 'Invalid', `${r.kind} "${name}" is invalid: ${causes.length > 1 ? `[${summary}]` : summary}`, { name, ...(r.group ? { group: r.group } : {}), kind: r.kind, causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) }));
  }

  /** The validation the extension can trip: labels and annotations, names, replicas. */
  private validate(r: ResourceType, obj: any): void {
    const causes: { field: string; message: string; reason: string }[] = [];
    const name: string = obj.metadata?.name ?? '';
    const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    if (name && (!dns1123.test(name) || name.length > 253)) {
      causes.push({ field: 'metadata.name', reason: 'FieldValueInvalid', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')` });
    }
    const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
    const keyName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
    const validKey = (key: string) => {
      const slash = key.lastIndexOf('/');
      const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
      const base = slash >= 0 ? key.slice(slash + 1) : key;
      return base.length <= 63 && keyName.test(base) && (prefix === undefined || (prefix.length <= 253 && dns1123.test(prefix)));
    };
    for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
      if (typeof v !== 'string') {
        throw new ApiError(failure(400, 'BadRequest', `json: cannot unmarshal ${typeof v} into Go struct field ObjectMeta.metadata.labels of type string`));
      }
      if (!validKey(k)) causes.push({ field: 'metadata.labels', reason: 'FieldValueInvalid', message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` });
      if (v.length > 63 || !labelValue.test(v)) causes.push({ field: 'metadata.labels', reason: 'FieldValueInvalid', message: `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')` });
    }
    for (const [k, v] of Object.entries(obj.metadata?.annotations ?? {})) {
      if (typeof v !== 'string') throw new ApiError(failure(400, 'BadRequest', `json: cannot unmarshal ${typeof v} into Go struct field ObjectMeta.metadata.annotations of type string`));
      if (!validKey(k)) causes.push({ field: 'metadata.annotations', reason: 'FieldValueInvalid', message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
    if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(r.kind) && obj.spec?.replicas !== undefined && (!Number.isInteger(obj.spec.replicas) || obj.spec.replicas < 0)) {
      causes.push({ field: 'spec.replicas', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(obj.spec.replicas)}: must be greater than or equal to 0` });
    }
    if (r.kind === 'Pod' && (!Array.isArray(obj.spec?.containers) || obj.spec.containers.length === 0)) {
      causes.push({ field: 'spec.containers', reason: 'FieldValueRequired', message: 'Required value' });
    }
    if (causes.length) throw this.invalid(r, name, causes);
  }

  private prepareCreatedPod(pod: any): void {
    pod.spec.nodeName ??= this.sim.pickNode();
    pod.spec.serviceAccountName ??= 'default';
    pod.spec.serviceAccount = pod.spec.serviceAccountName;
    pod.spec.restartPolicy ??= 'Always';
    pod.spec.schedulerName ??= 'default-scheduler';
    pod.status = { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] };
    this.sim.admitPod(pod);
    // The kubelet starts it shortly after (see Controllers: bare pods are started the same way).
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name;
    setTimeout(() => {
      this.sim.store.update(Pod, ns, name, (draft) => {
        if (draft.status?.phase === 'Pending') {
          this.sim.startPod(draft);
        }
      });
    }, this.sim.readyDelayMs).unref();
  }

  private prepareService(svc: any): void {
    svc.spec ??= {};
    svc.spec.type ??= 'ClusterIP';
    if (svc.spec.clusterIP !== 'None') {
      svc.spec.clusterIP ??= this.sim.allocateServiceIp();
      svc.spec.clusterIPs = [svc.spec.clusterIP];
    }
    for (const port of svc.spec.ports ?? []) {
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
  }

  private setManagedFields(obj: any, manager: string, operation: 'Update' | 'Apply'): void {
    const entries: any[] = (obj.metadata.managedFields ?? []).filter((e: any) => !(e.manager === manager && e.operation === operation));
    entries.push({ manager, operation, apiVersion: obj.apiVersion ?? 'v1', time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } });
    obj.metadata.managedFields = entries;
  }

  private async scale(req: IncomingMessage, res: ServerResponse, p: ParsedPath, verb: string, dryRun: boolean): Promise<void> {
    const store = this.sim.store;
    const r = p.resource;
    const current = store.get(r, p.namespace, p.name!);
    if (!current) throw new StoreError(404, 'NotFound', `${r.plural}.${r.group} "${p.name}" not found`);
    const toScale = (obj: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      spec: { replicas: obj.spec?.replicas ?? 1 },
      status: { replicas: obj.status?.replicas ?? 0, selector: selectorToString(obj.spec?.selector) },
    });
    if (verb === 'get') return this.sendJson(res, 200, toScale(current), verb);
    const body = await readBody(req);
    const scale = verb === 'patch' ? applyPatch(toScale(current), req.headers['content-type'] ?? '', body, undefined) : parseJson(body);
    const replicas = scale?.spec?.replicas;
    const next = structuredClone(current);
    next.spec.replicas = replicas;
    this.validate(r, next);
    const updated = store.replace(r, next, { dryRun });
    return this.sendJson(res, 200, toScale(updated), verb);
  }

  private filters(p: ParsedPath, q: URLSearchParams): (obj: KubeObject) => boolean {
    const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(q.get('fieldSelector') ?? undefined, p.resource.plural);
    return (obj) => matchesLabels(labels, obj.metadata.labels) && matchesFields(fields, obj);
  }

  private selectItems(p: ParsedPath, q: URLSearchParams): KubeObject[] {
    const match = this.filters(p, q);
    return this.sim.store.list(p.resource, p.namespace).filter(match);
  }

  private list(req: IncomingMessage, res: ServerResponse, p: ParsedPath, q: URLSearchParams, verb: string): void {
    const store = this.sim.store;
    const match = this.filters(p, q);
    const limit = Number(q.get('limit') ?? 0);
    const continueToken = q.get('continue');
    let after: string | undefined;
    let rv = String(store.resourceVersion);
    if (continueToken) {
      try {
        const decoded = JSON.parse(Buffer.from(continueToken, 'base64url').toString('utf8'));
        after = decoded.start;
        rv = decoded.rv;
      } catch {
        throw new ApiError(failure(400, 'BadRequest', 'continue key is not valid: illegal base64 data at input byte 0'));
      }
    }
    const all = store.list(p.resource, p.namespace);
    const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    let start = 0;
    if (after !== undefined) {
      // Binary search: items are ordered by key.
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keyOf(all[mid]) <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const items: KubeObject[] = [];
    let i = start;
    for (; i < all.length; i++) {
      if (!match(all[i])) continue;
      if (limit > 0 && items.length >= limit) break;
      items.push(all[i]);
    }
    let next: string | undefined;
    let remaining: number | undefined;
    if (limit > 0 && i < all.length) {
      const more = all.slice(i).filter(match).length;
      if (more > 0) {
        next = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: keyOf(items[items.length - 1]) })).toString('base64url');
        if (!q.get('labelSelector') && !q.get('fieldSelector')) remaining = more;
      }
    }
    if (wantsTable(req.headers.accept)) {
      return this.sendJson(res, 200, toTable(p.resource.kind, items, { include: includeObject(q), resourceVersion: rv, continueToken: next, remaining }), verb);
    }
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (next) metadata.continue = next;
    if (remaining !== undefined) metadata.remainingItemCount = remaining;
    this.sendJson(res, 200, { kind: `${p.resource.kind}List`, apiVersion: apiVersionOf(p.resource), metadata, items }, verb);
  }

  private sendObject(req: IncomingMessage, res: ServerResponse, obj: KubeObject, q: URLSearchParams, verb: string): void {
    if (wantsTable(req.headers.accept)) {
      return this.sendJson(res, 200, toTable(obj.kind, [obj], { include: includeObject(q), resourceVersion: obj.metadata.resourceVersion }), verb);
    }
    this.sendJson(res, 200, obj, verb);
  }

  // ---- Watch --------------------------------------------------------------------------------------

  private watch(req: IncomingMessage, res: ServerResponse, p: ParsedPath, q: URLSearchParams): void {
    const store = this.sim.store;
    const match = this.filters(p, q);
    const inScope = (obj: KubeObject) => p.namespace === undefined || obj.metadata.namespace === p.namespace;
    const nameFilter = p.name;
    const passes = (obj: KubeObject | undefined) => !!obj && inScope(obj) && (nameFilter === undefined || obj.metadata.name === nameFilter) && match(obj);
    const asTable = wantsTable(req.headers.accept);
    const include = includeObject(q);
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const sendInitialEvents = q.get('sendInitialEvents') === 'true';
    const rvParam = q.get('resourceVersion') ?? '';
    let headersSent = false;

    this.count('watch', 200);
    this.sim.counters.watchesOpened++;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();

    const write = (type: string, object: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const sendObject = (type: string, obj: KubeObject) => {
      if (asTable) {
        write(type, toTable(obj.kind, [obj], { include, resourceVersion: obj.metadata.resourceVersion, noHeaders: headersSent }));
        headersSent = true;
      } else {
        write(type, obj);
      }
    };
    const bookmark = (annotations?: Record<string, string>) =>
      write('BOOKMARK', { kind: p.resource.kind, apiVersion: apiVersionOf(p.resource), metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) } });
    // What a watcher sees of a change, given its selectors (objects can move in and out of a selection).
    const deliver = (event: ChangeEvent) => {
      if (event.resource !== p.resource) return;
      const now = event.type === 'DELETED' ? undefined : event.object;
      const before = event.type === 'ADDED' ? undefined : event.previous;
      const wasIn = passes(before);
      const isIn = passes(now);
      if (event.type === 'DELETED') {
        if (wasIn) sendObject('DELETED', event.object);
      } else if (wasIn && isIn) sendObject(event.type === 'ADDED' ? 'ADDED' : 'MODIFIED', event.object);
      else if (isIn) sendObject('ADDED', event.object);
      else if (wasIn) sendObject('DELETED', { ...event.previous!, metadata: { ...event.previous!.metadata, resourceVersion: event.object.metadata.resourceVersion } });
    };

    let unsubscribe = () => {};
    let timers: NodeJS.Timeout[] = [];
    const handle: OpenWatch = {
      end: () => {
        unsubscribe();
        for (const t of timers) clearTimeout(t);
        timers = [];
        this.watches.delete(handle);
        if (!res.writableEnded) res.end();
      },
    };

    if (sendInitialEvents || rvParam === '' || rvParam === '0') {
      for (const obj of store.list(p.resource, p.namespace)) if (passes(obj)) sendObject('ADDED', obj);
      if (sendInitialEvents && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      const requested = Number(rvParam);
      const events = Number.isFinite(requested) ? store.eventsSince(requested) : undefined;
      if (!events) {
        write('ERROR', failure(410, 'Expired', `too old resource version: ${rvParam} (${store.oldestResumableVersion})`));
        this.count('watch-expired', 410);
        res.end();
        return;
      }
      for (const e of events) deliver(e);
    }
    unsubscribe = store.subscribe(deliver);
    this.watches.add(handle);
    if (bookmarks) {
      const t = setInterval(() => bookmark(), this.bookmarkIntervalMs);
      timers.push(t);
    }
    const timeoutSeconds = Number(q.get('timeoutSeconds') ?? 0);
    // Real servers end a watch after timeoutSeconds, or after a random 30-60 min without one.
    timers.push(setTimeout(() => handle.end(), timeoutSeconds > 0 ? timeoutSeconds * 1000 : 30 * 60_000));
    res.on('close', () => handle.end());
  }

  // ---- Upgrades (exec, port-forward) -------------------------------------------------------------

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const refuse = (status: StatusBody) => {
      this.count('create', status.code);
      const body = JSON.stringify(status);
      socket.end(`HTTP/1.1 ${status.code} ${httpReason(status.code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const user = this.auth.authenticate(req);
      if (!user) return refuse(unauthorized());
      if (this.sim.faults.latencyMs) await sleep(this.sim.faults.latencyMs);
      const parsed = parseResourcePath(url.pathname);
      if (!parsed || parsed.resource !== Pod || !parsed.name || (parsed.subresource !== 'exec' && parsed.subresource !== 'portforward')) {
        return refuse(failure(404, 'NotFound', 'the server could not find the requested resource', { causes: [] }));
      }
      this.checkAccess(user, { verb: 'create', group: '', resource: `pods/${parsed.subresource}`, namespace: parsed.namespace, name: parsed.name });
      const pod = this.sim.store.get(Pod, parsed.namespace, parsed.name);
      if (!pod) return refuse(failure(404, 'NotFound', `pods "${parsed.name}" not found`, { name: parsed.name, kind: 'pods' }));
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        // kubectl falls back to SPDY when the WebSocket upgrade fails; this server only speaks WebSocket.
        return refuse(failure(400, 'BadRequest', 'Upgrade request required: this test API server supports WebSocket streaming only'));
      }
      if (pod.status?.phase !== 'Running') {
        return refuse(failure(400, 'BadRequest', `unable to upgrade connection: container not found ("${pod.spec.containers[0].name}")`));
      }
      this.count('create', 101);
      if (parsed.subresource === 'exec') {
        this.sim.counters.execs++;
        return handleExecUpgrade(this.sim, pod, url.searchParams, req, socket, head, refuse);
      }
      this.sim.counters.portForwards++;
      return handlePortForwardUpgrade(this.sim, pod, url.searchParams, req, socket, head, refuse);
    } catch (err) {
      if (err instanceof ApiError) return refuse(err.status);
      console.error(`[${this.sim.name}] upgrade ${req.url} failed:`, err);
      return refuse(internalError((err as Error).message));
    }
  }
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function userAgentManager(req: IncomingMessage): string {
  // The API server derives the default field manager from the User-Agent's first segment.
  return (req.headers['user-agent'] ?? 'unknown').split('/')[0];
}

export function httpReason(code: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity', 500: 'Internal Server Error' } as Record<number, string>)[code] ?? 'Error';
}
