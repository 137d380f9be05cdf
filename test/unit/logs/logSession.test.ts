import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, searchPattern } from '../../../src/logs/filter';
import { LogBuffer } from '../../../src/logs/logBuffer';
import { LogSession } from '../../../src/logs/logSession';
import { accessSummary, shortWorkload } from '../../../src/logs/summary';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { defaultFilters } from '../../../src/shared/logProtocol';
import type { LogRow } from '../../../src/shared/logProtocol';
import type { ClusterClient } from '../../../src/kube/types';
import { configDumpStart, earlyDeny, mtlsOutbound, plaintextInbound, policyDenied, versionBanner127 } from './ztunnelLines';

const t = (s: number) => `2026-11-03T09:00:${String(s).padStart(2, '0')}.000000Z`;

describe('log buffer', () => {
  it('keeps entries in time order whatever order they arrive in, and says when they were all appended', () => {
    const buffer = new LogBuffer<{ timeKey: number; seq: number }>(10);
    assert.equal(buffer.insert([{ timeKey: 1, seq: 1 }, { timeKey: 3, seq: 2 }]).appended, true);
    assert.equal(buffer.insert([{ timeKey: 2, seq: 3 }]).appended, false);
    assert.deepEqual(buffer.all().map((e) => e.seq), [1, 3, 2]);
  });

  it('keeps the newest N and counts what it dropped', () => {
    const buffer = new LogBuffer<{ timeKey: number; seq: number }>(3);
    const { removed } = buffer.insert([1, 2, 3, 4, 5].map((n) => ({ timeKey: n, seq: n })));
    assert.deepEqual(removed.map((e) => e.seq), [1, 2]);
    assert.deepEqual(buffer.all().map((e) => e.seq), [3, 4, 5]);
    assert.equal(buffer.dropped, 2);
  });
});

describe('log session over a file', () => {
  function session(maxEntries = 100) {
    const batches: { rows: readonly LogRow[]; dropped: number }[] = [];
    const s = new LogSession({ maxEntries }, { rows: (rows, dropped) => batches.push({ rows, dropped }), status: () => undefined, problem: () => undefined });
    return { s, batches };
  }

  it('merges the pods of a `kubectl logs --prefix` file in time order, with their pods', () => {
    const { s } = session();
    s.addText([
      `[pod/ztunnel-a/istio-proxy] ${t(1)}\tinfo\tdns\tx=1`,
      `[pod/ztunnel-a/istio-proxy] ${t(3)}\tinfo\tdns\tx=3`,
      `[pod/ztunnel-b/istio-proxy] ${t(2)}\tinfo\tdns\tx=2`,
      `[pod/ztunnel-b/istio-proxy] continuation without a time`,
    ]);
    assert.deepEqual(s.rows().map((r) => `${r.pod} ${r.message || r.fieldsText}`), ['ztunnel-a x=1', 'ztunnel-b x=2', 'ztunnel-b continuation without a time', 'ztunnel-a x=3']);
  });

  it('refuses a file with no ztunnel record in it, keeping nothing, and says so in one sentence', () => {
    const { s, batches } = session();
    const verdict = s.addText(['{', '  "name": "ambient-mesh",', '  "version": "0.1.0"', '}'], 'package.json');
    assert.equal(verdict.kind, 'refused');
    assert.equal(verdict.kind === 'refused' && verdict.sentence, 'package.json is not a ztunnel log: none of its 4 lines is a ztunnel log entry.');
    assert.equal(s.rows().length, 0);
    assert.equal(batches.length, 0);
  });

  it('flags a file that is mostly not ztunnel output, and shows it all, unparsed lines counted', () => {
    const { s } = session();
    const verdict = s.addText([plaintextInbound, 'GET / HTTP/1.1', 'Host: accounts', 'User-Agent: curl/8.5.0'], 'capture.txt');
    assert.equal(verdict.kind, 'mostly-unparsed');
    assert.match(verdict.kind === 'mostly-unparsed' ? verdict.sentence : '', /^capture\.txt is mostly not a ztunnel log: only 1 of its 4 lines read as ztunnel log entries; the other 3 are shown as unparsed\.$/);
    assert.deepEqual(s.rows().map((row) => row.class).sort(), ['plaintext', 'unparsed', 'unparsed', 'unparsed']);
  });

  it("reads ztunnel's startup (Istio 1.27+): the banner is other, and the YAML config after it is ztunnel's own", () => {
    const { s } = session();
    const verdict = s.addText([versionBanner127, ...configDumpStart, policyDenied]);
    assert.equal(verdict.kind, 'log');
    assert.deepEqual(s.rows().map((row) => row.class), ['other', 'other', 'other', 'other', 'other', 'denied']);
  });

  it('keeps the newest entries and reports how many were dropped', () => {
    const { s, batches } = session(2);
    s.addText([t(1), t(2), t(3)].map((time) => `${time}\tinfo\tdns\tx=1`));
    assert.equal(s.rows().length, 2);
    assert.equal(batches.at(-1)!.dropped, 1);
    assert.equal(s.rows()[0]!.time, t(2));
  });

  it('exports the kept lines as they were written, all or only the chosen ones', () => {
    const { s } = session();
    const lines = [`[pod/ztunnel-a/istio-proxy] ${t(1)}\tinfo\tdns\tx=1`, `${t(2)}\twarn\tdns\tx=2`];
    s.addText(lines);
    assert.equal(s.exportText().text, lines.join('\n') + '\n');
    assert.equal(s.exportText([s.rows()[1]!.seq]).text, lines[1] + '\n');
  });
});

describe('filters', () => {
  const row = (line: string) => parseZtunnelLine(line);
  // Istio 1.23–1.28 access lines (ztunnelLines.ts), with the fields of interest set.
  const access = (fields: string, level = 'info') =>
    row(`${t(1)}\t${level}\taccess\tconnection complete\tsrc.addr=10.244.1.12:60059 ${fields} dst.addr=10.244.2.7:8080 direction="outbound" bytes_sent=1 bytes_recv=2 duration="1ms"`);
  const matches = (filters: Partial<typeof defaultFilters>, entry: ReturnType<typeof row>) => compileFilter({ ...defaultFilters, ...filters })(entry);

  it('namespace filter matches the source or destination namespace, quoted or unquoted', () => {
    assert.ok(matches({ namespace: 'finance' }, access('src.namespace="finance" dst.namespace="accounts"')));
    assert.ok(matches({ namespace: 'finance' }, access('src.namespace=accounts dst.namespace=finance')));
    const json = { level: 'info', time: t(1), message: 'connection complete', 'src.addr': '10.0.0.1:1', 'src.namespace': 'finance', 'dst.addr': '10.0.0.2:80', direction: 'inbound', bytes_sent: 0, bytes_recv: 0, duration: '0ms' };
    assert.ok(matches({ namespace: 'finance' }, row(JSON.stringify(json))));
    assert.ok(!matches({ namespace: 'finance' }, access('src.namespace="financeX" dst.namespace="accounts"')));
    assert.ok(!matches({ namespace: 'fin' }, access('src.namespace="finance"')));
  });

  it('workload filter matches part of a source or destination workload name', () => {
    assert.ok(matches({ workload: 'curl' }, access('src.workload="curl-7d9c8b5f4-x2k8q"')));
    assert.ok(matches({ workload: 'accounts' }, access('dst.workload=accounts-5f6d7c8b9-abcde')));
    assert.ok(!matches({ workload: 'curl' }, access('src.workload="sleep"')));
  });

  it('level filter shows the chosen level and everything more severe', () => {
    assert.ok(matches({ level: 'warn' }, row(policyDenied)));
    assert.ok(matches({ level: 'warn' }, row(earlyDeny)));
    assert.ok(!matches({ level: 'warn' }, row(plaintextInbound)));
  });

  it('the class filter picks out unparsed lines, and unparsed lines are never mTLS or plain text', () => {
    const broken = row(plaintextInbound.replace('2026-11-03T09:59:05', '2026-13-45T99:99:99'));
    assert.equal(broken.class, 'unparsed');
    assert.ok(matches({ class: 'unparsed' }, broken));
    assert.ok(!matches({ class: 'plaintext' }, broken));
    assert.ok(!matches({ class: 'unparsed' }, row(plaintextInbound)));
  });

  it('class filter and search (text or /regex/)', () => {
    const mtls = access('src.identity="spiffe://cluster.local/ns/a/sa/b"');
    assert.ok(matches({ class: 'mtls' }, mtls));
    assert.ok(!matches({ class: 'plaintext' }, mtls));
    assert.ok(matches({ search: 'SPIFFE://cluster' }, mtls));
    assert.ok(matches({ search: '/ns\\/a\\/sa\\/[bc]/' }, mtls));
    assert.ok(!matches({ search: '/ns\\/z/' }, mtls));
    // A regex that does not compile filters nothing out; the view says why.
    assert.ok(matches({ search: '/[unclosed/' }, mtls));
    assert.match(searchPattern('/[unclosed/').invalid ?? '', /Unterminated|Invalid/i);
  });
});

describe('access summary', () => {
  it('reads as `curl-7d… (finance) → accounts (accounts)` with identities, bytes and duration', () => {
    const summary = accessSummary(parseZtunnelLine(mtlsOutbound))!;
    assert.equal(summary.route, 'curl-7d… (finance) → accounts (accounts)');
    assert.equal(summary.srcIdentity, 'spiffe://cluster.local/ns/finance/sa/curl');
    assert.equal(summary.bytesSent, 175);
    assert.equal(summary.duration, '1ms');
    assert.equal(shortWorkload('accounts'), 'accounts');
    assert.equal(accessSummary(parseZtunnelLine(`${t(1)}\tinfo\tdns\tx=1`)), undefined);
  });
});

describe('log session over clusters', () => {
  it('merges pods strictly in the time each row shows (ztunnel\'s own), the kubelet\'s time standing in for lines without one', () => {
    const logStreams = new Map<string, { onLine(line: string): void }>();
    let watcher: { onSync(pods: unknown[]): void } | undefined;
    const client = {
      context: 'cluster-1',
      watch: (_r: string, _n: string, _o: unknown, callbacks: { onSync(pods: unknown[]): void }) => {
        watcher = callbacks;
        return { stop: () => undefined };
      },
      followLogs: (_ns: string, pod: string, _c: string, _o: unknown, callbacks: { onLine(line: string): void }) => {
        logStreams.set(pod, callbacks);
        return { stop: () => undefined };
      },
    } as unknown as ClusterClient;
    const batches: LogRow[][] = [];
    const s = new LogSession({ maxEntries: 100 }, { rows: (rows) => batches.push([...rows]), status: () => undefined, problem: () => undefined });
    s.addCluster(client, { namespace: 'istio-system', labelSelector: 'app=ztunnel', container: 'istio-proxy', tailLines: 10 });
    watcher!.onSync(['ztunnel-a', 'ztunnel-b'].map((name) => ({ metadata: { name }, spec: { nodeName: `node-${name.slice(-1)}` }, status: { phase: 'Running' } })));
    // ztunnel-a's threads raced: it wrote 0.5 after 0.7. The view shows ztunnel's times, so it orders by them;
    // ztunnel-b's line at 0.6 (read later, kubelet time 1.5) goes between; a line with no time of its own
    // goes by the kubelet's.
    logStreams.get('ztunnel-a')!.onLine(`2026-11-03T09:00:01.000000001Z ${t(0).replace('.000000', '.700000')}\tinfo\tdns\tn=first`);
    logStreams.get('ztunnel-b')!.onLine(`2026-11-03T09:00:01.500000000Z ${t(0).replace('.000000', '.600000')}\tinfo\tdns\tn=middle`);
    logStreams.get('ztunnel-a')!.onLine(`2026-11-03T09:00:02.000000000Z ${t(0).replace('.000000', '.500000')}\tinfo\tdns\tn=second`);
    logStreams.get('ztunnel-b')!.onLine(`2026-11-03T09:00:03.000000000Z not a record`);
    s.flush();
    assert.deepEqual(s.rows().map((row) => `${row.pod}/${row.node} ${row.fieldsText ?? row.message}`), [
      'ztunnel-a/node-a n=second',
      'ztunnel-b/node-b n=middle',
      'ztunnel-a/node-a n=first',
      'ztunnel-b/node-b not a record',
    ]);
    for (let i = 1; i < s.rows().length; i++) assert.ok(s.rows()[i - 1]!.timeKey <= s.rows()[i]!.timeKey);
    assert.deepEqual(s.rows().map((row) => row.cluster), ['cluster-1', 'cluster-1', 'cluster-1', 'cluster-1']);
    assert.equal(batches.length, 1, 'rows are handed over in one batch');
    s.dispose();
  });
});
