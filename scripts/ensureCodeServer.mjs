#!/usr/bin/env node
// Installs code-server (a real VS Code workbench + Node extension host, served over HTTP) into
// .vscode-test/code-server/ on first use, the way @vscode/test-electron downloads VS Code into
// .vscode-test/. It is not a package.json dependency: ~620 MB with native modules that must be built
// against Node 24's headers, and only the test and demo commands need it.
//
//   node scripts/ensureCodeServer.mjs      # prints the path of code-server's entry script
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { envWithProjectNode, nodePackageDir, projectNodeBin, projectRoot } from './projectNode.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const codeServerPrefix = join(projectRoot, '.vscode-test/code-server');
const packageDir = join(codeServerPrefix, 'node_modules/code-server');
/** code-server's own entry point; run it with the project's Node 24. */
export const codeServerEntry = join(packageDir, 'out/node/entry.js');
// The install takes ~2 min on 2 cores; give a slow registry plenty but never hang forever.
const INSTALL_TIMEOUT_MS = 20 * 60_000;
const LOCK_STALE_MS = INSTALL_TIMEOUT_MS + 60_000;

export function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function isInstalled() {
  return installedVersion() === CODE_SERVER_VERSION && existsSync(codeServerEntry);
}

/** Returns code-server's entry script, installing it first if needed. Logs progress to stderr. */
export async function ensureCodeServer({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (isInstalled()) return codeServerEntry;
  mkdirSync(codeServerPrefix, { recursive: true });
  await withInstallLock(log, async () => {
    if (isInstalled()) return; // another process finished while we waited
    const nodedir = nodePackageDir();
    log(`Installing code-server@${CODE_SERVER_VERSION} into ${codeServerPrefix} (first run only, ~2 min)...`);
    const started = Date.now();
    // nodedir: the machine's npmrc points node-gyp at /usr (Node 20 headers), which would build the
    // native modules for the wrong ABI. Node 24 first on PATH: code-server's postinstall checks it.
    const env = envWithProjectNode({ npm_config_nodedir: nodedir, npm_config_update_notifier: 'false' });
    const args = ['install', '--prefix', codeServerPrefix, '--no-audit', '--no-fund', '--no-save',
      `code-server@${CODE_SERVER_VERSION}`];
    await run('npm', args, { cwd: codeServerPrefix, env, timeoutMs: INSTALL_TIMEOUT_MS, log });
    if (!isInstalled()) {
      throw new Error(`npm install finished but ${codeServerEntry} (version ${CODE_SERVER_VERSION}) is missing`);
    }
    log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s (node ${projectNodeBin()})`);
  });
  return codeServerEntry;
}

/** One installer at a time (the demo and the tests may both ask at once); a stale lock is taken over. */
async function withInstallLock(log, body) {
  const lock = join(codeServerPrefix, '.install-lock');
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (age > LOCK_STALE_MS || Date.now() > deadline) {
        log(`Taking over a stale code-server install lock (${lock})`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (isInstalled()) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function run(command, args, { cwd, env, timeoutMs, log }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs / 60_000} min\n${tail}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        log(tail);
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); output tail above`));
      }
    });
  });
}

// No top-level await: the TypeScript test helpers load this module with require().
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureCodeServer().then(
    (entry) => console.log(entry),
    (error) => {
      console.error(`ensureCodeServer: ${error.message}`);
      process.exit(1);
    },
  );
}
