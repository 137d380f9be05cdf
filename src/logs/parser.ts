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
import { classifyEntry } from './classify';
import type { FieldValue, LogLevel, ZtunnelLogEntry } from './entry';
import { matchesAt } from './match';

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
    class: 'other',
    format: 'raw',
    pod: undefined,
    container: undefined,
  };
}

/** `[pod/<pod>/<container>] ` → end of the prefix, filling pod and container; else `i`. */
function kubectlPrefix(s: string, entry: ZtunnelLogEntry): number {
  if (s.charCodeAt(0) !== OPEN_BRACKET || !s.startsWith('[pod/')) return 0;
  const close = s.indexOf('] ', 5);
  if (close === -1) return 0;
  const slash = s.indexOf('/', 5);
  if (slash === -1 || slash > close) return 0;
  entry.pod = s.slice(5, slash);
  entry.container = s.slice(slash + 1, close);
  return close + 2;
}

/** Stern-style `<pod> <container> ` before a timestamp or a JSON object → end of the prefix; else `i`. */
function sternPrefix(s: string, i: number, entry: ZtunnelLogEntry): number {
  const first = tokenEnd(s, i);
  if (first === i || first >= s.length || s.charCodeAt(first) !== SPACE) return i;
  const second = tokenEnd(s, first + 1);
  if (second === first + 1 || second >= s.length || s.charCodeAt(second) !== SPACE) return i;
  const rest = second + 1;
  if (!isTimestampAt(s, rest) && s.charCodeAt(rest) !== OPEN_BRACE) return i;
  entry.pod = s.slice(i, first);
  entry.container = s.slice(first + 1, second);
  return rest;
}

function parseInto(line: string, entry: ZtunnelLogEntry): void {
  let s = line;
  if (s.indexOf('\x1b') !== -1) s = s.replace(ansiSequence, '');
  if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  entry.message = s;

  let i = kubectlPrefix(s, entry);
  let atTimestamp = isTimestampAt(s, i);
  if (!atTimestamp && s.charCodeAt(i) !== OPEN_BRACE && entry.pod === undefined && levelWordAt(s, i) === undefined) {
    i = sternPrefix(s, i, entry);
    atTimestamp = isTimestampAt(s, i);
  }
  const body = i;

  let time: string | undefined;
  if (atTimestamp) {
    const end = timestampEnd(s, i);
    time = s.slice(i, end);
    i = skipSpaces(s, end);
    // `kubectl logs --timestamps`: the kubelet's timestamp, then the line's own.
    if (isTimestampAt(s, i)) {
      const ownEnd = timestampEnd(s, i);
      time = s.slice(i, ownEnd);
      i = skipSpaces(s, ownEnd);
    }
  }

  if (s.charCodeAt(i) === OPEN_BRACE && parseJson(s, i, entry)) {
    if (entry.time === undefined) entry.time = time;
    return;
  }

  entry.time = time;
  const level = levelWordAt(s, i);
  if (level === undefined) {
    // Not a log record (a startup banner, `inpod_enabled: true`, a stack trace): keep the text.
    entry.message = i > body && time !== undefined ? s.slice(i) : s.slice(body);
    return;
  }
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
}


/** Parses and classifies one line. Never throws. */
export function parseZtunnelLine(line: string): ZtunnelLogEntry {
  const entry = newEntry(line);
  try {
    parseInto(line, entry);
    entry.class = classifyEntry(entry);
    return entry;
  } catch {
    // Defensive: whatever went wrong, the line is kept as text.
    return newEntry(String(line));
  }
}
