// Messages between the verify panels (Workload Identities, Connectivity, Ambient Health) and their
// webview app, one discriminated union per direction. Shared by both sides: no vscode, no DOM.
import type { ConnectivityResult } from '../mesh/connectivity';
import type { HealthReport } from '../mesh/health';
import type { CertificateRow, DerivedIdentityRow, Disagreement, ZtunnelWorkloadRow } from '../mesh/ztunnelConfig';
import type { TableName, TableRow } from '../mesh/ztunnelDump';

/** What Show Workload Identities (or a saved config dump) shows: ztunnel's tables, or identities derived from service accounts. */
export type IdentitySource = 'ztunnel' | 'service-accounts';

/** One ztunnel's own tables (services, policies and connections differ per node), as istioctl prints them. */
export interface ZtunnelTables {
  /** The ztunnel pod, or the file's name for a saved dump. */
  readonly ztunnelPod: string;
  readonly node?: string;
  /** Which layout its dump has, in words, and the Istio version it names. */
  readonly layout: string;
  readonly istioVersion?: string;
  readonly services: readonly TableRow<'services'>[];
  readonly policies: readonly TableRow<'policies'>[];
  readonly connections: readonly TableRow<'connections'>[];
  /** Why a table is empty because of the dump's layout. */
  readonly absent: Partial<Record<TableName, string>>;
}

export interface IdentitiesModel {
  readonly context: string;
  /** The namespace the command was invoked on: the table's initial filter. */
  readonly namespace?: string;
  readonly source: IdentitySource;
  /** Why the view shows derived identities instead of ztunnel's (forbidden port-forward, no ztunnel). */
  readonly fallbackReason?: string;
  readonly workloads: readonly ZtunnelWorkloadRow[];
  readonly certificates: readonly CertificateRow[];
  readonly derived: readonly DerivedIdentityRow[];
  readonly disagreements: readonly Disagreement[];
  /** How many ztunnel config dumps were read (one per node). */
  readonly ztunnelsRead: number;
  /** ztunnel pods that could not be read (the others still count). */
  readonly unreadable: readonly { readonly pod: string; readonly error: string }[];
  /** Per ztunnel: its services, policies and connections (the Services / Policies / Connections tabs). */
  readonly ztunnels: readonly ZtunnelTables[];
  readonly namespaces: readonly string[];
  readonly generatedAt: string;
  /** Set when the panel shows a saved config dump instead of a cluster. */
  readonly file?: string;
}

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

/**
 * A message from a verify webview, checked field by field (a webview is a browser page: what it sends is
 * untrusted); `undefined` for anything else, which the panel ignores.
 */
export function parseFromVerifyWebview(value: unknown): FromVerifyWebview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as { type?: unknown; report?: unknown; check?: unknown; fix?: unknown };
  const index = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  const type = message.type as FromVerifyWebview['type'];
  switch (type) {
    case 'ready':
    case 'rerun':
      return { type };
    case 'runFix':
      return index(message.report) && index(message.check) && index(message.fix) ? { type, report: message.report, check: message.check, fix: message.fix } : undefined;
    default: {
      const unknownType: never = type;
      void unknownType;
      return undefined;
    }
  }
}

