// Enroll, restart and enroll-across-clusters as a user does them: right-click in the Clusters view or the
// palette, answer the dialogs, watch the tree change. Effects are checked with kubectl; every step is
// photographed. Labels are put back at the end, so later UI tests see the seeded cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { STEP_TIMEOUT_MS, withWorkbench } from './harness';
import type { Workbench } from './harness';

const MODE = 'istio.io/dataplane-mode';

async function namespaceLabels(wb: Workbench, context: string, namespace: string): Promise<Record<string, string>> {
  return JSON.parse(await wb.kubectl(['get', 'namespace', namespace, '-o', 'json'], context)).metadata.labels ?? {};
}

async function unlabel(wb: Workbench, context: string, namespace: string): Promise<void> {
  await wb.kubectl(['label', 'namespace', namespace, `${MODE}-`], context).catch(() => '');
}

async function contextMenu(wb: Workbench, item: Locator, command: string): Promise<void> {
  await item.click({ button: 'right' });
  const entry = wb.page.getByRole('menuitem', { name: command, exact: true });
  await entry.waitFor({ timeout: STEP_TIMEOUT_MS });
  await wb.screenshot(`menu-${command.replace(/\W+/g, '-').toLowerCase()}`);
  await entry.click();
}

async function waitForNotification(wb: Workbench, text: RegExp): Promise<void> {
  await wb.notifications().filter({ hasText: text }).first().waitFor({ timeout: 90_000 });
}

/** How many rows of the open multi-select quick pick are checked ("2 Selected"). */
async function selectedCount(wb: Workbench): Promise<number> {
  const text = await wb.page.locator('.quick-input-widget .quick-input-count').first().textContent();
  return Number(/\d+/.exec(text ?? '')?.[0] ?? 0);
}

/**
 * In the open multi-select quick pick, makes sure the rows with these labels are checked (a row the
 * command pre-checked stays checked: a click that lowers the count is undone), then presses OK.
 */
async function pickMany(wb: Workbench, placeHolder: RegExp, labels: readonly string[]): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  // The same widget shows each pick in turn: wait until it shows this one.
  const input = widget.locator('input[placeholder]').first();
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!placeHolder.test((await input.getAttribute('placeholder').catch(() => null)) ?? '') || !(await input.isVisible())) {
    if (Date.now() > deadline) throw new Error(`no quick pick with placeholder ${placeHolder}`);
    await wb.page.waitForTimeout(100);
  }
  for (const label of labels) {
    // By the row's label alone: a viewer context's description names its cluster too.
    const row = widget
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
      .first();
    await row.waitFor({ timeout: STEP_TIMEOUT_MS });
    const before = await selectedCount(wb);
    const checkbox = row.locator('.quick-input-list-checkbox, input[type=checkbox], [role=checkbox]').first();
    await checkbox.click();
    if ((await selectedCount(wb)) < before) await checkbox.click();
  }
  await wb.screenshot(`quick-pick-${labels.join('-')}`);
  // OK, not Enter: with focus on a row's checkbox, Enter toggles that row instead of accepting.
  await widget.getByRole('button', { name: 'OK', exact: true }).click();
}

test('enroll, multi-select enroll, restart with confirmation, and enroll on both clusters from the Clusters view', () =>
  withWorkbench('commands', async (wb) => {
    const view = await wb.openAmbientMeshView();
    const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    const cluster2 = view.getByRole('treeitem', { name: /^cluster-2\b/ }).first();
    try {
      // 1. Right-click finance under cluster-1 → Enroll in Ambient → the badge appears.
      await wb.expand(cluster1);
      const finance = view.getByRole('treeitem', { name: /^finance\b/ }).first();
      await finance.waitFor();
      assert.equal((await namespaceLabels(wb, 'cluster-1', 'finance'))[MODE], undefined);
      await wb.screenshot('finance-before-enroll');
      await contextMenu(wb, finance, 'Enroll in Ambient');
      await finance.filter({ hasText: /ambient/ }).waitFor({ timeout: 30_000 });
      await wb.screenshot('finance-enrolled-badge');
      assert.equal((await namespaceLabels(wb, 'cluster-1', 'finance'))[MODE], 'ambient');

      // 2. Restart Workloads on prometheus: the confirmation lists what will restart.
      const prometheus = view.getByRole('treeitem', { name: /^prometheus\b/ }).first();
      await contextMenu(wb, prometheus, 'Restart Workloads');
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
      await dialog.filter({ hasText: /Restart 4 workloads in prometheus \(cluster-1\)\?/ }).waitFor();
      await dialog.filter({ hasText: /StatefulSet prometheus-prometheus/ }).waitFor();
      await wb.screenshot('restart-confirmation');
      await dialog.getByRole('button', { name: 'Restart', exact: true }).click();
      await waitForNotification(wb, /Restart Workloads: 4 restarted and ready/);
      await wb.screenshot('restart-report');
      const workloads = JSON.parse(await wb.kubectl(['-n', 'prometheus', 'get', 'deployments,statefulsets,daemonsets', '-o', 'json'], 'cluster-1')).items;
      assert.equal(workloads.length, 4);
      for (const w of workloads) assert.ok(w.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], `${w.kind}/${w.metadata.name} restarted`);

      // 3. Multi-select finance and accounts under cluster-2 → Enroll in Ambient.
      await cluster1.click(); // collapse cluster-1, so the names below are cluster-2's
      await wb.expand(cluster2);
      const finance2 = view.getByRole('treeitem', { name: /^finance\b/ }).first();
      const accounts2 = view.getByRole('treeitem', { name: /^accounts\b/ }).first();
      await finance2.click();
      await accounts2.click({ modifiers: ['ControlOrMeta'] });
      await wb.screenshot('finance-and-accounts-selected');
      await contextMenu(wb, accounts2, 'Enroll in Ambient');
      await finance2.filter({ hasText: /ambient/ }).waitFor({ timeout: 30_000 });
      await accounts2.filter({ hasText: /ambient/ }).waitFor({ timeout: 30_000 });
      await wb.screenshot('both-enrolled');
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'finance'))[MODE], 'ambient');
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'accounts'))[MODE], 'ambient');

      // 4. Enroll in Ambient on Clusters… from the palette, for both contexts.
      await wb.runCommand('Ambient: Enroll in Ambient on Clusters…');
      await pickMany(wb, /Contexts/, ['cluster-1', 'cluster-2']);
      await pickMany(wb, /Namespaces to enroll/, ['accounts']);
      await waitForNotification(wb, /Enroll in Ambient on Clusters: 1 enrolled, 1 already ambient/);
      await wb.screenshot('enrolled-on-both-clusters');
      assert.equal((await namespaceLabels(wb, 'cluster-1', 'accounts'))[MODE], 'ambient');
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'accounts'))[MODE], 'ambient');
    } finally {
      for (const context of ['cluster-1', 'cluster-2']) {
        for (const namespace of ['finance', 'accounts']) await unlabel(wb, context, namespace);
      }
    }
  }));
