// What makes a parsed line trustworthy. A line whose timestamp is impossible, whose access-log fields were cut
// off, or whose quotes do not pair up is not a log record we understood: the parser keeps it as `unparsed`
// rather than guess a verdict from the pieces (a truncated line must never read as "unencrypted", a swallowed
// `dst.identity` never as mTLS). Pure; runs on every line, so it works on char codes and indexOf.
//
// The access-log shape is ztunnel's `src/proxy/metrics.rs` (`ConnectionResult::record`, `log_early_deny`):
//   connection complete  src.addr … dst.addr … direction bytes_sent bytes_recv duration [error]   (info, error)
//   connection opened    src.addr … dst.addr … direction                                       (debug)
//   connection failed    src.addr dst.addr direction error                                     (warn, early deny)
// String values are written quoted (`src.workload="…"`), socket addresses and byte counts bare; older
// releases wrote strings bare too, so both are accepted.
import type { FieldValue } from './entry';
import { matchesAt } from './match';

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigits(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `s.slice(start, end)` is a real RFC 3339 date-time: digits where digits go, month 1–12, a day the month has,
 * hour < 24, minute < 60, second ≤ 60 (a leap second), then an optional fraction and `Z` or `±hh:mm`.
 */
// The common case in one native match: a well-formed RFC 3339 time whose day exists in every month (≤ 28).
// Days 29–31 and anything else this does not match go through isValidTimestamp.
const plainTimestamp = /\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)/y;

/** End of a valid RFC 3339 timestamp at `i`, or -1 (none there, or an impossible one). */
export function validTimestampEnd(s: string, i: number): number {
  plainTimestamp.lastIndex = i;
  if (plainTimestamp.test(s)) return plainTimestamp.lastIndex;
  let end = i + 19;
  if (s.charCodeAt(end) === 46) {
    end++;
    while (digit(s, end) >= 0) end++;
  }
  const zone = s.charCodeAt(end);
  end = zone === 90 || zone === 122 ? end + 1 : zone === 43 || zone === 45 ? end + 6 : end;
  return end <= s.length && isValidTimestamp(s, i, end) ? end : -1;
}

export function isValidTimestamp(s: string, start: number, end: number): boolean {
  if (end - start < 20) return false;
  const y0 = digit(s, start);
  const y1 = digit(s, start + 1);
  const y2 = digit(s, start + 2);
  const y3 = digit(s, start + 3);
  if (y0 < 0 || y1 < 0 || y2 < 0 || y3 < 0) return false;
  const month = twoDigits(s, start + 5);
  const day = twoDigits(s, start + 8);
  const hour = twoDigits(s, start + 11);
  const minute = twoDigits(s, start + 14);
  const second = twoDigits(s, start + 17);
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  if (s.charCodeAt(start + 16) !== 58 /* : */) return false;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > daysInMonth[month - 1]! || (month === 2 && day === 29 && !leap)) return false;
  let i = start + 19;
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    const digits = i;
    while (i < end && digit(s, i) >= 0) i++;
    if (i === digits) return false;
  }
  const zone = s.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === end;
  if (zone !== 43 && zone !== 45) return false;
  const zoneHour = twoDigits(s, i + 1);
  const zoneMinute = twoDigits(s, i + 4);
  return i + 6 === end && s.charCodeAt(i + 3) === 58 && zoneHour >= 0 && zoneHour < 24 && zoneMinute >= 0 && zoneMinute < 60;
}

/** The access entry is not one (cut off, quotes unpaired, a field missing or garbled): keep it unparsed. */
export const MALFORMED = -1;
/** A well-formed access entry with neither identities nor HBONE. */
export const PLAIN = 0;
/** A well-formed access entry naming an identity on either side, or carried over HBONE. */
export const MUTUAL = 1;
export type AccessVerdict = typeof MALFORMED | typeof PLAIN | typeof MUTUAL;

const QUOTE = 34;
const BACKSLASH = 92;

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** The quote at `at` is escaped by an odd run of backslashes before it. */
function escaped(s: string, at: number): boolean {
  let count = 0;
  for (let k = at - 1; k >= 0 && s.charCodeAt(k) === BACKSLASH; k--) count++;
  return count % 2 === 1;
}

// Where the walk below saw ` dst.addr=` and `direction="` (ztunnel writes them right after a quoted value),
// so the checks after it need no scan of their own; -1 when it did not.
let walkDstAt = -1;
let walkDirectionAt = -1;

/**
 * Every quoted value opens right after `=` and closes before a blank or the end; returns the number of
 * quoted identities seen (`src.identity="spiffe://…"`), or -1 when the quotes do not pair up. On the way it
 * notes ` dst.addr=` after a closing quote and `direction="`: one pass over the quotes does all the
 * scanning (a scan per field cost more than the rest of the parse).
 */
function quotedIdentities(s: string): number {
  const n = s.length;
  let identities = 0;
  walkDstAt = -1;
  walkDirectionAt = -1;
  for (let open = s.indexOf('"'); open !== -1; ) {
    if (open === 0 || s.charCodeAt(open - 1) !== 61 /* = */) return -1;
    let close = s.indexOf('"', open + 1);
    while (close !== -1 && s.charCodeAt(close - 1) === BACKSLASH && escaped(s, close)) close = s.indexOf('"', close + 1);
    if (close === -1) return -1;
    if (close + 1 < n && !isBlank(s.charCodeAt(close + 1))) return -1;
    // Reads at a few fixed offsets tell the keys apart (`src.identity="`, `direction="`, ` dst.addr=`):
    // comparing whole keys a character at a time cost more than the rest of the walk.
    const last = s.charCodeAt(open - 2);
    if (last === 121 /* y */ && s.charCodeAt(open - 9) === 105 /* i */ && s.charCodeAt(open - 10) === 46 /* . */ && close > open + 1) {
      if (s.charCodeAt(open + 1) !== 115 /* s */ || s.charCodeAt(open + 7) !== 58 /* : */) return -1; // `spiffe://…`
      identities++;
    } else if (last === 110 /* n */ && walkDirectionAt === -1 && s.charCodeAt(open - 10) === 100 /* d */ && s.charCodeAt(open - 11) === 32) {
      walkDirectionAt = open - 11;
    }
    if (walkDstAt === -1 && s.charCodeAt(close + 2) === 100 /* d */ && s.charCodeAt(close + 6) === 97 /* a */ && s.charCodeAt(close + 10) === 61 /* = */) walkDstAt = close + 1;
    open = s.indexOf('"', close + 1);
  }
  return identities;
}

/** A socket address as ztunnel prints one (`10.0.0.1:80`, `[fd00::1]:80`, `host:80`), quoted or bare. */
function isSocketAddress(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(start) === QUOTE) {
    if (end - start < 2 || s.charCodeAt(end - 1) !== QUOTE) return false;
    start++;
    end--;
  }
  const colon = s.lastIndexOf(':', end - 1);
  if (colon <= start || colon >= end - 1 || end - colon > 6) return false;
  for (let i = colon + 1; i < end; i++) if (digit(s, i) < 0) return false;
  return true;
}

/** End of the bare or quoted value starting at `v` (known to be well-quoted). */
function valueEnd(s: string, v: number): number {
  if (s.charCodeAt(v) === QUOTE) {
    let close = s.indexOf('"', v + 1);
    while (close !== -1 && s.charCodeAt(close - 1) === BACKSLASH && escaped(s, close)) close = s.indexOf('"', close + 1);
    return close === -1 ? s.length : close + 1;
  }
  let i = v;
  while (i < s.length && !isBlank(s.charCodeAt(i))) i++;
  return i;
}

const spaced = new Map<string, string>();

/** Where ` key=` (or `key=` at the start) is in `s`, else -1. */
function keyAt(s: string, key: string): number {
  if (matchesAt(s, 0, key)) return 0;
  let needle = spaced.get(key);
  if (needle === undefined) spaced.set(key, (needle = ' ' + key));
  const at = s.indexOf(needle);
  return at === -1 ? -1 : at + 1;
}

function isDigits(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (digit(s, i) < 0) return false;
  return true;
}

/** `duration="12ms"` or `duration=12ms`. */
function isDuration(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(start) === QUOTE) {
    start++;
    end--;
  }
  return end - start >= 3 && s.charCodeAt(end - 2) === 109 /* m */ && s.charCodeAt(end - 1) === 115 /* s */ && isDigits(s, start, end - 2);
}

function isDirection(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(start) === QUOTE) {
    start++;
    end--;
  }
  const length = end - start;
  return (length === 7 && matchesAt(s, start, 'inbound')) || (length === 8 && matchesAt(s, start, 'outbound'));
}

/** The value of `key` at `at` (from `keyAt`) ends where it should and passes `check`. */
function field(s: string, at: number, key: string, check: (s: string, start: number, end: number) => boolean): number {
  if (at === -1) return -1;
  const v = at + key.length;
  const end = valueEnd(s, v);
  return check(s, v, end) ? end : -1;
}

const HBONE_PORT = ':15008';

// ztunnel's own tail (`direction=… bytes_sent=… bytes_recv=… duration=… [error=…]`), anchored at ` direction=`:
// one native match instead of a look-up per field. Releases that order it differently take the slow path.
const quotedError = String.raw`(?: error="(?:[^"\\]|\\.)*")`;
const tails: Record<string, RegExp> = {
  'connection complete': new RegExp(String.raw` direction="?(?:inbound|outbound)"? bytes_sent=\d+ bytes_recv=\d+ duration="?\d+ms"?$`, 'y'),
  // At error level ztunnel's access_log! adds the error after the totals; at info it never does.
  'connection complete error': new RegExp(String.raw` direction="?(?:inbound|outbound)"? bytes_sent=\d+ bytes_recv=\d+ duration="?\d+ms"?${quotedError}$`, 'y'),
  'connection opened': / direction="?(?:inbound|outbound)"?$/y,
  'connection failed': new RegExp(String.raw` direction="?(?:inbound|outbound)"?${quotedError}$`, 'y'),
};
const sourceAddress = /src\.addr="?(?:[\w.-]+|\[[\dA-Fa-f:.]+\]):\d{1,5}"?(?=[ \t]|$)/y;
const destinationAddress = /dst\.addr="?(?:[\w.-]+|\[[\dA-Fa-f:.]+\]):\d{1,5}"?(?=[ \t]|$)/y;

/**
 * Checks the `k=v` text of a plain or legacy access entry (`message` is one of the three access messages;
 * `failed`: it was logged at error level, so ztunnel wrote an `error` after the totals) and says what it proves: one pass over the quotes, then a few anchored native matches.
 */
export function accessTextVerdict(message: string, s: string, failed: boolean): AccessVerdict {
  const identities = quotedIdentities(s);
  if (identities < 0) return MALFORMED;
  const dstAt = walkDstAt !== -1 ? walkDstAt : s.indexOf(' dst.addr=');
  if (dstAt === -1 || !matchesAt(s, 0, 'src.addr=')) return accessTextVerdictAnyOrder(message, s, identities, failed);
  // With an identity the verdict does not hang on the addresses: their presence is enough. Without one,
  // the destination's port decides (HBONE or not), so it must be a real socket address.
  let dstEnd = dstAt + 10;
  if (identities === 0) {
    sourceAddress.lastIndex = 0;
    destinationAddress.lastIndex = dstAt + 1;
    if (!sourceAddress.test(s) || !destinationAddress.test(s)) return MALFORMED;
    dstEnd = destinationAddress.lastIndex;
  }
  const tail = tails[failed && message === 'connection complete' ? 'connection complete error' : message]!;
  const directionAt = walkDirectionAt > dstAt ? walkDirectionAt : s.indexOf(' direction=', dstEnd);
  tail.lastIndex = directionAt;
  if (directionAt < 0 || !tail.test(s)) return accessTextVerdictAnyOrder(message, s, identities, failed);
  if (identities > 0) return MUTUAL;
  return bareSignals(s, dstEnd);
}

/** Bare identities (older releases), an HBONE inner address, or the HBONE port as destination. */
const signalKeys = ['src.identity=', 'dst.identity=', 'dst.hbone_addr='];
/** None of the signal keys is there at all: two native scans rule out the common plain-text line. */
function noSignalKey(s: string): boolean {
  return s.indexOf('identity=') === -1 && s.indexOf('hbone_addr=') === -1;
}

function bareSignals(s: string, dstEnd: number): AccessVerdict {
  // A second destination (a pasted or duplicated piece) could hide the HBONE port of the real one.
  if (s.indexOf(' dst.addr=', dstEnd) !== -1) return MALFORMED;
  for (const key of noSignalKey(s) ? [] : signalKeys) {
    const at = keyAt(s, key);
    if (at === -1) continue;
    const v = at + key.length;
    const end = valueEnd(s, v);
    if (end === v || (end === v + 2 && s.charCodeAt(v) === QUOTE)) continue; // empty: says nothing
    if (key !== 'dst.hbone_addr=' && !matchesAt(s, s.charCodeAt(v) === QUOTE ? v + 1 : v, 'spiffe://')) return MALFORMED;
    if (key === 'dst.hbone_addr=' && !isSocketAddress(s, v, end)) return MALFORMED;
    return MUTUAL;
  }
  const addrEnd = s.charCodeAt(dstEnd - 1) === QUOTE ? dstEnd - 1 : dstEnd;
  return matchesAt(s, addrEnd - HBONE_PORT.length, HBONE_PORT) ? MUTUAL : PLAIN;
}

/** The same checks, field by field, wherever the fields are. */
function accessTextVerdictAnyOrder(message: string, s: string, identities: number, failed: boolean): AccessVerdict {
  const srcAddr = field(s, keyAt(s, 'src.addr='), 'src.addr=', isSocketAddress);
  const dstAddr = field(s, keyAt(s, 'dst.addr='), 'dst.addr=', isSocketAddress);
  if (srcAddr === -1 || dstAddr === -1) return MALFORMED;
  if (field(s, keyAt(s, 'direction='), 'direction=', isDirection) === -1) return MALFORMED;
  if (message === 'connection complete') {
    // The totals ztunnel writes on every completed connection: a line cut short loses them.
    if (field(s, keyAt(s, 'bytes_sent='), 'bytes_sent=', isDigits) === -1) return MALFORMED;
    if (field(s, keyAt(s, 'bytes_recv='), 'bytes_recv=', isDigits) === -1) return MALFORMED;
    if (field(s, keyAt(s, 'duration='), 'duration=', isDuration) === -1) return MALFORMED;
  }
  // An error-level completion and an early deny carry the error; an info-level completion never does.
  const hasError = keyAt(s, 'error=') !== -1;
  if (hasError !== (failed || message === 'connection failed') && message !== 'connection opened') return MALFORMED;
  return identities > 0 ? MUTUAL : bareSignals(s, dstAddr);
}

const identityKeys = ['src.identity', 'dst.identity'];

function socketAddressValue(value: FieldValue | undefined): boolean {
  return typeof value === 'string' && isSocketAddress(value, 0, value.length);
}

function countValue(value: FieldValue | undefined): boolean {
  return typeof value === 'number' ? Number.isInteger(value) && value >= 0 : typeof value === 'string' && isDigits(value, 0, value.length);
}

function present(value: FieldValue | undefined): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The same checks for a JSON access entry, whose fields JSON.parse has already separated. */
export function accessFieldsVerdict(message: string, fields: Record<string, FieldValue>, failed: boolean): AccessVerdict {
  if (!socketAddressValue(fields['src.addr']) || !socketAddressValue(fields['dst.addr'])) return MALFORMED;
  const direction = fields['direction'];
  if (direction !== 'inbound' && direction !== 'outbound') return MALFORMED;
  if (message === 'connection complete') {
    const duration = fields['duration'];
    if (!countValue(fields['bytes_sent']) || !countValue(fields['bytes_recv'])) return MALFORMED;
    if (typeof duration !== 'string' || !isDuration(duration, 0, duration.length)) return MALFORMED;
  }
  if (message !== 'connection opened' && present(fields['error']) !== (failed || message === 'connection failed')) return MALFORMED;
  let mutual = false;
  for (const key of identityKeys) {
    const value = fields[key];
    if (!present(value)) continue;
    if (typeof value !== 'string' || !value.startsWith('spiffe://')) return MALFORMED;
    mutual = true;
  }
  const hbone = fields['dst.hbone_addr'];
  if (present(hbone)) {
    if (!socketAddressValue(hbone)) return MALFORMED;
    mutual = true;
  }
  return mutual || (fields['dst.addr'] as string).endsWith(HBONE_PORT) ? MUTUAL : PLAIN;
}

/**
 * Every value that opens a quote right after `=` closes it before a blank or the end (other quotes, as in a
 * Debug-formatted `error=… Spiffe { trust_domain: "" }`, are the value's own). A line cut inside a quoted
 * value fails this.
 */
export function quotesClosed(s: string): boolean {
  const n = s.length;
  for (let open = s.indexOf('="'); open !== -1; ) {
    let close = s.indexOf('"', open + 2);
    while (close !== -1 && s.charCodeAt(close - 1) === BACKSLASH && escaped(s, close)) close = s.indexOf('"', close + 1);
    if (close === -1) return false;
    if (close + 1 < n && !isBlank(s.charCodeAt(close + 1))) return false;
    open = s.indexOf('="', close + 1);
  }
  return true;
}

// The fields of an info-level `connection complete` as ztunnel writes them (src/proxy/metrics.rs, in its
// order), checked and judged in one native match. Most lines of a busy ztunnel are exactly this. Values are
// quoted (1.21 and later) or bare (earlier), without escapes and without `=` (so no key the general path
// looks for can hide in one), addresses bare. Fields that differ in any way (another order, an escape, a
// field not named here) are not matched and take the general path above, which gives these lines the same
// verdict (tested in test/unit/logs/wellFormed.test.ts).
const address = String.raw`(?:[\w.-]+|\[[\dA-Fa-f:.]+\]):\d{1,5}`;
const value = String.raw`(?:"[^"\\=]*"|[^\s"\\=]+)`;
const identity = String.raw`(?:"spiffe://[^"\\=]*"|spiffe://[^\s"\\=]+)`;
const sourceFields = String.raw`src\.addr=${address}(?: src\.workload=${value})?(?: src\.namespace=${value})?`;
const destinationNames = String.raw`(?: dst\.service=${value})?(?: dst\.workload=${value})?(?: dst\.namespace=${value})?`;
const totals = String.raw` direction=(?:"(?:inbound|outbound)"|inbound|outbound) bytes_sent=\d+ bytes_recv=\d+ duration=(?:"\d+ms"|\d+ms)$`;
/** With the source's identity: mutual TLS. */
const mutualFields = new RegExp(
  String.raw`${sourceFields} src\.identity=${identity} dst\.addr=${address}(?: dst\.hbone_addr=(?:"${address}"|${address}))?${destinationNames}(?: dst\.identity=${identity})?${totals}`,
  'y',
);
/** No identity, no HBONE address, a destination port other than HBONE's: plain text. */
const plainFields = new RegExp(String.raw`${sourceFields} dst\.addr=(?:[\w.-]+|\[[\dA-Fa-f:.]+\]):(?!15008 )\d{1,5}${destinationNames}${totals}`, 'y');

/**
 * The verdict for the fields from `from` to the end of `s`, when they are an info-level `connection
 * complete` in ztunnel's own layout (see above); undefined for anything else.
 */
export function completedConnectionVerdict(s: string, from: number): AccessVerdict | undefined {
  mutualFields.lastIndex = from;
  if (mutualFields.test(s)) return MUTUAL;
  plainFields.lastIndex = from;
  if (plainFields.test(s)) return PLAIN;
  return undefined;
}
