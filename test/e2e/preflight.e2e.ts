// Check Before Enrolling as a user meets it: right-click the seeded checkout namespace (test/cluster/seed.ts:
// a NetworkPolicy without 15008, a host-network DaemonSet, policies that break on ztunnel) → the report in
// the Markdown preview; then Enroll in Ambient → the confirmation lists the findings → Cancel leaves the
// namespace as it was; Enroll anyway → Test Connectivity from cart to storefront fails with ztunnel's 15008
// message → admit 15008 in the NetworkPolicy → the HTTP-only ALLOW policy now denies everything → an L4 rule →
// mTLS. Then capture proof: the node under legacy's web pod reboots (stale: annotation kept, ztunnel lost it) →
// Restart Uncaptured Workloads lists only that Deployment → afterwards every pod is proven captured.
// Every step is photographed; checkout is put back as seeded (test/cluster/seed.ts) for the UI tests after it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { STEP_TIMEOUT_MS, closeEditors, contextMenu, pickMany, pickOne, webview, withWorkbench } from './harness';
import type { Workbench } from './harness';

const MODE = 'istio.io/dataplane-mode';

/** checkout's NetworkPolicy as seeded (the app port only), or with HBONE's 15008 admitted too. */
const storefrontNetworkPolicy = (ports: number[]) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: storefront-allow-web\n  namespace: checkout\nspec:\n  podSelector:\n    matchLabels:\n      app: storefront\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - podSelector: {}\n    ports:\n${ports.map((p) => `    - protocol: TCP\n      port: ${p}\n`).join('')}`;
/** checkout's ALLOW policy as seeded (HTTP attributes only: on ztunnel it admits nothing), or with an L4 rule. */
const storefrontAllowPolicy = (l4: boolean) =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: storefront-get-only\n  namespace: checkout\nspec:\n  selector:\n    matchLabels:\n      app: storefront\n  action: ALLOW\n  rules:\n` +
  (l4 ? `  - from:\n    - source:\n        principals: ["cluster.local/ns/checkout/sa/cart"]\n    to:\n    - operation:\n        ports: ["8080"]\n` : `  - to:\n    - operation:\n        methods: ["GET"]\n        paths: ["/*"]\n`);

async function apply(wb: Workbench, yaml: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'preflight-e2e-')), 'object.yaml');
  writeFileSync(file, yaml);
  await wb.kubectl(['apply', '--validate=false', '-f', file], 'cluster-1');
}

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

    try {
      // 3. Enroll anyway: the same confirmation, and Enroll.
      await contextMenu(wb, checkout, 'Enroll in Ambient');
      await dialog.waitFor({ timeout: 60_000 });
      await dialog.getByRole('button', { name: 'Enroll Anyway', exact: true }).click();
      await dialog.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
      const enrolled = JSON.parse(await wb.kubectl(['get', 'namespace', 'checkout', '-o', 'json'], 'cluster-1')).metadata.labels ?? {};
      assert.equal(enrolled[MODE], 'ambient', 'enrolled despite the findings');
      await wb.screenshot('enrolled-anyway');

      // 4. Test Connectivity from cart to storefront: ztunnel's HBONE connect times out on the NetworkPolicy.
      await contextMenu(wb, checkout, 'Test Connectivity…');
      await pickMany(wb, 'Test Connectivity: contexts', ['cluster-1']);
      await pickOne(wb, 'cart');
      await pickOne(wb, 'storefront.checkout.svc.cluster.local:8080');
      const panel = webview(wb);
      const verdict = panel.locator('p.verdict');
      await verdict.filter({ hasText: /^HBONE blocked: ztunnel could not reach the destination pod on port 15008 in time/ }).waitFor({ timeout: 60_000 });
      await panel.getByText(/exit status 28: timed out/).waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.page.mouse.move(0, 400);
      await wb.screenshot('connectivity-hbone-blocked');

      // 5. Admit 15008 → Run again: the next problem the pre-flight named, the HTTP-only ALLOW policy.
      await apply(wb, storefrontNetworkPolicy([8080, 15008]));
      await panel.locator('vscode-button', { hasText: 'Run again' }).click();
      await verdict.filter({ hasText: /^Denied: ALLOW policies apply, but none allowed it.* No rule of checkout\/storefront-get-only matched it\.$/ }).waitFor({ timeout: 60_000 });
      await wb.screenshot('connectivity-denied-by-http-only-allow');

      // 6. An L4 rule for cart → Run again: mutual TLS, both identities.
      await apply(wb, storefrontAllowPolicy(true));
      await panel.locator('vscode-button', { hasText: 'Run again' }).click();
      await verdict.filter({ hasText: 'Mutual TLS: spiffe://cluster.local/ns/checkout/sa/cart → spiffe://cluster.local/ns/checkout/sa/storefront.' }).waitFor({ timeout: 60_000 });
      await panel.getByText('storefront', { exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('connectivity-mtls-after-fixes');
      await closeEditors(wb);
    } finally {
      await wb.kubectl(['label', 'namespace', 'checkout', `${MODE}-`], 'cluster-1');
      await apply(wb, storefrontNetworkPolicy([8080]));
      await apply(wb, storefrontAllowPolicy(false));
    }

    // 7. A node reboots under legacy (ambient): its pods stay annotated but its ztunnel lost them; only their
    // workload is restarted.
    const web = JSON.parse(await wb.kubectl(['-n', 'legacy', 'get', 'pods', '-l', 'app=web', '-o', 'json'], 'cluster-1')).items[0];
    const res = await fetch(`${wb.env.controlUrl}/node-reboot?cluster=cluster-1&node=${web.spec.nodeName}`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { stale: string[] }).stale.includes(`legacy/${web.metadata.name}`));
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
