// Enroll 500 namespaces across both test clusters and restart 200 workloads with the real command
// handlers and the real kube layer, against the test cluster's own request ceiling measured in the same
// run: a tight loop of the same PATCH calls at the same concurrency, with no command logic around them.
// Target: command requests per second / ceiling requests per second >= 0.7 for both.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGroup, waitFor } from '../../scripts/codeServer.mjs';
import { envWithProjectNode, projectRoot } from '../../scripts/projectNode.mjs';
import { clusterMain, freePort } from '../../scripts/testCluster.mjs';
import type { CommandDeps, CommandHost } from '../../src/commands/host';
import { DEFAULT_COMMAND_SETTINGS } from '../../src/shared/settings';
import { enrollNamespaces, restartNamespaceWorkloads } from '../../src/commands/namespaceCommands';
import type { NamespaceRef } from '../../src/commands/namespacePlan';
import type { CommandReport } from '../../src/commands/report';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { ClusterClient } from '../../src/kube/types';
import { rolloutStatus } from '../../src/mesh/rollout';
import { exitCodeFor, loadSize, SMOKE } from './benchMode';

const CONTEXTS = ['cluster-1', 'cluster-2'];
const NAMESPACES_PER_CLUSTER = loadSize('AMBIENT_BENCH_ENROLL_PER_CLUSTER', 250, 20);
const RESTARTS_PER_CLUSTER = loadSize('AMBIENT_BENCH_RESTARTS_PER_CLUSTER', 100, 10);
const CONCURRENCY = DEFAULT_COMMAND_SETTINGS.concurrency;
const TARGET = 0.7;
const ROUNDS = loadSize('AMBIENT_BENCH_ROUNDS', 5, 1);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Counts every request the handlers make (one per client call) and when the last write finished. */
class RequestCounter {
  requests = 0;
  writes = 0;
  lastWriteDone = 0;
  firstWriteStart = 0;
  /** When each request finished (performance.now()). */
  done: number[] = [];
  reset(): void {
    this.requests = 0;
    this.writes = 0;
    this.done = [];
  }
  wrap(client: ClusterClient): ClusterClient {
    return new Proxy(client, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          this.requests++;
          const isWrite = key === 'patchNamespaceLabels' || key === 'restartWorkload';
          if (isWrite && this.writes++ === 0) this.firstWriteStart = performance.now();
          const result = value.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.finally(() => {
            const now = performance.now();
            this.done.push(now);
            if (isWrite) this.lastWriteDone = now;
          });
        };
      },
    });
  }
}

const silentHost: CommandHost = {
  showMessage: async () => undefined,
  pickOne: async () => undefined,
  pickMany: async () => undefined,
  withProgress: (_title, task) => task({ report() {} }, new AbortController().signal),
  copyToClipboard: async () => {},
};

/** The ceiling: `count` PATCHes in `CONCURRENCY` lanes, nothing else. Returns requests per second. */
async function tightLoop(count: number, patch: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await patch(next++);
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

function assertAll(report: CommandReport, outcome: string, what: string): void {
  const other = report.results.filter((r) => r.outcome !== outcome);
  if (other.length > 0) throw new Error(`${what}: ${other.length} results not ${outcome}, e.g. ${other[0].target}: ${other[0].outcome} ${other[0].detail}`);
}

async function main(): Promise<number> {
  const outputDir = join(projectRoot, '.test-output/bench-commands');
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const started = Date.now();
  // A process of its own (as users' clusters are), seeded with the load namespaces.
  const kubeconfigPath = join(outputDir, 'kubeconfig');
  const cluster = spawnGroup(
    join(projectRoot, 'node_modules/.bin/tsx'),
    [clusterMain, '--kubeconfig', kubeconfigPath, '--control-port', String(await freePort()), '--extra-namespaces', String(NAMESPACES_PER_CLUSTER), '--pods-per-namespace', '1'],
    { env: envWithProjectNode(), cwd: projectRoot, logFile: join(outputDir, 'cluster.log') },
  );
  await waitFor(() => /\bready\b/.test(cluster.tail()), { timeoutMs: 600_000, describe: () => `the test cluster did not start: ${cluster.tail()}` });
  console.log(`test cluster with ${NAMESPACES_PER_CLUSTER} load namespaces per cluster ready in ${seconds(Date.now() - started)}`);
  const kube = createKubeClients({ kubeconfigPaths: [kubeconfigPath], watchFiles: false, requestTimeoutMs: 60_000 });
  let failures = 0;
  try {
    const loadNamespaces = new Map<string, string[]>();
    for (const context of CONTEXTS) {
      const names = (await kube.client(context).listNamespaces({ labelSelector: 'load-test=true' })).map((ns) => ns.metadata!.name!).sort();
      if (names.length < NAMESPACES_PER_CLUSTER) throw new Error(`${context} has ${names.length} load namespaces, ${NAMESPACES_PER_CLUSTER} needed`);
      loadNamespaces.set(context, names.slice(0, NAMESPACES_PER_CLUSTER));
    }
    const enrollTargets: NamespaceRef[] = CONTEXTS.flatMap((context) => loadNamespaces.get(context)!.map((namespace) => ({ context, namespace })));
    const restartTargets: NamespaceRef[] = CONTEXTS.flatMap((context) => loadNamespaces.get(context)!.slice(0, RESTARTS_PER_CLUSTER).map((namespace) => ({ context, namespace })));

    const counter = new RequestCounter();
    const deps: CommandDeps = {
      kube: { state: () => kube.state(), client: (context) => counter.wrap(kube.client(context)) },
      host: silentHost,
      log: { info() {}, warn() {}, error() {} },
      // The bench times the writes: no confirmation to answer (confirmWrites) and no pre-flight reads before them
      // (enroll.checkFirst), as a user who turned both off; the baseline does the same patches.
      settings: () => ({ ...DEFAULT_COMMAND_SETTINGS, confirmRestart: false, confirmWrites: false, checkBeforeEnroll: false, rolloutTimeoutSeconds: 300 }),
    };

    // Warm connections and the JIT on the same calls, untimed.
    await tightLoop(2 * CONCURRENCY, (i) => kube.client(enrollTargets[i].context).patchNamespaceLabels(enrollTargets[i].namespace, { 'bench-warmup': 'true' }));

    // The machine is shared and the cluster slows as rounds add objects: ceiling and command alternate
    // (ceiling, command, ceiling, ...) and each round is judged against the ceilings around it.

    // 1. Enroll 500 namespaces across both clusters. The ceiling sends the command's own PATCH (the
    // ambient label, which also makes istio-cni capture the pods); the label is taken off (untimed)
    // before each measurement so every one of them really changes all 500 namespaces.
    const setMode = (value: string | null) => (i: number) =>
      kube.client(enrollTargets[i].context).patchNamespaceLabels(enrollTargets[i].namespace, { 'istio.io/dataplane-mode': value });
    const enrollRuns: { wall: number; requests: number; phases: string; uncaptured: number }[] = [];
    const enrollCeilings: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      enrollCeilings.push(await tightLoop(enrollTargets.length, setMode('ambient')));
      await tightLoop(enrollTargets.length, setMode(null));
      counter.reset();
      const t = performance.now();
      const enroll = await enrollNamespaces(deps, enrollTargets);
      const wall = performance.now() - t;
      assertAll(enroll, 'done', 'enroll');
      enrollRuns.push({
        wall,
        requests: counter.requests,
        uncaptured: enroll.uncaptured.length,
        phases: `list ${seconds(counter.firstWriteStart - t)}, PATCHes ${seconds(counter.lastWriteDone - counter.firstWriteStart)}, capture check and report ${seconds(t + wall - counter.lastWriteDone)}`,
      });
      await tightLoop(enrollTargets.length, setMode(null));
    }
    enrollCeilings.push(await tightLoop(enrollTargets.length, setMode('ambient')));
    await tightLoop(enrollTargets.length, setMode(null));
    const enrollRates = enrollRuns.map((r) => r.requests / (r.wall / 1000));
    const enrollRatio = medianRatio(enrollRates, enrollCeilings);
    const enrollMid = enrollRuns[medianIndex(enrollRates.map((rate, i) => rate / ((enrollCeilings[i] + enrollCeilings[i + 1]) / 2)))];
    console.log(`enroll: ${enrollTargets.length} namespaces on ${CONTEXTS.length} clusters in ${enrollRuns.map((r) => seconds(r.wall)).join(', ')} (${ROUNDS} rounds), ${enrollMid.requests} requests each`);
    console.log(`  median round: ${enrollMid.phases}; pods left uncaptured: ${enrollMid.uncaptured}`);
    console.log(`  command ${enrollRates.map((r) => r.toFixed(0)).join(', ')} requests/s; ceiling ${enrollCeilings.map((c) => c.toFixed(0)).join(', ')} PATCH/s (tight loop, ${CONCURRENCY} in flight, measured before and after each round)`);
    console.log(`  ratio (median over rounds of command / mean of the ceilings around it): ${enrollRatio.toFixed(2)} (target >= ${TARGET})`);
    if (!(enrollRatio >= TARGET)) failures++;

    // 2. Restart 200 workloads (the Deployment in each of 100 load namespaces per cluster). The rate is
    // taken up to the last restart PATCH; following the rollouts to ready waits on the simulated kubelet
    // and is reported apart.
    const restartRefs = restartTargets.map((ref) => ({ ...ref, kind: 'Deployment' as const, name: 'app' }));
    const allRolledOut = () => waitForRollouts(restartRefs.map((r) => [kube.client(r.context), r.namespace]));
    const restartRuns: { phase: number; requests: number; wall: number; allRequests: number }[] = [];
    const restartCeilings: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      restartCeilings.push(await tightLoop(restartRefs.length, (i) => kube.client(restartRefs[i].context).restartWorkload('Deployment', restartRefs[i].namespace, 'app')));
      await allRolledOut();
      counter.reset();
      const t = performance.now();
      const restart = await restartNamespaceWorkloads(deps, restartTargets);
      const wall = performance.now() - t;
      assertAll(restart, 'done', 'restart');
      restartRuns.push({
        phase: counter.lastWriteDone - t,
        requests: counter.done.filter((at) => at <= counter.lastWriteDone).length,
        wall,
        allRequests: counter.requests,
      });
      await allRolledOut();
    }
    restartCeilings.push(await tightLoop(restartRefs.length, (i) => kube.client(restartRefs[i].context).restartWorkload('Deployment', restartRefs[i].namespace, 'app')));
    await allRolledOut();
    const restartRates = restartRuns.map((r) => r.requests / (r.phase / 1000));
    const restartRatio = medianRatio(restartRates, restartCeilings);
    console.log(
      `restart: ${restartRefs.length} workloads restarted in ${restartRuns.map((r) => seconds(r.phase)).join(', ')} (${ROUNDS} rounds; ${restartRuns[0].requests} requests: LISTs + PATCHes), all ready after ${restartRuns.map((r) => seconds(r.wall)).join(', ')} (${restartRuns[0].allRequests} requests incl. rollout reads)`,
    );
    console.log(`  command ${restartRates.map((r) => r.toFixed(0)).join(', ')} requests/s; ceiling ${restartCeilings.map((c) => c.toFixed(0)).join(', ')} PATCH/s (tight loop, ${CONCURRENCY} in flight, measured before and after each round)`);
    console.log(`  ratio (median over rounds of command / mean of the ceilings around it): ${restartRatio.toFixed(2)} (target >= ${TARGET})`);
    if (!(restartRatio >= TARGET)) failures++;
  } finally {
    kube.dispose();
    await cluster.stop();
  }
  return failures;
}

function medianIndex(values: readonly number[]): number {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor(order.length / 2)][1];
}

/**
 * The cluster slows as rounds pile up ReplicaSets and pods, and the machine is shared: each round's
 * command rate is compared with the ceilings measured right before and right after it, and the median
 * of those ratios is the figure.
 */
function medianRatio(rates: readonly number[], ceilings: readonly number[]): number {
  const ratios = rates.map((rate, i) => rate / ((ceilings[i] + ceilings[i + 1]) / 2));
  return ratios[medianIndex(ratios)];
}

/** Wait until every restarted Deployment has rolled out, so one measurement's rollouts do not load the next. */
async function waitForRollouts(workloads: [ClusterClient, string][]): Promise<void> {
  const deadline = Date.now() + 300_000;
  let pending = workloads;
  while (pending.length > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.length} rollouts did not finish`);
    const states = await Promise.all(pending.map(async ([client, ns]) => rolloutStatus('Deployment', await client.readWorkload('Deployment', ns, 'app')).state));
    pending = pending.filter((_w, i) => states[i] !== 'complete');
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().then(
  (failures) => {
    console.log(failures === 0 ? 'commands bench: targets met' : `commands bench: ${failures} target(s) missed${SMOKE ? ' (smoke run: not judged)' : ''}`);
    process.exitCode = exitCodeFor(failures);
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
