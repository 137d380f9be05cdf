// Turns whatever client-node, undici, ws or a credential plugin threw into a KubeError whose message is
// one sentence a user understands, naming the context. client-node's own `e.message` is never shown: it
// is multi-line and can carry request headers.
import type { KubeErrorReason } from './types';

export class KubeError extends Error {
  override readonly name = 'KubeError';

  constructor(
    readonly reason: KubeErrorReason,
    /** The kube context the failure belongs to ('' when it is about the kubeconfig as a whole). */
    readonly context: string,
    message: string,
    /** The HTTP status, when the API server answered. */
    readonly status?: number,
    options?: { cause?: unknown; denial?: KubeDenial },
  ) {
    super(redactSecrets(message), options);
    this.denial = options?.denial;
  }

  /** For a 403: who was refused what. Every sentence about the refusal is built from it, never parsed back. */
  readonly denial?: KubeDenial;
}

/** A 403 as RBAC sees it: the user (the API server's name for it when it says one), the verb and the object. */
export interface KubeDenial {
  readonly user?: string;
  readonly verb: string;
  /** Plural resource, with its group when the server names one (`deployments.apps`). */
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** The structured denial of a 403 from the kube layer, if the error is one. */
export function denialOf(error: unknown): KubeDenial | undefined {
  return error instanceof KubeError ? error.denial : undefined;
}

/** What the layer was doing, so a bare status code still yields a sentence (`patch namespaces "finance"`). */
export interface KubeOperation {
  readonly verb: string;
  /** Plural resource, as in RBAC: `namespaces`, `deployments`, `pods/log`. */
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** Where a failure happened: the context, its server, and how its user authenticates. */
export interface KubeErrorSite {
  readonly context: string;
  readonly server?: string;
  /** The kubeconfig user of the context. */
  readonly user?: string;
  /** The credential plugin's command line, when the user has one (`aws eks get-token --cluster-name x`). */
  readonly execCommand?: string;
  readonly operation?: KubeOperation;
}

/** Thrown by our KubeConfig wrapper when building credentials for a request fails (plugin, cert files). */
export class CredentialSetupError extends Error {
  constructor(readonly original: unknown) {
    super('credential setup failed');
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

const networkProblems: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  UND_ERR_SOCKET: 'connection closed by the server',
};

const tlsProblems: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not trusted (unknown certificate authority)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not trusted (unknown certificate authority)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not trusted (unknown certificate authority)",
  UNABLE_TO_GET_ISSUER_CERT: "the server's certificate is not trusted (unknown certificate authority)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is not trusted (self-signed certificate)",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not match its address",
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server rejected the client certificate (unknown certificate authority)',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server rejected the client certificate',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS (is it plain HTTP?)',
};

const statusTexts: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Map anything thrown by a Kubernetes call to a KubeError (a KubeError passes through unchanged). */
export function toKubeError(error: unknown, site: KubeErrorSite): KubeError {
  if (error instanceof KubeError) return error;
  if (error instanceof CredentialSetupError) return credentialError(error.original, site);

  const err = unwrapEvent(error);
  const status = httpStatusOf(err);
  if (status !== undefined) return fromStatus(status, statusBodyOf(err), site, err);

  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError') {
    return new KubeError('timeout', site.context, `${site.context}: the API server${where(site)} did not answer in time.`, undefined, { cause: err });
  }
  if (name === 'AbortError') {
    return new KubeError('cancelled', site.context, `${site.context}: the request was cancelled.`, undefined, { cause: err });
  }

  const code = errorCode(err);
  if (code && networkProblems[code]) {
    return new KubeError('unreachable', site.context, `Cannot reach ${site.context}${where(site)}: ${networkProblems[code]}.`, undefined, { cause: err });
  }
  if (code && (tlsProblems[code] || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.includes('CERT'))) {
    const problem = tlsProblems[code] ?? `the TLS handshake with the server failed (${code})`;
    return new KubeError('tls', site.context, `${site.context}: ${problem}.`, undefined, { cause: err });
  }
  if (causeMessage(err) === 'bad port') {
    // fetch refuses some ports outright (1, 6000, 6665-6669...): nothing was sent.
    return new KubeError('unreachable', site.context, `Cannot reach ${site.context}${where(site)}: the HTTP client refuses to connect to that port.`, undefined, { cause: err });
  }
  if (isConnectionLoss(err)) {
    return new KubeError('stream-dropped', site.context, `${site.context}: the connection to the API server${where(site)} was lost.`, undefined, { cause: err });
  }
  const what = site.operation ? ` to ${describeOperation(site.operation)}` : '';
  return new KubeError('unknown', site.context, `${site.context}: the request${what} failed unexpectedly (see the log for details).`, undefined, { cause: err });
}

/** `patch namespaces "finance"`, `list pods in namespace "finance"`. */
export function describeOperation(op: KubeOperation): string {
  let text = `${op.verb} ${op.resource}`;
  if (op.name) text += ` "${op.name}"`;
  if (op.namespace) text += ` in namespace "${op.namespace}"`;
  return text;
}

/** A short text for logs: the error's class, code and status, never its (possibly noisy) message. */
export function describeForLog(error: unknown): string {
  const err = unwrapEvent(error);
  if (err instanceof KubeError) return `${err.reason}: ${err.message}`;
  const parts: string[] = [];
  const name = (err as { name?: string } | undefined)?.name ?? typeof err;
  parts.push(name);
  const code = errorCode(err);
  if (code) parts.push(`code=${code}`);
  const status = httpStatusOf(err);
  if (status !== undefined) parts.push(`status=${status}`);
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  if (cause && cause !== err) parts.push(`cause=(${describeForLog(cause)})`);
  return redactSecrets(parts.join(' '));
}

/**
 * The credential plugin's command line for a message (`aws eks get-token --cluster-name x`), with the values
 * of secret-looking flags (`--client-secret`, `--token=...`) masked: some plugins take secrets as arguments.
 */
export function describeExecCommand(command: string, args: readonly string[] = []): string {
  const secretFlag = /secret|token|password|passwd|key|credential/i;
  const shown: string[] = [];
  let maskNext = false;
  for (const arg of args) {
    if (maskNext) {
      shown.push('***');
      maskNext = false;
    } else if (arg.startsWith('-') && secretFlag.test(arg)) {
      const eq = arg.indexOf('=');
      if (eq >= 0) shown.push(`${arg.slice(0, eq)}=***`);
      else {
        shown.push(arg);
        maskNext = true;
      }
    } else shown.push(arg);
  }
  return [command, ...shown].join(' ');
}

/** Remove anything that looks like a credential from text bound for a message or a log. */
export function redactSecrets(text: string): string {
  return text
    .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g, '[redacted]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\b(token|password|client-key-data|client-certificate-data)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[redacted]')
    .replace(/[A-Za-z0-9+/_-]{48,}={0,2}/g, '[redacted]');
}

function fromStatus(status: number, body: StatusBody | undefined, site: KubeErrorSite, cause: unknown): KubeError {
  const ctx = site.context;
  const op = site.operation;
  const target = targetOf(body, op);
  const serverSays = body?.message ? `: ${oneLine(body.message)}` : '';
  const tag = `(${status} ${statusTexts[status] ?? 'Error'})`;
  const make = (reason: KubeErrorReason, message: string) => new KubeError(reason, ctx, message, status, { cause });

  switch (status) {
    case 401: {
      const hint = site.execCommand
        ? `check that \`${site.execCommand}\` works in a terminal, then log in again`
        : 'log in again or refresh the credentials in your kubeconfig';
      const who = site.user ? `credentials of user "${site.user}"` : 'credentials';
      return make('unauthorized', `${ctx}: the ${who} were rejected (401); the token may have expired — ${hint}.`);
    }
    case 403: {
      const denial = parseForbidden(body?.message);
      const user = denial?.user ?? site.user;
      const verb = denial?.verb ?? op?.verb;
      const resource = denial?.resource ?? body?.details?.kind ?? op?.resource;
      const name = body?.details?.name ?? op?.name;
      const namespace = denial?.namespace ?? op?.namespace;
      if (verb && resource) {
        let what = `${verb} ${resource}`;
        if (name) what += ` "${name}"`;
        if (namespace && namespace !== name) what += ` in namespace "${namespace}"`;
        const denied: KubeDenial = { user, verb, resource, name, namespace: namespace !== name ? namespace : undefined };
        return new KubeError('forbidden', ctx, `${ctx}: ${user ? `user "${user}"` : 'you'} is not allowed to ${what} ${tag}.`, status, { cause, denial: denied });
      }
      return make('forbidden', `${ctx}: the request was refused ${tag}${serverSays}.`);
    }
    case 404:
      return make('not-found', `${ctx}: ${target ?? 'the requested object'} was not found ${tag}.`);
    case 409:
      if (body?.reason === 'AlreadyExists') return make('conflict', `${ctx}: ${target ?? 'the object'} already exists ${tag}.`);
      return make('conflict', `${ctx}: ${target ?? 'the object'} was changed by someone else; reload and try again ${tag}.`);
    case 410:
      return make('conflict', `${ctx}: the server's copy moved on (410 Gone); the list has to be read again.`);
    case 400:
    case 422: {
      const cause0 = body?.details?.causes?.[0];
      const detail = cause0?.message ? `: ${cause0.field ? `${cause0.field}: ` : ''}${oneLine(cause0.message)}` : serverSays;
      return make('invalid', `${ctx}: the server rejected the change to ${target ?? 'the object'} as invalid ${tag}${detail}.`);
    }
    default:
      if (status >= 500 || status === 429) {
        return make('server-error', `${ctx}: the API server${where(site)} failed ${op ? `to ${describeOperation(op)} ` : ''}${tag}${serverSays}.`);
      }
      return make('unknown', `${ctx}: the API server answered ${tag}${op ? ` to ${describeOperation(op)}` : ''}${serverSays}.`);
  }
}

function credentialError(original: unknown, site: KubeErrorSite): KubeError {
  const err = original as { code?: string; syscall?: string; path?: string; message?: string } | undefined;
  const ctx = site.context;
  const plugin = site.execCommand?.split(' ')[0];
  if (err?.code === 'ENOENT' && err.syscall?.startsWith('spawn')) {
    const command = err.path ?? plugin ?? 'the credential plugin';
    return new KubeError(
      'exec-plugin-missing',
      ctx,
      `${ctx}: exec plugin "${command}" was not found on PATH (install it, or add its folder to PATH for VS Code).`,
      undefined,
      { cause: original },
    );
  }
  if (err?.code === 'ENOENT' || err?.code === 'EACCES') {
    return new KubeError('bad-kubeconfig', ctx, `${ctx}: cannot read ${err.path ?? 'a file'} named in the kubeconfig (${err.code === 'ENOENT' ? 'file not found' : 'permission denied'}).`, undefined, { cause: original });
  }
  if (plugin) {
    const said = firstLine(err?.message);
    return new KubeError('exec-plugin-failed', ctx, `${ctx}: exec plugin "${plugin}" failed${said ? `: ${said}` : ''}.`, undefined, { cause: original });
  }
  return new KubeError('bad-kubeconfig', ctx, `${ctx}: the credentials in the kubeconfig could not be used.`, undefined, { cause: original });
}

interface Denial {
  user?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
}

/** `... is forbidden: User "viewer" cannot patch resource "namespaces" in API group "" in the namespace "x"` */
function parseForbidden(message: string | undefined): Denial | undefined {
  if (!message) return undefined;
  const m = /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "([^"]+)")?/.exec(message);
  if (!m) return undefined;
  return { user: m[1], verb: m[2], resource: m[3], namespace: m[4] };
}

function targetOf(body: StatusBody | undefined, op: KubeOperation | undefined): string | undefined {
  // A missing pod reads as `pods "x"`, not `pods/exec "x"`: the subresource is how we got there.
  const kind = body?.details?.kind ?? op?.resource.split('/')[0];
  const name = body?.details?.name ?? op?.name;
  if (!kind) return undefined;
  let text = name ? `${kind} "${name}"` : kind;
  if (op?.namespace && op.namespace !== name) text += ` in namespace "${op.namespace}"`;
  return text;
}

/** ws reports failures as an ErrorEvent whose `.error` is the real error. */
function unwrapEvent(error: unknown): unknown {
  const e = error as { type?: string; error?: unknown } | undefined;
  if (e && typeof e === 'object' && e.type === 'error' && e.error) return e.error;
  return error;
}

function httpStatusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  // ApiException: numeric `.code`; client-node's Watch: `.statusCode`; ws: "Unexpected server response: 403".
  if (typeof e.code === 'number' && e.code >= 100) return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.message === 'string') {
    const m = /^Unexpected server response: (\d{3})/.exec(e.message);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function statusBodyOf(err: unknown): StatusBody | undefined {
  const body = (err as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : undefined;
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object') return body as StatusBody;
  return undefined;
}

/** The first string `code` found along the cause chain (undici wraps the socket error as `cause`). */
function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown[] }).errors; // AggregateError (happy eyeballs)
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(err: unknown): string | undefined {
  const message = (err as { cause?: { message?: unknown } } | undefined)?.cause?.message;
  return typeof message === 'string' ? message : undefined;
}

function isConnectionLoss(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /^(terminated|other side closed|socket hang up|premature close)/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function where(site: KubeErrorSite): string {
  return site.server ? ` (${site.server})` : '';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

function firstLine(text: string | undefined): string {
  if (!text) return '';
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return oneLine(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}

const KNOWN_REASONS: readonly KubeErrorReason[] = [
  'no-kubeconfig', 'bad-kubeconfig', 'unreachable', 'timeout', 'tls', 'unauthorized', 'forbidden', 'not-found',
  'conflict', 'invalid', 'server-error', 'exec-plugin-missing', 'exec-plugin-failed', 'stream-dropped', 'cancelled', 'unknown',
];

/** The typed reason the kube layer attaches to its errors (`error.reason`), or `unknown`. */
export function reasonOf(error: unknown): KubeErrorReason {
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && (KNOWN_REASONS as readonly string[]).includes(reason) ? (reason as KubeErrorReason) : 'unknown';
}
