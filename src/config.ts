// The one typed accessor for `ambient.*` settings (their names, types and defaults: shared/settings.ts).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { CONFIG_SECTION, DEFAULT_LOG_SETTINGS, SETTING_DEFAULTS } from './shared/settings';
import type { AmbientSettings, CommandSettings, LogSettings } from './shared/settings';

export function setting<K extends keyof AmbientSettings>(key: K): AmbientSettings[K] {
  return vscode.workspace.getConfiguration(CONFIG_SECTION).get<AmbientSettings[K]>(key, SETTING_DEFAULTS[key]);
}

export async function updateSetting<K extends keyof AmbientSettings>(
  key: K,
  value: AmbientSettings[K],
  target: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global,
): Promise<void> {
  await vscode.workspace.getConfiguration(CONFIG_SECTION).update(key, value, target);
}

/** The `kubeconfig` setting as a list of absolute-or-relative paths, with `~` expanded. */
export function kubeconfigPaths(): string[] {
  const value = setting('kubeconfig');
  return (Array.isArray(value) ? value : [value]).filter((p) => typeof p === 'string' && p.trim() !== '').map(expandHome);
}

/** The `execPluginPath` setting with `~` expanded. */
export function execPluginPath(): string[] {
  return setting('execPluginPath').filter((p) => typeof p === 'string' && p.trim() !== '').map(expandHome);
}

function expandHome(path: string): string {
  const trimmed = path.trim();
  return trimmed === '~' || trimmed.startsWith('~/') ? homedir() + trimmed.slice(1) : trimmed;
}

/** Calls `listener` when any of `keys` changes. */
export function onDidChangeSetting(keys: readonly (keyof AmbientSettings)[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (keys.some((key) => event.affectsConfiguration(`${CONFIG_SECTION}.${key}`))) listener();
  });
}

/** The namespace/workload commands' settings, read fresh on every command. */
export function commandSettings(): CommandSettings {
  return {
    concurrency: Math.max(1, setting('concurrency')),
    dryRun: setting('dryRun'),
    restartKinds: setting('restart.kinds'),
    rolloutTimeoutSeconds: setting('restart.rolloutTimeoutSeconds'),
    confirmRestart: setting('restart.confirm'),
    confirmWrites: setting('confirmWrites'),
    checkBeforeEnroll: setting('enroll.checkFirst'),
  };
}

/** The ztunnel log view's settings, read fresh for every view and every cluster it follows. */
export function logSettings(): LogSettings {
  return {
    namespace: setting('logs.ztunnelNamespace'),
    labelSelector: setting('logs.ztunnelSelector'),
    container: DEFAULT_LOG_SETTINGS.container,
    // The minimums package.json declares: the settings editor warns, but a hand-edited value gets through.
    tailLines: Math.max(0, setting('logs.tailLines')),
    maxEntries: Math.max(1000, setting('logs.maxEntries')),
  };
}
