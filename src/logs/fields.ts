// Field access for parsed entries. Fields are parsed lazily from `fieldsText` (see ZtunnelLogEntry).
import type { FieldValue, ZtunnelLogEntry } from './entry';

/** Every field of the entry, in the order written; parsed (once) on first call. */
export function entryFields(entry: ZtunnelLogEntry): Record<string, FieldValue> {
  if (entry.fields === undefined) entry.fields = entry.fieldsText === undefined ? {} : parseFieldsText(entry.fieldsText);
  return entry.fields;
}

export function fieldValue(entry: ZtunnelLogEntry, key: string): FieldValue | undefined {
  return entryFields(entry)[key];
}

const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function tokenEnd(s: string, i: number): number {
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === SPACE || c === TAB) break;
  }
  return i;
}

/** Unquoted values: integers and decimals become numbers, `true`/`false` booleans, like the JSON format. */
function typedValue(text: string): FieldValue {
  const n = text.length;
  if (n === 0) return '';
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (n > 15) return text;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return text;
  let dots = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (++dots > 1 || i === n - 1) return text;
    } else if (!isDigit(c)) return text;
  }
  // `007` is an identifier, not the number 7.
  if (n > 1 && text.charCodeAt(0) === 48 && text.charCodeAt(1) !== 46) return text;
  return Number(text);
}

function unescapeQuoted(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** Parses a `k=v k="quoted value" ...` section (as kept in `fieldsText`) into fields, in the order written. */
export function parseFieldsText(text: string): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  parseFields(text, 0, fields);
  return fields;
}

function parseFields(s: string, i: number, fields: Record<string, FieldValue>): void {
  // Native indexOf does the scanning: this loop runs for every field of every line.
  const n = s.length;
  let lastKey: string | undefined;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    let space = s.indexOf(' ', i);
    if (space === -1) space = n;
    const eq = s.indexOf('=', i);
    const keyStart = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    const tabAt = s.indexOf('\t', i);
    if (keyStart && eq !== -1 && eq < space && (tabAt === -1 || tabAt > eq)) {
      const key = s.slice(i, eq);
      let j = eq + 1;
      let value: FieldValue;
      if (j < n && s.charCodeAt(j) === QUOTE) {
        let close = s.indexOf('"', j + 1);
        let escaped = false;
        while (close !== -1 && s.charCodeAt(close - 1) === BACKSLASH && !evenBackslashesBefore(s, close, j + 1)) {
          escaped = true;
          close = s.indexOf('"', close + 1);
        }
        if (close === -1) close = n;
        const raw = s.slice(j + 1, close);
        value = escaped || raw.indexOf('\\') !== -1 ? unescapeQuoted(raw) : raw;
        j = close + 1;
      } else {
        const end = tabAt !== -1 && tabAt < space ? tabAt : space;
        value = typedValue(s.slice(j, end));
        j = end;
      }
      fields[key] = value;
      lastKey = key;
      i = j;
    } else {
      // A word without `=`: the rest of a Display-formatted value with spaces (`error=io error: refused`).
      const k = tokenEnd(s, i);
      if (lastKey !== undefined) fields[lastKey] = `${fields[lastKey] ?? ''} ${s.slice(i, k)}`;
      i = k;
    }
  }
}

/** The quote at `at` is escaped only by an odd run of backslashes. */
function evenBackslashesBefore(s: string, at: number, from: number): boolean {
  let count = 0;
  for (let k = at - 1; k >= from && s.charCodeAt(k) === BACKSLASH; k--) count++;
  return count % 2 === 0;
}

