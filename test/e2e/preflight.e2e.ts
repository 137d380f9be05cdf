// Check Before Enrolling as a user meets it: right-click the seeded checkout namespace (test/cluster/seed.ts:
// a NetworkPolicy without 15008, a host-network DaemonSet, policies that break on ztunnel) → the report in
// the Markdown preview; then Enroll in Ambient → the confirmation lists the findings → Cancel leaves the
// namespace as it was. Then capture proof: ztunnel forgets legacy's web pod (stale: annotation kept, ztunnel
// lost it) → Restart Uncaptured Workloads lists only that Deployment → afterwards every pod is proven captured.
// Every step is photographed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STEP_TIMEOUT_MS, contextMenu, withWorkbench } from './harness';

const MODE = 'istio.io/dataplane-mode';

test('Check Before Enrolling shows every finding of checkout, and Enroll lists them before changing anything', () =>
  withWorkbench('preflight', async (wb) => {
    const view = await wb.openAmbientMeshView();
    await wb.expand(view.getByRole('treeitem', { name: /^cluster-1\b/ }).first());
    const checkout = view.getByRole('treeitem', { name: /^checkout\b/ }).first();
    await checkout.waitFor({ timeout: STEP_TIMEOUT_MS });

    // 1. The report, in the Markdown preview.
    await contextMenu(wb, checkout, 'Check Before Enrolling…');
    const preview = wb.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await preview.getByRole('heading', { name: 'checkout on cluster-1' }).waitFor({ timeout: 60_000 });
    await preview.getByText(/NetworkPolicy drops HBONE \(TCP 15008\) to 1 pod/).waitFor({ timeout: STEP_TIMEOUT_MS });
    await preview.getByText(/3 pods use the host network/).waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.page.mouse.move(0, 400);
    await wb.screenshot('report-top');
    await preview.getByText(/has init containers/).scrollIntoViewIfNeeded();
    await wb.screenshot('report-more-findings');

    // 2. Enroll: the confirmation lists the findings; Cancel changes nothing.
    await contextMenu(wb, checkout, 'Enroll in Ambient');
    const dialog = wb.page.locator('.monaco-dialog-box').filter({ hasText: /Check Before Enrolling found 6 problems in cluster-1\/checkout/ });
    await dialog.waitFor({ timeout: 60_000 });
    await dialog.filter({ hasText: /NetworkPolicy drops HBONE/ }).waitFor();
    await dialog.filter({ hasText: /3 pods use the host network/ }).waitFor();
    await wb.screenshot('enroll-confirmation');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await wb.screenshot('enroll-cancelled');
    const labels = JSON.parse(await wb.kubectl(['get', 'namespace', 'checkout', '-o', 'json'], 'cluster-1')).metadata.labels ?? {};
    assert.equal(labels[MODE], undefined, 'cancelled at the findings: not enrolled');

    // 3. A stale capture in legacy (ambient): only its workload is restarted.
    const web = JSON.parse(await wb.kubectl(['-n', 'legacy', 'get', 'pods', '-l', 'app=web', '-o', 'json'], 'cluster-1')).items[0];
    const res = await fetch(`${wb.env.controlUrl}/ztunnel-fault?cluster=cluster-1&node=${web.spec.nodeName}`, { method: 'POST', body: JSON.stringify({ forgetPod: `legacy/${web.metadata.name}` }) });
    assert.equal(res.status, 200);
    const legacy = view.getByRole('treeitem', { name: /^legacy\b/ }).first();
    await contextMenu(wb, legacy, 'Restart Uncaptured Workloads');
    const restart = wb.page.locator('.monaco-dialog-box').filter({ hasText: /Restart 1 uncaptured workload in legacy \(cluster-1\)\?/ });
    await restart.waitFor({ timeout: 60_000 });
    await restart.filter({ hasText: new RegExp(`Deployment legacy/web \\(cluster-1\\) — ${web.metadata.name}: stale`) }).waitFor();
    await wb.screenshot('restart-uncaptured-confirmation');
    await restart.getByRole('button', { name: 'Restart', exact: true }).click();
    await wb.notifications().filter({ hasText: /every pod in legacy \(cluster-1\) is now proven captured/ }).first().waitFor({ timeout: 90_000 });
    await wb.screenshot('restart-uncaptured-done');
    const reporting = JSON.parse(await wb.kubectl(['-n', 'legacy', 'get', 'deploy', 'reporting', '-o', 'json'], 'cluster-1'));
    assert.equal(reporting.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], undefined, 'the opted-out workload was not restarted');
  }));
