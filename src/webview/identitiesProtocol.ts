// Messages between the verify panels (Workload Identities, Connectivity, Ambient Health) and their
// webview app, one discriminated union per direction. Shared by both sides: no vscode, no DOM.
import type { IdentitiesModel } from '../commands/verifyIdentities';
import type { ConnectivityResult } from '../mesh/connectivity';
import type { HealthReport } from '../mesh/health';

export type VerifyPanelKind = 'identities' | 'connectivity' | 'health';

export type ToVerifyWebview =
  /** `running`: Refresh is reading the source again (the panel says so and disables the button). */
  | { readonly type: 'identities'; readonly model: IdentitiesModel; readonly running: boolean }
  | { readonly type: 'connectivity'; readonly results: readonly ConnectivityResult[] }
  | { readonly type: 'health'; readonly reports: readonly HealthReport[]; readonly running: boolean };

export type FromVerifyWebview =
  | { readonly type: 'ready' }
  /**
   * Run a fix of the health report on screen, then check again. The fix is named by its place in the report
   * the extension sent (report, check, fix indexes), never by a command: the extension looks it up itself.
   */
  | { readonly type: 'runFix'; readonly report: number; readonly check: number; readonly fix: number }
  /** Run the panel's command again on the same targets. */
  | { readonly type: 'rerun' };
