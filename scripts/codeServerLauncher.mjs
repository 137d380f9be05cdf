#!/usr/bin/env node
// A stand-in for the VS Code executable, for @vscode/test-electron's `runTests({ vscodeExecutablePath })`
// on machines where desktop VS Code cannot be downloaded. It takes the Electron-style flags runTests
// passes, starts code-server with the smoke-test driver, opens the test `payload` URL in headless
// chromium, relays the suite's output to stdout and exits with the suite's exit code.
//
// Environment: KUBECONFIG and every AMBIENT_TEST_* variable are handed to the extension host (runTests
// puts `extensionTestsEnv` into our environment; desktop VS Code would inherit it the same way).
// AMBIENT_TEST_TIMEOUT_MS bounds the whole run (default 10 min); CHROMIUM_PATH picks the browser.
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { chromiumPath, launchChromium, startCodeServer } from './codeServer.mjs';
import { projectRoot } from './projectNode.mjs';

const RUN_TIMEOUT_MS = Number(process.env.AMBIENT_TEST_TIMEOUT_MS ?? 10 * 60_000);
// The suite's runner logs as soon as it loads; silence beyond this means the payload never ran.
const FIRST_OUTPUT_TIMEOUT_MS = 120_000;

// The workbench relays its own start-up messages through the same channel as the suite's output; they are
// kept in workbench-output.log and left out of ours (AMBIENT_TEST_VERBOSE=1 shows them). The gallery
// query fails at once on a machine without internet and is harmless.
const verbose = Boolean(process.env.AMBIENT_TEST_VERBOSE);
const workbenchChatter = [
  /ENOTFOUND open-vsx\.org/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^\[(reconnection-grace-time|Service Worker|AgentHost:remote|AccountPolicyGate)\]/,
  /^Updating additional builtin extensions cache/,
];

function parseArgs(argv) {
  const options = { extensionDevelopmentPaths: [], folder: undefined };
  for (const arg of argv) {
    const [flag, ...rest] = arg.split('=');
    const value = rest.join('=');
    if (flag === '--extensionDevelopmentPath') options.extensionDevelopmentPaths.push(resolve(value));
    else if (flag === '--extensionTestsPath') options.extensionTestsPath = resolve(value);
    else if (flag === '--user-data-dir') options.userDataDir = resolve(value);
    else if (flag === '--extensions-dir') options.extensionsDir = resolve(value);
    else if (!arg.startsWith('-')) options.folder = resolve(arg);
    // Other desktop flags (--no-sandbox, --disable-updates, ...) mean nothing to code-server.
  }
  if (!options.extensionTestsPath) throw new Error('missing --extensionTestsPath=<compiled suite index>');
  if (options.extensionDevelopmentPaths.length === 0) throw new Error('missing --extensionDevelopmentPath=<extension folder>');
  return options;
}

/** Variables the extension host must see: the test cluster's kubeconfig and the AMBIENT_TEST_* set. */
function extensionEnvironment() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key === 'KUBECONFIG' || key.startsWith('AMBIENT_TEST_')),
  );
}

function payloadUrl(serverUrl, options) {
  const remote = (path) => `vscode-remote://${new URL(serverUrl).host}${path}`;
  const payload = [
    ...options.extensionDevelopmentPaths.map((path) => ['extensionDevelopmentPath', remote(path)]),
    ['extensionTestsPath', remote(options.extensionTestsPath)],
    ['extensionEnvironment', JSON.stringify(extensionEnvironment())],
  ];
  const query = new URLSearchParams({ payload: JSON.stringify(payload) });
  if (options.folder) query.set('folder', options.folder);
  return `${serverUrl}/?${query}`;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const dataDir = options.userDataDir ?? join(projectRoot, '.vscode-test/launcher');
  const consoleLog = join(dataDir, 'browser-console.log');
  const workbenchLog = join(dataDir, 'workbench-output.log');
  const stopAll = [];
  const cleanup = async () => {
    for (const stop of stopAll.reverse()) await stop().catch(() => {});
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  try {
    chromiumPath(); // fail before starting anything when the browser is missing
    const server = await startCodeServer({
      dataDir,
      extensionsDir: options.extensionsDir,
      smokeTestDriver: true,
      env: extensionEnvironment(),
    });
    stopAll.push(server.stop);
    const browser = await launchChromium({ profileDir: join(dataDir, 'chromium') });
    stopAll.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());

    let sawOutput = false;
    let resolveExit;
    let rejectExit;
    const exitCode = new Promise((resolveFn, rejectFn) => {
      resolveExit = resolveFn;
      rejectExit = rejectFn;
    });
    // The workbench calls these two when the suite logs and when it ends; they must exist before it loads.
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      appendFileSync(workbenchLog, `[${type}] ${line}\n`);
      const chatter = workbenchChatter.some((pattern) => pattern.test(line));
      sawOutput ||= !chatter;
      if (verbose || !chatter) (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    });
    page.on('crash', () => rejectExit(new Error('the workbench page crashed')));
    browser.on('close', () => rejectExit(new Error('chromium closed before the tests finished')));
    page.on('console', (message) => appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    setTimeout(() => {
      if (!sawOutput) {
        rejectExit(new Error(
          `no output from the extension host within ${FIRST_OUTPUT_TIMEOUT_MS / 1000} s: the workbench did not run ` +
            `the test payload (see ${server.logFile} and ${consoleLog})`,
        ));
      }
    }, FIRST_OUTPUT_TIMEOUT_MS).unref();
    setTimeout(
      () => rejectExit(new Error(`the extension tests did not finish within ${RUN_TIMEOUT_MS / 1000} s`)),
      RUN_TIMEOUT_MS,
    ).unref();
    await page.goto(payloadUrl(server.url, options), { timeout: 60_000 });
    const code = await exitCode;
    await cleanup();
    return code;
  } catch (error) {
    process.stderr.write(`code-server launcher: ${error.message}\n`);
    await cleanup();
    return 1;
  }
}

process.exit(await main());
