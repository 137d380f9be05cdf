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
  const access = (fields: string, level = 'info') => row(`${t(1)}\t${level}\taccess\tconnection complete\t${fields}`);
  const matches = (filters: Partial<typeof defaultFilters>, entry: ReturnType<typeof row>) => compileFilter({ ...defaultFilters, ...filters })(entry);

  it('namespace filter matches the source or destination namespace, quoted or unquoted', () => {
    assert.ok(matches({ namespace: 'finance' }, access('src.namespace="finance" dst.namespace="accounts"')));
    assert.ok(matches({ namespace: 'finance' }, access('src.namespace=accounts dst.namespace=finance')));
    assert.ok(matches({ namespace: 'finance' }, row(JSON.stringify({ level: 'info', time: t(1), message: 'connection complete', 'src.namespace': 'finance' }))));
    assert.ok(!matches({ namespace: 'finance' }, access('src.namespace="financeX" dst.namespace="accounts"')));
    assert.ok(!matches({ namespace: 'fin' }, access('src.namespace="finance"')));
  });

  it('workload filter matches part of a source or destination workload name', () => {
    assert.ok(matches({ workload: 'curl' }, access('src.workload="curl-7d9c8b5f4-x2k8q"')));
    assert.ok(matches({ workload: 'accounts' }, access('dst.workload=accounts-5f6d7c8b9-abcde')));
    assert.ok(!matches({ workload: 'curl' }, access('src.workload="sleep"')));
  });

  it('level filter shows the chosen level and everything more severe', () => {
    assert.ok(matches({ level: 'warn' }, access('x=1', 'error')));
    assert.ok(matches({ level: 'warn' }, access('x=1', 'warn')));
    assert.ok(!matches({ level: 'warn' }, access('x=1', 'info')));
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
    const summary = accessSummary(
      parseZtunnelLine(
        `${t(1)}\tinfo\taccess\tconnection complete\tsrc.workload="curl-7d9c8b5f4-x2k8q" src.namespace="finance" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts" dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" bytes_sent=175 bytes_recv=80 duration="1ms"`,
      ),
    )!;
    assert.equal(summary.route, 'curl-7d… (finance) → accounts (accounts)');
    assert.equal(summary.srcIdentity, 'spiffe://cluster.local/ns/finance/sa/curl');
    assert.equal(summary.bytesSent, 175);
    assert.equal(summary.duration, '1ms');
    assert.equal(shortWorkload('accounts'), 'accounts');
    assert.equal(accessSummary(parseZtunnelLine(`${t(1)}\tinfo\tdns\tx=1`)), undefined);
  });
});

describe('log session over clusters', () => {
  it("merges pods by the kubelet's time, keeping each pod's lines in the order they were written", () => {
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
    // ztunnel-a wrote "second" (own time 0.5) after "first" (own time 0.7): threads race; the kubelet's order wins.
    logStreams.get('ztunnel-a')!.onLine(`2026-11-03T09:00:01.000000001Z ${t(0).replace('.000000', '.700000')}\tinfo\tdns\tn=first`);
    logStreams.get('ztunnel-b')!.onLine(`2026-11-03T09:00:01.500000000Z ${t(1)}\tinfo\tdns\tn=middle`);
    logStreams.get('ztunnel-a')!.onLine(`2026-11-03T09:00:02.000000000Z ${t(0).replace('.000000', '.500000')}\tinfo\tdns\tn=second`);
    s.flush();
    assert.deepEqual(s.rows().map((row) => `${row.pod}/${row.node} ${row.fieldsText}`), ['ztunnel-a/node-a n=first', 'ztunnel-b/node-b n=middle', 'ztunnel-a/node-a n=second']);
    assert.deepEqual(s.rows().map((row) => row.cluster), ['cluster-1', 'cluster-1', 'cluster-1']);
    assert.equal(batches.length, 1, 'rows are handed over in one batch');
    s.dispose();
  });
});
