// The Clusters tree as a user sees it: both contexts, finance and accounts under cluster-1 without a
// badge, then `kubectl label ... ambient` elsewhere and the badge and description appear, live; and a
// context whose server is down, next to clusters that keep working.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { STEP_TIMEOUT_MS, badgeOf, waitForBadge, withWorkbench } from './harness';

async function descriptionOf(row: Locator): Promise<string> {
  const description = row.locator('.label-description');
  return (await description.count()) > 0 ? ((await description.first().textContent()) ?? '').trim() : '';
}

/**
 * Polls the row's description through its locator. Not through one element handle: when the parent
 * context is redrawn (an enrolment changes its "n ambient") VS Code's list may draw the row into another
 * DOM element, and a handle taken before would watch the old one for ever.
 */
async function waitForDescription(row: Locator, expected: RegExp): Promise<void> {
  await waitForText(`description of ${await row.getAttribute('aria-label')}`, () => descriptionOf(row), expected);
}

async function waitForText(what: string, read: () => Promise<string>, expected: RegExp): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let text = await read();
  while (!expected.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    text = await read();
  }
  assert.match(text, expected, what);
}

test('the Clusters tree shows both contexts, finance/accounts without a badge, and the badge after kubectl label', () =>
  withWorkbench('tree', async (wb) => {
    const view = await wb.openAmbientMeshView();
    const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    const cluster2 = view.getByRole('treeitem', { name: /^cluster-2\b/ }).first();
    await cluster1.waitFor();
    await cluster2.waitFor();
    // The current context is marked, and the summary arrives without expanding anything.
    await view.getByRole('treeitem', { name: /^cluster-1 \(current context\), 1\.28\.3\b/ }).first().waitFor();
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
    // The context row and the status bar count the ambient namespaces: they must follow the label too.
    const contextLabel = async () => (await cluster1.getAttribute('aria-label')) ?? '';
    const statusText = async () => ((await wb.page.locator('.statusbar-item', { hasText: 'cluster-1 · ambient' }).first().textContent()) ?? '').trim();
    const ambientBefore = Number(/· (\d+) ambient$/.exec(await contextLabel())?.[1]);
    assert.ok(ambientBefore >= 1, await contextLabel());
    await waitForText('status bar', statusText, new RegExp(`cluster-1 · ambient ${ambientBefore}/\\d+$`));

    await wb.kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode=ambient'], 'cluster-1');
    try {
      await waitForDescription(finance, /^ambient · /);
      await waitForBadge(finance, 'A');
      assert.equal(await badgeOf(accounts), '', 'only the labelled namespace changes');
      await waitForText('context row', contextLabel, new RegExp(`· ${ambientBefore + 1} ambient$`));
      await waitForText('status bar', statusText, new RegExp(`cluster-1 · ambient ${ambientBefore + 1}/\\d+$`));
      await wb.screenshot('finance-badge-after-kubectl-label');
    } finally {
      await wb.kubectl(['label', 'namespace', 'finance', 'istio.io/dataplane-mode-'], 'cluster-1');
    }
    await waitForDescription(finance, /^$/);
    await waitForBadge(finance, '');
    await wb.screenshot('finance-badge-gone-after-unlabel');
  }));

/** A loopback port with nothing listening (bound once by the kernel, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The kubeconfig with one more context, `down`, whose API server port has nothing listening. */
function withDownContext(kubeconfig: string, port: number): string {
  const add = (text: string, section: string, entry: string) => {
    assert.ok(text.includes(`\n${section}:\n`), `kubeconfig has a ${section} list`);
    return text.replace(`\n${section}:\n`, `\n${section}:\n${entry}`);
  };
  let text = add(kubeconfig, 'clusters', `- name: down\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\n`);
  text = add(text, 'users', '- name: down\n  user:\n    token: unused\n');
  return add(text, 'contexts', '- name: down\n  context:\n    cluster: down\n    user: down\n');
}

test('a context whose server is down shows its error node with Retry and Show Log; the other clusters keep working', () =>
  withWorkbench('tree-context-down', async (wb) => {
    const view = await wb.openAmbientMeshView();
    const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    await wb.expand(cluster1);
    await view.getByRole('treeitem', { name: /^legacy\b/ }).first().waitFor();

    // The user adds a context to their kubeconfig (the extension follows the file).
    const original = readFileSync(wb.env.kubeconfig, 'utf8');
    writeFileSync(wb.env.kubeconfig, withDownContext(original, await closedPort()));
    try {
      const down = view.getByRole('treeitem', { name: /^down, Cannot reach down\b/ }).first();
      await down.waitFor();
      await wb.screenshot('down-context-listed-with-its-sentence');
      await wb.expand(down);
      const retry = view.getByRole('treeitem', { name: /^Retry$/ }).first();
      const showLog = view.getByRole('treeitem', { name: /^Show Log$/ }).first();
      await retry.waitFor();
      await showLog.waitFor();
      // The rest of the tree still works: cluster-1's namespaces are there and still follow the cluster.
      const accounts = view.getByRole('treeitem', { name: /^accounts\b/ }).first();
      await accounts.waitFor();
      await wb.kubectl(['label', 'namespace', 'accounts', 'istio.io/use-waypoint=accounts-wp'], 'cluster-1');
      try {
        await waitForDescription(accounts, /waypoint accounts-wp/);
        await wb.screenshot('down-context-error-node-and-cluster-1-live');
      } finally {
        await wb.kubectl(['label', 'namespace', 'accounts', 'istio.io/use-waypoint-'], 'cluster-1');
      }
      await showLog.click();
      // The Output panel opens on the Ambient Mesh log, which tells why (Monaco renders spaces as nbsp).
      await wb.page.waitForFunction(
        () => {
          type El = { textContent: string | null; selectedOptions?: { textContent: string | null }[] };
          const doc = (globalThis as unknown as { document: { querySelector(s: string): El | null } }).document;
          const channel = doc.querySelector('.part.panel select.monaco-select-box')?.selectedOptions?.[0]?.textContent;
          const lines = (doc.querySelector('.part.panel .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ');
          return channel === 'Ambient Mesh' && lines.includes('Cannot reach down');
        },
        undefined,
        { timeout: STEP_TIMEOUT_MS },
      );
      await wb.screenshot('show-log-opens-the-ambient-mesh-log');
    } finally {
      writeFileSync(wb.env.kubeconfig, original);
    }
    await view.getByRole('treeitem', { name: /^down\b/ }).first().waitFor({ state: 'detached' });
  }));
