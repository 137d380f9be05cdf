// The one typed accessor for `ambient.*` settings. Each key here is declared in package.json
// (`contributes.configuration`) with the same default; add a key in both places.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_COMMAND_SETTINGS } from './commands/host';
import type { CommandSettings } from './commands/host';
import type { WorkloadKind } from './kube/types';
import { DEFAULT_LOG_SETTINGS } from './webview/logPanel';
import type { LogSettings } from './webview/logPanel';

export const CONFIG_SECTION = 'ambient';

export interface AmbientSettings {
  /** Kubeconfig file(s) to read instead of KUBECONFIG / ~/.kube/config: one path or a list, `~` allowed. */
  kubeconfig: string | string[];
  /** Folders searched for exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin) before PATH. */
  execPluginPath: string[];
  /** Seconds before an ordinary Kubernetes request gives up. */
  requestTimeoutSeconds: number;
  /** Namespaces treated as system namespaces (hidden by `explorer.hideSystemNamespaces`, not counted). */
  'explorer.systemNamespaces': string[];
  'explorer.hideSystemNamespaces': boolean;
  /** Show only namespaces enrolled in ambient (the filter button in the Clusters view title). */
  'explorer.showOnlyAmbient': boolean;
  /** Milliseconds to gather watch events before the tree redraws. */
  'explorer.refreshDelayMs': number;
  /** Most requests in flight at once when a command has many targets. */
  concurrency: number;
  /** Server-side dry run for every write. */
  dryRun: boolean;
  'restart.kinds': WorkloadKind[];
  'restart.rolloutTimeoutSeconds': number;
  'restart.confirm': boolean;
  /** Ask before every write (enroll, remove, restart), naming its targets. */
  confirmWrites: boolean;
  'enroll.checkFirst': boolean;
  /** Namespaces Check Ambient Health expects enrolled on every selected context, besides those ambient on any. */
  'health.expectedNamespaces': string[];
  /** Lines of history from each ztunnel pod when a log view opens. */
  'logs.tailLines': number;
  /** Newest entries a log view keeps. */
  'logs.maxEntries': number;
  'logs.ztunnelNamespace': string;
  'logs.ztunnelSelector': string;
}

export const SETTING_DEFAULTS: AmbientSettings = {
  kubeconfig: [],
  execPluginPath: [],
  requestTimeoutSeconds: 15,
  'explorer.systemNamespaces': ['kube-system', 'kube-public', 'kube-node-lease'],
  'explorer.hideSystemNamespaces': true,
  'explorer.showOnlyAmbient': false,
  'explorer.refreshDelayMs': 100,
  concurrency: DEFAULT_COMMAND_SETTINGS.concurrency,
  dryRun: DEFAULT_COMMAND_SETTINGS.dryRun,
  'restart.kinds': [...DEFAULT_COMMAND_SETTINGS.restartKinds],
  'restart.rolloutTimeoutSeconds': DEFAULT_COMMAND_SETTINGS.rolloutTimeoutSeconds,
  'restart.confirm': DEFAULT_COMMAND_SETTINGS.confirmRestart,
  confirmWrites: DEFAULT_COMMAND_SETTINGS.confirmWrites,
  'enroll.checkFirst': DEFAULT_COMMAND_SETTINGS.checkBeforeEnroll,
  'health.expectedNamespaces': [],
  'logs.tailLines': DEFAULT_LOG_SETTINGS.tailLines,
  'logs.maxEntries': DEFAULT_LOG_SETTINGS.maxEntries,
  'logs.ztunnelNamespace': DEFAULT_LOG_SETTINGS.namespace,
  'logs.ztunnelSelector': DEFAULT_LOG_SETTINGS.labelSelector,
};

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
