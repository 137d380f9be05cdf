// The parser never claims more than a line proves: what a user reads as "mTLS" or "unencrypted" is an access
// entry that parsed whole. Lines are the Istio 1.23–1.28 shapes of ztunnelLines.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMutualTls } from '../../../src/logs/classify';
import { entryFields } from '../../../src/logs/fields';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { prng } from '../../seededRandom';
import { accessLines, mtlsOutbound, plaintextOutbound, t, tlsFailure, xdsResponse } from './ztunnelLines';

describe('lines that do not parse are unparsed, kept whole', () => {
  it('an impossible timestamp makes the line unparsed, with no time shown', () => {
    for (const broken of ['2026-13-45T99:99:99Z', '2026-02-30T10:00:00.000001Z', '2025-02-29T10:00:00Z', '2026-11-03T24:00:00Z', '2026-11-03T09:60:05Z', '2026-1x-03T09:59:05Z']) {
      const line = mtlsOutbound.replace(t, broken);
      const entry = parseZtunnelLine(line);
      assert.equal(entry.class, 'unparsed', broken);
      assert.equal(entry.format, 'raw');
      assert.equal(entry.time, undefined, `${broken}: no time`);
      assert.equal(entry.message, line, 'kept whole');
    }
    // A leap day that exists, and a leap second, are fine.
    assert.equal(parseZtunnelLine(mtlsOutbound.replace(t, '2028-02-29T10:00:00.5Z')).class, 'mtls');
    assert.equal(parseZtunnelLine(mtlsOutbound.replace(t, '2016-12-31T23:59:60Z')).class, 'mtls');
  });

  it('a line cut short is unparsed: never "unencrypted grafana-55 → ?"', () => {
    // The truncation a user saw: cut inside src.workload.
    const cut = plaintextOutbound.slice(0, plaintextOutbound.indexOf('grafana-55') + 'grafana-55'.length);
    assert.equal(parseZtunnelLine(cut).class, 'unparsed');
    // Cut at every field boundary: without the totals it is not a complete access entry either.
    for (let at = plaintextOutbound.indexOf(' ', plaintextOutbound.indexOf('src.addr')); at !== -1; at = plaintextOutbound.indexOf(' ', at + 1)) {
      assert.equal(parseZtunnelLine(plaintextOutbound.slice(0, at)).class, 'unparsed', plaintextOutbound.slice(0, at));
    }
  });

  it('an unpaired quote is unparsed: dst.identity is never swallowed into src.identity', () => {
    const closeOfSrcIdentity = mtlsOutbound.indexOf('"', mtlsOutbound.indexOf('src.identity="') + 14);
    const swallowed = mtlsOutbound.slice(0, closeOfSrcIdentity) + mtlsOutbound.slice(closeOfSrcIdentity + 1);
    const entry = parseZtunnelLine(swallowed);
    assert.equal(entry.class, 'unparsed');
    assert.deepEqual(entryFields(entry), {}, 'no fields read from a line that did not parse');
    // A bare value with a stray quote, and a quoted value cut at the end of a non-access line.
    assert.equal(parseZtunnelLine(mtlsOutbound.replace('bytes_sent=175', 'bytes_sent=1"75')).class, 'unparsed');
    assert.equal(parseZtunnelLine(xdsResponse.replace(/" size=12 removes=0$/, '')).class, 'unparsed');
  });

  it('a garbled field value is unparsed: bytes that are not a count, a direction that is not one', () => {
    assert.equal(parseZtunnelLine(mtlsOutbound.replace('bytes_sent=175', 'bytes_sent=NaN')).class, 'unparsed');
    assert.equal(parseZtunnelLine(mtlsOutbound.replace('direction="outbound"', 'direction="sideways"')).class, 'unparsed');
    assert.equal(parseZtunnelLine(mtlsOutbound.replace('src.identity="spiffe://', 'src.identity="spiff://')).class, 'unparsed');
  });

  it('an access entry with a TLS error is a TLS error, and keeps its identities and HBONE address', () => {
    const entry = parseZtunnelLine(tlsFailure);
    assert.equal(entry.class, 'tls-error');
    const fields = entryFields(entry);
    assert.equal(fields['src.identity'], 'spiffe://cluster.local/ns/finance/sa/curl');
    assert.equal(fields['dst.identity'], 'spiffe://cluster.local/ns/accounts/sa/accounts');
    assert.equal(fields['dst.hbone_addr'], '10.244.2.7:8080');
  });
});

/** One corruption of a line as copy-paste, a cut-off buffer or a bad disk makes them. */
type Corruption = (line: string, random: () => number) => string;

const noise = ['"', ' ', '=', '\t', '\\', '.', ':', '0', '9', 'a', 'Z', '{', '}', '\u00e9', '\ufffd', '\u0000'];
const corruptions: Record<string, Corruption> = {
  truncate: (line, random) => line.slice(0, 1 + Math.floor(random() * (line.length - 1))),
  deleteChar: (line, random) => {
    const at = Math.floor(random() * line.length);
    return line.slice(0, at) + line.slice(at + 1);
  },
  insertChar: (line, random) => {
    const at = Math.floor(random() * (line.length + 1));
    return line.slice(0, at) + noise[Math.floor(random() * noise.length)] + line.slice(at);
  },
  replaceChar: (line, random) => {
    const at = Math.floor(random() * line.length);
    return line.slice(0, at) + noise[Math.floor(random() * noise.length)] + line.slice(at + 1);
  },
  dropQuote: (line, random) => {
    const quotes = [...line].flatMap((c, i) => (c === '"' ? [i] : []));
    if (quotes.length === 0) return line;
    const at = quotes[Math.floor(random() * quotes.length)]!;
    return line.slice(0, at) + line.slice(at + 1);
  },
  breakTimestampDigit: (line, random) => {
    const digits = [...line.slice(0, 27)].flatMap((c, i) => (c >= '0' && c <= '9' ? [i] : []));
    const at = digits[Math.floor(random() * digits.length)]!;
    return line.slice(0, at) + String(Math.floor(random() * 10)) + line.slice(at + 1);
  },
  deleteSpan: (line, random) => {
    const at = Math.floor(random() * line.length);
    return line.slice(0, at) + line.slice(at + 2 + Math.floor(random() * 40));
  },
  duplicateSpan: (line, random) => {
    const at = Math.floor(random() * line.length);
    const span = line.slice(at, at + 2 + Math.floor(random() * 40));
    return line.slice(0, at) + span + line.slice(at);
  },
  tabsToSpaces: (line) => line.replace(/\t/g, '    '),
};
const names = Object.keys(corruptions);

// Each access line also as `kubectl logs --prefix`, stern and JSON (LOG_FORMAT=json) would carry it.
function asJson(line: string): string {
  const entry = parseZtunnelLine(line);
  return JSON.stringify({ level: entry.level, time: entry.time, scope: 'access', message: entry.message, ...entryFields(entry) });
}
const originals = accessLines.flatMap((line) => [line, `[pod/ztunnel-8x2kf/istio-proxy] ${line}`, `ztunnel-8x2kf istio-proxy ${line}`, asJson(line)]);

describe('property: corruption never invents a verdict', () => {
  it('random corruptions of real access lines never yield an mTLS or plain-text verdict the original did not have (seed 20261103)', () => {
    const random = prng(20261103);
    const verdicts = new Set(['mtls', 'plaintext']);
    const seen = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const original = originals[Math.floor(random() * originals.length)]!;
      const parsed = parseZtunnelLine(original);
      // A denial is a verdict on policy; what it says about encryption is in its identities and HBONE fields.
      const expected = parsed.class === 'denied' ? (isMutualTls(entryFields(parsed)) ? 'mtls' : 'plaintext') : parsed.class;
      let line = original;
      const applied: string[] = [];
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const name = names[Math.floor(random() * names.length)]!;
        line = corruptions[name]!(line, random);
        applied.push(name);
      }
      const got = parseZtunnelLine(line).class;
      seen.set(got, (seen.get(got) ?? 0) + 1);
      if (verdicts.has(got)) assert.equal(got, expected, `iteration ${i}: ${applied.join(' + ')} turned a ${expected} line into ${got}:\n${JSON.stringify(line)}`);
    }
    // The test exercised both outcomes: corrupted lines that still read (a harmless change) and ones that did not.
    assert.ok((seen.get('unparsed') ?? 0) > 1000, `unparsed: ${seen.get('unparsed')}`);
    assert.ok((seen.get('mtls') ?? 0) + (seen.get('plaintext') ?? 0) > 500, JSON.stringify([...seen]));
  });
});
