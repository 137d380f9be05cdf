// ztunnel logs inside a real VS Code against the test cluster: Show ztunnel Logs follows every ztunnel pod,
// a dropped stream resumes without losing or repeating a line (checked against the cluster's own record of
// every line emitted), a DaemonSet rollout's new pods are picked up, a second cluster reads side by side,
// and a saved file opens in the same view. Every test puts back what it changed (faults, panels).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { LogPanel } from '../../src/webview/logPanel';

const EXTENSION_ID = 'ambient-mesh.ambient-mesh';
const run = promisify(execFile);

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(process.env.AMBIENT_TEST_KUBECTL!, ['--kubeconfig', process.env.KUBECONFIG!, ...args], { timeout: 30_000 });
  return stdout;
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${process.env.AMBIENT_TEST_CONTROL_URL}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return response;
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ztunnelPods(context: string): Promise<{ name: string; node: string }[]> {
  const list = JSON.parse(await kubectl('--context', context, '-n', 'istio-system', 'get', 'pods', '-l', 'app=ztunnel', '-o', 'json'));
  return list.items
    .filter((p: { metadata: { deletionTimestamp?: string }; status: { phase: string } }) => !p.metadata.deletionTimestamp && p.status.phase === 'Running')
    .map((p: { metadata: { name: string }; spec: { nodeName: string } }) => ({ name: p.metadata.name, node: p.spec.nodeName }));
}

/** The lines a panel kept for one pod, as written by ztunnel (export text without the `[pod/…]` prefix). */
function keptLines(panel: LogPanel, cluster: string, pod: string): string[] {
  panel.session.flush();
  const seqs = panel.session.rows().filter((row) => row.cluster === cluster && row.pod === pod).map((row) => row.seq);
  const prefix = `[pod/${pod}/istio-proxy] `;
  return panel.session
    .exportText(seqs)
    .text.split('\n')
    .filter((line) => line !== '')
    .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line));
}

async function emittedLines(cluster: string, pod: string): Promise<string[]> {
  const response = await control('GET', `/logs?cluster=${cluster}&pod=${pod}&format=json`);
  const body = (await response.json()) as { lines: (string | { text: string })[] };
  return body.lines.map((line) => (typeof line === 'string' ? line : line.text));
}

/** The kept lines are one contiguous run of what the pod emitted: nothing missing in between, nothing twice. */
function assertContiguous(kept: readonly string[], emitted: readonly string[], pod: string): void {
  assert.ok(kept.length > 0, `no lines kept for ${pod}`);
  const start = emitted.indexOf(kept[0]!);
  assert.ok(start !== -1, `${pod}: first kept line was never emitted: ${kept[0]}`);
  assert.deepEqual(kept, emitted.slice(start, start + kept.length), `${pod}: kept lines differ from the emitted run`);
}

describe('ztunnel logs', function () {
  this.timeout(90_000);
  const opened: LogPanel[] = [];

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    for (const panel of opened.splice(0)) panel.dispose();
    await control('POST', '/faults', { cluster: 'all', dropLogStreamsEveryMs: 0 });
  });

  async function show(argument: unknown): Promise<LogPanel> {
    const panel = await vscode.commands.executeCommand<LogPanel>('ambient.logs.show', argument);
    assert.ok(panel, 'Show ztunnel Logs returned no panel');
    opened.push(panel);
    return panel;
  }

  it('follows every ztunnel pod of the cluster, each row tagged with its pod and node, and the view receives them', async () => {
    const pods = await ztunnelPods('cluster-1');
    assert.ok(pods.length >= 3, `cluster-1 ztunnel pods: ${JSON.stringify(pods)}`);
    const panel = await show({ context: 'cluster-1', contextValue: 'context+current' });
    assert.deepEqual(panel.logSource, { kind: 'cluster', contexts: ['cluster-1'], namespace: undefined });
    await eventually('a live stream and rows from every ztunnel pod', () => {
      panel.session.flush();
      const rows = panel.session.rows();
      const live = new Set(panel.session.statuses().filter((s) => s.state.kind === 'live').map((s) => s.pod));
      return pods.every((p) => live.has(p.name) && rows.some((row) => row.pod === p.name && row.node === p.node));
    });
    assert.equal(new Set(panel.session.statuses().map((s) => s.pod)).size, pods.length, 'one stream per pod');
    await eventually('the webview said ready and got rows', () => panel.sent.rows > 0);
    const rows = panel.session.rows();
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.timeKey <= rows[i]!.timeKey, 'rows are in time order across pods');
  });

  it('resumes dropped streams without losing or repeating a line', async () => {
    const pods = await ztunnelPods('cluster-1');
    const panel = await show('cluster-1');
    await eventually('every stream live', () => pods.every((p) => panel.session.statuses().some((s) => s.pod === p.name && s.state.kind === 'live')));
    const reconnects = new Set<string>();
    await control('POST', '/faults', { cluster: 'cluster-1', dropLogStreamsEveryMs: 700 });
    // Extra lines while streams drop, so drops land mid-flow.
    for (let i = 0; i < 12; i++) {
      for (const p of pods) await control('POST', `/ztunnel-log?cluster=cluster-1&node=${p.node}`, { level: 'info', target: 'test', message: `burst ${i}`, fields: `seq=${i} pod=${p.name}` });
      for (const s of panel.session.statuses()) if (s.state.kind === 'reconnecting') reconnects.add(s.pod);
      await sleep(150);
    }
    await eventually('a stream seen reconnecting', () => {
      for (const s of panel.session.statuses()) if (s.state.kind === 'reconnecting') reconnects.add(s.pod);
      return reconnects.size > 0;
    });
    await control('POST', '/faults', { cluster: 'cluster-1', dropLogStreamsEveryMs: 0 });
    await eventually('every stream live again', () => pods.every((p) => panel.session.statuses().some((s) => s.pod === p.name && s.state.kind === 'live')), 30_000);
    for (const p of pods) await control('POST', `/ztunnel-log?cluster=cluster-1&node=${p.node}`, { level: 'info', target: 'test', message: 'after the faults', fields: `pod=${p.name}` });
    await eventually('the last line reached every stream', () => pods.every((p) => keptLines(panel, 'cluster-1', p.name).some((line) => line.includes('after the faults'))), 30_000);
    for (const p of pods) {
      const kept = keptLines(panel, 'cluster-1', p.name);
      const emitted = await emittedLines('cluster-1', p.name);
      assertContiguous(kept, emitted, p.name);
      assert.ok(kept.filter((line) => line.includes('burst ')).length === 12, `${p.name}: all 12 burst lines, once each`);
    }
  });

  it('picks up the new pods of a ztunnel DaemonSet rollout and ends the streams of the old ones', async () => {
    const before = await ztunnelPods('cluster-2');
    const panel = await show('cluster-2');
    await eventually('every stream live', () => before.every((p) => panel.session.statuses().some((s) => s.pod === p.name && s.state.kind === 'live')));
    await kubectl('--context', 'cluster-2', '-n', 'istio-system', 'rollout', 'restart', 'daemonset/ztunnel');
    await eventually(
      'the rollout replaced every ztunnel pod',
      async () => {
        const now = await ztunnelPods('cluster-2');
        return now.length === before.length && now.every((p) => !before.some((b) => b.name === p.name));
      },
      60_000,
    );
    const after = await ztunnelPods('cluster-2');
    await eventually('rows from every new pod, from its first line', () => {
      panel.session.flush();
      return after.every((p) => panel.session.rows().some((row) => row.pod === p.name));
    }, 30_000);
    for (const p of after) {
      const kept = keptLines(panel, 'cluster-2', p.name);
      const emitted = await emittedLines('cluster-2', p.name);
      assert.equal(kept[0], emitted[0], `${p.name}: a new pod is read from its first line`);
      assertContiguous(kept, emitted, p.name);
    }
    await eventually('old pods ended', () =>
      before.every((p) => panel.session.statuses().some((s) => s.pod === p.name && s.state.kind === 'ended' && s.state.reason === 'pod deleted')),
    );
  });

  it('shows only the last ambient.logs.tailLines lines of each pod\'s history', async () => {
    const pods = await ztunnelPods('cluster-1');
    const history = new Map<string, number>();
    for (const p of pods) history.set(p.name, (await emittedLines('cluster-1', p.name)).length);
    assert.ok([...history.values()].every((n) => n > 3), `each ztunnel has some history: ${JSON.stringify([...history])}`);
    const config = vscode.workspace.getConfiguration('ambient');
    await config.update('logs.tailLines', 2, vscode.ConfigurationTarget.Global);
    try {
      const panel = await show('cluster-1');
      await eventually('rows from every ztunnel pod', () => {
        panel.session.flush();
        return pods.every((p) => panel.session.rows().some((row) => row.pod === p.name));
      });
      for (const p of pods) {
        const kept = keptLines(panel, 'cluster-1', p.name);
        const emitted = await emittedLines('cluster-1', p.name);
        // Lines emitted after the view opened may follow; the history itself is the last two lines.
        assert.ok(emitted.indexOf(kept[0]!) >= history.get(p.name)! - 2, `${p.name}: history starts at the last 2 lines, not earlier (${kept[0]})`);
        assertContiguous(kept, emitted, p.name);
      }
    } finally {
      await config.update('logs.tailLines', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('on a namespace node, pre-filters to that namespace; a second cluster reads side by side', async () => {
    const panel = await show({ context: 'cluster-1', name: 'finance', contextValue: 'namespace+ambient' });
    assert.deepEqual(panel.logSource, { kind: 'cluster', contexts: ['cluster-1'], namespace: 'finance' });
    assert.match(panel.panel.title, /finance/);
    panel.addContext('cluster-2');
    assert.deepEqual(panel.logSource, { kind: 'cluster', contexts: ['cluster-1', 'cluster-2'], namespace: 'finance' });
    await eventually('rows from both clusters', () => {
      panel.session.flush();
      const clusters = new Set(panel.session.rows().map((row) => row.cluster));
      return clusters.has('cluster-1') && clusters.has('cluster-2');
    });
  });

  it('opens a saved file in any format, with or without --prefix', async () => {
    const t = '2026-11-03T09:59:05.028709Z';
    const file = join(mkdtempSync(join(tmpdir(), 'ztunnel-log-')), 'ztunnel.log');
    writeFileSync(
      file,
      [
        // An Istio 1.23–1.28 access line (src/proxy/metrics.rs field order).
        `[pod/ztunnel-a/istio-proxy] ${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:40000 src.workload="curl" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.0.0.2:15008 direction="outbound" bytes_sent=1 bytes_recv=2 duration="1ms"`,
        `[pod/ztunnel-b/istio-proxy] {"level":"warn","time":"2026-11-03T09:59:06Z","scope":"ztunnel::tls","message":"TLS handshake failed","error":"UnknownIssuer"}`,
        `${t}  INFO ztunnel::proxy::inbound: plain old line`,
        'inpod_enabled: true',
      ].join('\n') + '\n',
    );
    const panel = await vscode.commands.executeCommand<LogPanel>('ambient.logs.openFile', file);
    assert.ok(panel);
    opened.push(panel);
    await eventually('the file is read', () => panel.session.rows().length === 4);
    const rows = panel.session.rows();
    assert.deepEqual(rows.map((row) => row.class).sort(), ['mtls', 'other', 'tls-error', 'unparsed']);
    assert.deepEqual(rows.filter((row) => row.pod).map((row) => row.pod).sort(), ['ztunnel-a', 'ztunnel-b']);
    assert.match(panel.panel.title, /ztunnel\.log/);
  });

  it('refuses a binary file and a file with no ztunnel record with one sentence, and flags a mostly-other file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztunnel-log-'));
    const png = join(dir, 'screenshot.png');
    writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.alloc(2000, 0x9c)]));
    const json = join(dir, 'package.json');
    writeFileSync(json, '{\n  "name": "ambient-mesh",\n  "version": "0.1.0"\n}\n');
    for (const [file, sentence] of [
      [png, 'screenshot.png is a binary file, not a ztunnel log: it was not opened.'],
      [json, 'package.json is not a ztunnel log: none of its 4 lines is a ztunnel log entry.'],
    ] as const) {
      const panel = await vscode.commands.executeCommand<LogPanel>('ambient.logs.openFile', file);
      assert.ok(panel);
      opened.push(panel);
      await eventually(`${file} refused`, () => panel.isDisposed);
      assert.equal(panel.notice, sentence);
      assert.equal(panel.session.rows().length, 0, 'nothing of it kept');
    }
    const mostly = join(dir, 'capture.txt');
    const t = '2026-11-03T09:59:05.028709Z';
    writeFileSync(mostly, [`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.9:5000 dst.addr=10.0.0.2:8080 direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms"`, 'GET / HTTP/1.1', 'Host: accounts', 'Accept: */*'].join('\n') + '\n');
    const panel = await vscode.commands.executeCommand<LogPanel>('ambient.logs.openFile', mostly);
    assert.ok(panel);
    opened.push(panel);
    await eventually('the file is read', () => panel.session.rows().length === 4);
    assert.equal(panel.isDisposed, false);
    assert.equal(panel.notice, 'capture.txt is mostly not a ztunnel log: only 1 of its 4 lines read as ztunnel log entries; the other 3 are shown as unparsed.');
  });
});
