// The window the command handlers talk to when an agent runs them: no dialogs, no toasts. The confirmation
// already happened outside (VS Code's tool confirmation built from the same plan, or the MCP server's
// `--allow-writes`), so the write confirmations are answered with their action; the two questions whose
// answer changes what is written (sidecar labels, Check Before Enrolling's findings) are answered from the
// tool's input. Every message is kept, so the tool's result says what a user would have been told. No vscode.
import type { PickItem, ProgressReporter, Severity } from '../commands/host';
import { REMOVE_SIDECAR_LABEL, ENROLL_KEEPING_SIDECAR } from '../commands/namespaceCommands';
import { ENROLL_ANYWAY } from '../commands/preflight';
import type { VerifyHost } from '../commands/verifyDeps';

export interface AgentAnswers {
  /** The sidecar-injection question: remove the injection labels while enrolling (else enroll keeping them). */
  readonly removeSidecarLabels?: boolean;
  /** Check Before Enrolling's findings: enroll anyway (else the enroll stops there). */
  readonly enrollDespiteFindings?: boolean;
}

export interface HostMessage {
  readonly severity: Severity;
  readonly message: string;
  readonly detail?: string;
  readonly modal: boolean;
}

export class AgentHost implements VerifyHost {
  readonly messages: HostMessage[] = [];

  constructor(
    private readonly answers: AgentAnswers = {},
    /** Aborts the handlers' batches (VS Code's cancellation token, the MCP request's signal). */
    private readonly signal?: AbortSignal,
  ) {}

  showMessage(severity: Severity, message: string, options: { modal?: boolean; detail?: string }, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ severity, message, detail: options.detail, modal: options.modal === true });
    // Only a modal question is answered; a toast's offer (Restart Workloads after enrolling) is the model's to make.
    if (!options.modal || actions.length === 0) return Promise.resolve(undefined);
    if (actions.includes(REMOVE_SIDECAR_LABEL)) return Promise.resolve(this.answers.removeSidecarLabels ? REMOVE_SIDECAR_LABEL : ENROLL_KEEPING_SIDECAR);
    if (actions.length === 1 && actions[0] === ENROLL_ANYWAY) return Promise.resolve(this.answers.enrollDespiteFindings ? ENROLL_ANYWAY : undefined);
    return Promise.resolve(actions[0]);
  }

  /** Targets always come from the tool's input: a handler that still asks gets no answer (it then stops). */
  pickOne<T>(_items: readonly PickItem<T>[]): Promise<T | undefined> {
    return Promise.resolve(undefined);
  }

  pickMany<T>(_items: readonly PickItem<T>[]): Promise<T[] | undefined> {
    return Promise.resolve(undefined);
  }

  inputText(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  withProgress<R>(_title: string, task: (progress: ProgressReporter, signal: AbortSignal) => Promise<R>): Promise<R> {
    return task({ report: () => undefined }, this.signal ?? new AbortController().signal);
  }

  copyToClipboard(): Promise<void> {
    return Promise.resolve();
  }

  /** The modal the handler stopped at (its findings), when it stopped at one. */
  lastModal(): HostMessage | undefined {
    return [...this.messages].reverse().find((m) => m.modal);
  }
}
