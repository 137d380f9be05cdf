// Enroll 500 namespaces across both test clusters and restart 200 workloads with the real command
// handlers and the real kube layer, against the test cluster's own request ceiling measured in the same
// run: a tight loop of the same PATCH calls at the same concurrency, with no command logic around them.
// Target: command requests per second / ceiling requests per second >= 0.7 for both.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/projectNode.mjs';
import { startClusterProcess } from '../../scripts/testCluster.mjs';
import type { CommandDeps, CommandHost } from '../../src/commands/host';
import { DEFAULT_COMMAND_SETTINGS } from '../../src/commands/host';
import { enrollNamespaces, restartNamespaceWorkloads } from '../../src/commands/namespaceCommands';
import type { NamespaceRef } from '../../src/commands/namespacePlan';
import type { CommandReport } from '../../src/commands/report';
import { createKubeClients } from '../../src/kube/kubeClients';
import type { ClusterClient } from '../../src/kube/types';
import { rolloutStatus } from '../../src/mesh/rollout';

const CONTEXTS = ['cluster-1', 'cluster-2'];
const NAMESPACES_PER_CLUSTER = Number(process.env.AMBIENT_BENCH_ENROLL_PER_CLUSTER ?? 250);
const RESTARTS_PER_CLUSTER = Number(process.env.AMBIENT_BENCH_RESTARTS_PER_CLUSTER ?? 100);
const CONCURRENCY = DEFAULT_COMMAND_SETTINGS.concurrency;
const TARGET = 0.7;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Counts every request the handlers make (one per client call) and when the last write finished. */
class RequestCounter {
  requests = 0;
  writes = 0;
  lastWriteDone = 0;
  /** When each request finished (performance.now()). */
  done: number[] = [];
  wrap(client: ClusterClient): ClusterClient {
    return new Proxy(client, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          this.requests++;
          const isWrite = key === 'patchNamespaceLabels' || key === 'restartWorkload';
          if (isWrite) this.writes++;
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
  const cluster = await startClusterProcess({
    kubeconfigPath: join(outputDir, 'kubeconfig'),
    logFile: join(outputDir, 'cluster.log'),
    timeoutMs: 600_000,
    extraNamespaces: NAMESPACES_PER_CLUSTER,
    podsPerExtraNamespace: 1,
  } as Parameters<typeof startClusterProcess>[0]);
  console.log(`test cluster with ${NAMESPACES_PER_CLUSTER} load namespaces per cluster ready in ${seconds(Date.now() - started)}`);
  const kube = createKubeClients({ kubeconfigPaths: [cluster.kubeconfigPath], watchFiles: false, requestTimeoutMs: 60_000 });
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
      settings: () => ({ ...DEFAULT_COMMAND_SETTINGS, confirmRestart: false, rolloutTimeoutSeconds: 300 }),
    };

    // Warm connections and the JIT on the same calls, untimed.
    await tightLoop(2 * CONCURRENCY, (i) => kube.client(enrollTargets[i].context).patchNamespaceLabels(enrollTargets[i].namespace, { 'bench-warmup': 'true' }));

    // 1. Enroll 500 namespaces across both clusters.
    const labelCeiling = async (round: number) =>
      tightLoop(enrollTargets.length, (i) => kube.client(enrollTargets[i].context).patchNamespaceLabels(enrollTargets[i].namespace, { 'bench-ceiling': String(round) }));
    const enrollCeilingBefore = await labelCeiling(1);
    let t = performance.now();
    const enroll = await enrollNamespaces(deps, enrollTargets);
    const enrollWall = performance.now() - t;
    assertAll(enroll, 'done', 'enroll');
    const enrollRequests = counter.requests;
    const enrollCeiling = Math.max(enrollCeilingBefore, await labelCeiling(2));
    const enrollRps = enrollRequests / (enrollWall / 1000);
    const enrollRatio = enrollRps / enrollCeiling;
    console.log(`enroll: ${enroll.results.length} namespaces on ${CONTEXTS.length} clusters in ${seconds(enrollWall)}, ${enrollRequests} requests (${counter.writes} PATCH)`);
    console.log(`  ${enrollRps.toFixed(0)} requests/s vs ceiling ${enrollCeiling.toFixed(0)} PATCH/s (tight loop, ${CONCURRENCY} in flight): ratio ${enrollRatio.toFixed(2)} (target >= ${TARGET})`);
    console.log(`  ${(enroll.results.length / (enrollWall / 1000)).toFixed(0)} namespaces enrolled/s, capture check included; uncaptured after enroll: ${enroll.uncaptured.length}`);
    if (!(enrollRatio >= TARGET)) failures++;

    // 2. Restart 200 workloads (one Deployment in each of 100 load namespaces per cluster).
    const restartRefs = restartTargets.map((ref) => ({ ...ref, kind: 'Deployment' as const, name: 'app' }));
    const restartCeilingBefore = await tightLoop(restartRefs.length, (i) => kube.client(restartRefs[i].context).restartWorkload('Deployment', restartRefs[i].namespace, 'app'));
    await waitForRollouts(restartRefs.map((r) => [kube.client(r.context), r.namespace]));
    counter.requests = 0;
    counter.writes = 0;
    counter.done = [];
    t = performance.now();
    const restart = await restartNamespaceWorkloads(deps, restartTargets);
    const restartWall = performance.now() - t;
    assertAll(restart, 'done', 'restart');
    const restartPhase = counter.lastWriteDone - t;
    // Requests up to the last restart PATCH: the listing and the patches; the rollout follow-up is timed apart.
    const restartPhaseRequests = counter.done.filter((at) => at <= counter.lastWriteDone).length;
    await waitForRollouts(restartRefs.map((r) => [kube.client(r.context), r.namespace]));
    const restartCeiling = Math.max(
      restartCeilingBefore,
      await tightLoop(restartRefs.length, (i) => kube.client(restartRefs[i].context).restartWorkload('Deployment', restartRefs[i].namespace, 'app')),
    );
    const restartRps = restartPhaseRequests / (restartPhase / 1000);
    const restartRatio = restartRps / restartCeiling;
    console.log(
      `restart: ${restart.results.length} workloads restarted in ${seconds(restartPhase)} (${restartPhaseRequests} requests: LISTs + ${counter.writes} PATCH), all ready after ${seconds(restartWall)} (${counter.requests} requests incl. rollout reads)`,
    );
    console.log(`  ${restartRps.toFixed(0)} requests/s vs ceiling ${restartCeiling.toFixed(0)} PATCH/s (tight loop, ${CONCURRENCY} in flight): ratio ${restartRatio.toFixed(2)} (target >= ${TARGET})`);
    if (!(restartRatio >= TARGET)) failures++;
  } finally {
    kube.dispose();
    await cluster.stop();
  }
  return failures;
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
    console.log(failures === 0 ? 'commands bench: targets met' : `commands bench: ${failures} target(s) missed`);
    process.exitCode = failures === 0 ? 0 : 1;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
