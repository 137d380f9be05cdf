// Every `ambient.*` setting: its name, type and default, and the slices the commands and the log view read.
// A leaf below what it configures (config.ts reads it through vscode; commands and panels get plain values).
// Each key here is declared in package.json (`contributes.configuration`) with the same default: add a key in
// both places (test/unit/commands/settings.test.ts holds them equal).
import type { WorkloadKind } from '../kube/types';
import { ISTIO_NAMESPACE, ZTUNNEL_CONTAINER, ZTUNNEL_SELECTOR } from '../mesh/meshSummary';

export const CONFIG_SECTION = 'ambient';

export interface CommandSettings {
  /** Most requests in flight at once when a command has many targets (`ambient.concurrency`). */
  readonly concurrency: number;
  /** Server-side dry run (`dryRun=All`) for every write (`ambient.dryRun`). */
  readonly dryRun: boolean;
  /** Kinds that Restart Workloads restarts (`ambient.restart.kinds`). */
  readonly restartKinds: readonly WorkloadKind[];
  /** How long to follow rollouts after a restart before reporting "not ready" (`ambient.restart.rolloutTimeoutSeconds`). */
  readonly rolloutTimeoutSeconds: number;
  /** Ask before restarting a namespace's workloads (`ambient.restart.confirm`). */
  readonly confirmRestart: boolean;
  /** Ask before every write, naming its targets (`ambient.confirmWrites`); off skips every confirmation. */
  readonly confirmWrites: boolean;
  /** Run Check Before Enrolling inside Enroll's confirmation (`ambient.enroll.checkFirst`). */
  readonly checkBeforeEnroll: boolean;
}

export const DEFAULT_COMMAND_SETTINGS: CommandSettings = {
  concurrency: 8,
  dryRun: false,
  restartKinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  rolloutTimeoutSeconds: 300,
  confirmRestart: true,
  confirmWrites: true,
  checkBeforeEnroll: true,
};

export interface LogSettings {
  /** Namespace of the ztunnel DaemonSet (`ambient.logs.ztunnelNamespace`). */
  readonly namespace: string;
  /** Label selector of the ztunnel pods (`ambient.logs.ztunnelSelector`). */
  readonly labelSelector: string;
  readonly container: string;
  /** Lines of history from each pod when the view opens (`ambient.logs.tailLines`). */
  readonly tailLines: number;
  /** Newest entries kept (`ambient.logs.maxEntries`). */
  readonly maxEntries: number;
}

export const DEFAULT_LOG_SETTINGS: LogSettings = {
  namespace: ISTIO_NAMESPACE,
  labelSelector: ZTUNNEL_SELECTOR,
  container: ZTUNNEL_CONTAINER,
  tailLines: 500,
  maxEntries: 50_000,
};

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
