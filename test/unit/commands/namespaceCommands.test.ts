import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENROLL_KEEPING_SIDECAR,
  REMOVE_SIDECAR_LABEL,
  RESTART_CONFIRM,
  RESTART_WORKLOADS_ACTION,
  enrollAcrossClusters,
  enrollNamespaces,
  restartNamespaceWorkloads,
  restartWorkloads,
  unenrollNamespaces,
} from '../../../src/commands/namespaceCommands';
import { fixture, flush } from './fakes';

const ref = (context: string, namespace: string) => ({ context, namespace });

describe('Enroll in Ambient', () => {
  it('merge-patches istio.io/dataplane-mode=ambient, leaves other labels alone, and audits the patch', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('finance', { team: 'money', 'istio.io/use-waypoint': 'wp' });
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'finance')]);
    assert.deepEqual(f.patches, [{ context: 'cluster-1', name: 'finance', labels: { 'istio.io/dataplane-mode': 'ambient' }, dryRun: false }]);
    assert.deepEqual(f.clusters.get('cluster-1')!.namespaces.get('finance'), {
      'kubernetes.io/metadata.name': 'finance',
      team: 'money',
      'istio.io/use-waypoint': 'wp',
      'istio.io/dataplane-mode': 'ambient',
    });
    assert.deepEqual(report.results.map((r) => r.outcome), ['done']);
    assert.match(f.log.text(), /Audit: context=cluster-1 namespace\/finance merge-patch \{"metadata":\{"labels":\{"istio.io\/dataplane-mode":"ambient"\}\}\} → applied/);
    assert.equal(f.host.messages[0].severity, 'info');
    assert.match(f.host.messages[0].message, /^Enroll in Ambient: 1 enrolled \(finance on cluster-1\)\.$/);
  });

  it('reports a partial failure with what succeeded and what failed, and never creates a missing namespace', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('finance').addNamespace('accounts');
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'finance'), ref('cluster-1', 'payments'), ref('cluster-1', 'accounts')]);
    assert.deepEqual(report.results.map((r) => [r.target, r.outcome]), [
      ['cluster-1/finance', 'done'],
      ['cluster-1/payments', 'failed'],
      ['cluster-1/accounts', 'done'],
    ]);
    assert.equal(report.results[1].detail, 'Namespace "payments" does not exist in context cluster-1 (not created).');
    assert.equal(f.patches.length, 2, 'no patch is sent for the missing namespace');
    assert.equal(f.clusters.get('cluster-1')!.namespaces.has('payments'), false);
    const note = f.host.messages[0];
    assert.equal(note.severity, 'warning');
    assert.match(note.message, /^Enroll in Ambient partly failed: 2 enrolled \(finance, accounts on cluster-1\), 1 failed \(payments on cluster-1\)\. cluster-1\/payments: Namespace "payments" does not exist/);
    assert.deepEqual(note.actions, ['Show Details', 'Show Results']);
  });

  it('Show Details lists every target grouped by outcome', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('finance').addNamespace('accounts', { 'istio.io/dataplane-mode': 'ambient' });
    f.host.notificationAnswer = (_m, actions) => (actions.includes('Show Details') ? 'Show Details' : undefined);
    await enrollNamespaces(f.deps, [ref('cluster-1', 'finance'), ref('cluster-1', 'accounts'), ref('cluster-1', 'gone')]);
    await flush();
    const details = f.host.modals().at(-1)!.detail!;
    assert.match(details, /Enrolled \(1\):\n {2}cluster-1\/finance — set istio.io\/dataplane-mode=ambient/);
    assert.match(details, /Already ambient \(1\):\n {2}cluster-1\/accounts/);
    assert.match(details, /Failed \(1\):\n {2}cluster-1\/gone — Namespace "gone" does not exist/);
  });

  it('warns (modal) about sidecar injection and removes the sidecar label in the same patch when asked', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('bookinfo', { 'istio-injection': 'enabled' });
    f.host.modalAnswers.push({ match: /Sidecar injection is on/, answer: REMOVE_SIDECAR_LABEL });
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'bookinfo')]);
    const modal = f.host.modals()[0];
    assert.match(modal.message, /Sidecar injection is on in cluster-1\/bookinfo \(istio-injection=enabled\)/);
    assert.match(modal.detail!, /wins over ambient/);
    assert.deepEqual(modal.actions, [REMOVE_SIDECAR_LABEL, ENROLL_KEEPING_SIDECAR]);
    assert.deepEqual(f.patches[0].labels, { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': null });
    assert.equal(f.clusters.get('cluster-1')!.namespaces.get('bookinfo')!['istio-injection'], undefined);
    assert.equal(report.results[0].outcome, 'done');
  });

  it('keeps the sidecar label when the user enrolls anyway, and says the conflict remains', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('bookinfo', { 'istio-injection': 'enabled' });
    f.host.modalAnswers.push({ match: /Sidecar injection/, answer: ENROLL_KEEPING_SIDECAR });
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'bookinfo')]);
    assert.deepEqual(f.patches[0].labels, { 'istio.io/dataplane-mode': 'ambient' });
    assert.match(report.results[0].detail, /sidecar injection is still on \(istio-injection\)/);
  });

  it('cancelling the sidecar warning changes nothing and reports every target as not started', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('bookinfo', { 'istio-injection': 'enabled' }).addNamespace('finance');
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'bookinfo'), ref('cluster-1', 'finance')]);
    assert.equal(f.patches.length, 0);
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.results.map((r) => r.outcome), ['not-started', 'not-started']);
  });

  it('a 403 is one sentence (use a context that can write); the RBAC recipe is only behind Show Details', async () => {
    const f = fixture(['cluster-1-viewer']);
    const viewer = f.clusters.get('cluster-1-viewer')!;
    viewer.addNamespace('finance');
    viewer.readOnly = true;
    viewer.user = 'viewer';
    const report = await enrollNamespaces(f.deps, [ref('cluster-1-viewer', 'finance')]);
    assert.equal(report.results[0].outcome, 'failed');
    assert.equal(report.results[0].detail, 'Forbidden: cluster-1-viewer (user "viewer") may not patch namespaces "finance"; use a context that can write.');
    assert.match(report.results[0].hint ?? '', /^Missing RBAC: a ClusterRole allowing "patch" on namespaces/);
    const toast = f.host.messages[0];
    assert.equal(toast.severity, 'error');
    assert.doesNotMatch(toast.message, /RBAC|clusterrole/i, 'the toast gives one piece of advice');
    assert.deepEqual(toast.actions, ['Show Details', 'Show Results']);
    assert.match(f.log.text(), /error Audit: context=cluster-1-viewer namespace\/finance merge-patch .* → failed: Forbidden/);
    assert.equal(viewer.namespaces.get('finance')!['istio.io/dataplane-mode'], undefined);
  });

  it('dry run sends dryRun to the server, changes nothing, and says what would change', async () => {
    const f = fixture(['cluster-1'], { dryRun: true });
    f.clusters.get('cluster-1')!.addNamespace('finance');
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'finance')]);
    assert.equal(f.patches[0].dryRun, true);
    assert.equal(f.clusters.get('cluster-1')!.namespaces.get('finance')!['istio.io/dataplane-mode'], undefined);
    assert.deepEqual(report.results.map((r) => [r.outcome, r.detail]), [['dry-run', 'would set istio.io/dataplane-mode=ambient']]);
    assert.match(f.host.messages[0].message, /^Enroll in Ambient \(dry run: nothing changed\): 1 would be enrolled \(finance on cluster-1\)\./);
    assert.match(f.log.text(), /dryRun=All → accepted \(dry run, nothing changed\)/);
    assert.deepEqual(report.uncaptured, [], 'no restart is offered after a dry run');
  });

  it('enrolls many namespaces with at most `concurrency` patches in flight', async () => {
    const f = fixture(['cluster-1'], { concurrency: 3 });
    const cluster = f.clusters.get('cluster-1')!;
    const targets = Array.from({ length: 20 }, (_, i) => ref('cluster-1', `ns-${i}`));
    for (const t of targets) cluster.addNamespace(t.namespace);
    const report = await enrollNamespaces(f.deps, targets);
    assert.equal(cluster.peakInFlight, 3);
    assert.equal(report.results.filter((r) => r.outcome === 'done').length, 20);
  });

  it('cancel stops issuing patches and reports which namespaces were and were not enrolled', async () => {
    const f = fixture(['cluster-1'], { concurrency: 1 });
    const cluster = f.clusters.get('cluster-1')!;
    const targets = Array.from({ length: 5 }, (_, i) => ref('cluster-1', `ns-${i}`));
    for (const t of targets) cluster.addNamespace(t.namespace);
    const original = cluster.patchNamespaceLabels.bind(cluster);
    cluster.patchNamespaceLabels = async (...args) => {
      const result = await original(...args);
      if (f.patches.length === 2) f.host.cancel.abort();
      return result;
    };
    const report = await enrollNamespaces(f.deps, targets);
    assert.equal(f.patches.length, 2);
    assert.deepEqual(report.results.map((r) => r.outcome), ['done', 'done', 'not-started', 'not-started', 'not-started']);
    assert.match(f.host.messages[0].message, /was cancelled: 2 enrolled \(ns-0, ns-1 on cluster-1\), 3 not started \(cancelled\) \(ns-2, ns-3, ns-4 on cluster-1\)/);
  });

  it('offers Restart Workloads when enrolled pods are not captured, and restarts that namespace when accepted', async () => {
    const f = fixture(['cluster-1']);
    const cluster = f.clusters.get('cluster-1')!;
    cluster.addNamespace('finance').addWorkload('Deployment', 'finance', 'curl');
    cluster.addPod('finance', 'curl-7d9-abcde').addPod('finance', 'captured-1', { 'ambient.istio.io/redirection': 'enabled' });
    f.host.notificationAnswer = (_m, actions) => (actions.includes(RESTART_WORKLOADS_ACTION) ? RESTART_WORKLOADS_ACTION : undefined);
    f.host.modalAnswers.push({ match: /^Restart 1 workload/, answer: RESTART_CONFIRM });
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'finance')]);
    assert.deepEqual(report.uncaptured, [{ ref: ref('cluster-1', 'finance'), pods: ['curl-7d9-abcde'] }]);
    const offer = f.host.messages.find((m) => m.actions.includes(RESTART_WORKLOADS_ACTION))!;
    assert.match(offer.message, /1 pod in cluster-1\/finance is not captured by ambient yet/);
    await flush();
    await flush();
    assert.deepEqual(f.restarts.map((r) => `${r.kind}/${r.name}`), ['Deployment/curl']);
  });

  it('with many namespaces, checks capture with one pod list and reports only the enrolled namespaces', async () => {
    const f = fixture(['cluster-1']);
    const cluster = f.clusters.get('cluster-1')!;
    const targets = Array.from({ length: 12 }, (_, i) => ref('cluster-1', `ns-${i}`));
    for (const t of targets) cluster.addNamespace(t.namespace);
    cluster.addNamespace('elsewhere').addPod('elsewhere', 'not-mine').addPod('ns-3', 'web-1').addPod('ns-4', 'ok', { 'ambient.istio.io/redirection': 'enabled' });
    let podLists = 0;
    const listPods = cluster.listPods.bind(cluster);
    cluster.listPods = async (...args) => {
      podLists++;
      return listPods(...args);
    };
    const report = await enrollNamespaces(f.deps, targets);
    // One for Check Before Enrolling (inside the confirmation), one for the capture check after it.
    assert.equal(podLists, 2);
    assert.deepEqual(report.uncaptured, [{ ref: ref('cluster-1', 'ns-3'), pods: ['web-1'] }]);
  });

  it('does not offer a restart when every pod is captured', async () => {
    const f = fixture(['cluster-1']);
    const cluster = f.clusters.get('cluster-1')!;
    cluster.addNamespace('finance').addPod('finance', 'a', { 'ambient.istio.io/redirection': 'enabled' });
    const report = await enrollNamespaces(f.deps, [ref('cluster-1', 'finance')]);
    assert.deepEqual(report.uncaptured, []);
    assert.equal(f.host.messages.some((m) => m.actions.includes(RESTART_WORKLOADS_ACTION)), false);
  });
});

describe('Enroll in Ambient on Clusters…', () => {
  it('enrolls the same namespace names on every chosen context and reports where one does not exist', async () => {
    const f = fixture();
    f.clusters.get('cluster-1')!.addNamespace('finance').addNamespace('accounts');
    f.clusters.get('cluster-2')!.addNamespace('finance');
    const report = await enrollAcrossClusters(f.deps, ['cluster-1', 'cluster-2'], ['finance', 'accounts']);
    assert.deepEqual(report.results.map((r) => [r.target, r.outcome]), [
      ['cluster-1/finance', 'done'],
      ['cluster-1/accounts', 'done'],
      ['cluster-2/finance', 'done'],
      ['cluster-2/accounts', 'failed'],
    ]);
    assert.match(report.results[3].detail, /does not exist in context cluster-2 \(not created\)/);
    assert.equal(f.clusters.get('cluster-2')!.namespaces.has('accounts'), false);
    assert.match(f.host.messages[0].message, /^Enroll in Ambient on Clusters partly failed: 3 enrolled \(finance, accounts on cluster-1; finance on cluster-2\), 1 failed \(accounts on cluster-2\)/);
  });
});

describe('Remove from Ambient', () => {
  it('removes only the dataplane-mode label', async () => {
    const f = fixture(['cluster-1']);
    f.clusters.get('cluster-1')!.addNamespace('accounts', { 'istio.io/dataplane-mode': 'ambient', team: 'ledger' });
    const report = await unenrollNamespaces(f.deps, [ref('cluster-1', 'accounts')]);
    assert.deepEqual(f.patches[0].labels, { 'istio.io/dataplane-mode': null });
    assert.deepEqual(f.clusters.get('cluster-1')!.namespaces.get('accounts'), { 'kubernetes.io/metadata.name': 'accounts', team: 'ledger' });
    assert.match(report.results[0].detail, /removed istio.io\/dataplane-mode/);
    assert.match(f.log.text(), /merge-patch \{"metadata":\{"labels":\{"istio.io\/dataplane-mode":null\}\}\} → applied; istio.io\/dataplane-mode=\(absent\)/);
  });
});

describe('Restart Workloads', () => {
  function prometheus(settings = {}) {
    const f = fixture(['cluster-1'], settings);
    f.clusters
      .get('cluster-1')!
      .addNamespace('prometheus')
      .addWorkload('Deployment', 'prometheus', 'grafana', 2)
      .addWorkload('Deployment', 'prometheus', 'prometheus-operator')
      .addWorkload('StatefulSet', 'prometheus', 'prometheus-prometheus')
      .addWorkload('DaemonSet', 'prometheus', 'node-exporter');
    return f;
  }

  it('asks first (modal, listing what will restart); declining restarts nothing', async () => {
    const f = prometheus({ confirmWrites: true });
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    const modal = f.host.modals()[0];
    assert.equal(modal.message, 'Restart 4 workloads in prometheus (cluster-1)?');
    assert.equal(modal.detail, 'Each rollout replaces its pods, like kubectl rollout restart:\nDeployment grafana\nDeployment prometheus-operator\nStatefulSet prometheus-prometheus\nDaemonSet node-exporter');
    assert.equal(f.restarts.length, 0);
    assert.equal(report.cancelled, true);
    assert.equal(report.results.every((r) => r.outcome === 'not-started'), true);
  });

  it('restarts every Deployment, StatefulSet and DaemonSet and follows each rollout until ready', async () => {
    const f = prometheus();
    f.host.modalAnswers.push({ match: /^Restart 4/, answer: RESTART_CONFIRM });
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    assert.deepEqual(f.restarts.map((r) => `${r.kind}/${r.name}`).sort(), ['DaemonSet/node-exporter', 'Deployment/grafana', 'Deployment/prometheus-operator', 'StatefulSet/prometheus-prometheus']);
    assert.deepEqual(report.results.map((r) => r.outcome), ['done', 'done', 'done', 'done']);
    assert.match(report.results[0].detail, /restarted and ready: deployment "grafana" successfully rolled out/);
    for (const w of f.clusters.get('cluster-1')!.workloads) {
      assert.ok(w.object.spec!.template.metadata!.annotations!['kubectl.kubernetes.io/restartedAt'], `${w.name} has restartedAt`);
    }
    assert.match(f.log.text(), /Audit: context=cluster-1 deployment\/grafana namespace=prometheus strategic-merge-patch \{"spec":\{"template":\{"metadata":\{"annotations":\{"kubectl.kubernetes.io\/restartedAt":"[^"]+"\}\}\}\}\} fieldManager=kubectl-rollout → applied, generation 2/);
    assert.equal(f.host.messages.at(-1)!.message, 'Restart Workloads: 4 restarted and ready (prometheus on cluster-1).');
  });

  it('restarts only the kinds the setting lists', async () => {
    const f = prometheus({ restartKinds: ['StatefulSet'], confirmRestart: false });
    await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    assert.deepEqual(f.restarts.map((r) => r.name), ['prometheus-prometheus']);
  });

  it('reports a rollout that does not finish in time as restarted but not ready, with the rollout condition', async () => {
    const f = prometheus({ confirmRestart: false, rolloutTimeoutSeconds: 0.05 });
    f.clusters.get('cluster-1')!.workloads[0].readsToReady = Infinity;
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    const grafana = report.results.find((r) => r.target.includes('grafana'))!;
    assert.equal(grafana.outcome, 'not-ready');
    assert.match(grafana.detail, /^restarted but not ready after 0.05s: Waiting for deployment "grafana" rollout to finish: 1 old replicas are pending termination$/);
    assert.equal(report.results.filter((r) => r.outcome === 'done').length, 3);
    assert.equal(f.host.messages.at(-1)!.severity, 'warning');
  });

  it('cancel mid-restart stops issuing patches and reports what was restarted and what was not', async () => {
    const f = prometheus({ confirmRestart: false, concurrency: 1 });
    f.clusters.get('cluster-1')!.onRestart = (call) => {
      if (call.name === 'prometheus-operator') f.host.cancel.abort();
    };
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    assert.deepEqual(f.restarts.map((r) => r.name), ['grafana', 'prometheus-operator']);
    assert.deepEqual(report.results.map((r) => r.outcome), ['restarted', 'restarted', 'not-started', 'not-started']);
    assert.match(report.results[2].detail, /not restarted: cancelled/);
    assert.match(f.host.messages.at(-1)!.message, /^Restart Workloads was cancelled: 2 restarted \(rollout not followed\) \(prometheus on cluster-1\), 2 not restarted \(cancelled\) \(prometheus on cluster-1\)\./);
  });

  it('a 403 on a workload names the context, user, workload and namespace; the Role to grant is the hint', async () => {
    const f = prometheus({ confirmRestart: false });
    const cluster = f.clusters.get('cluster-1')!;
    cluster.readOnly = true;
    cluster.user = 'viewer';
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    assert.equal(report.results.every((r) => r.outcome === 'failed'), true);
    assert.equal(report.results[0].detail, 'Forbidden: cluster-1 (user "viewer") may not patch deployments.apps "grafana" in namespace "prometheus"; use a context that can write.');
    assert.match(report.results[0].hint ?? '', /^Missing RBAC: a Role in namespace "prometheus"/);
    assert.equal(f.host.messages.at(-1)!.severity, 'error');
  });

  it('dry run restarts nothing and does not wait for rollouts', async () => {
    const f = prometheus({ confirmRestart: false, dryRun: true });
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'prometheus')]);
    assert.equal(f.restarts.every((r) => r.dryRun), true);
    assert.equal(report.results.every((r) => r.outcome === 'dry-run'), true);
    for (const w of f.clusters.get('cluster-1')!.workloads) assert.equal(w.object.metadata!.generation, 1);
  });

  it('restarts across many namespaces with one LIST per kind, and only in the chosen namespaces', async () => {
    const f = fixture(['cluster-1'], { confirmRestart: false });
    const cluster = f.clusters.get('cluster-1')!;
    const targets = Array.from({ length: 12 }, (_, i) => ref('cluster-1', `load-${i}`));
    for (const t of targets) cluster.addNamespace(t.namespace).addWorkload('Deployment', t.namespace, 'app');
    cluster.addNamespace('other').addWorkload('Deployment', 'other', 'keep-me');
    let lists = 0;
    for (const method of ['listDeployments', 'listStatefulSets', 'listDaemonSets'] as const) {
      const original = cluster[method].bind(cluster);
      (cluster as unknown as Record<string, unknown>)[method] = async (ns?: string) => {
        lists++;
        return original(ns);
      };
    }
    const report = await restartNamespaceWorkloads(f.deps, targets);
    assert.equal(lists, 3);
    assert.equal(report.results.length, 12);
    assert.equal(f.restarts.some((r) => r.name === 'keep-me'), false);
    assert.deepEqual(new Set(f.restarts.map((r) => r.namespace)), new Set(targets.map((t) => t.namespace)));
  });

  it('says so when a namespace has nothing to restart', async () => {
    const f = fixture(['cluster-1']);
    f.clusters.get('cluster-1')!.addNamespace('legacy');
    const report = await restartNamespaceWorkloads(f.deps, [ref('cluster-1', 'legacy')]);
    assert.deepEqual(report.results, []);
    assert.match(f.host.messages[0].message, /Nothing to restart in legacy \(cluster-1\): no Deployments, StatefulSets, DaemonSets\./);
  });

  it('Restart Workload restarts the one workload without asking', async () => {
    const f = prometheus();
    const report = await restartWorkloads(f.deps, [{ context: 'cluster-1', namespace: 'prometheus', kind: 'StatefulSet', name: 'prometheus-prometheus' }]);
    assert.equal(f.host.modals().length, 0);
    assert.deepEqual(f.restarts.map((r) => r.name), ['prometheus-prometheus']);
    assert.equal(report.title, 'Restart Workload');
    assert.equal(report.results[0].outcome, 'done');
  });
});
