// Starting and stopping the pieces of a real VS Code on a machine without desktop VS Code: code-server
// (the workbench and a Node extension host, served on loopback) and Debian's chromium driven by
// playwright-core. Shared by the extension-host launcher, the UI tests and `npm run demo`.
// Every wait has a timeout and every failure names what is missing; every process we start is
// detached into its own process group and stopped as a group (code-server spawns the extension host).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer } from './ensureCodeServer.mjs';
import { envWithProjectNode, projectNodeBin } from './projectNode.mjs';

const startedGroups = new Set();
// If our own process ends without stopping what it started (an exception, process.exit), the detached
// groups would outlive it: stop them on the way out.
process.on('exit', () => {
  for (const pgid of startedGroups) killGroup(pgid, 'SIGTERM');
});

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/**
 * Starts `command` detached in its own process group, output appended to `logFile`.
 * Returns the child, a `tail()` of recent output, and `stop()` that ends the whole group
 * (SIGTERM, then SIGKILL after `graceMs`).
 */
export function spawnGroup(command, args, { env, cwd, logFile, graceMs = 5000 }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let recent = '';
  const listeners = new Set();
  const onOutput = (chunk) => {
    log.write(chunk);
    recent = (recent + chunk.toString()).slice(-6000);
    for (const listener of listeners) listener(recent);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  let exitResult;
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exitResult = { code, signal };
      resolve(exitResult);
    }),
  );
  let spawnError;
  child.on('error', (error) => {
    spawnError = error;
  });
  if (child.pid) startedGroups.add(child.pid);
  return {
    child,
    exited,
    tail: () => recent,
    spawnError: () => spawnError,
    /** Throws why the process is not running (it could not start, or it exited): for polls waiting on it. */
    assertRunning() {
      if (spawnError) throw new Error(spawnError.message);
      if (exitResult) throw new Error(`it exited (${exitResult.signal ?? `code ${exitResult.code}`})`);
    },
    /** Calls `listener(recentOutput)` on every new output chunk; returns an unsubscribe function. */
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (!child.pid || !startedGroups.has(child.pid)) return;
      killGroup(child.pid, 'SIGTERM');
      if ((await withTimeout(exited, graceMs)) === 'timeout') killGroup(child.pid, 'SIGKILL');
      // Children of the group (extension host, language servers) may linger after the leader exits.
      await new Promise((resolve) => setTimeout(resolve, 200));
      killGroup(child.pid, 'SIGKILL');
      startedGroups.delete(child.pid);
      await new Promise((resolve) => log.end(resolve));
    },
  };
}

/** `promise`'s value, or 'timeout' after `ms` (the timer never keeps the process alive after that). */
export async function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `check()` returns a truthy value; rejects with `describe()` after `timeoutMs`. */
export async function waitFor(check, { timeoutMs, intervalMs = 200, describe }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const userSettings = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  // Test and demo folders live inside this repository: no "open the parent repository?" prompt.
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * The folders one code-server run writes to, all under `dataDir` (so nothing lands in ~/.config or the
 * system temp folder, and runs never see each other's state).
 */
export function codeServerDirs(dataDir, { extensionsDir } = {}) {
  const dirs = {
    dataDir,
    userDataDir: join(dataDir, 'user-data'),
    extensionsDir: extensionsDir ?? join(dataDir, 'extensions'),
    xdgConfig: join(dataDir, 'xdg-config'),
    xdgData: join(dataDir, 'xdg-data'),
    tmp: join(dataDir, 'tmp'),
    configFile: join(dataDir, 'config.yaml'),
    logFile: join(dataDir, 'code-server.log'),
  };
  for (const dir of [dirs.userDataDir, dirs.extensionsDir, dirs.xdgConfig, dirs.xdgData, dirs.tmp]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
  const settingsFile = join(dirs.userDataDir, 'User/settings.json');
  if (!existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify(userSettings, null, 2));
  writeFileSync(dirs.configFile, 'auth: none\ncert: false\n');
  return dirs;
}

function codeServerEnv(dirs, env) {
  return envWithProjectNode({
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    TMPDIR: dirs.tmp,
    ...env,
  });
}

function commonArgs(dirs) {
  return ['--config', dirs.configFile, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];
}

/** `code-server --install-extension <vsix>` into the run's extensions folder. */
export async function installExtension(dirs, vsixPath, { timeoutMs = 120_000 } = {}) {
  if (!existsSync(vsixPath)) throw new Error(`VSIX not found: ${vsixPath} (run \`npm run package\`)`);
  const entry = await ensureCodeServer();
  const proc = spawnGroup(projectNodeBin(), [entry, ...commonArgs(dirs), '--install-extension', vsixPath, '--force'], {
    env: codeServerEnv(dirs, {}),
    logFile: dirs.logFile,
  });
  const result = await withTimeout(proc.exited, timeoutMs);
  await proc.stop();
  if (result === 'timeout') throw new Error(`code-server --install-extension ${vsixPath} took over ${timeoutMs / 1000} s\n${proc.tail()}`);
  if (result.code !== 0) throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${result.code}):\n${proc.tail()}`);
}

/**
 * Starts code-server on a free loopback port and waits until `/healthz` answers.
 * @param {object} options
 * @param {string} options.dataDir folder for this run's profile, extensions, temp files and log
 * @param {string} [options.extensionsDir] extensions folder (default: inside dataDir)
 * @param {Record<string,string>} [options.env] extra environment for the server (and so the extension host)
 * @param {boolean} [options.smokeTestDriver] accept a test `payload` in the URL (extension-host tests)
 * @param {string} [options.host] interface to bind (default 127.0.0.1)
 * @param {number} [options.port] port (default: any free one)
 * @param {number} [options.timeoutMs] how long to wait for it to answer
 */
export async function startCodeServer({
  dataDir,
  extensionsDir,
  env = {},
  smokeTestDriver = false,
  host = '127.0.0.1',
  port = 0,
  timeoutMs = 60_000,
}) {
  const entry = await ensureCodeServer();
  const dirs = codeServerDirs(dataDir, { extensionsDir });
  const args = [
    entry,
    ...commonArgs(dirs),
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--reconnection-grace-time', '5',
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const server = spawnGroup(projectNodeBin(), args, { env: codeServerEnv(dirs, env), logFile: dirs.logFile });
  const failWith = async (reason) => {
    await server.stop();
    throw new Error(`code-server did not start: ${reason}\n--- code-server log (${dirs.logFile}) ---\n${server.tail()}`);
  };
  // code-server prints the address it bound, which is how we learn the port when we asked for port 0.
  let url;
  try {
    url = await waitFor(
      () => {
        server.assertRunning();
        const match = /HTTP server listening on (http:\/\/\S+?)\/?\s/.exec(server.tail());
        return match?.[1];
      },
      { timeoutMs, describe: () => `no "HTTP server listening" line within ${timeoutMs / 1000} s` },
    );
    await waitFor(
      async () => {
        server.assertRunning();
        try {
          return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
        } catch {
          return false;
        }
      },
      { timeoutMs, describe: () => `${url}/healthz did not answer within ${timeoutMs / 1000} s` },
    );
  } catch (error) {
    return failWith(error.message);
  }
  return {
    url,
    port: Number(new URL(url).port),
    dirs,
    logFile: dirs.logFile,
    pid: server.child.pid,
    exited: server.exited,
    tail: server.tail,
    stop: server.stop,
  };
}

export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install Debian's chromium (\`apt-get install -y chromium\`, as .ci/run does) ` +
        'or set CHROMIUM_PATH to a Chromium/Chrome executable.',
    );
  }
  return path;
}

/**
 * Headless chromium with its own profile folder. Returns the playwright BrowserContext; close it to stop.
 * (Playwright starts the browser in its own process group and kills it on close and on our exit.)
 */
export async function launchChromium({ profileDir, timeoutMs = 30_000, viewport = { width: 1400, height: 900 } }) {
  const executablePath = chromiumPath();
  const { chromium } = await import('playwright-core');
  mkdirSync(profileDir, { recursive: true });
  try {
    return await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      timeout: timeoutMs,
      viewport,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new Error(`Chromium (${executablePath}) did not start within ${timeoutMs / 1000} s: ${error.message}`);
  }
}
