// Shared helpers for the UI tests (test/e2e/*.e2e.ts): a fresh code-server + chromium per test, with the
// extension installed from the VSIX (test/e2e/run.ts packages and installs it once, and starts the test
// cluster), and the steps a user takes: open the Ambient Mesh view, expand a tree item, run a palette
// command, look at the result. Every step should end with `wb.screenshot('<step>')`: the pictures land
// in .test-output/screenshots/<test>/NN-<step>.png, and a passing test on an empty screen proves nothing.
//
//   import { withWorkbench } from './harness';
//   test('lists the clusters', () => withWorkbench('explorer', async (wb) => {
//     await wb.openAmbientMeshView();
//     await wb.treeItem(/cluster-1/).waitFor();
//     await wb.screenshot('clusters-listed');
//   }));
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium, startCodeServer } from '../../scripts/codeServer.mjs';
import type { CodeServer } from '../../scripts/codeServer.mjs';
import { envWithProjectNode, projectRoot } from '../../scripts/projectNode.mjs';

export const screenshotsDir = join(projectRoot, '.test-output/screenshots');
export const e2eOutputDir = join(projectRoot, '.test-output/e2e');
/** How long a single UI step may take before it fails with the locator it was waiting for. */
export const STEP_TIMEOUT_MS = 20_000;

/** What test/e2e/run.ts hands every UI test through the environment. */
export interface E2eEnvironment {
  /** This run's folder under .test-output/e2e/: one sub-folder per test (profile, code-server.log). */
  readonly runDir: string;
  /** Extensions folder with the packaged extension installed. */
  readonly extensionsDir: string;
  readonly kubeconfig: string;
  readonly controlUrl: string;
  readonly kubectl: string;
}

export function e2eEnvironment(): E2eEnvironment {
  const { AMBIENT_E2E_RUN_DIR, AMBIENT_E2E_EXTENSIONS_DIR, KUBECONFIG, AMBIENT_TEST_CONTROL_URL, AMBIENT_TEST_KUBECTL } = process.env;
  if (!AMBIENT_E2E_EXTENSIONS_DIR || !KUBECONFIG || !AMBIENT_TEST_CONTROL_URL || !AMBIENT_TEST_KUBECTL) {
    throw new Error('UI tests run through `npm run test:ui` (test/e2e/run.ts), which packages the extension and starts the test cluster');
  }
  return {
    runDir: AMBIENT_E2E_RUN_DIR ?? e2eOutputDir,
    extensionsDir: AMBIENT_E2E_EXTENSIONS_DIR,
    kubeconfig: KUBECONFIG,
    controlUrl: AMBIENT_TEST_CONTROL_URL,
    kubectl: AMBIENT_TEST_KUBECTL,
  };
}

const run = promisify(execFile);

/** Numbered screenshots for one test: .test-output/screenshots/<test>/NN-<step>.png (folder emptied first). */
export class Screenshots {
  private step = 0;

  constructor(readonly test: string) {
    rmSync(join(screenshotsDir, test), { recursive: true, force: true });
  }

  async take(page: Page, step: string): Promise<string> {
    this.step += 1;
    const file = join(screenshotsDir, this.test, `${String(this.step).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, timeout: STEP_TIMEOUT_MS });
    return file;
  }
}

export class Workbench {
  private readonly screenshots: Screenshots;

  constructor(
    readonly name: string,
    readonly page: Page,
    readonly browser: BrowserContext,
    readonly server: CodeServer,
    readonly env: E2eEnvironment,
  ) {
    this.screenshots = new Screenshots(name);
  }

  /** Saves .test-output/screenshots/<test>/NN-<step>.png and returns its path. */
  screenshot(step: string): Promise<string> {
    return this.screenshots.take(this.page, step);
  }

  /** Clicks the "Ambient Mesh" activity bar entry (unless already open) and waits for its Clusters view. */
  async openAmbientMeshView(): Promise<Locator> {
    const entry = this.page.locator('.activitybar').getByRole('tab', { name: /Ambient Mesh/ });
    await entry.waitFor({ timeout: STEP_TIMEOUT_MS });
    if ((await entry.getAttribute('aria-selected')) !== 'true') await entry.click();
    await this.page.mouse.move(0, 0); // no hover tooltip over the view in screenshots
    const view = this.page.locator('.sidebar .pane').filter({ has: this.page.locator('.pane-header', { hasText: /Clusters/i }) });
    await view.first().waitFor({ timeout: STEP_TIMEOUT_MS });
    return view.first();
  }

  /** A tree item anywhere in the workbench, by its accessible name (label, description, tooltip). */
  treeItem(name: string | RegExp): Locator {
    return this.page.getByRole('treeitem', { name });
  }

  /** Expands a collapsed tree item (a no-op when already expanded). */
  async expand(item: Locator): Promise<void> {
    await item.waitFor({ timeout: STEP_TIMEOUT_MS });
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
    await this.page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await item.elementHandle(), {
      timeout: STEP_TIMEOUT_MS,
    });
  }

  /** Runs a command from the palette by its title, as a user types it (F1, title, Enter). */
  async runCommand(title: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, timeout: STEP_TIMEOUT_MS }).catch(() => {});
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${title}`);
    await this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title })
      .first()
      .waitFor({ timeout: STEP_TIMEOUT_MS });
    await this.page.keyboard.press('Enter');
  }

  /** The open notification toasts' text (for messages a command shows). */
  notifications(): Locator {
    return this.page.locator('.notifications-toasts .notification-list-item-message');
  }

  /** kubectl 1.35 against the test cluster, to check an effect the way a user would. */
  async kubectl(args: readonly string[], context?: string): Promise<string> {
    const contextArgs = context ? ['--context', context] : [];
    const { stdout } = await run(this.env.kubectl, ['--kubeconfig', this.env.kubeconfig, ...contextArgs, ...args], {
      timeout: 30_000,
      env: envWithProjectNode(),
    });
    return stdout;
  }
}

/** `ambient.*` (or any) settings of the workspace folder the workbench opens. */
export type WorkspaceSettings = Readonly<Record<string, unknown>>;

/**
 * Starts code-server (extension installed, KUBECONFIG = test cluster) and chromium, opens the workbench.
 * `env` defaults to what test/e2e/run.ts hands over; a benchmark that prepares its own passes it.
 */
export async function startWorkbench(name: string, env: E2eEnvironment = e2eEnvironment(), settings?: WorkspaceSettings): Promise<Workbench> {
  const dataDir = join(env.runDir, name);
  rmSync(dataDir, { recursive: true, force: true });
  const workspace = join(dataDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  if (settings) {
    // As a user sets them for their clusters: the workspace's .vscode/settings.json.
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  }
  const server = await startCodeServer({
    dataDir,
    extensionsDir: env.extensionsDir,
    env: { KUBECONFIG: env.kubeconfig, AMBIENT_TEST_CONTROL_URL: env.controlUrl, AMBIENT_TEST_KUBECTL: env.kubectl },
  });
  let browser: BrowserContext | undefined;
  try {
    browser = await launchChromium({ profileDir: join(dataDir, 'chromium') });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
    return new Workbench(name, page, browser, server, env);
  } catch (error) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw new Error(`the workbench did not open (code-server log: ${server.logFile}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Runs `body` against a fresh workbench. On failure it saves a `failure` screenshot and keeps the test's
 * folder in the run folder (code-server.log among it); on success that folder is removed. Screenshots
 * are always kept.
 */
export async function withWorkbench(name: string, body: (wb: Workbench) => Promise<void>, env?: E2eEnvironment, settings?: WorkspaceSettings): Promise<void> {
  const wb = await startWorkbench(name, env, settings);
  let failed = true;
  try {
    await body(wb);
    failed = false;
  } catch (error) {
    const shot = await wb.screenshot('failure').catch(() => undefined);
    const kept = [shot, wb.server.logFile].filter(Boolean).join(', ');
    throw new Error(`${(error as Error).message}\n(kept: ${kept})`, { cause: error });
  } finally {
    await wb.browser.close().catch(() => {});
    await wb.server.stop();
    if (!failed) rmSync(join(wb.env.runDir, name), { recursive: true, force: true });
  }
}

// ---- what a user does in the workbench, shared by the UI tests ---------------------------------------------

/** Right-click `item`, then the context-menu entry `command` (a screenshot of the open menu first). */
export async function contextMenu(wb: Workbench, item: Locator, command: string): Promise<void> {
  const entry = wb.page.getByRole('menuitem', { name: command, exact: true });
  // The workbench closes an open context menu when the tree re-renders the row under it (a watch event redraws
  // it; seen in ci11: the row selected, its hover tooltip up, no menu): right-click again, as a user would.
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    await item.click({ button: 'right' });
    const shown = await entry.waitFor({ timeout: Math.min(4000, Math.max(1, deadline - Date.now())) }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (Date.now() >= deadline) throw new Error(`The context menu never showed "${command}" after ${attempt} right-clicks.`);
    await wb.page.keyboard.press('Escape');
  }
  await wb.screenshot(`menu-${command.replace(/\W+/g, '-').toLowerCase()}`);
  await entry.click();
}

/** The content of the visible webview panel. */
export function webview(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

export async function closeEditors(wb: Workbench): Promise<void> {
  await wb.runCommand('View: Close All Editors');
  await wb.page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS }).catch(() => {});
}

/** In an open single-select quick pick: choose the row with this label. */
export async function pickOne(wb: Workbench, label: string): Promise<void> {
  const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: STEP_TIMEOUT_MS });
  await row.click();
}

/**
 * In an open multi-select quick pick titled `title`: check exactly `labels` (toggling rows until they match),
 * then OK; `screenshot` names a picture of the pick before OK.
 */
export async function pickMany(wb: Workbench, title: string, labels: readonly string[], screenshot?: string): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  // The palette's own list stays on screen for a moment: wait for this pick's title and rows.
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: STEP_TIMEOUT_MS });
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  await rows.filter({ hasText: labels[0] }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await wb.page.waitForTimeout(200);
  const wrongRow = async (): Promise<Locator | undefined> => {
    for (const row of await rows.all()) {
      const label = ((await row.locator('.label-name').first().textContent()) ?? '').trim();
      const checkbox = row.locator('input[type=checkbox], .monaco-checkbox, .quick-input-list-checkbox').first();
      const checked = (await row.getAttribute('aria-checked')) === 'true' || (await checkbox.isChecked().catch(() => false));
      if (labels.includes(label) !== checked) return checkbox;
    }
    return undefined;
  };
  // A click can land while the list re-renders (or under a hover tooltip): re-read and retry.
  for (let attempt = 0; attempt < 12; attempt++) {
    const wrong = await wrongRow();
    if (!wrong) break;
    await wrong.click();
    await wb.page.mouse.move(0, 400);
    await wb.page.waitForTimeout(250);
  }
  await widget.locator('.quick-input-count').filter({ hasText: `${labels.length} Selected` }).waitFor({ timeout: STEP_TIMEOUT_MS });
  if (screenshot) await wb.screenshot(screenshot);
  // The OK button, not Enter: with focus on a row, Enter may toggle that row instead of accepting.
  await widget.getByRole('button', { name: 'OK' }).click();
}

/** The decoration badge VS Code draws after a row's label (a CSS ::after), '' when there is none. */
export async function badgeOf(row: Locator): Promise<string> {
  return row.locator('.monaco-icon-label').first().evaluate((label) => {
    const content = (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(label, '::after').content;
    return content === 'none' || content === 'normal' ? '' : content.replace(/^"|"$/g, '');
  });
}

/** VS Code asks for decorations after it draws the row: poll until the badge is what we expect. */
export async function waitForBadge(row: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  // The row can be redrawn under the locator: a read that fails is retried like a wrong badge.
  let badge = await badgeOf(row).catch(() => '?');
  while (badge !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    badge = await badgeOf(row).catch(() => '?');
  }
  assert.equal(badge, expected, `badge of ${await row.getAttribute('aria-label')}`);
}
