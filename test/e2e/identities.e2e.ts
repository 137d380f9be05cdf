// The identities panel as a user reads it at a 940 px editor: istioctl's tables in tabs (Workloads, Certificates,
// Services, Policies, Connections), no header or IP broken mid-word, text at 4.5:1 or better, a Refresh button that
// reads the ztunnels again, and Open ztunnel Config Dump… showing a saved ztunnel 1.24.6 dump (the layout with the
// root last in certChain: test/unit/verify/fixtures/configDump-1.24.json) picked in code-server's file dialog.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { projectRoot } from '../../scripts/projectNode.mjs';
import { STEP_TIMEOUT_MS, webview, withWorkbench } from './harness';

/**
 * Run in the webview (a string: this project's Node tsconfig has no DOM types): cells and headers whose text
 * wrapped onto a second line although they may not wrap, and text whose contrast with its background is under 4.5:1.
 */
const LEGIBILITY_SCRIPT = `(body) => {
  const problems = [];
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  for (const cell of body.querySelectorAll('th, td, .tab, h1, h2, p, li')) {
    const style = getComputedStyle(cell);
    const text = (cell.textContent || '').trim();
    if (!text || cell.offsetParent === null) continue;
    if ((cell.tagName === 'TH' || cell.tagName === 'TD') && !cell.classList.contains('wrap')) {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push('wrapped: "' + text + '"');
    }
    const fg = luminance(rgb(style.color));
    const bg = luminance(background(cell));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ':1: "' + text.slice(0, 40) + '"');
  }
  return problems;
}`;

async function legibilityProblems(panel: FrameLocator): Promise<string[]> {
  // A string would be evaluated, not called: wrap it in a function Playwright serializes and calls with the element.
  const check = new Function('body', `return (${LEGIBILITY_SCRIPT})(body);`) as (body: unknown) => string[];
  return panel.locator('body').evaluate(check);
}

test('identities panel: istioctl tabs legible at 940 px, Refresh reads again, Open ztunnel Config Dump… shows a saved 1.24 dump', () =>
  withWorkbench('identities', async (wb) => {
    // A 940 px editor: the side bar closed, the window just wider than the editor.
    await wb.page.setViewportSize({ width: 990, height: 760 });
    // The extension activates with its view: open it once, then close the side bar.
    const view = await wb.openAmbientMeshView();
    await view.getByRole('treeitem', { name: /^cluster-1\b/ }).first().waitFor({ timeout: 60_000 });
    await wb.runCommand('View: Close Primary Side Bar');

    // 1. Show Workload Identities on cluster-1 from the palette.
    await wb.runCommand('Ambient Mesh: Show Workload Identities');
    const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'cluster-1' }).first();
    await row.waitFor({ timeout: STEP_TIMEOUT_MS });
    await row.click();
    const panel = webview(wb);
    await panel.getByText('Workload identities · cluster-1').waitFor({ timeout: 60_000 });
    await panel.locator('table[aria-label="Workloads"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const editorWidth = await wb.page.locator('.editor-group-container').first().evaluate((e) => e.getBoundingClientRect().width);
    assert.ok(editorWidth <= 960 && editorWidth >= 900, `editor ${editorWidth} px wide`);
    await wb.page.mouse.move(5, 700);
    await wb.screenshot('workloads-940px');
    assert.deepEqual(await legibilityProblems(panel), [], 'Workloads tab');
    assert.equal(await panel.locator('table[aria-label="Workloads"] th').first().textContent(), 'NAMESPACE');

    // 2. The istioctl tables in tabs, each legible.
    for (const [tab, label] of [
      ['Certificates', 'Certificates'],
      ['Services', 'Services'],
      ['Policies', 'Policies'],
      ['Connections', 'Connections'],
    ] as const) {
      await panel.getByRole('tab', { name: new RegExp(`^${tab} \\(\\d+\\)$`) }).click();
      await panel.locator(`table[aria-label="${label}"]`).waitFor({ timeout: STEP_TIMEOUT_MS });
      await wb.screenshot(`tab-${tab.toLowerCase()}`);
      assert.deepEqual(await legibilityProblems(panel), [], `${tab} tab`);
    }
    const serviceHeaders = await (async () => {
      await panel.getByRole('tab', { name: /^Services/ }).click();
      return panel.locator('table[aria-label="Services"] th').allTextContents();
    })();
    assert.deepEqual(serviceHeaders.slice(-5), ['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS']);
    const accounts = panel.locator('table[aria-label="Services"] tr', { hasText: 'accounts' }).first();
    assert.match((await accounts.textContent()) ?? '', /\d+\.\d+\.\d+\.\d+/);

    // 3. Refresh reads the ztunnels again: the "Read at" time moves on.
    const source = panel.locator('header p.muted').first();
    const before = (await source.textContent()) ?? '';
    await wb.page.waitForTimeout(1100);
    await panel.getByRole('button', { name: 'Refresh' }).click();
    await wb.page.waitForFunction(() => true); // let the click's message leave the webview
    await panel.locator('header p.muted', { hasNotText: before.slice(-12) }).first().waitFor({ timeout: 30_000 });
    assert.notEqual(await source.textContent(), before, 'Refresh read the ztunnels again');
    await panel.getByRole('tab', { name: /^Services/, selected: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.screenshot('after-refresh');

    // 4. Open ztunnel Config Dump…: pick a saved 1.24.6 dump in code-server's file dialog (it opens on the workspace).
    const workspace = join(wb.env.runDir, wb.name, 'workspace');
    copyFileSync(join(projectRoot, 'test/unit/verify/fixtures/configDump-1.24.json'), join(workspace, 'ztunnel-1.24.json'));
    await wb.runCommand('Ambient Mesh: Open ztunnel Config Dump…');
    const dialog = wb.page.locator('.quick-input-widget');
    await dialog.locator('.quick-input-title', { hasText: 'Open ztunnel Config Dump' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const input = dialog.locator('input');
    // The simple dialog's box holds the folder path: complete it with the file name, then accept with OK. The
    // dialog writes the folder path into the box once it has read the folder, after it is shown, and can so
    // overwrite what was typed (ci12: Enter went with the folder, "Please select a file."): type until it stays.
    const file = join(workspace, 'ztunnel-1.24.json');
    await dialog.locator('.quick-input-list .monaco-list-row', { hasText: 'ztunnel-1.24.json' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    for (let attempt = 0; attempt < 10; attempt++) {
      await input.fill(file);
      await wb.page.waitForTimeout(300);
      if ((await input.inputValue()) === file) break;
    }
    assert.equal(await input.inputValue(), file, 'the file dialog kept the typed path');
    await wb.screenshot('file-dialog');
    await wb.page.keyboard.press('Enter');
    const dump = webview(wb);
    await dump.getByText('ztunnel config dump · ztunnel-1.24.json').waitFor({ timeout: 30_000 });
    await dump.getByText(/ztunnel 1\.23–1\.25 layout .*Istio 1\.24\.6/).waitFor({ timeout: STEP_TIMEOUT_MS });
    await dump.getByRole('tab', { name: /^Certificates/ }).click();
    const types = await dump.locator('table[aria-label="Certificates"] tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(types, ['Leaf', 'Intermediate', 'Root', 'Leaf', 'Root', 'NA', 'NA']);
    await wb.screenshot('dump-1.24-certificates');
    await dump.getByRole('tab', { name: /^Workloads/ }).click();
    await dump.getByText('10.244.1.20,fd00:10:244:1::14').waitFor({ timeout: STEP_TIMEOUT_MS });
    await dump.getByText('vm-1.legacy.example.com').waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.screenshot('dump-1.24-workloads');
    assert.deepEqual(await legibilityProblems(dump), [], 'saved dump, Workloads tab');
  }));
