// Messages between the verify panels (Workload Identities, Connectivity, Ambient Health) and their
// webview app, one discriminated union per direction. Shared by both sides: no vscode, no DOM.
import type { IdentitiesModel } from '../commands/verifyIdentities';
import type { ConnectivityResult } from '../mesh/connectivity';
import type { HealthFix, HealthReport } from '../mesh/health';

export type VerifyPanelKind = 'identities' | 'connectivity' | 'health';

export type ToVerifyWebview =
  | { readonly type: 'identities'; readonly model: IdentitiesModel }
  | { readonly type: 'connectivity'; readonly results: readonly ConnectivityResult[] }
  | { readonly type: 'health'; readonly reports: readonly HealthReport[]; readonly running: boolean };

export type FromVerifyWebview =
  | { readonly type: 'ready' }
  /** Run a health check's fix (a command of the extension), then check again. */
  | { readonly type: 'runFix'; readonly fix: HealthFix }
  /** Run the panel's command again on the same targets. */
  | { readonly type: 'rerun' };
