// Whether a file someone opened as a ztunnel log is one, judged before it is shown: a binary file is refused
// (its rows would be mojibake), a text file with no ztunnel record in it is refused (package.json is not a
// log), and one that is mostly other text is shown with a sentence saying how little of it was read. Pure.
import type { ZtunnelLogEntry } from './entry';

export type FileVerdict =
  | { readonly kind: 'log' }
  | { readonly kind: 'mostly-unparsed'; readonly sentence: string }
  | { readonly kind: 'refused'; readonly sentence: string };

/** Bytes looked at to tell a binary file: enough for any header, small enough for a huge log. */
const SNIFF_BYTES = 64 * 1024;

/**
 * A NUL byte, or more than 1 in 20 bytes being control characters or invalid UTF-8, in the first 64 KiB:
 * text editors use the same tells (a UTF-8 log has neither; ANSI colours are ESC, which is allowed).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  if (n === 0) return false;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 27 && b !== 12) odd++;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, n));
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) odd++;
  return odd * 20 > n;
}

/** What to do with a file whose non-blank lines parsed into `entries`; `name` is how the sentence calls it. */
export function judgeLogFile(name: string, entries: readonly Pick<ZtunnelLogEntry, 'class'>[], lineCount: number): FileVerdict {
  const unparsed = entries.reduce((n, entry) => n + (entry.class === 'unparsed' ? 1 : 0), 0);
  const records = entries.length - unparsed;
  if (entries.length === 0) return { kind: 'refused', sentence: `${name} is empty: there is no ztunnel log in it.` };
  if (records === 0) return { kind: 'refused', sentence: `${name} is not a ztunnel log: none of its ${lineCount} lines is a ztunnel log entry.` };
  if (unparsed * 2 > entries.length) {
    return {
      kind: 'mostly-unparsed',
      sentence: `${name} is mostly not a ztunnel log: only ${records} of its ${entries.length} lines read as ztunnel log entries; the other ${unparsed} are shown as unparsed.`,
    };
  }
  return { kind: 'log' };
}

export function binarySentence(name: string): string {
  return `${name} is a binary file, not a ztunnel log: it was not opened.`;
}
