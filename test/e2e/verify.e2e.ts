// Verify the mesh as a user does: the identities table for cluster-1 from the Clusters view, Test
// Connectivity… from the palette on both contexts (plain text before enrollment, mTLS after), and the
// health report turning from fail to pass through its own Enroll and Restart Workloads buttons. Every
// step is photographed; the seeds' labels are removed at the end so later UI tests see the seeded cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { STEP_TIMEOUT_MS, closeEditors, pickMany, pickOne, webview, withWorkbench } from './harness';
import type { Workbench } from './harness';

const SEEDS = ['finance', 'accounts', 'prometheus'];

async function testConnectivity(wb: Workbench, stepName: string): Promise<FrameLocator> {
  await closeEditors(wb);
  await wb.runCommand('Ambient Mesh: Test Connectivity…');
  await pickMany(wb, 'Test Connectivity: contexts', ['cluster-1', 'cluster-2'], 'contexts-picked');
  await pickOne(wb, 'finance'); // source namespace (finance/curl: its only workload is picked for us)
  await pickOne(wb, 'accounts.accounts.svc.cluster.local:8080');
  const panel = webview(wb);
  await panel.getByText('accounts-cluster-1', { exact: true }).waitFor({ timeout: 60_000 });
  await panel.getByText('accounts-cluster-2', { exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await wb.screenshot(stepName);
  return panel;
}

/** Wait until the health report is not re-checking (its "Checking…" status gone). */
async function settled(panel: FrameLocator): Promise<void> {
  await panel.getByRole('status').waitFor({ state: 'detached', timeout: 120_000 });
  await panel.locator('section[aria-label^="Health of"]').first().waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** The namespaces a user of these clusters expects enrolled on both, as a workspace setting. */
const EXPECTED_EVERYWHERE = { 'ambient.health.expectedNamespaces': SEEDS };

test('identities table, connectivity on both contexts, and the health report from fail to pass after Enroll + Restart', () =>
  withWorkbench('verify', async (wb) => {
    try {
      // 1. Right-click cluster-1 → Show Workload Identities → the table of ztunnel's workloads.
      const view = await wb.openAmbientMeshView();
      const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
      await cluster1.waitFor({ timeout: STEP_TIMEOUT_MS });
      await cluster1.click({ button: 'right' });
      const entry = wb.page.getByRole('menuitem', { name: 'Show Workload Identities', exact: true });
      await entry.waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('context-menu');
      // On a loaded machine the menu can swallow a click made while it is still opening: retry once.
      await entry.click();
      await entry.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => entry.click());
      const identities = webview(wb);
      await identities.getByText('Workload identities · cluster-1').waitFor({ timeout: 60_000 });
      await identities.getByText('spiffe://cluster.local/ns/finance/sa/curl').first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await identities.locator('table[aria-label="Workloads"]').waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.page.mouse.move(900, 600); // no tree tooltip over the panel
      await wb.screenshot('identities-cluster-1');
      // Filter the table by namespace.
      await identities.locator('#namespace-filter').click();
      await identities.getByRole('option', { name: 'finance', exact: true }).click();
      await identities.getByRole('heading', { name: 'Workloads (1)' }).waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('identities-filtered-finance');

      // 2. Test Connectivity… on both contexts before enrollment: the answers, in plain text.
      const before = await testConnectivity(wb, 'connectivity-before-enrollment');
      assert.equal(await before.locator('.verdict').count(), 2);
      for (const verdict of await before.locator('.verdict').all()) assert.match((await verdict.textContent()) ?? '', /^Plain text/);

      // 3. Check Ambient Health on both contexts: fails (the expected namespaces, set for this workspace, are not enrolled).
      await closeEditors(wb);
      await wb.runCommand('Ambient Mesh: Check Ambient Health');
      await pickMany(wb, 'Check Ambient Health', ['cluster-1', 'cluster-2'], 'contexts-picked');
      const health = webview(wb);
      await settled(health);
      await health.getByText(/cluster-1: fail/).waitFor({ timeout: STEP_TIMEOUT_MS });
      await health.getByText(/cluster-2: fail/).waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('health-fail');

      // 4. The report's own fixes: Enroll each namespace, then Restart Workloads where pods stay uncaptured.
      for (let round = 0; round < 20; round++) {
        const enroll = health.locator('vscode-button:not([disabled])', { hasText: /^Enroll / }).first();
        const restart = health.locator('vscode-button:not([disabled])', { hasText: /^Restart Workloads in / }).first();
        // Notification toasts from earlier fixes may cover the buttons: deliver the click to the button itself.
        if (await enroll.count()) {
          await enroll.dispatchEvent('click');
          // prometheus runs a host-network DaemonSet: Check Before Enrolling's findings are Enroll's confirmation
          // (Enroll Anyway); a namespace with nothing to report gets the plain one, naming it and its cluster.
          const findings = wb.page.locator('.monaco-dialog-box').filter({ hasText: /Check Before Enrolling found/ });
          const plain = wb.page.locator('.monaco-dialog-box').filter({ hasText: /Enroll .* in ambient\?/ });
          await findings.or(plain).first().waitFor({ timeout: STEP_TIMEOUT_MS });
          if (await findings.count()) {
            if (round < 2) await wb.screenshot('enroll-preflight-confirmation');
            await findings.getByRole('button', { name: 'Enroll Anyway', exact: true }).click();
          } else {
            if (round < 2) await wb.screenshot('enroll-confirmation');
            await plain.getByRole('button', { name: 'Enroll', exact: true }).click();
          }
        } else if (await restart.count()) {
          await restart.dispatchEvent('click');
          const dialog = wb.page.locator('.monaco-dialog-box');
          await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
          if (round < 8) await wb.screenshot('restart-confirmation');
          await dialog.getByRole('button', { name: 'Restart', exact: true }).click();
        } else {
          break;
        }
        await wb.page.waitForTimeout(300);
        await settled(health);
      }
      await health.getByText(/cluster-1: pass/).waitFor({ timeout: 60_000 });
      await health.getByText(/cluster-2: pass/).waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('health-pass');
      // The Mesh node of each context shows the last result.
      await wb.expand(view.getByRole('treeitem', { name: /^cluster-1\b/ }).first());
      await view.getByRole('treeitem', { name: /^Mesh\b.*last health check: pass/ }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('mesh-node-health-pass');
      for (const context of ['cluster-1', 'cluster-2']) {
        const labels = JSON.parse(await wb.kubectl(['get', 'namespace', 'finance', '-o', 'json'], context)).metadata.labels;
        assert.equal(labels['istio.io/dataplane-mode'], 'ambient', context);
      }

      // 5. Test Connectivity… again: mTLS, with both SPIFFE identities, on both contexts.
      const afterPanel = await testConnectivity(wb, 'connectivity-after-enrollment-mtls');
      await afterPanel.locator('.verdict', { hasText: /^Mutual TLS: / }).nth(1).waitFor({ timeout: STEP_TIMEOUT_MS });
      assert.equal(await afterPanel.getByText('spiffe://cluster.local/ns/accounts/sa/accounts', { exact: true }).count(), 2);

      // 6. A user who may not port-forward (viewer): identities derived from service accounts, marked as a fallback.
      await closeEditors(wb);
      const viewer = view.getByRole('treeitem', { name: /^cluster-1-viewer\b/ }).first();
      await viewer.click({ button: 'right' });
      const show = wb.page.getByRole('menuitem', { name: 'Show Workload Identities', exact: true });
      await show.waitFor({ timeout: STEP_TIMEOUT_MS });
      await show.click();
      await show.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => show.click());
      await wb.page.mouse.move(900, 600);
      await webview(wb).getByText(/^Fallback: Port-forward to ztunnel's admin port is forbidden/).waitFor({ timeout: 60_000 });
      await wb.page.mouse.move(900, 600);
      await wb.screenshot('identities-viewer-fallback');
    } finally {
      for (const context of ['cluster-1', 'cluster-2']) {
        await wb.kubectl(['label', 'namespace', ...SEEDS, 'istio.io/dataplane-mode-'], context).catch(() => '');
      }
    }
  }, undefined, EXPECTED_EVERYWHERE));
