// The one-match check of a completed connection (wellFormed.completedConnectionVerdict) is only a faster way
// to the general check's answer: on ztunnel's own lines it answers, and on anything it answers at all, it
// answers what accessTextVerdict does. Lines are the Istio 1.22–1.28 shapes of ztunnelLines.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { accessTextVerdict, completedConnectionVerdict, MUTUAL, PLAIN } from '../../../src/logs/wellFormed';
import { prng } from '../../seededRandom';
import { mtlsOutbound, plaintextInbound, plaintextOutbound } from './ztunnelLines';

const fieldsOf = (line: string) => line.slice(line.indexOf('src.addr='));
const general = (fields: string) => accessTextVerdict('connection complete', fields, false);

/** ztunnel before 1.21 wrote its string values bare. */
const unquoted = (fields: string) => fields.replace(/="([^"]*)"/g, '=$1');

describe('the one-match check of a completed connection', () => {
  it('answers for the shapes ztunnel writes, as the general check does', () => {
    const cases: Array<[string, number]> = [
      [fieldsOf(mtlsOutbound), MUTUAL],
      [fieldsOf(mtlsOutbound).replace(/dst\.hbone_addr=(\S+)/, 'dst.hbone_addr="$1"'), MUTUAL],
      [fieldsOf(plaintextInbound), PLAIN],
      [fieldsOf(plaintextOutbound), PLAIN],
      [unquoted(fieldsOf(mtlsOutbound)), MUTUAL],
      [unquoted(fieldsOf(plaintextOutbound)), PLAIN],
    ];
    for (const [fields, verdict] of cases) {
      assert.equal(completedConnectionVerdict(fields, 0), verdict, fields);
      assert.equal(general(fields), verdict, fields);
    }
  });

  it('leaves to the general check what it does not know, and never answers differently', () => {
    const bases = [mtlsOutbound, plaintextInbound, plaintextOutbound].map(fieldsOf);
    bases.push(...bases.map(unquoted));
    // Pieces that change a line's meaning or break it: quotes, escapes, keys hidden in values, the HBONE port,
    // a second destination, an empty identity, fields cut or repeated.
    const pieces = ['"', '\\', '=', ' ', '\t', ':15008', ' dst.addr=10.0.0.1:15008', 'identity=', ' src.identity=""', ' dst.identity="spiffe://x"', 'hbone_addr=', 'x', '9', ''];
    const random = prng(7);
    let answered = 0;
    for (let n = 0; n < 20_000; n++) {
      let fields = bases[Math.floor(random() * bases.length)]!;
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const at = Math.floor(random() * (fields.length + 1));
        const piece = pieces[Math.floor(random() * pieces.length)]!;
        const cut = random() < 0.5 ? Math.floor(random() * 12) : 0;
        fields = fields.slice(0, at) + piece + fields.slice(at + cut);
      }
      const fast = completedConnectionVerdict(fields, 0);
      if (fast === undefined) continue;
      answered++;
      assert.equal(fast, general(fields), fields);
    }
    // The edits leave many lines as ztunnel could write them: the check is exercised, not skipped.
    assert.ok(answered > 1_000, `answered ${answered}`);
  });

  it('makes the entry the parser made before: tabs or runs of spaces, quoted or bare', () => {
    for (const line of [mtlsOutbound, plaintextOutbound, mtlsOutbound.replace(/\t/g, '    '), unquoted(plaintextInbound)]) {
      const entry = parseZtunnelLine(line);
      assert.equal(entry.time, '2026-11-03T09:59:05.028709Z');
      assert.equal(entry.level, 'info');
      assert.equal(entry.format, 'plain');
      assert.equal(entry.scope, 'access');
      assert.equal(entry.message, 'connection complete');
      assert.equal(entry.fieldsText, fieldsOf(line));
      assert.equal(entry.class, line.includes('identity=') ? 'mtls' : 'plaintext');
    }
  });
});
