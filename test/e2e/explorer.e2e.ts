// The first thing a user does: open the Ambient Mesh view and find their clusters and namespaces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withWorkbench } from './harness';

test('the Ambient Mesh view lists both clusters, and cluster-1 shows finance and accounts', () =>
  withWorkbench('explorer', async (wb) => {
    await wb.screenshot('workbench-open');

    const view = await wb.openAmbientMeshView();
    await wb.screenshot('ambient-mesh-view-open');

    const cluster1 = view.getByRole('treeitem', { name: /^cluster-1\b/ }).first();
    const cluster2 = view.getByRole('treeitem', { name: /^cluster-2\b/ }).first();
    await cluster1.waitFor();
    await cluster2.waitFor();
    await wb.screenshot('both-contexts-listed');

    await wb.expand(cluster1);
    const finance = view.getByRole('treeitem', { name: /^finance\b/ }).first();
    const accounts = view.getByRole('treeitem', { name: /^accounts\b/ }).first();
    await finance.waitFor();
    await accounts.waitFor();
    await wb.screenshot('cluster-1-namespaces');

    // The namespaces sit one level below cluster-1 in the tree, not beside it.
    const level = async (item: typeof cluster1) => Number(await item.getAttribute('aria-level'));
    assert.equal(await level(finance), (await level(cluster1)) + 1);
    assert.equal(await level(accounts), (await level(cluster1)) + 1);
  }));
