// The Clusters tree as a user sees it: both contexts, finance and accounts under cluster-1 without a
// badge, then `kubectl label ... ambient` elsewhere and the badge and description appear, live.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { STEP_TIMEOUT_MS, withWorkbench } from './harness';

/** The decoration badge VS Code draws after a row's label (a CSS ::after), '' when there is none. */
async function badgeOf(row: Locator): Promise<string> {
  return row.locator('.monaco-icon-label').first().evaluate((label) => {
    const content = (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(label, '::after').content;
    return content === 'none' || content === 'normal' ? '' : content.replace(/^"|"$/g, '');
  });
}

/** VS Code asks for decorations after it draws the row: poll until the badge is what we expect. */
async function waitForBadge(row: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let badge = await badgeOf(row);
  while (badge !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    badge = await badgeOf(row);
  }
  assert.equal(badge, expected, `badge of ${await row.getAttribute('aria-label')}`);
}

async function descriptionOf(row: Locator): Promise<string> {
  const description = row.locator('.label-description');
  return (await description.count()) > 0 ? ((await description.first().textContent()) ?? '').trim() : '';
}

test('the Clusters tree shows both contexts, finance/accounts without a badge, and the badge after kubectl label', () =>
  withWorkbench('tree', async (wb) => {
    const view = await wb.openAmbientMeshView();
    const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    const cluster2 = view.getByRole('treeitem', { name: /^cluster-2\b/ }).first();
    await cluster1.waitFor();
    await cluster2.waitFor();
    // The current context is marked, and the summary arrives without expanding anything.
    await view.getByRole('treeitem', { name: /^cluster-1 \(current context\), istio 1\.28\.3 · ztunnel 3\/3/ }).first().waitFor();
    await wb.screenshot('contexts-with-summary');

    await wb.expand(cluster1);
    const finance = view.getByRole('treeitem', { name: /^finance\b/ }).first();
    const accounts = view.getByRole('treeitem', { name: /^accounts\b/ }).first();
    const legacy = view.getByRole('treeitem', { name: /^legacy\b/ }).first();
    await finance.waitFor();
    await accounts.waitFor();
    await legacy.waitFor();
    assert.equal(await badgeOf(finance), '');
    assert.equal(await badgeOf(accounts), '');
    assert.equal(await descriptionOf(finance), '');
    // An enrolled namespace next to them does carry the badge: the check above can fail.
    await waitForBadge(legacy, 'A');
    assert.match(await descriptionOf(legacy), /^ambient · 1\/1 captured$/);
    await wb.screenshot('finance-accounts-no-badge');

    await wb.kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient'], 'cluster-1');
    try {
      await wb.page.waitForFunction(
        (row) => /^ambient · /.test(row?.querySelector('.label-description')?.textContent?.trim() ?? ''),
        await finance.elementHandle(),
        { timeout: STEP_TIMEOUT_MS },
      );
      await waitForBadge(finance, 'A');
      assert.equal(await badgeOf(accounts), '', 'only the labelled namespace changes');
      await wb.screenshot('finance-badge-after-kubectl-label');
    } finally {
      await wb.kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode-'], 'cluster-1');
    }
    await wb.page.waitForFunction((row) => !row?.querySelector('.label-description')?.textContent?.trim(), await finance.elementHandle(), {
      timeout: STEP_TIMEOUT_MS,
    });
    await waitForBadge(finance, '');
    await wb.screenshot('finance-badge-gone-after-unlabel');
  }));
