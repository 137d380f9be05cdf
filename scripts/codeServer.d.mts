import type { ChildProcess } from 'node:child_process';
import type { BrowserContext } from 'playwright-core';

export interface GroupProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail(): string;
  stop(): Promise<void>;
}
export declare function spawnGroup(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; graceMs?: number },
): GroupProcess & {
  readonly child: ChildProcess;
  spawnError(): Error | undefined;
  /** Throws why the process is not running (it could not start, or it exited). */
  assertRunning(): void;
  onOutput(listener: (recent: string) => void): () => void;
};

export declare function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'>;
export declare function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<NonNullable<T>>;

export interface CodeServerDirs {
  readonly dataDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly xdgConfig: string;
  readonly xdgData: string;
  readonly tmp: string;
  readonly configFile: string;
  readonly logFile: string;
}
export declare function codeServerDirs(dataDir: string, options?: { extensionsDir?: string }): CodeServerDirs;
export declare function installExtension(dirs: CodeServerDirs, vsixPath: string, options?: { timeoutMs?: number }): Promise<void>;

export interface CodeServer {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  readonly url: string;
  readonly port: number;
  readonly dirs: CodeServerDirs;
  readonly logFile: string;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail(): string;
  stop(): Promise<void>;
}
export declare function startCodeServer(options: {
  dataDir: string;
  extensionsDir?: string;
  env?: Record<string, string>;
  smokeTestDriver?: boolean;
  host?: string;
  port?: number;
  timeoutMs?: number;
}): Promise<CodeServer>;

export declare function chromiumPath(): string;
export declare function launchChromium(options: {
  profileDir: string;
  timeoutMs?: number;
  viewport?: { width: number; height: number };
}): Promise<BrowserContext>;
