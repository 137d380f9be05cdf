// Test Connectivity: what to run in the source pod, how to read curl's answer, and which ztunnel
// access-log entry belongs to the connection, so the user hears plainly "mTLS, with these two SPIFFE
// identities" or "plain text". Pure: the commands layer runs the exec and reads the logs.
import { isAccessLogEntry } from '../logs/classify';
import type { FieldValue, ZtunnelLogEntry } from '../logs/entry';
import { entryFields } from '../logs/fields';
import { parseRejection, rejectionSentence, type PolicyRejection } from '../logs/policyRejection';
import { HBONE_PORT } from './networkPolicy';

/** How long curl may take (`-m`), in seconds. */
export const CURL_MAX_SECONDS = 5;

export interface ConnectivityTarget {
  /** Exactly what curl gets as its URL argument. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The Service the host names (`accounts.accounts.svc.cluster.local`, `accounts.accounts`, `accounts`). */
  readonly service?: { readonly name: string; readonly namespace: string };
}

export type TargetParse = { readonly ok: true; readonly target: ConnectivityTarget } | { readonly ok: false; readonly error: string };

const CLUSTER_SUFFIX = /\.svc(\.cluster\.local)?$/;

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * A target as a user types it: `host:port`, `http://host:port/path`, or a Service name. `defaultNamespace`
 * is where a bare Service name resolves (the source pod's namespace, as DNS would resolve it there).
 */
export function parseTarget(input: string, defaultNamespace: string): TargetParse {
  const raw = input.trim();
  if (raw === '') return { ok: false, error: 'Enter a target: a Service with its port (accounts.accounts.svc.cluster.local:8080) or a URL.' };
  // One argv element, but curl would still read a leading dash as an option.
  if (raw.startsWith('-')) return { ok: false, error: 'A target cannot start with "-".' };
  if (/\s/.test(raw)) return { ok: false, error: 'A target cannot contain spaces.' };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `http://${raw}`);
  } catch {
    return { ok: false, error: `"${raw}" is not a host:port or a URL.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `Only http and https targets can be tested (got ${url.protocol.replace(':', '')}).` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { ok: false, error: `"${raw}" names no host.` };
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  let service: ConnectivityTarget['service'];
  if (!isIpAddress(host)) {
    const labels = host.replace(CLUSTER_SUFFIX, '').split('.');
    // `name`, `name.namespace`, `name.namespace.svc[.cluster.local]`; anything longer is not a Service name.
    if (labels.length === 1) service = { name: labels[0], namespace: defaultNamespace };
    else if (labels.length === 2) service = { name: labels[0], namespace: labels[1] };
  }
  return { ok: true, target: { url: raw, host, port, service } };
}

/** `curl -s -m 5 <url>`: an argv, never a shell string. */
export function curlArgv(target: ConnectivityTarget): string[] {
  return ['curl', '-s', '-m', String(CURL_MAX_SECONDS), target.url];
}

/** The Service's cluster DNS name, as ztunnel writes it in `dst.service`. */
export function serviceHostname(service: { name: string; namespace: string }): string {
  return `${service.name}.${service.namespace}.svc.cluster.local`;
}

/** curl's exit code when `-m` ran out (`man curl`, EXIT CODES). */
export const CURL_TIMED_OUT = 28;

/** Why curl failed, in words (curl's own exit codes: `man curl`, EXIT CODES). */
export function curlExitMeaning(exitCode: number): string {
  switch (exitCode) {
    case 0:
      return 'succeeded';
    case 6:
      return 'could not resolve the host';
    case 7:
      return 'could not connect (refused or no route)';
    case CURL_TIMED_OUT:
      return `timed out after ${CURL_MAX_SECONDS} s`;
    case 35:
      return 'the TLS handshake failed';
    case 52:
      return 'the server sent nothing';
    case 56:
      return 'the connection was reset while receiving (often a policy denying it)';
    case 126:
    case 127:
      return 'curl could not be run in the pod';
    default:
      return `failed (curl exit code ${exitCode})`;
  }
}

/** The exec failed because the pod's image has no curl (the runtime's wording varies). */
export function isCurlMissing(result: { exitCode?: number; stderr?: string; error?: string }): boolean {
  const text = `${result.stderr ?? ''} ${result.error ?? ''}`;
  if (/executable file not found|no such file or directory|curl: not found|command not found/i.test(text)) return true;
  return result.exitCode === 127;
}

/** The connection to find in ztunnel's access log. */
export interface ConnectionQuery {
  readonly sourcePod: string;
  readonly sourceNamespace: string;
  readonly sourceIp?: string;
  readonly target: ConnectivityTarget;
  /** IPs the connection may have reached: the Service's ClusterIP and its endpoints' pod IPs. */
  readonly destinationIps?: readonly string[];
  /** When curl started (ms since epoch); earlier entries belong to other connections. */
  readonly startedAt: number;
  /** Clock difference tolerated between this machine and the cluster's log timestamps. */
  readonly slackMs?: number;
}

function str(value: FieldValue | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

/** `10.244.1.5:51234` → `10.244.1.5`; `[fd00::1]:80` → `fd00::1`. */
export function addressIp(address: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracket) return bracket[1];
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

function entryTime(entry: ZtunnelLogEntry): number | undefined {
  if (!entry.time) return undefined;
  const ms = Date.parse(entry.time);
  return Number.isNaN(ms) ? undefined : ms;
}

function fromSource(entry: ZtunnelLogEntry, query: ConnectionQuery): boolean {
  const f = entryFields(entry);
  const workload = str(f['src.workload']);
  const namespace = str(f['src.namespace']);
  if (workload !== '' && workload === query.sourcePod && (namespace === '' || namespace === query.sourceNamespace)) return true;
  return query.sourceIp !== undefined && addressIp(str(f['src.addr'])) === query.sourceIp;
}

function toTarget(entry: ZtunnelLogEntry, query: ConnectionQuery): boolean {
  const f = entryFields(entry);
  const { target } = query;
  const dstService = str(f['dst.service']);
  if (target.service) {
    const hostname = serviceHostname(target.service);
    // ztunnel writes the Service's hostname, some versions `namespace/hostname`.
    if (dstService === hostname || dstService.endsWith(`/${hostname}`)) return true;
  } else if (dstService !== '' && dstService === target.host) {
    return true;
  }
  const ips = new Set(query.destinationIps ?? []);
  if (isIpAddress(target.host)) ips.add(target.host);
  // Without a Service in the entry (plain text to a pod IP), the addresses tell: `dst.addr` is the pod at
  // the app port or at 15008 (HBONE), `dst.hbone_addr` the pod at the app port.
  return ['dst.addr', 'dst.hbone_addr'].some((key) => ips.has(addressIp(str(f[key]))));
}

/** Access-log entries of this connection, oldest first. */
export function matchingEntries(entries: readonly ZtunnelLogEntry[], query: ConnectionQuery): ZtunnelLogEntry[] {
  const since = query.startedAt - (query.slackMs ?? 2000);
  return entries.filter((entry) => {
    if (!isAccessLogEntry(entry)) return false;
    const at = entryTime(entry);
    if (at !== undefined && at < since) return false;
    return fromSource(entry, query) && toTarget(entry, query);
  });
}

/** A "none allowed" denial with the ALLOW policies that apply to the destination named in its sentence. */
export function withAllowPolicies(verdict: ConnectionVerdict, allowPolicies: readonly string[] | undefined): ConnectionVerdict {
  if (verdict.rejection?.kind !== 'none-allowed' || allowPolicies === undefined) return verdict;
  const listed = allowPolicies.length > 0 ? ` No rule of ${allowPolicies.join(', ')} matched it.` : '';
  return { ...verdict, allowPolicies, sentence: verdict.sentence + listed };
}

/** The newest of the entries' own times (they come from several ztunnels' logs, not in one order). */
function newest(entries: readonly ZtunnelLogEntry[]): number {
  return Math.max(-Infinity, ...entries.map((e) => entryTime(e) ?? -Infinity));
}

/** ztunnel carried the connection (mTLS or plain text) and logged no error for it. */
function succeededEntry(e: ZtunnelLogEntry): boolean {
  return (e.class === 'mtls' || e.class === 'plaintext') && str(entryFields(e)['error']) === '';
}

/**
 * Whether the entries found so far settle the verdict: a denial, a TLS failure, a blocked HBONE port, or
 * (when curl succeeded) a connection that did not fail. Other failures (the source's `http status: 401 Unauthorized`, say) may be followed by the destination's line naming the policy: wait for it until the
 * deadline rather than report half the story.
 */
export function verdictSettled(matches: readonly ZtunnelLogEntry[], curlSucceeded = true): boolean {
  // When curl failed, a success in the window is an earlier connection of the pair, and so is a failure
  // before that success: this connection's line is a failure after the last success, perhaps still to come.
  if (!curlSucceeded) {
    const lastSuccess = newest(matches.filter(succeededEntry));
    return matches.some((e) => (e.class === 'denied' || e.class === 'tls-error' || isHboneBlocked(str(entryFields(e)['error']))) && (entryTime(e) ?? Infinity) > lastSuccess);
  }
  return matches.some((e) => e.class === 'denied' || e.class === 'tls-error' || str(entryFields(e)['error']) === '');
}

/**
 * `not-found`: no ztunnel logged the connection, so it did not go through the mesh (plain text unless the
 * application itself speaks TLS); `unknown`: no ztunnel log could be read, so nothing can be said.
 */
export type ConnectionVerdictKind = 'mtls' | 'plaintext' | 'tls-error' | 'denied' | 'failed' | 'not-found' | 'unknown';

export interface ConnectionVerdict {
  readonly kind: ConnectionVerdictKind;
  readonly sourceIdentity?: string;
  readonly destinationIdentity?: string;
  /** `denied`: which policy refused it, or that no ALLOW matched (ztunnel's rejection). */
  readonly rejection?: PolicyRejection;
  /** For "none allowed": the ALLOW policies that apply to the destination (`ns/name`), when they could be read. */
  readonly allowPolicies?: readonly string[];
  /** The entry the verdict rests on (the access-log line), when there is one. */
  readonly entry?: ZtunnelLogEntry;
  /** One plain sentence for the user. */
  readonly sentence: string;
}

/**
 * The verdict on a connection from its access-log entries. Both ends' ztunnels may log it (outbound at
 * the source, inbound at the destination); an mTLS entry on either side settles it, a handshake failure
 * beats plain text, and the entry with both identities is preferred as evidence.
 */
export function connectionVerdict(matches: readonly ZtunnelLogEntry[], waitedSeconds: number, logsRead = true): ConnectionVerdict {
  const latestOf = (cls: string) => [...matches].reverse().filter((e) => e.class === cls);
  // A refusal beats everything: the source's ztunnel logs the same connection as mTLS (its 401), but the
  // destination's names the policy, and that is why curl failed.
  const denied = latestOf('denied').sort((a, b) => (entryTime(b) ?? 0) - (entryTime(a) ?? 0));
  // Unless a later entry shows this connection went through: the clock slack may let an earlier, refused
  // attempt of the same pair into the matches.
  // (By the entries' own times: the matches come from several ztunnels' logs, not in one order.)
  const succeeded = matches.filter(succeededEntry);
  if (denied.length > 0 && !(newest(succeeded) > newest(denied))) {
    const f = entryFields(denied[0]);
    const rejection = parseRejection(str(f['error']));
    const sourceIdentity = str(f['src.identity']) || undefined;
    const destinationIdentity = str(f['dst.identity']) || undefined;
    const sentence = rejection ? `${rejectionSentence(rejection)}: ztunnel's L4 authorization refused the connection.` : "Denied: ztunnel's L4 authorization refused the connection.";
    return { kind: 'denied', sourceIdentity, destinationIdentity, rejection, entry: denied[0], sentence };
  }
  // Only a connection that went through says how it was carried: one ztunnel could not complete says
  // nothing about encryption (it still names both identities: what it tried).
  // A failure after the last success is this connection's (a quick re-run may let the one before in).
  const failures = matches.filter((e) => (e.class === 'mtls' || e.class === 'plaintext') && str(entryFields(e)['error']) !== '');
  const failed = newest(failures) > newest(succeeded) ? failures.reduce((a, b) => ((entryTime(b) ?? 0) >= (entryTime(a) ?? 0) ? b : a)) : undefined;
  const mtls = failed ? [] : succeeded.filter((e) => e.class === 'mtls').reverse();
  if (mtls.length > 0) {
    const best = mtls.find((e) => str(entryFields(e)['src.identity']) !== '' && str(entryFields(e)['dst.identity']) !== '') ?? mtls[0];
    const sourceIdentity = str(entryFields(best)['src.identity']) || undefined;
    const destinationIdentity = str(entryFields(best)['dst.identity']) || undefined;
    const who = sourceIdentity && destinationIdentity ? `: ${sourceIdentity} → ${destinationIdentity}` : ' (HBONE)';
    return { kind: 'mtls', sourceIdentity, destinationIdentity, entry: best, sentence: `Mutual TLS${who}.` };
  }
  const tlsError = latestOf('tls-error');
  if (tlsError.length > 0) {
    const error = str(entryFields(tlsError[0])['error']);
    return { kind: 'tls-error', entry: tlsError[0], sentence: `The TLS handshake failed${error ? `: ${error}` : ''}.` };
  }
  if (failed !== undefined) {
    const error = str(entryFields(failed)['error']);
    const sentence = isHboneBlocked(error)
      ? `HBONE blocked: ztunnel could not reach the destination pod on port ${HBONE_PORT} in time, so the connection failed ("${error}"). A NetworkPolicy probably drops TCP ${HBONE_PORT} into that pod: allow it (Check Before Enrolling… names the policy).`
      : `The connection failed in the mesh: ztunnel logged "${error}".`;
    return { kind: 'failed', entry: failed, sentence };
  }
  const plain = succeeded.filter((e) => e.class === 'plaintext').reverse();
  if (plain.length > 0) {
    return { kind: 'plaintext', entry: plain[0], sentence: 'Plain text: ztunnel carried the connection without mutual TLS (no SPIFFE identities).' };
  }
  if (!logsRead) return { kind: 'unknown', sentence: 'The ztunnel logs could not be read: whether the connection used mTLS cannot be told.' };
  return {
    kind: 'not-found',
    sentence: `Plain text: no ztunnel logged this connection within ${waitedSeconds} s, so it did not go through the mesh (neither pod is captured).`,
  };
}

/**
 * How long the source ztunnel keeps trying to reach a peer's HBONE port before it logs the failure (its
 * lines of that failure say `duration="10002ms"`): when curl gave up first, its log line comes this late.
 */
export const ZTUNNEL_CONNECT_TIMEOUT_MS = 10_000;

/** ztunnel's own words when the HBONE connect timed out (src/proxy.rs `MaybeHBONENetworkPolicyError`). */
export function isHboneBlocked(error: string): boolean {
  return error.includes(`maybe a NetworkPolicy is blocking HBONE port ${HBONE_PORT}`);
}

/** One run of the test on one context, as shown side by side. */
export interface ConnectivityResult {
  readonly context: string;
  readonly source: { readonly namespace: string; readonly pod: string };
  readonly target: string;
  readonly argv: readonly string[];
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  /** Why the test could not run (no such pod, no curl, exec forbidden). */
  readonly error?: string;
  readonly verdict?: ConnectionVerdict;
  readonly durationMs?: number;
}
