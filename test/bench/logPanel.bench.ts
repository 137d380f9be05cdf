// The ztunnel log view under load, in chromium, as a user runs it: code-server with the packaged extension,
// the view opened from cluster-1 in the Clusters view, follow on, the test cluster's 3 ztunnel pods writing
// a combined 5,000 lines/s for 30 s (150,000 lines: three times the default `ambient.logs.maxEntries`, so
// the view runs at its buffer cap for the last 20 s). Measured in the webview's own frame:
//   1. main-thread frame time (requestAnimationFrame deltas), p95, target < 50 ms;
//   2. rows in the DOM (sampled every second), max, target < 300;
//   3. JS heap at the buffer cap (CDP, after a GC), target < 200 MB;
//   4. latency from the cluster writing a line to its row being rendered, p95, target < 500 ms: marker
//      lines written through the control endpoint (their ztunnel timestamp is the write time), seen by the
//      webview when its rows arrive and stamped at the first DOM update after (same machine clock);
//   5. exactly-once: at a lower rate with every log stream dropped every 3 s, the lines the view holds
//      (its "Export all" file) are exactly the lines each pod emitted since the view was cleared.
// A benchmark reports, it does not gate: `npm run bench -- logPanel`; figures in .test-output/bench-logPanel.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Frame, FrameLocator } from 'playwright-core';
import { codeServerDirs, installExtension, waitFor } from '../../scripts/codeServer.mjs';
import { envWithProjectNode, projectNodeBin, projectRoot } from '../../scripts/projectNode.mjs';
import { startClusterProcess } from '../../scripts/testCluster.mjs';
import { STEP_TIMEOUT_MS, startWorkbench } from '../e2e/harness';
import type { Workbench } from '../e2e/harness';
import { kubectlPath } from '../kubectl/kubectl';

const ZTUNNEL_PODS = 3;
const TOTAL_LINES_PER_SECOND = Number(process.env.AMBIENT_BENCH_LOG_RATE ?? 5000);
const LOAD_SECONDS = Number(process.env.AMBIENT_BENCH_LOG_SECONDS ?? 30);
const MARKER_EVERY_MS = 250;
const MAX_ENTRIES = 50_000; // the default `ambient.logs.maxEntries`
const EXACTLY_ONCE_LINES_PER_POD_PER_SECOND = 200;
const EXACTLY_ONCE_SECONDS = 12;
const DROP_STREAMS_EVERY_MS = 3000;
const TARGETS = { frameP95Ms: 50, domRows: 300, heapMb: 200, latencyP95Ms: 500 };

const outputDir = join(projectRoot, '.test-output/bench-logPanel');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percentile = (xs: readonly number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Verdict {
  readonly what: string;
  readonly pass: boolean;
}
const verdicts: Verdict[] = [];
function report(what: string, value: number, target: number, unit: string, detail = ''): void {
  const pass = value < target;
  verdicts.push({ what, pass });
  const ratio = (value / target).toFixed(2);
  console.log(`${pass ? 'PASS' : 'FAIL'}  ${what}: ${value.toFixed(unit === 'MB' ? 1 : 0)} ${unit} / target < ${target} ${unit} = ${ratio}${detail ? `  (${detail})` : ''}`);
}

/** Build, package and install the extension into our own folder (another run may repackage dist/). */
function run(title: string, command: string, args: string[]): void {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: projectRoot, env: envWithProjectNode(), stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${title} failed (${result.error?.message ?? result.signal ?? `exit ${result.status}`})`);
  console.log(`${title}: ${seconds(Date.now() - started)}`);
}

async function installPackagedExtension(): Promise<string> {
  run('build (production)', projectNodeBin(), ['esbuild.mjs', '--production']);
  const vsix = join(outputDir, 'ambient-mesh.vsix');
  run('vsce package', join(projectRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix]);
  const dirs = codeServerDirs(join(outputDir, 'install'));
  const started = Date.now();
  await installExtension(dirs, vsix);
  console.log(`code-server --install-extension: ${seconds(Date.now() - started)}`);
  return dirs.extensionsDir;
}

class Control {
  constructor(private readonly url: string) {}

  async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  /** Background lines per second of each of cluster-1's ztunnel pods. */
  setRate(perPod: number): Promise<unknown> {
    return this.post('/ztunnel-rate?cluster=cluster-1', { linesPerSecond: perPod });
  }

  /** Writes a marker line into a node's ztunnel log; resolves to the time it was written (ms, its ztunnel timestamp). */
  async marker(node: string, id: number): Promise<number> {
    const { line } = (await this.post(`/ztunnel-log?cluster=cluster-1&node=${node}`, { level: 'info', target: 'bench', message: `bench-marker ${id}`, fields: `marker=${id}` })) as { line: string };
    return Date.parse(`${line.slice(0, 23)}Z`);
  }

  /** Every line a pod emitted (as kept by the cluster) and how many it ever emitted. */
  async podLog(pod: string): Promise<{ totalEmitted: number; lines: string[] }> {
    const response = await fetch(`${this.url}/logs?cluster=cluster-1&pod=${pod}&format=json`);
    if (!response.ok) throw new Error(`GET /logs ${pod}: ${response.status}`);
    return (await response.json()) as { totalEmitted: number; lines: string[] };
  }
}

// Injected into the webview's frame (plain JS: this project's tsconfig has no DOM types). It keeps its
// figures on window.__bench for the bench to read.
const INSTRUMENT = String.raw`(() => {
  const b = (window.__bench = { frames: [], domRows: [], markers: {}, pending: [], running: true, last: 0 });
  const loop = (t) => {
    if (b.last) b.frames.push(t - b.last);
    b.last = t;
    if (b.running) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const host = document.querySelector('.rows');
  // After the view's own listener (registered first): the rows are in its buffer now.
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'rows') return;
    const now = Date.now();
    for (const row of message.rows) {
      if (row.scope !== 'bench' || !row.message.startsWith('bench-marker ')) continue;
      const id = row.message.slice(13);
      if (!b.markers[id]) {
        b.markers[id] = { delivered: now };
        b.pending.push(id);
      }
    }
  });
  // The view renders in a requestAnimationFrame after rows arrive: the first DOM update after a marker
  // arrived is when its row was rendered (follow on: the list shows the newest rows).
  new MutationObserver(() => {
    const now = Date.now();
    if (b.pending.length > 0) {
      for (const id of b.pending) b.markers[id].rendered = now;
      b.pending = [];
    }
    for (const element of host.children) {
      const text = element.textContent;
      const at = text.indexOf('bench-marker ');
      if (at === -1) continue;
      const id = text.slice(at + 13).split(/\D/)[0];
      const marker = b.markers[id];
      if (marker && marker.inDom === undefined) marker.inDom = now;
    }
  }).observe(host, { childList: true });
  b.sampler = setInterval(() => b.domRows.push(document.querySelectorAll('.row').length), 1000);
  b.reset = () => {
    b.frames = [];
    b.domRows = [];
  };
  b.stop = () => {
    b.running = false;
    clearInterval(b.sampler);
  };
})();`;

interface BenchFigures {
  frames: number[];
  domRows: number[];
  markers: Record<string, { delivered: number; rendered?: number; inDom?: number }>;
}

function logView(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

async function counter(view: FrameLocator, name: string): Promise<number> {
  const text = await view.locator(`[data-counter="${name}"] .counter-value`).first().textContent({ timeout: 1000 }).catch(() => null);
  return text === null ? 0 : Number(text);
}

/** JS heap of the renderer that runs the webview (its own target when it is out of process). */
async function heapMb(cdp: CDPSession, collectGarbage: boolean): Promise<number> {
  if (collectGarbage) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1048576;
}

async function main(): Promise<number> {
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const started = Date.now();
  console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores shared: figures move with it)`);
  const extensionsDir = await installPackagedExtension();
  const cluster = await startClusterProcess({ kubeconfigPath: join(outputDir, 'kubeconfig'), logFile: join(outputDir, 'cluster.log') });
  const control = new Control(cluster.controlUrl);
  let wb: Workbench | undefined;
  try {
    await control.setRate(1);
    wb = await startWorkbench('bench-logPanel', {
      runDir: outputDir,
      extensionsDir,
      kubeconfig: cluster.kubeconfigPath,
      controlUrl: cluster.controlUrl,
      kubectl: kubectlPath(),
    });
    console.log(`test cluster, code-server and chromium ready: ${seconds(Date.now() - started)} after start`);

    // Open the view the way a user does: right-click cluster-1 → Show ztunnel Logs.
    const tree = await wb.openAmbientMeshView();
    const cluster1 = tree.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    await cluster1.waitFor({ timeout: STEP_TIMEOUT_MS });
    await cluster1.click({ button: 'right' });
    const entry = wb.page.getByRole('menuitem', { name: 'Show ztunnel Logs', exact: true });
    await entry.waitFor({ timeout: STEP_TIMEOUT_MS });
    await sleep(300); // the context menu ignores a click right after it opens
    await entry.click();
    const view = logView(wb);
    await view.locator('.row.entry').first().waitFor({ timeout: 60_000 });
    await waitFor(async () => (await view.locator('.stream-live').count()) >= ZTUNNEL_PODS, { timeoutMs: 30_000, describe: () => `${ZTUNNEL_PODS} live ztunnel streams` });
    const frame: Frame = (await (await view.locator('#app').elementHandle())!.ownerFrame())!;
    // The webview's own CDP target when chromium runs it out of process, else the page's renderer.
    let cdp: CDPSession;
    let heapScope = 'webview frame (out-of-process)';
    try {
      cdp = await wb.browser.newCDPSession(frame);
    } catch {
      cdp = await wb.browser.newCDPSession(wb.page);
      heapScope = 'workbench renderer (the webview shares its process and heap)';
    }
    await cdp.send('Performance.enable');
    await frame.evaluate(INSTRUMENT);
    await sleep(2000);
    const idle = (await frame.evaluate('window.__bench.frames.slice()')) as number[];
    await frame.evaluate('window.__bench.reset()');
    const heapBefore = await heapMb(cdp, true);
    console.log(`view open and following, 3 streams live; idle frame time p95 ${percentile(idle, 95).toFixed(1)} ms (${idle.length} frames); heap ${heapBefore.toFixed(1)} MB [${heapScope}]`);
    await wb.screenshot('view-open');

    // 1-4. The load: 5,000 lines/s across the 3 pods, a marker every 250 ms on a rotating node.
    const perPod = TOTAL_LINES_PER_SECOND / ZTUNNEL_PODS;
    const emitted = new Map<string, number>();
    const heapSamples: { at: number; mb: number; entries: number }[] = [];
    const loadStart = Date.now();
    await control.setRate(perPod);
    let markerId = 0;
    const markerLoop = (async () => {
      while (Date.now() - loadStart < LOAD_SECONDS * 1000) {
        const id = ++markerId;
        emitted.set(String(id), await control.marker(`node-${(id % ZTUNNEL_PODS) + 1}`, id));
        await sleep(MARKER_EVERY_MS);
      }
    })();
    const heapLoop = (async () => {
      while (Date.now() - loadStart < LOAD_SECONDS * 1000) {
        await sleep(2000);
        heapSamples.push({ at: Date.now() - loadStart, mb: await heapMb(cdp, false), entries: await counter(view, 'entries') });
      }
    })();
    await Promise.all([markerLoop, heapLoop]);
    await control.setRate(0);
    const loadEnd = Date.now();
    const figures = (await frame.evaluate('({ frames: window.__bench.frames.slice(), domRows: window.__bench.domRows.slice(), markers: window.__bench.markers })')) as BenchFigures;
    await wb.screenshot('at-buffer-cap');
    // Let the view catch up with what was written, then read the buffer and the heap at the cap.
    let lastReceived = -1;
    let dropped = 0;
    await waitFor(
      async () => {
        // At the cap `entries` stays put while rows still arrive: entries + dropped counts every row received.
        dropped = await counter(view, 'older entries dropped');
        const received = (await counter(view, 'entries')) + dropped;
        const settled = received === lastReceived;
        lastReceived = received;
        return settled;
      },
      { timeoutMs: 60_000, intervalMs: 1000, describe: () => 'the view did not settle after the load' },
    );
    const caughtUp = Date.now();
    const heapAtCap = await heapMb(cdp, true);
    const bufferLength = (await frame.evaluate('window.ztunnelLogView.bufferLength()')) as number;

    console.log(`\nload: ${TOTAL_LINES_PER_SECOND} lines/s across ${ZTUNNEL_PODS} pods for ${seconds(loadEnd - loadStart)}; the view caught up ${seconds(caughtUp - loadEnd)} after the load stopped`);
    console.log(`view buffer: ${bufferLength} entries (cap ${MAX_ENTRIES}), ${dropped} older entries dropped`);
    report('frame time p95 (webview main thread)', percentile(figures.frames, 95), TARGETS.frameP95Ms, 'ms', `${figures.frames.length} frames, p50 ${percentile(figures.frames, 50).toFixed(1)} ms, max ${Math.max(...figures.frames).toFixed(0)} ms, frames over 50 ms: ${figures.frames.filter((f) => f > 50).length}`);
    report('DOM rows, max of 1 s samples', Math.max(...figures.domRows), TARGETS.domRows, 'rows', `${figures.domRows.length} samples, median ${percentile(figures.domRows, 50)}`);
    const peak = heapSamples.reduce((max, s) => Math.max(max, s.mb), 0);
    report(`JS heap at the buffer cap, after GC [${heapScope}]`, heapAtCap, TARGETS.heapMb, 'MB', `before the load ${heapBefore.toFixed(1)} MB, peak during the load ${peak.toFixed(1)} MB (with garbage)`);
    console.log(`  heap during the load: ${heapSamples.map((s) => `${seconds(s.at)} ${s.mb.toFixed(0)} MB/${s.entries} entries`).join(', ')}`);
    const latencies: number[] = [];
    const inDom: number[] = [];
    for (const [id, writtenAt] of emitted) {
      const seen = figures.markers[id];
      if (seen?.rendered !== undefined) latencies.push(seen.rendered - writtenAt);
      if (seen?.inDom !== undefined) inDom.push(seen.inDom - writtenAt);
    }
    report('write → row rendered, p95', percentile(latencies, 95), TARGETS.latencyP95Ms, 'ms', `${latencies.length}/${emitted.size} markers, p50 ${percentile(latencies, 50).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
    console.log(`  markers rendered inside the followed screenful (the rest scrolled past within one frame's batch): ${inDom.length}, p95 ${percentile(inDom, 95).toFixed(0)} ms`);
    if (latencies.length < emitted.size) verdicts.push({ what: 'every marker rendered', pass: false });

    // 5. Exactly-once with every stream dropped every 3 s.
    await view.locator('#clear').click();
    await sleep(500);
    const pods = [...new Set((await view.locator('.stream').evaluateAll((chips) => chips.map((chip) => (chip as unknown as { dataset: { pod: string } }).dataset.pod))))].sort();
    const before = new Map<string, number>();
    for (const pod of pods) before.set(pod, (await control.podLog(pod)).totalEmitted);
    await control.post('/faults', { cluster: 'cluster-1', dropLogStreamsEveryMs: DROP_STREAMS_EVERY_MS });
    await control.setRate(EXACTLY_ONCE_LINES_PER_POD_PER_SECOND);
    await sleep(EXACTLY_ONCE_SECONDS * 1000);
    await control.setRate(0);
    await control.post('/faults', { cluster: 'cluster-1', dropLogStreamsEveryMs: 0 });
    const requests = (await (await fetch(`${cluster.controlUrl}/requests?cluster=cluster-1`)).json()) as { logStreamsDropped: number };
    // Streams resume (backoff from 0.5 s) and deliver what was written meanwhile.
    const expected = new Map<string, string[]>();
    for (const pod of pods) {
      const log = await control.podLog(pod);
      const fresh = log.totalEmitted - before.get(pod)!;
      expected.set(pod, log.lines.slice(log.lines.length - fresh));
    }
    const expectedTotal = [...expected.values()].reduce((n, lines) => n + lines.length, 0);
    await waitFor(async () => (await view.locator('.stream-live').count()) >= ZTUNNEL_PODS && (await counter(view, 'entries')) >= expectedTotal, {
      timeoutMs: 30_000,
      describe: () => `the view did not reach ${expectedTotal} entries`,
    }).catch(() => undefined);
    await sleep(1500); // anything beyond the expected lines (a duplicate) has arrived too
    const shownByPod = new Map<string, number>();
    for (const pod of pods) shownByPod.set(pod, await counter(view, pod));
    const exported = await exportAll(wb, view);
    let missing = 0;
    let extra = 0;
    for (const pod of pods) {
      const want = expected.get(pod)!;
      const got = exported.filter((line) => line.startsWith(`[pod/${pod}/`)).map((line) => line.slice(line.indexOf('] ') + 2));
      const counts = new Map<string, number>();
      for (const line of want) counts.set(line, (counts.get(line) ?? 0) + 1);
      for (const line of got) counts.set(line, (counts.get(line) ?? 0) - 1);
      const podMissing = [...counts.values()].filter((n) => n > 0).reduce((a, b) => a + b, 0);
      const podExtra = [...counts.values()].filter((n) => n < 0).reduce((a, b) => a - b, 0);
      const inOrder = podMissing === 0 && podExtra === 0 && got.every((line, i) => line === want[i]);
      missing += podMissing;
      extra += podExtra;
      console.log(`  ${pod}: emitted ${want.length}, exported ${got.length}, shown ${shownByPod.get(pod)} (missing ${podMissing}, duplicated/unexpected ${podExtra}${inOrder ? ', same order' : ''})`);
    }
    const exact = missing === 0 && extra === 0 && pods.every((pod) => shownByPod.get(pod) === expected.get(pod)!.length);
    verdicts.push({ what: 'exactly-once', pass: exact });
    console.log(`${exact ? 'PASS' : 'FAIL'}  exactly-once with every log stream dropped every ${DROP_STREAMS_EVERY_MS / 1000} s (${requests.logStreamsDropped} drops in all): ${expectedTotal} lines emitted, ${exported.length} exported, ${missing} missing, ${extra} duplicated or unexpected`);
    await wb.screenshot('exactly-once');
  } finally {
    if (wb) {
      await wb.browser.close().catch(() => {});
      await wb.server.stop();
    }
    await cluster.stop();
  }
  const failed = verdicts.filter((v) => !v.pass);
  console.log(`\n${verdicts.length - failed.length}/${verdicts.length} targets met in ${seconds(Date.now() - started)}${failed.length > 0 ? `; missed: ${failed.map((v) => v.what).join(', ')}` : ''}`);
  return failed.length === 0 ? 0 : 1;
}

/** "Export all" in the view, accepting the save dialog's default path; returns the file's lines. */
async function exportAll(wb: Workbench, view: FrameLocator): Promise<string[]> {
  const file = join(outputDir, 'bench-logPanel/workspace/ztunnel-cluster-1.log');
  rmSync(file, { force: true });
  await view.locator('#export-all').click();
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: STEP_TIMEOUT_MS });
  await sleep(300);
  await wb.page.keyboard.press('Enter');
  await waitFor(() => existsSync(file), { timeoutMs: STEP_TIMEOUT_MS, describe: () => `the export did not write ${file}` });
  await sleep(300);
  const text = readFileSync(file, 'utf8');
  copyFileSync(file, join(outputDir, 'exactly-once-export.log'));
  return text.split('\n').filter((line) => line !== '');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
