// Every command the extension registers, by what it acts on. package.json `contributes.commands` declares the
// same ids (test/unit/commands/commandIds.test.ts holds the two equal, and the menus to known ids): add a command
// here and there, nowhere else.

export const CLUSTER_VIEW_COMMANDS = {
  refresh: 'ambient.clusters.refresh',
  retry: 'ambient.clusters.retry',
  showOnlyAmbient: 'ambient.clusters.showOnlyAmbient',
  showAllNamespaces: 'ambient.clusters.showAllNamespaces',
  showLog: 'ambient.output.show',
} as const;

export const NAMESPACE_COMMANDS = {
  enroll: 'ambient.namespace.enroll',
  unenroll: 'ambient.namespace.unenroll',
  restartWorkloads: 'ambient.namespace.restartWorkloads',
  enrollAcrossClusters: 'ambient.namespace.enrollAcrossClusters',
  restartWorkload: 'ambient.workload.restart',
  copyIdentity: 'ambient.pod.copyIdentity',
} as const;

export const PREFLIGHT_COMMANDS = {
  preflight: 'ambient.namespace.preflight',
  restartUncaptured: 'ambient.namespace.restartUncaptured',
} as const;

export const VERIFY_COMMANDS = {
  showIdentities: 'ambient.identity.show',
  testConnectivity: 'ambient.check.connectivity',
  checkHealth: 'ambient.check.health',
  openConfigDump: 'ambient.ztunnel.openConfigDump',
} as const;

export const LOG_COMMANDS = {
  show: 'ambient.logs.show',
  openFile: 'ambient.logs.openFile',
} as const;

export const POLICY_COMMANDS = {
  open: 'ambient.policy.open',
} as const;

type IdsOf<T> = T[keyof T];
export type CommandId =
  | IdsOf<typeof CLUSTER_VIEW_COMMANDS>
  | IdsOf<typeof NAMESPACE_COMMANDS>
  | IdsOf<typeof PREFLIGHT_COMMANDS>
  | IdsOf<typeof VERIFY_COMMANDS>
  | IdsOf<typeof LOG_COMMANDS>
  | IdsOf<typeof POLICY_COMMANDS>;

export const ALL_COMMAND_IDS: readonly CommandId[] = [CLUSTER_VIEW_COMMANDS, NAMESPACE_COMMANDS, PREFLIGHT_COMMANDS, VERIFY_COMMANDS, LOG_COMMANDS, POLICY_COMMANDS].flatMap(
  (group) => Object.values(group),
);
