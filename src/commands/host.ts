// What the namespace/workload commands need from the outside world, as small interfaces: the window
// (messages, quick picks, progress, clipboard), the audit log, the settings and the kube clients. The
// handlers never import `vscode`, so unit tests drive them with a scripted host and a fake cluster, and
// the extension-host tests with the real kube layer. `vscodeHost.ts` is the real window.
import type { Access } from '../kube/access';
import type { AccessQuestion, KubeClients } from '../kube/types';
import type { CommandSettings } from '../shared/settings';

export type Severity = 'info' | 'warning' | 'error';

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  /** Pre-selected in a multi-select pick. */
  readonly picked?: boolean;
  readonly value: T;
}

export interface PickOptions {
  readonly title: string;
  readonly placeHolder?: string;
}

export interface ProgressReporter {
  report(message: string, increment?: number): void;
}

export interface CommandHost {
  /** A notification (or a modal dialog); resolves to the chosen action, undefined when dismissed/cancelled. */
  showMessage(severity: Severity, message: string, options: { modal?: boolean; detail?: string }, ...actions: string[]): Promise<string | undefined>;
  pickOne<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined>;
  pickMany<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T[] | undefined>;
  /** A cancellable progress notification; `signal` aborts when the user presses Cancel. */
  withProgress<R>(title: string, task: (progress: ProgressReporter, signal: AbortSignal) => Promise<R>): Promise<R>;
  copyToClipboard(text: string): Promise<void>;
}

/** The audit trail: a LogOutputChannel satisfies it. Everything that changed the cluster goes here. */
export interface AuditLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Reveal the log (only when the user asks: "Show Log"). */
  show?(preserveFocus?: boolean): void;
}

export interface CommandDeps {
  readonly kube: Pick<KubeClients, 'state' | 'client'>;
  readonly host: CommandHost;
  readonly log: AuditLog;
  readonly settings: () => CommandSettings;
  /** What each context may write (SelfSubjectAccessReview, cached); absent: the API server's answer is the only one. */
  readonly access?: { check(context: string, question: AccessQuestion): Promise<Access> };
  /** How often rollouts are re-read while following them (tests shorten it). */
  readonly rolloutPollMs?: number;
  /** How long to let istio-cni capture running pods after enrolling before offering a restart (default 5 s). */
  readonly captureSettleMs?: number;
}
