import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const t = '2026-11-03T09:59:05.028709Z';

function classify(content: string): Record<string, unknown>[] {
  const file = join(mkdtempSync(join(tmpdir(), 'classify-')), 'ztunnel.log');
  writeFileSync(file, content);
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/logs/classifyCli.ts', file], { encoding: 'utf8' });
  return out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logs:classify command line', () => {
  it('prints one JSON object per input line, numbered from 1, with every field', () => {
    const rows = classify(
      [
        // Istio 1.23–1.28 access lines (fields as ztunnel writes them, src/proxy/metrics.rs).
        `[pod/ztunnel-a/istio-proxy] ${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:4000 src.workload="curl" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.0.0.2:15008 direction="outbound" bytes_sent=175 bytes_recv=80 duration="1ms"`,
        `${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:4001 src.workload=curl dst.addr=10.0.0.2:80 direction=outbound bytes_sent=1 bytes_recv=2 duration=3ms`,
        '',
        'inpod_enabled: true',
        `{"level":"warn","time":"${t}","scope":"ztunnel::tls","message":"TLS handshake failed","error":"UnknownIssuer"}`,
      ].join('\r\n') + '\r\n',
    );
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], {
      n: 1,
      time: t,
      level: 'info',
      scope: 'access',
      message: 'connection complete',
      fields: { 'src.addr': '10.0.0.1:4000', 'src.workload': 'curl', 'src.identity': 'spiffe://cluster.local/ns/finance/sa/curl', 'dst.addr': '10.0.0.2:15008', direction: 'outbound', bytes_sent: 175, bytes_recv: 80, duration: '1ms' },
      class: 'mtls',
    });
    assert.deepEqual(rows.map((row) => row['n']), [1, 2, 3, 4, 5]);
    assert.deepEqual(rows.map((row) => row['class']), ['mtls', 'plaintext', 'unparsed', 'unparsed', 'tls-error']);
    assert.deepEqual(rows[3], { n: 4, time: null, level: null, scope: null, message: 'inpod_enabled: true', fields: {}, class: 'unparsed' });
  });

  it('fails with a message, not a stack, for a missing file', () => {
    assert.throws(
      () => execFileSync(process.execPath, ['--import', 'tsx', 'src/logs/classifyCli.ts', '/nonexistent/ztunnel.log'], { encoding: 'utf8', stdio: 'pipe' }),
      (error: { status: number; stderr: string }) => error.status === 1 && /cannot read \/nonexistent\/ztunnel.log/.test(error.stderr) && !/ at /.test(error.stderr),
    );
  });
});
