// Enroll, restart and enroll-across-clusters as a user does them: right-click in the Clusters view or the
// palette, answer the dialogs, watch the tree change. Effects are checked with kubectl; every step is
// photographed. Labels are put back at the end, so later UI tests see the seeded cluster.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { STEP_TIMEOUT_MS, contextMenu, waitForBadge, withWorkbench } from './harness';
import type { Workbench } from './harness';

const MODE = 'istio.io/dataplane-mode';
const run = promisify(execFile);

async function namespaceLabels(wb: Workbench, context: string, namespace: string): Promise<Record<string, string>> {
  return JSON.parse(await wb.kubectl(['get', 'namespace', namespace, '-o', 'json'], context)).metadata.labels ?? {};
}

async function unlabel(wb: Workbench, context: string, namespace: string): Promise<void> {
  await wb.kubectl(['label', 'namespace', namespace, `${MODE}-`], context).catch(() => '');
}

/** Ctrl-clicks each row that the tree does not show as selected, until all of them are (aria-selected). */
async function selectAlso(wb: Workbench, rows: readonly Locator[]): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const unselected: Locator[] = [];
    for (const row of rows) if ((await row.getAttribute('aria-selected')) !== 'true') unselected.push(row);
    if (unselected.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${unselected.length} of ${rows.length} rows would not stay selected`);
    for (const row of unselected) await row.click({ modifiers: ['ControlOrMeta'] });
    await wb.page.waitForTimeout(200);
  }
}

async function waitForNotification(wb: Workbench, text: RegExp): Promise<void> {
  await wb.notifications().filter({ hasText: text }).first().waitFor({ timeout: 90_000 });
}

/** The write's confirmation: it names its targets; press its action. */
async function confirm(wb: Workbench, question: RegExp, action: string, step: string): Promise<void> {
  const dialog = wb.page.locator('.monaco-dialog-box').filter({ hasText: question });
  await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
  await wb.screenshot(step);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
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
      await confirm(wb, /Enroll finance on cluster-1 in ambient\?/, 'Enroll', 'enroll-confirmation');
      await finance.filter({ hasText: /ambient/ }).waitFor({ timeout: 30_000 });
      await waitForNotification(wb, /Enroll in Ambient: 1 enrolled \(finance on cluster-1\)/);
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
      // The plain click also expanded finance: its workload rows arrive and the row is redrawn, and a Ctrl-click
      // that lands while a row is redrawn is lost (seen in CI: the right-click then acted on accounts alone).
      // The selection is the precondition of this step: make sure both rows show it before the right-click.
      await selectAlso(wb, [finance2, accounts2]);
      await wb.screenshot('finance-and-accounts-selected');
      await contextMenu(wb, accounts2, 'Enroll in Ambient');
      await confirm(wb, /Enroll 2 namespaces \(finance, accounts on cluster-2\) in ambient\?/, 'Enroll', 'enroll-two-confirmation');
      await finance2.filter({ hasText: /ambient/ }).waitFor({ timeout: 30_000 });
      await accounts2.filter({ hasText: /ambient/ }).waitFor({ timeout: 30_000 });
      await wb.screenshot('both-enrolled');
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'finance'))[MODE], 'ambient');
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'accounts'))[MODE], 'ambient');

      // 4. Enroll in Ambient on Clusters… from the palette, for both contexts.
      await wb.runCommand('Ambient Mesh: Enroll in Ambient on Clusters…');
      await pickMany(wb, /Contexts/, ['cluster-1', 'cluster-2']);
      await pickMany(wb, /Namespaces to enroll/, ['accounts']);
      await confirm(wb, /Enroll accounts on cluster-1 in ambient\?/, 'Enroll', 'enroll-on-clusters-confirmation');
      await waitForNotification(wb, /Enroll in Ambient on Clusters: 1 enrolled \(accounts on cluster-1\), 1 already ambient \(accounts on cluster-2\)/);
      await wb.screenshot('enrolled-on-both-clusters');
      assert.equal((await namespaceLabels(wb, 'cluster-1', 'accounts'))[MODE], 'ambient');
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'accounts'))[MODE], 'ambient');
    } finally {
      for (const context of ['cluster-1', 'cluster-2']) {
        for (const namespace of ['finance', 'accounts']) await unlabel(wb, context, namespace);
      }
    }
  }));

/**
 * Changes a user setting as a user does: Preferences: Open User Settings (JSON), replace the text, save.
 * (A write to settings.json from outside is not noticed by code-server here.)
 */
async function setUserSetting(wb: Workbench, key: string, value: unknown): Promise<void> {
  const file = join(wb.env.runDir, wb.name, 'user-data/User/settings.json');
  const settings = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8') || '{}') as Record<string, unknown>) : {};
  settings[key] = value;
  await wb.browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.page.url()).origin });
  await wb.runCommand('Preferences: Open User Settings (JSON)');
  const editor = wb.page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: STEP_TIMEOUT_MS });
  await wb.page.evaluate((text) => (globalThis as unknown as { navigator: { clipboard: { writeText(t: string): Promise<void> } } }).navigator.clipboard.writeText(text), JSON.stringify(settings, null, 2));
  await editor.click();
  await wb.page.keyboard.press('ControlOrMeta+A');
  await wb.page.keyboard.press('ControlOrMeta+V');
  await wb.page.keyboard.press('ControlOrMeta+S');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while ((JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[key] === undefined && Date.now() < deadline) await wb.page.waitForTimeout(100);
  await wb.screenshot(`setting-${key}`);
  await wb.runCommand('View: Close All Editors');
}

test('after ambient.kubeconfig changes and kubectl config use-context, a right-clicked namespace is still the target; Run again re-runs', () =>
  withWorkbench('command-targets', async (wb) => {
    const view = await wb.openAmbientMeshView();
    const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    // Our own kubeconfig, so switching its current context does not change what the other UI tests see.
    const kubeconfig = join(wb.env.runDir, wb.name, 'kubeconfig');
    copyFileSync(wb.env.kubeconfig, kubeconfig);
    try {
      // 0. Read-only is known before the click: the viewer contexts carry a lock, and Enroll on Clusters… from a
      //    namespace under cluster-1-viewer ticks only cluster-1-viewer, marked read-only, listing what it enrolls.
      const viewer = view.getByRole('treeitem', { name: /^cluster-1-viewer \(read-only\)/ }).first();
      await viewer.waitFor({ timeout: STEP_TIMEOUT_MS });
      await view.getByRole('treeitem', { name: /^cluster-2-viewer \(read-only\)/ }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      assert.equal(await view.getByRole('treeitem', { name: /^cluster-1 \(read-only\)/ }).count(), 0, 'cluster-1 may write');
      await wb.expand(viewer);
      const viewerAccounts = view.getByRole('treeitem', { name: /^accounts\b/ }).first();
      await viewerAccounts.waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('viewer-contexts-locked');
      await contextMenu(wb, viewerAccounts, 'Enroll in Ambient on Clusters…');
      const picker = wb.page.locator('.quick-input-widget');
      await picker.locator('input[placeholder*="enroll accounts on"]').waitFor({ timeout: STEP_TIMEOUT_MS });
      const tickedRows = picker.locator('.quick-input-list .monaco-list-row[aria-checked="true"]');
      assert.equal(await tickedRows.count(), 1, 'only the context the user started from is ticked');
      assert.match((await tickedRows.first().textContent()) ?? '', /^\s*cluster-1-viewer/);
      assert.match((await tickedRows.first().textContent()) ?? '', /read-only/);
      assert.match((await tickedRows.first().textContent()) ?? '', /enrolls accounts/);
      await wb.screenshot('enroll-on-clusters-from-viewer');
      await wb.page.keyboard.press('Escape');
      await viewer.click(); // collapse: the rows below are cluster-1's

      await wb.kubectl(['label', 'namespace', 'finance', `${MODE}=ambient`, '--overwrite'], 'cluster-1');
      await wb.expand(cluster1);
      const finance = view.getByRole('treeitem', { name: /^finance\b/ }).first();
      await waitForBadge(finance, 'A');
      await wb.screenshot('finance-ambient-before-reload');

      // 1. ambient.kubeconfig now names a copy of the same file: the tree reloads it.
      await setUserSetting(wb, 'ambient.kubeconfig', [kubeconfig]);
      await wb.page.waitForTimeout(2000);
      // 2. kubectl config use-context cluster-2 on that file: cluster-2 becomes current.
      await run(wb.env.kubectl, ['--kubeconfig', kubeconfig, 'config', 'use-context', 'cluster-2']);
      await view.getByRole('treeitem', { name: /^cluster-2 \(current context\)/ }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.page.waitForTimeout(1500);
      await waitForBadge(finance, 'A');
      await wb.screenshot('after-reload-and-use-context');

      // 3. Remove from Ambient on the row clicked: a confirmation naming finance on cluster-1, no context picker.
      await contextMenu(wb, finance, 'Remove from Ambient');
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: STEP_TIMEOUT_MS }).catch(() => undefined);
      await wb.screenshot('remove-confirmation');
      assert.equal(await wb.page.locator('.quick-input-widget').isVisible(), false, 'a context picker opened instead of acting on the clicked namespace');
      await dialog.filter({ hasText: /finance/ }).filter({ hasText: /cluster-1/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
      await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
      await waitForNotification(wb, /finance.*cluster-1|cluster-1\/finance/);
      await wb.screenshot('remove-result');
      assert.equal((await namespaceLabels(wb, 'cluster-1', 'finance'))[MODE], undefined);
      assert.equal((await namespaceLabels(wb, 'cluster-2', 'finance'))[MODE], undefined, 'cluster-2 (now current) was not touched');
      await waitForBadge(finance, '');

      // 4. Test Connectivity… on the row: its context (cluster-1) is the one ticked, not the current cluster-2.
      await contextMenu(wb, finance, 'Test Connectivity…');
      const widget = wb.page.locator('.quick-input-widget');
      await widget.locator('input[placeholder*="Contexts"]').waitFor({ timeout: STEP_TIMEOUT_MS });
      assert.equal(await selectedCount(wb), 1);
      const ticked = widget.locator('.quick-input-list .monaco-list-row[aria-checked="true"]');
      assert.equal(await ticked.count(), 1);
      assert.match((await ticked.first().textContent()) ?? '', /^\s*cluster-1(?!-viewer)/, 'the row\'s context, not the current cluster-2');
      await wb.screenshot('connectivity-contexts-clicked-one-ticked');
      await widget.getByRole('button', { name: 'OK', exact: true }).click();
      await widget.locator('input[placeholder*="Service"]').waitFor({ timeout: STEP_TIMEOUT_MS });
      await widget.locator('input').first().fill('accounts.accounts.svc');
      const target = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'accounts.accounts.svc.cluster.local:8080' }).first();
      await target.waitFor({ timeout: STEP_TIMEOUT_MS });
      await target.click();
      const panel = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await panel.locator('section[aria-label="Context cluster-1"] pre.output').last().waitFor({ timeout: 60_000 });
      await wb.screenshot('connectivity-first-run');

      // 5. Run again: the same test (same source, target and context) runs again, with its progress shown, and
      //    the panel shows the new run. Plain text here, so no access-log line differs: the progress is the sign.
      await panel.getByRole('button', { name: 'Run again' }).click();
      const progress = wb.notifications().filter({ hasText: /Test Connectivity: finance → accounts\.accounts\.svc\.cluster\.local:8080 on cluster-1/ });
      await progress.first().waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot('connectivity-run-again-running');
      await progress.first().waitFor({ state: 'detached', timeout: 60_000 });
      await panel.locator('section[aria-label="Context cluster-1"]').waitFor({ timeout: STEP_TIMEOUT_MS });
      assert.equal(await panel.locator('section[aria-label^="Context "]').count(), 1, 'the same single context');
      await wb.screenshot('connectivity-after-run-again');
    } finally {
      await unlabel(wb, 'cluster-1', 'finance');
    }
  }));
