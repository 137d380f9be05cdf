#!/usr/bin/env node
// CI's check of the README's first command: runs `npm run demo` exactly as a user types it (from a clone
// with no .vscode-test/ and no .demo/, so it installs code-server itself), waits for the URL it prints,
// opens it in Chromium and waits for both clusters in the Ambient Mesh view, then presses Ctrl-C (SIGINT to
// the demo's process group, as a terminal does) and checks that no process it started is left.
//
//   node scripts/demoSmoke.mjs        (what .ci/run does after `npm install`)
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, spawnGroup, waitFor, withTimeout } from './codeServer.mjs';
import { projectRoot } from './projectNode.mjs';

// The first run installs code-server (about 2 minutes on 2 cores; more on a slow registry).
const URL_TIMEOUT_MS = 15 * 60_000;
const outputDir = join(projectRoot, '.test-output/demo-smoke');
mkdirSync(outputDir, { recursive: true });

/** Every live descendant of `root` (by parent pid, so detached process groups are included). */
function descendants(root) {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // gone while we looked
    }
  }
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parentOf) if (found.has(ppid) && !found.has(pid)) (found.add(pid), (grew = true));
  }
  found.delete(root);
  return found;
}

function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function main() {
  const started = Date.now();
  const demo = spawnGroup('npm', ['run', 'demo'], { cwd: projectRoot, env: process.env, logFile: join(outputDir, 'demo.log') });
  const seen = new Set();
  const watcher = setInterval(() => {
    if (demo.child.pid) for (const pid of descendants(demo.child.pid)) seen.add(pid);
  }, 250);
  try {
    const url = await waitFor(() => /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(demo.tail())?.[1], {
      timeoutMs: URL_TIMEOUT_MS,
      intervalMs: 500,
      describe: () => `npm run demo printed no URL within ${URL_TIMEOUT_MS / 60_000} min:\n${demo.tail()}`,
    });
    console.log(`demo smoke: npm run demo served ${url} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!answer.ok) throw new Error(`${url} answered ${answer.status}`);

    const browser = await launchChromium({ profileDir: join(outputDir, 'chromium') });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.setDefaultTimeout(60_000);
      await page.goto(url, { timeout: 60_000 });
      await page.locator('.activitybar').getByRole('tab', { name: /Ambient Mesh/ }).click();
      await page.getByRole('treeitem', { name: /^cluster-1\b/ }).first().waitFor();
      await page.getByRole('treeitem', { name: /^cluster-2\b/ }).first().waitFor();
      await page.screenshot({ path: join(outputDir, 'demo-both-clusters.png') });
      console.log(`demo smoke: the Ambient Mesh view shows cluster-1 and cluster-2 (screenshot ${join(outputDir, 'demo-both-clusters.png')})`);
    } finally {
      await browser.close();
    }

    process.kill(-demo.child.pid, 'SIGINT');
    const exited = await withTimeout(demo.exited, 30_000);
    if (exited === 'timeout') throw new Error(`npm run demo did not stop within 30 s of Ctrl-C:\n${demo.tail()}`);
    clearInterval(watcher);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const left = [...seen].filter(alive);
    if (left.length > 0) {
      const names = left.map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 120)}`);
      throw new Error(`Ctrl-C left ${left.length} process(es) behind:\n${names.join('\n')}`);
    }
    console.log(`demo smoke: Ctrl-C stopped npm run demo and all ${seen.size} processes it started; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  } finally {
    clearInterval(watcher);
    await demo.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`demo smoke FAILED: ${error.message}`);
    process.exit(1);
  },
);
