// One class per entry, from what the line says about encryption. The mTLS signal is structural (identity
// fields, HBONE), never the letters "tls": ztunnel writes `src.identity` / `dst.identity` only for mutual TLS.
//
// Classification runs on every ingested line, so for plain and legacy lines it tests the unparsed `k=v`
// text with one regular expression (a single native pass) and parses fields only for lines with an error.
import type { FieldValue, LogClass, ZtunnelLogEntry } from './entry';
import { matchesAt } from './match';
import { POLICY_REJECTION_PREFIX } from './policyRejection';
import { MUTUAL, PLAIN } from './wellFormed';
import type { AccessVerdict } from './wellFormed';

/** The HBONE port: a connection to it is always mutual TLS. */
const hbonePort = ':15008';

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** `key=` at `at` starts a token and its value is not empty (`""`, or nothing). */
function keyWithValueAt(text: string, at: number, keyLength: number): boolean {
  if (at > 0 && !isBlank(text.charCodeAt(at - 1))) return false;
  const value = at + keyLength;
  if (value >= text.length) return false;
  const c = text.charCodeAt(value);
  return !isBlank(c) && !(c === 34 && text.charCodeAt(value + 1) === 34);
}

/**
 * Identity on either side, an HBONE address, or the HBONE port as destination, in a `k=v` text (values
 * quoted or not). indexOf, not a regular expression: it runs on every access-log line, and a plain-text
 * line has to be read to its end.
 */
function isMutualTlsText(text: string): boolean {
  for (let at = text.indexOf('identity='); at !== -1; at = text.indexOf('identity=', at + 9)) {
    if (at >= 4 && (matchesAt(text, at - 4, 'src.') || matchesAt(text, at - 4, 'dst.')) && keyWithValueAt(text, at - 4, 13)) return true;
  }
  for (let at = text.indexOf('dst.hbone_addr='); at !== -1; at = text.indexOf('dst.hbone_addr=', at + 15)) {
    if (keyWithValueAt(text, at, 15)) return true;
  }
  for (let at = text.indexOf(hbonePort); at !== -1; at = text.indexOf(hbonePort, at + 6)) {
    const after = at + hbonePort.length;
    if (after < text.length && !isBlank(text.charCodeAt(after)) && text.charCodeAt(after) !== 34) continue;
    let start = at;
    while (start > 0 && !isBlank(text.charCodeAt(start - 1))) start--;
    if (matchesAt(text, start, 'dst.addr=')) return true;
  }
  return false;
}

/** Every word the TLS patterns below need: a line without any of them is `other` after one cheap test. */
// Grouped by first letter (the same words as `tls|cert|x509|spiffe|identit|handshake|ssl|\bca\b|csr|secret|
// issuer|signature|notvalidforname`): irregexp then tries one branch per position, not thirteen (~20% faster).
const tlsGate = /t(?:ls)|c(?:ert|sr)|x509|s(?:piffe|sl|ecret|ignature)|i(?:dentit|ssuer)|handshake|notvalidforname|\bca\b/i;

// A handshake that went wrong, or a certificate that did not verify (rustls, BoringSSL and Go wordings).
const handshakeWord = /handshake/i;
const failureWord = /fail|error|invalid|reject|refused|alert|eof|timed? ?out|reset|abort|unexpected|expired|unknown|bad/i;
const certificateFailure =
  /certificate_verify_failed|certificate verif\w* fail|fail\w* to verify[\w ]* certificate|invalid (?:peer )?certificate|unknown ?issuer|bad ?certificate|unknown ca\b|certificate (?:has )?expired|certificate (?:is )?not (?:yet )?valid|notvalidforname|bad ?signature|x509: /i;

// Anything else about TLS, certificates or workload identities (fetches, rotations, handshakes, SPIFFE IDs).
const tlsTopic = /tls|certificate|\bcerts?\b|x509|spiffe|identit|handshake|\bssl\b|\bca\b|\bcsr\b|secret/i;
// ztunnel's own words for a connection that failed for a reason other than TLS (src/proxy/mod.rs `Error`,
// and the io errors it wraps): with one of these, the identities it names still say whether it was mTLS.
const connectionFailure =
  /policy rejection|policy change|timed out|deadline has elapsed|connection refused|connection reset|broken pipe|drain|no healthy upstream|unknown (?:source|destination|waypoint)|dns|http status|early eof|connection closed/i;
const tlsFieldKey = /(?:identity|cert|tls|spiffe)[\w.-]*=/i;
const errorKeys = ['error', 'err', 'reason', 'cause'];

/** ztunnel's access log: `connection complete`, `connection opened` (debug) or `connection failed` (early deny). */
export function isAccessLogEntry(entry: Pick<ZtunnelLogEntry, 'message' | 'format'>): boolean {
  const m = entry.message;
  return (
    entry.format !== 'raw' &&
    m.length >= 17 &&
    m.length <= 19 &&
    (m === 'connection complete' || m === 'connection opened' || m === 'connection failed')
  );
}

function present(value: FieldValue | undefined): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** An access-log entry's connection used mutual TLS: an identity on either side, or HBONE. */
export function isMutualTls(fields: Record<string, FieldValue>): boolean {
  if (present(fields['src.identity']) || present(fields['dst.identity']) || present(fields['dst.hbone_addr'])) return true;
  const dstAddr = fields['dst.addr'];
  return typeof dstAddr === 'string' && dstAddr.endsWith(hbonePort);
}

function isTlsFailureText(text: string): boolean {
  return certificateFailure.test(text) || (handshakeWord.test(text) && failureWord.test(text));
}

const nextKey = /\s[A-Za-z_][\w.-]*=/g;

/** The values of error-carrying fields, read from the `k=v` text without parsing every field. */
function errorValuesInText(text: string): string {
  let error = '';
  for (const key of errorKeys) {
    const needle = key + '=';
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      if (at > 0 && !isBlank(text.charCodeAt(at - 1))) continue;
      const value = at + needle.length;
      if (text.charCodeAt(value) === 34 /* " */) {
        const close = text.indexOf('"', value + 1);
        error += ' ' + text.slice(value + 1, close === -1 ? text.length : close);
      } else {
        // Unquoted values may hold spaces (`error=io error: refused`): up to the next `key=`.
        nextKey.lastIndex = value;
        const next = nextKey.exec(text);
        error += ' ' + text.slice(value, next === null ? text.length : next.index);
      }
      break;
    }
  }
  return error;
}

/** The values of error-carrying fields (`error`, `err`, `reason`, `cause`). */
function errorText(entry: ZtunnelLogEntry): string {
  if (entry.fields === undefined) return entry.fieldsText === undefined ? '' : errorValuesInText(entry.fieldsText);
  let error = '';
  for (const key of errorKeys) {
    const value = entry.fields[key];
    if (typeof value === 'string') error += ' ' + value;
  }
  return error;
}

function hasTlsFieldKey(entry: ZtunnelLogEntry): boolean {
  if (entry.fields === undefined) return entry.fieldsText !== undefined && tlsFieldKey.test(entry.fieldsText);
  for (const key in entry.fields) if (tlsFieldKey.test(key + '=')) return true;
  return false;
}

// ztunnel's first line names its build (`version: version.BuildInfo{… CryptoProvider:"tls-aws-lc"}`, Istio
// 1.27 and later; earlier releases end at `GitTag`/`IstioVersion`): a fact about the binary, not about TLS.
const versionBanner = 'version: version.BuildInfo{';

/**
 * The class of a parsed record. `verdict` is what the well-formedness check (wellFormed.ts) found in an
 * access entry's fields; without it the fields are read here.
 */
/** The TLS gate over a JSON entry's keys and string values, without serialising them again. */
function jsonFieldsMentionTls(fields: Record<string, FieldValue>): boolean {
  for (const key in fields) {
    const value = fields[key];
    if (tlsGate.test(key) || (typeof value === 'string' && tlsGate.test(value))) return true;
  }
  return false;
}

export function classifyEntry(entry: ZtunnelLogEntry, verdict?: AccessVerdict): LogClass {
  if (entry.format === 'raw') return 'unparsed';
  if (isAccessLogEntry(entry)) {
    // A connection whose handshake failed did not get mutual TLS, whatever identities it names: say so.
    // ztunnel logs a failed connection at warn or error level, so info and debug entries carry no error.
    if (entry.level === 'error' || entry.level === 'warn' || entry.level === undefined) {
      const error = errorText(entry);
      // The destination ztunnel refused it by policy: that, not its encryption, is what the user needs.
      if (error.includes(POLICY_REJECTION_PREFIX)) return 'denied';
      if (isTlsFailureText(error)) return 'tls-error';
      // A failure we cannot name proves nothing about encryption (it may be a TLS failure we do not know
      // the wording of): no mTLS or plain-text verdict for it.
      if (error !== '' && !connectionFailure.test(error)) return 'other';
    }
    // ztunnel writes `connection failed` (log_early_deny) "before we have enough information to emit proper
    // access logs": addresses only, never identities, so it proves neither mTLS nor plain text.
    if (entry.message === 'connection failed') return 'other';
    if (verdict === MUTUAL) return 'mtls';
    if (verdict === PLAIN) return 'plaintext';
    if (entry.fields !== undefined) return isMutualTls(entry.fields) ? 'mtls' : 'plaintext';
    return entry.fieldsText !== undefined && isMutualTlsText(entry.fieldsText) ? 'mtls' : 'plaintext';
  }
  if (entry.message.length > versionBanner.length && matchesAt(entry.message, 0, versionBanner)) return 'other';
  const { fieldsText } = entry;
  const gated =
    tlsGate.test(entry.message) ||
    (entry.scope !== undefined && tlsGate.test(entry.scope)) ||
    (fieldsText !== undefined && tlsGate.test(fieldsText)) ||
    (entry.fields !== undefined && entry.format === 'json' && jsonFieldsMentionTls(entry.fields));
  if (!gated) return 'other';
  const text = entry.message + errorText(entry);
  if (isTlsFailureText(text)) return 'tls-error';
  if (tlsTopic.test(text) || (entry.scope !== undefined && tlsTopic.test(entry.scope))) return 'tls';
  return hasTlsFieldKey(entry) ? 'tls' : 'other';
}
