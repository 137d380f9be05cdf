// Pure parts of the streams: log lines from arbitrary chunks, exit codes from the exec Status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCodeFromStatus } from '../../../src/kube/exec';
import { LineSplitter } from '../../../src/kube/logStream';

describe('LineSplitter', () => {
  it('keeps a partial line until its newline arrives', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push(Buffer.from('2026-11-03T10:00:00Z\tinfo\taccess\tconnection comp'));
    assert.deepEqual(lines, []);
    splitter.push(Buffer.from('lete\tsrc.addr=10.0.0.1\nsecond'));
    assert.deepEqual(lines, ['2026-11-03T10:00:00Z\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1']);
    splitter.push(Buffer.from(' line\r\n\nthird'));
    assert.deepEqual(lines.slice(1), ['second line', '']);
    splitter.flush();
    assert.deepEqual(lines.slice(3), ['third'], 'a last line without newline is delivered at the end');
  });

  it('does not break a multi-byte character split across chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('identity=spiffe://cluster.local/ns/finance/sa/curl ✓\n');
    const cut = bytes.length - 3; // inside the 3-byte check mark
    splitter.push(bytes.subarray(0, cut));
    splitter.push(bytes.subarray(cut));
    assert.deepEqual(lines, ['identity=spiffe://cluster.local/ns/finance/sa/curl ✓']);
  });
});

describe('exitCodeFromStatus', () => {
  it('reads Success as 0 and a NonZeroExitCode cause as its number', () => {
    assert.equal(exitCodeFromStatus({ status: 'Success', metadata: {} }), 0);
    assert.equal(
      exitCodeFromStatus({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        message: 'command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7',
        details: { causes: [{ reason: 'ExitCode', message: '7' }] },
      }),
      7,
    );
  });

  it('has no exit code for a failure that never ran the command', () => {
    assert.equal(exitCodeFromStatus({ status: 'Failure', reason: 'InternalError', message: 'container not found ("nope")' }), undefined);
  });
});
