// The messages between the extension and the ztunnel log view, one discriminated union per direction.
// Both sides switch over them exhaustively (a new message that is not handled fails to compile).
import type { LogClass, LogLevel, ZtunnelLogEntry } from '../logs/entry';
import type { PodStreamStatus } from '../logs/ztunnelFollower';

/** One parsed line as the view shows it: the entry, where it came from, and its place in time order. */
export interface LogRow extends ZtunnelLogEntry {
  /** Unique within a session; ties in time keep arrival order. */
  readonly seq: number;
  /** Milliseconds since the epoch (fraction = microseconds): the kubelet's time of the line, else its own. */
  readonly timeKey: number;
  /** The kube context the line came from (absent for a file). */
  readonly cluster?: string;
  readonly node?: string;
}

/** What a log view shows: live clusters, or a saved file. Persisted with the view so a reload restores it. */
export type LogSource =
  | { readonly kind: 'cluster'; readonly contexts: readonly string[]; readonly namespace?: string }
  | { readonly kind: 'file'; readonly path: string };

export type LevelFilter = 'all' | LogLevel;
export type ClassFilter = 'all' | Extract<LogClass, 'mtls' | 'plaintext' | 'tls-error' | 'denied' | 'unparsed'>;

export interface LogFilters {
  /** Text (case-insensitive), or `/regex/flags`. */
  readonly search: string;
  /** `warn` shows warn and error: the least severe level shown. */
  readonly level: LevelFilter;
  readonly class: ClassFilter;
  /** Entries whose source or destination (or subject) is in this namespace. */
  readonly namespace: string;
  /** Entries whose source or destination workload contains this text. */
  readonly workload: string;
}

export const defaultFilters: LogFilters = { search: '', level: 'all', class: 'all', namespace: '', workload: '' };

/** The view's UI state (never the log data): kept with setState, handed back to the panel serializer. */
export interface LogViewState {
  readonly source?: LogSource;
  readonly filters: LogFilters;
  readonly follow: boolean;
  readonly wrap: boolean;
}

export type ToLogView =
  | { readonly type: 'init'; readonly source: LogSource; readonly title: string; readonly maxEntries: number; readonly namespace?: string }
  /** Start over: the rows that follow are the whole buffer (after a reload, or a clear). */
  | { readonly type: 'reset' }
  | { readonly type: 'rows'; readonly rows: readonly LogRow[]; readonly dropped: number }
  | { readonly type: 'status'; readonly status: PodStreamStatus }
  | { readonly type: 'problem'; readonly message: string };

export type FromLogView =
  | { readonly type: 'ready' }
  | { readonly type: 'addContext' }
  | { readonly type: 'clear' }
  /** Export the rows shown (`seqs`) or every row kept, as `kubectl logs --prefix` text, to a file. */
  | { readonly type: 'export'; readonly scope: 'visible' | 'all'; readonly seqs?: readonly number[] }
  | { readonly type: 'openSettings' }
  /** Open the AuthorizationPolicy a denial names, from the cluster (kube context) the line came from. */
  | { readonly type: 'openPolicy'; readonly context: string; readonly namespace: string; readonly name: string };

/** A Kubernetes object name or namespace (DNS-1123 subdomain; namespaces are labels, a subset). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** At most this many row numbers in one export request (the view never shows more rows than it keeps). */
const MAX_EXPORT_SEQS = 1_000_000;

/**
 * A message from the log view, checked field by field: the page shows untrusted log text, so what it sends is
 * untrusted too. `undefined` for anything the app does not send.
 */
export function parseFromLogView(value: unknown): FromLogView | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const message = value as { type?: unknown; scope?: unknown; seqs?: unknown; context?: unknown; namespace?: unknown; name?: unknown };
  const type = message.type as FromLogView['type'];
  switch (type) {
    case 'ready':
    case 'addContext':
    case 'clear':
    case 'openSettings':
      return { type };
    case 'export': {
      if (message.scope !== 'visible' && message.scope !== 'all') return undefined;
      if (message.seqs === undefined) return { type, scope: message.scope };
      const seqs = message.seqs;
      const valid = Array.isArray(seqs) && seqs.length <= MAX_EXPORT_SEQS && seqs.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0);
      return valid ? { type, scope: message.scope, seqs: seqs as number[] } : undefined;
    }
    case 'openPolicy': {
      // Only names a policy can have; the panel also checks the context is one it follows.
      const { context, namespace, name } = message;
      const valid =
        typeof context === 'string' && context.length > 0 && context.length <= 253 &&
        typeof namespace === 'string' && namespace.length <= 63 && OBJECT_NAME.test(namespace) &&
        typeof name === 'string' && OBJECT_NAME.test(name);
      return valid ? { type, context, namespace, name } : undefined;
    }
    default: {
      const unknownType: never = type;
      void unknownType;
      return undefined;
    }
  }
}
