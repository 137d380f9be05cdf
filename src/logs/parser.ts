// Parses one line of ztunnel output in any of the formats users paste or stream:
//   plain   `<time>\t<level>\t<target>\t<message>\t<k=v ...>` (tabs, or tabs turned into runs of spaces)
//   json    `{"level","time","scope","message", <fields>, <span objects>}`
//   legacy  `<time>  <LEVEL> <span{..}>: ztunnel::module: <message> <k=v ...>` (before about Istio 1.21)
// each optionally behind `[pod/<pod>/<container>] ` (kubectl logs --prefix), `<pod> <container> ` (stern)
// or a kubelet timestamp (kubectl logs --timestamps). ANSI colours are stripped. Never throws: a line
// that does not parse is kept as a raw entry whose message is the line.
//
// The scanner works on char codes rather than regexes or split(): it runs on every line of a follow
// stream and of files with millions of lines (see test/bench/parser.bench.ts).
import { classifyEntry, isAccessLogEntry } from './classify';
import type { FieldValue, LogLevel, ZtunnelLogEntry } from './entry';
import { matchesAt } from './match';
import { accessFieldsVerdict, accessTextVerdict, completedConnectionVerdict, MALFORMED, MUTUAL, quotesClosed, validTimestampEnd } from './wellFormed';
import type { AccessVerdict } from './wellFormed';

// CSI sequences (colours, cursor moves) and the two-character escapes.
// eslint-disable-next-line no-control-regex
const ansiSequence = /\x1b\[[0-9;:?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x1b/g;

const TAB = 9;
const SPACE = 32;
const EQUALS = 61;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === 13 || c === 11 || c === 12;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** An RFC 3339 timestamp starts at `i` (`2024-05-04T09:59:05...`). */
function isTimestampAt(s: string, i: number): boolean {
  return (
    s.length >= i + 19 &&
    isDigit(s.charCodeAt(i)) &&
    isDigit(s.charCodeAt(i + 3)) &&
    s.charCodeAt(i + 4) === 45 &&
    s.charCodeAt(i + 7) === 45 &&
    (s.charCodeAt(i + 10) === 84 || s.charCodeAt(i + 10) === 116) &&
    s.charCodeAt(i + 13) === 58
  );
}

/** End of the RFC 3339 timestamp at `i` (known to start one): seconds, fraction, then `Z` or an offset. */
function timestampEnd(s: string, i: number): number {
  let j = i + 19;
  const n = s.length;
  if (j < n && s.charCodeAt(j) === 46 /* . */) {
    j++;
    while (j < n && isDigit(s.charCodeAt(j))) j++;
  }
  const c = s.charCodeAt(j);
  if (c === 90 || c === 122 /* Z z */) return j + 1;
  if ((c === 43 || c === 45) /* + - */ && s.charCodeAt(j + 3) === 58) return j + 6;
  // Something else glued to it: take the whole token.
  return tokenEnd(s, j);
}

function skipSpaces(s: string, i: number): number {
  const n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function tokenEnd(s: string, i: number): number {
  const n = s.length;
  while (i < n && !isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** End of a tracing target or span list: whitespace outside braces ends it (`proxy{wl=a b}` is one). */
function targetEnd(s: string, i: number): number {
  const n = s.length;
  let depth = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === OPEN_BRACE) depth++;
    else if (c === CLOSE_BRACE) depth = depth > 0 ? depth - 1 : 0;
    else if (depth === 0 && isSpace(c)) break;
  }
  return i;
}

interface LevelWord {
  level: LogLevel;
  legacy: boolean;
}

const INFO: LevelWord = { level: 'info', legacy: false };
const WARN: LevelWord = { level: 'warn', legacy: false };
const ERROR: LevelWord = { level: 'error', legacy: false };
const DEBUG: LevelWord = { level: 'debug', legacy: false };
const TRACE: LevelWord = { level: 'trace', legacy: false };
const LEGACY_INFO: LevelWord = { level: 'info', legacy: true };
const LEGACY_WARN: LevelWord = { level: 'warn', legacy: true };
const LEGACY_ERROR: LevelWord = { level: 'error', legacy: true };
const LEGACY_DEBUG: LevelWord = { level: 'debug', legacy: true };
const LEGACY_TRACE: LevelWord = { level: 'trace', legacy: true };

/** The level word at `i` (lowercase: the current format; uppercase: legacy), followed by whitespace or the end. */
function levelWordAt(s: string, i: number): LevelWord | undefined {
  let word: LevelWord | undefined;
  let text: string;
  switch (s.charCodeAt(i)) {
    case 105: // i
      word = INFO;
      text = 'info';
      break;
    case 119: // w
      word = WARN;
      text = 'warn';
      break;
    case 101: // e
      word = ERROR;
      text = 'error';
      break;
    case 100: // d
      word = DEBUG;
      text = 'debug';
      break;
    case 116: // t
      word = TRACE;
      text = 'trace';
      break;
    case 73: // I
      word = LEGACY_INFO;
      text = 'INFO';
      break;
    case 87: // W
      word = LEGACY_WARN;
      text = 'WARN';
      break;
    case 69: // E
      word = LEGACY_ERROR;
      text = 'ERROR';
      break;
    case 68: // D
      word = LEGACY_DEBUG;
      text = 'DEBUG';
      break;
    case 84: // T
      word = LEGACY_TRACE;
      text = 'TRACE';
      break;
    default:
      return undefined;
  }
  const end = i + text.length;
  if (!matchesAt(s, i, text) || (end < s.length && !isSpace(s.charCodeAt(end)))) return undefined;
  return word;
}

/** Levels as other writers spell them (JSON from other subscribers, `warning`). */
export function normalizeLevel(value: unknown): LogLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  switch (word) {
    case 'error':
    case 'warn':
    case 'info':
    case 'debug':
    case 'trace':
      return word;
    case 'warning':
      return 'warn';
    case 'fatal':
    case 'critical':
      return 'error';
    default:
      return undefined;
  }
}

/** `key=` starts at `i`: an identifier (letters, digits, `_`, `.`, `-`) then `=`. */
function isFieldStartAt(s: string, i: number): boolean {
  const n = s.length;
  const first = s.charCodeAt(i);
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95)) return false;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === EQUALS) return true;
    const identifier =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 46 || c === 45;
    if (!identifier) return false;
  }
  return false;
}

/** Where the `k=v` section starts in `s` from `i`: the first whitespace-led `key=` (or `s.length`). */
function fieldsStart(s: string, i: number): number {
  const n = s.length;
  if (i < n && isFieldStartAt(s, i)) return i;
  for (let j = i + 1; j < n; j++) {
    if (isSpace(s.charCodeAt(j - 1)) && !isSpace(s.charCodeAt(j)) && isFieldStartAt(s, j)) return j;
  }
  return n;
}

function trimmedSlice(s: string, from: number, to: number): string {
  while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
  return s.slice(from, to);
}

function setFieldsText(entry: ZtunnelLogEntry, s: string, start: number): void {
  const text = trimmedSlice(s, start, s.length);
  if (text.length > 0) {
    entry.fieldsText = text;
    entry.fields = undefined;
  }
}

/** The access-log message at `i`, as a shared constant (most lines are access logs: no copy, and compared by identity). */
function accessMessageAt(s: string, i: number): string | undefined {
  // `connection ` then complete / opened / failed: told apart by the character after the space.
  if (s.charCodeAt(i) !== 99 /* c */ || s.charCodeAt(i + 10) !== SPACE) return undefined;
  let message: string;
  switch (s.charCodeAt(i + 11)) {
    case 99: // c
      message = 'connection complete';
      break;
    case 111: // o
      message = 'connection opened';
      break;
    case 102: // f
      message = 'connection failed';
      break;
    default:
      return undefined;
  }
  const end = i + message.length;
  if (end < s.length && !isSpace(s.charCodeAt(end))) return undefined;
  return matchesAt(s, i, message) ? message : undefined;
}

/** Message then fields, from `i`: the message is everything before the first `key=` (may be empty). */
function parseMessageAndFields(s: string, i: number, entry: ZtunnelLogEntry): void {
  const n = s.length;
  if (i >= n) return;
  const access = accessMessageAt(s, i);
  if (access !== undefined) {
    entry.message = access;
    setFieldsText(entry, s, skipSpaces(s, i + access.length));
    return;
  }
  // With real tabs the message is its own column, so an `=` inside a message cannot split it.
  const tab = s.indexOf('\t', i);
  if (tab !== -1 && !isFieldStartAt(s, i)) {
    entry.message = trimmedSlice(s, i, tab);
    setFieldsText(entry, s, skipSpaces(s, tab + 1));
    return;
  }
  const start = fieldsStart(s, i);
  entry.message = trimmedSlice(s, i, start);
  setFieldsText(entry, s, start);
}

/** Plain format after the level: `<target>\t<message>\t<fields>`, tabs or runs of spaces. */
function parsePlainBody(s: string, i: number, entry: ZtunnelLogEntry): void {
  // The access log's target, shared rather than copied.
  if (s.charCodeAt(i) === 97 /* a */ && matchesAt(s, i, 'access') && i + 6 < s.length && isSpace(s.charCodeAt(i + 6))) {
    entry.scope = 'access';
    parseMessageAndFields(s, skipSpaces(s, i + 6), entry);
    return;
  }
  const end = targetEnd(s, i);
  if (end > i) entry.scope = s.slice(i, end);
  parseMessageAndFields(s, skipSpaces(s, end), entry);
}

/** Legacy format after the level: `[span{..}: ]*module::path: message k=v`. */
function parseLegacyBody(s: string, i: number, entry: ZtunnelLogEntry): void {
  const spans: string[] = [];
  let module: string | undefined;
  for (;;) {
    const end = targetEnd(s, i);
    if (end === i || s.charCodeAt(end - 1) !== 58 /* : */) break;
    const token = s.slice(i, end - 1);
    if (token.includes('{')) {
      spans.push(token);
      i = skipSpaces(s, end);
      continue;
    }
    if (/^[\w:]+$/.test(token)) {
      module = token;
      i = skipSpaces(s, end);
    }
    break;
  }
  if (module !== undefined) entry.scope = spans.length > 0 ? `${module}:${spans.join(':')}` : module;
  else if (spans.length > 0) entry.scope = spans.join(':');
  parseMessageAndFields(s, i, entry);
}

function flattenInto(prefix: string, value: unknown, fields: Record<string, FieldValue>): void {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    fields[prefix] = value;
  } else if (Array.isArray(value)) {
    fields[prefix] = JSON.stringify(value);
  } else if (typeof value === 'object') {
    // Span objects (`"proxy":{"wl":"ns/pod"}`) become `proxy.wl`.
    for (const key in value as Record<string, unknown>) flattenInto(`${prefix}.${key}`, (value as Record<string, unknown>)[key], fields);
  }
}

/** ztunnel's JSON (`time`, `scope`, `message`) and tracing-subscriber's (`timestamp`, `target`, `fields.message`). */
function parseJson(s: string, i: number, entry: ZtunnelLogEntry): boolean {
  let object: unknown;
  try {
    object = JSON.parse(i === 0 ? s : s.slice(i));
  } catch {
    return false;
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return false;
  const record = object as Record<string, unknown>;
  entry.message = '';
  const fields: Record<string, FieldValue> = {};
  entry.fields = fields;
  for (const key in record) {
    const value = record[key];
    switch (key) {
      case 'time':
      case 'timestamp':
        if (typeof value === 'string') entry.time = value;
        else flattenInto(key, value, fields);
        break;
      case 'level':
        entry.level = normalizeLevel(value);
        if (entry.level === undefined) flattenInto(key, value, fields);
        break;
      case 'scope':
      case 'target':
        if (typeof value === 'string' && entry.scope === undefined) entry.scope = value;
        else flattenInto(key, value, fields);
        break;
      case 'message':
      case 'msg':
        if (typeof value === 'string') entry.message = value;
        else flattenInto(key, value, fields);
        break;
      case 'fields':
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          for (const inner in value as Record<string, unknown>) {
            const innerValue = (value as Record<string, unknown>)[inner];
            if (inner === 'message' && typeof innerValue === 'string') entry.message = innerValue;
            else flattenInto(inner, innerValue, fields);
          }
        } else flattenInto(key, value, fields);
        break;
      default:
        flattenInto(key, value, fields);
    }
  }
  entry.format = 'json';
  return true;
}

const emptyFields: Record<string, FieldValue> = Object.freeze({}) as Record<string, FieldValue>;

function newEntry(message: string): ZtunnelLogEntry {
  return {
    time: undefined,
    level: undefined,
    scope: undefined,
    message,
    fieldsText: undefined,
    fields: emptyFields,
    class: 'unparsed',
    format: 'raw',
    source: undefined,
    podNamespace: undefined,
    pod: undefined,
    container: undefined,
  };
}

/** `[pod/<pod>/<container>] ` → end of the prefix, filling pod and container; else 0. */
function kubectlPrefix(s: string, entry: ZtunnelLogEntry): number {
  if (s.charCodeAt(0) !== OPEN_BRACKET || !s.startsWith('[pod/')) return 0;
  const close = s.indexOf('] ', 5);
  if (close === -1) return 0;
  const slash = s.indexOf('/', 5);
  if (slash === -1 || slash > close) return 0;
  entry.pod = s.slice(5, slash);
  entry.container = s.slice(slash + 1, close);
  entry.source = s.slice(0, close + 1);
  return close + 2;
}

// Where a record starts behind some other tool's prefix: ztunnel's own RFC 3339 time (a `T` between date
// and time, which Loki's and Grafana's `2024-05-18 00:55:41.082` columns do not have), or a JSON object.
const recordStart = /\d{4}-\d\d-\d\d[Tt]\d\d:\d\d|\{"/;
// A Kubernetes object name (DNS-1123 subdomain) or container name, as stern, kubetail and friends print them.
const kubeName = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;
const dateOrClock = /^(?:\d{4}-\d\d-\d\d|\d\d:\d\d(?::\d\d)?(?:[.,]\d+)?|[+-]\d\d:?\d\d|Z|UTC)$/;

interface Prefix {
  readonly end: number;
  readonly source: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
  /** Loki and Grafana put the line between `|` columns: the closing one is not part of it. */
  readonly piped: boolean;
}

/**
 * A prefix some tool wrote before the record (`ztunnel-9tkd9 `, stern's `<pod> <container> ` or
 * `<namespace> <pod> <container> `, kubetail's `[<pod>] `, Loki's `<date> <time> | `), or undefined when
 * there is no record further on. The words that are not a date or clock name, in order, the pod.
 */
function otherPrefix(s: string, from: number): Prefix | undefined {
  const match = recordStart.exec(from === 0 ? s : s.slice(from));
  if (match === null || match.index === 0) return undefined;
  const end = from + match.index;
  const raw = s.slice(from, end);
  const piped = raw.includes('|');
  const source = raw.replace(/^[\s|]+|[\s|]+$/g, '');
  const names: string[] = [];
  for (const word of source.split(/[\s|]+/)) {
    if (word === '' || dateOrClock.test(word)) continue;
    names.push(word.startsWith('[') && word.endsWith(']') ? word.slice(1, -1) : word);
  }
  const all = names.every((name) => kubeName.test(name));
  if (!all || names.length === 0 || names.length > 3) return { end, source, piped };
  if (names.length === 1) return { end, source, piped, pod: names[0] };
  if (names.length === 2) return { end, source, piped, pod: names[0], container: names[1] };
  return { end, source, piped, namespace: names[0], pod: names[1], container: names[2] };
}

/** Keeps the line whole, as text: it is not a record this parser understood. */
function unparsed(entry: ZtunnelLogEntry, message: string): void {
  entry.level = undefined;
  entry.scope = undefined;
  entry.fieldsText = undefined;
  entry.fields = emptyFields;
  entry.format = 'raw';
  entry.class = 'unparsed';
  entry.message = message;
}

// ztunnel's access-log head (tab-separated as ztunnel writes it, or runs of spaces as terminals and copies
// turn the tabs into): after the timestamp, one native match instead of reading level, target and message a
// character at a time. Anything else takes the general path.
const accessHead = /[\t ]+(?:info|error|warn|debug)[\t ]+access[\t ]+connection (?:complete|opened|failed)(?:[\t ]+|$)/y;
const accessHeadLevels: Record<number, LogLevel> = { 105: 'info', 101: 'error', 119: 'warn', 100: 'debug' };

/** `…<level> access connection …` at `i` (from accessHead): fills the entry; false if not there. */
function accessHeadAt(s: string, i: number, entry: ZtunnelLogEntry): boolean {
  accessHead.lastIndex = i;
  if (!accessHead.test(s)) return false;
  const end = accessHead.lastIndex;
  let messageEnd = end;
  while (isSpace(s.charCodeAt(messageEnd - 1))) messageEnd--;
  entry.level = accessHeadLevels[s.charCodeAt(skipSpaces(s, i))]!;
  entry.format = 'plain';
  entry.scope = 'access';
  // The last word tells them apart: co`m`plete, `o`pened, `f`ailed (six characters from the end).
  const word = s.charCodeAt(messageEnd - 6);
  entry.message = word === 109 ? 'connection complete' : word === 111 ? 'connection opened' : 'connection failed';
  entry.fields = undefined;
  setFieldsText(entry, s, end);
  return true;
}

/** After tabs or runs of spaces (ztunnel's tabs, or what a terminal turned them into) from `i`; -1 if none. */
function afterBlanks(s: string, i: number): number {
  let j = i;
  while (s.charCodeAt(j) === TAB || s.charCodeAt(j) === SPACE) j++;
  return j > i ? j : -1;
}

/** `word` then tabs or spaces at `i`: where the next word starts, else -1. */
function wordThenBlanks(s: string, i: number, word: string): number {
  return i !== -1 && matchesAt(s, i, word) ? afterBlanks(s, i + word.length) : -1;
}

/**
 * Most lines of a busy ztunnel: `<time> info access connection complete <fields>` with its fields in
 * ztunnel's own layout, checked and classified by one native match (wellFormed.completedConnectionVerdict).
 * The entry is the one the general path makes of the same line.
 */
function completedConnection(s: string, entry: ZtunnelLogEntry): boolean {
  const timeEnd = validTimestampEnd(s, 0);
  if (timeEnd === -1) return false;
  const fields = wordThenBlanks(s, wordThenBlanks(s, wordThenBlanks(s, afterBlanks(s, timeEnd), 'info'), 'access'), 'connection complete');
  if (fields === -1) return false;
  const verdict = completedConnectionVerdict(s, fields);
  if (verdict === undefined) return false;
  entry.time = s.slice(0, timeEnd);
  entry.level = 'info';
  entry.format = 'plain';
  entry.scope = 'access';
  entry.message = 'connection complete';
  entry.fieldsText = s.slice(fields);
  entry.fields = undefined;
  entry.class = verdict === MUTUAL ? 'mtls' : 'plaintext';
  return true;
}

/** Parses from `i` (after any prefix); false when what is there is not a record. */
function parseRecord(s: string, i: number, entry: ZtunnelLogEntry): boolean {
  let time: string | undefined;
  if (isDigit(s.charCodeAt(i))) {
    const end = validTimestampEnd(s, i);
    if (end === -1) {
      if (isTimestampAt(s, i)) return false; // an impossible time (`2026-13-45T99:99:99Z`)
    } else {
      time = s.slice(i, end);
      if (accessHeadAt(s, end, entry)) {
        entry.time = time;
        return true;
      }
      i = skipSpaces(s, end);
      // `kubectl logs --timestamps`: the kubelet's timestamp, then the line's own.
      if (isDigit(s.charCodeAt(i)) && isTimestampAt(s, i)) {
        const ownEnd = validTimestampEnd(s, i);
        if (ownEnd === -1) return false;
        time = s.slice(i, ownEnd);
        if (accessHeadAt(s, ownEnd, entry)) {
          entry.time = time;
          return true;
        }
        i = skipSpaces(s, ownEnd);
      }
    }
  }
  entry.time = time;

  if (s.charCodeAt(i) === OPEN_BRACE) {
    if (!parseJson(s, i, entry)) return false;
    if (entry.time === undefined) entry.time = time;
    else if (entry.time !== time && validTimestampEnd(entry.time, 0) !== entry.time.length) return false;
    return true;
  }

  const level = levelWordAt(s, i);
  if (level === undefined) return false;
  entry.level = level.level;
  entry.message = '';
  i = skipSpaces(s, i + level.level.length);
  if (level.legacy) {
    entry.format = 'legacy';
    parseLegacyBody(s, i, entry);
  } else {
    entry.format = 'plain';
    parsePlainBody(s, i, entry);
  }
  return true;
}

/** The record as parsed holds together: access entries have their fields, and quotes pair up. */
function verdictOf(entry: ZtunnelLogEntry): AccessVerdict | undefined {
  if (isAccessLogEntry(entry)) {
    const failed = entry.level === 'error';
    if (entry.format === 'json') return accessFieldsVerdict(entry.message, entry.fields!, failed);
    return entry.fieldsText === undefined ? MALFORMED : accessTextVerdict(entry.message, entry.fieldsText, failed);
  }
  return entry.fieldsText !== undefined && !quotesClosed(entry.fieldsText) ? MALFORMED : undefined;
}

function parseInto(line: string, entry: ZtunnelLogEntry): void {
  let s = line;
  if (s.indexOf('\x1b') !== -1) s = s.replace(ansiSequence, '');
  if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  entry.message = s;
  if (isDigit(s.charCodeAt(0)) && completedConnection(s, entry)) return;

  const body = kubectlPrefix(s, entry);
  const start = body;
  const c = s.charCodeAt(body);
  if (!isTimestampAt(s, body) && c !== OPEN_BRACE && levelWordAt(s, body) === undefined) {
    const prefix = otherPrefix(s, body);
    if (prefix !== undefined) {
      const rest = prefix.piped ? s.replace(/[\s|]+$/, '') : s;
      const probe = newEntry(rest);
      const verdict = parseRecord(rest, prefix.end, probe) ? verdictOf(probe) : MALFORMED;
      if (verdict !== MALFORMED) {
        const { pod, container, source } = entry;
        Object.assign(entry, probe);
        entry.source = source === undefined ? prefix.source : `${source} ${prefix.source}`;
        entry.pod = pod ?? prefix.pod;
        entry.container = pod !== undefined ? container : prefix.container;
        entry.podNamespace = pod !== undefined ? undefined : prefix.namespace;
        entry.class = classifyEntry(entry, verdict);
        return;
      }
    }
  }

  if (!parseRecord(s, start, entry)) {
    // Not a record (a startup banner's continuation, a stack trace, another program's output, a broken
    // timestamp): keep the text, and the time when it had a good one.
    const time = entry.time;
    unparsed(entry, time !== undefined && isTimestampAt(s, start) ? s.slice(skipSpaces(s, timestampEnd(s, start))) : s.slice(body));
    entry.time = time;
    return;
  }
  const verdict = verdictOf(entry);
  if (verdict === MALFORMED) {
    const time = entry.time;
    unparsed(entry, s.slice(body));
    entry.time = time;
    return;
  }
  entry.class = classifyEntry(entry, verdict);
}

/** Parses and classifies one line. Never throws. */
export function parseZtunnelLine(line: string): ZtunnelLogEntry {
  const entry = newEntry(line);
  try {
    parseInto(line, entry);
    return entry;
  } catch {
    // Defensive: whatever went wrong, the line is kept as text.
    const kept = newEntry(String(line));
    kept.class = 'unparsed';
    return kept;
  }
}
