// `npm run demo` does what the README promises: prints a URL at which the extension shows both demo
// clusters, and Ctrl-C stops everything it started.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchChromium, spawnGroup, waitFor, withTimeout } from '../../scripts/codeServer.mjs';
import { envWithProjectNode, projectNodeBin, projectRoot } from '../../scripts/projectNode.mjs';
import { e2eEnvironment, Screenshots, STEP_TIMEOUT_MS } from './harness';

test('npm run demo prints a URL that shows both clusters, and Ctrl-C stops everything', async () => {
  const demoDir = join(e2eEnvironment().runDir, 'demo');
  const demo = spawnGroup(projectNodeBin(), ['scripts/demo.mjs'], {
    cwd: projectRoot,
    env: envWithProjectNode({ DEMO_DIR: demoDir }),
    logFile: join(e2eEnvironment().runDir, 'demo.log'),
  });
  const shots = new Screenshots('demo');
  try {
    const url = await waitFor(() => /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(demo.tail())?.[1], {
      timeoutMs: 120_000,
      describe: () => `npm run demo printed no URL within 120 s:\n${demo.tail()}`,
    });
    assert.match(readFileSync(join(demoDir, 'kubeconfig'), 'utf8'), /cluster-2-viewer/);

    const browser = await launchChromium({ profileDir: join(demoDir, 'chromium') });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await page.goto(url, { timeout: 60_000 });
      await page.locator('.activitybar').getByRole('tab', { name: /Ambient Mesh/ }).click({ timeout: 60_000 });
      await page.getByRole('treeitem', { name: /^cluster-1\b/ }).first().waitFor();
      await page.getByRole('treeitem', { name: /^cluster-2\b/ }).first().waitFor();
      await shots.take(page, 'demo-shows-both-clusters');
    } finally {
      await browser.close();
    }

    // Ctrl-C in a terminal signals the whole foreground group; the demo process leads ours.
    process.kill(-demo.child.pid!, 'SIGINT');
    const exited = await withTimeout(demo.exited, 20_000);
    assert.notEqual(exited, 'timeout', `the demo did not stop within 20 s of Ctrl-C:\n${demo.tail()}`);
    assert.match(demo.tail(), /Stopped\./);
    // code-server is gone with it (it runs in a process group of its own, which the demo stops).
    await assert.rejects(fetch(`${new URL(url).origin}/healthz`, { signal: AbortSignal.timeout(5000) }));
  } finally {
    await demo.stop();
  }
});
