// The ztunnel log view, extension side: one webview panel per session (clusters or a file), the session
// streaming rows over typed messages once the app says `ready` (and again, whole, after the panel was
// hidden and its webview reloaded), and a serializer that reopens the panel after a window reload.
import * as vscode from 'vscode';
import { Disposable } from '../shared/disposable';
import type { KubeClients } from '../kube/types';
import { binarySentence, looksBinary } from '../logs/fileCheck';
import { LogSession } from '../logs/logSession';
import type { PodStreamStatus } from '../logs/ztunnelFollower';
import type { LogSettings } from '../shared/settings';
import { parseFromLogView } from '../shared/logProtocol';
import type { FromLogView, LogRow, LogSource, LogViewState, ToLogView } from '../shared/logProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';
import type { WebviewPage } from './webviewHtml';

export const LOG_VIEW_TYPE = 'ambient.ztunnelLogs';

export interface LogPanelDeps {
  readonly kube: Pick<KubeClients, 'state' | 'client'>;
  readonly extensionUri: vscode.Uri;
  readonly settings: () => LogSettings;
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Opens an AuthorizationPolicy as read-only YAML (the policy a denial line names). */
  readonly openPolicy?: (context: string, namespace: string, name: string) => Promise<void>;
  /** Asks for a context to add to a view following `followed` (the commands' picker, through CommandHost). */
  readonly pickContextToAdd: (followed: readonly string[]) => Promise<string | undefined>;
}

/** Rows per message when a whole buffer is sent (a reloaded view, a file). */
const replayChunk = 5000;

function titleOf(source: LogSource): string {
  if (source.kind === 'file') return `ztunnel Logs: ${source.path.split(/[\\/]/).pop()}`;
  const clusters = source.contexts.join(', ');
  return source.namespace ? `ztunnel Logs: ${source.namespace} (${clusters})` : `ztunnel Logs: ${clusters}`;
}

const LOG_VIEW_PAGE: WebviewPage = {
  title: 'ztunnel Logs',
  stylesheet: 'logView.css',
  script: 'logView.js',
  body: '<div id="app" class="app"><p class="muted">Loading…</p></div>',
};

export class LogPanel extends Disposable {
  /** Open panels (tests reach them through the command's return value or here). */
  static readonly open = new Set<LogPanel>();

  readonly session: LogSession;
  private ready = false;
  private source: LogSource;
  private readonly statuses = new Map<string, PodStreamStatus>();
  /** Messages posted to the webview, by type (tests read what the view was told). */
  readonly sent = { rows: 0, batches: 0, statuses: 0 };
  /** What the view says above a file that is mostly not a ztunnel log (one sentence), or why a file was refused. */
  notice: string | undefined;

  private constructor(
    private readonly deps: LogPanelDeps,
    readonly panel: vscode.WebviewPanel,
    source: LogSource,
  ) {
    super();
    this.source = source;
    const settings = deps.settings();
    this.session = new LogSession({ maxEntries: settings.maxEntries }, {
      rows: (rows, dropped) => this.postRows(rows, dropped),
      status: (status) => {
        this.statuses.set(`${status.cluster}/${status.pod}`, status);
        if (this.ready) this.post({ type: 'status', status });
        this.sent.statuses++;
      },
      problem: (message) => {
        deps.log.warn(message);
        if (this.ready) this.post({ type: 'problem', message });
      },
    });
    panel.title = titleOf(source);
    // Also for a revived panel: its saved options may name an older extension folder.
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, LOG_VIEW_PAGE);
    this.ownAll(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromLogView(raw);
        if (message) void this.receive(message);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    LogPanel.open.add(this);
    void this.start(source);
  }

  static create(deps: LogPanelDeps, source: LogSource): LogPanel {
    const panel = vscode.window.createWebviewPanel(LOG_VIEW_TYPE, titleOf(source), vscode.ViewColumn.Active, {
      ...webviewOptions(deps.extensionUri),
      retainContextWhenHidden: false,
    });
    return new LogPanel(deps, panel, source);
  }

  /** After a window reload: the same source again (the filters come back from the webview's own state). */
  static revive(deps: LogPanelDeps, panel: vscode.WebviewPanel, state: LogViewState | undefined): LogPanel | undefined {
    if (!state?.source) {
      panel.dispose();
      return undefined;
    }
    return new LogPanel(deps, panel, state.source);
  }

  get logSource(): LogSource {
    return this.source;
  }

  /** Follow another cluster's ztunnels in the same view. */
  addContext(context: string): void {
    if (this.source.kind !== 'cluster' || this.source.contexts.includes(context)) return;
    this.source = { ...this.source, contexts: [...this.source.contexts, context] };
    this.panel.title = titleOf(this.source);
    this.followCluster(context);
    if (this.ready) this.post(this.initMessage());
  }

  private async start(source: LogSource): Promise<void> {
    if (source.kind === 'cluster') {
      for (const context of source.contexts) this.followCluster(context);
      return;
    }
    const name = source.path.split(/[\\/]/).pop() ?? source.path;
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(source.path));
    } catch (error) {
      const message = `Could not read ${source.path}: ${(error as Error).message}`;
      this.deps.log.error(message);
      if (this.ready) this.post({ type: 'problem', message });
      void vscode.window.showErrorMessage(message);
      return;
    }
    // Judged before anything is shown: a binary file or one with no ztunnel record is refused, a file that
    // is mostly other text opens with a sentence saying so.
    if (looksBinary(bytes)) return this.refuse(binarySentence(name), source.path);
    const text = new TextDecoder('utf-8').decode(bytes);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const verdict = this.session.addText(lines, name);
    if (verdict.kind === 'refused') return this.refuse(verdict.sentence, source.path);
    if (verdict.kind === 'mostly-unparsed') {
      this.notice = verdict.sentence;
      this.deps.log.warn(`${source.path}: ${verdict.sentence}`);
      if (this.ready) this.post({ type: 'problem', message: verdict.sentence });
    }
    this.deps.log.info(`opened ${source.path}: ${lines.length} lines`);
  }

  /** A file that is not a ztunnel log: one sentence, and no view of it. */
  private refuse(sentence: string, path: string): void {
    this.notice = sentence;
    this.deps.log.warn(`${path}: ${sentence}`);
    void vscode.window.showErrorMessage(sentence);
    this.dispose();
  }

  private followCluster(context: string): void {
    const settings = this.deps.settings();
    try {
      this.session.addCluster(this.deps.kube.client(context), {
        namespace: settings.namespace,
        labelSelector: settings.labelSelector,
        container: settings.container,
        tailLines: settings.tailLines,
      });
    } catch (error) {
      const message = `${context}: cannot follow the ztunnel logs: ${(error as Error).message}`;
      this.deps.log.error(message);
      if (this.ready) this.post({ type: 'problem', message });
    }
  }

  private initMessage(): ToLogView {
    return {
      type: 'init',
      source: this.source,
      title: this.panel.title,
      maxEntries: this.deps.settings().maxEntries,
      namespace: this.source.kind === 'cluster' ? this.source.namespace : undefined,
    };
  }

  private postRows(rows: readonly LogRow[], dropped: number): void {
    if (!this.ready) return; // the whole buffer goes over when the view says ready
    this.post({ type: 'rows', rows, dropped });
    this.sent.rows += rows.length;
    this.sent.batches++;
  }

  /** The view (re)loaded: tell it what it shows, then everything kept, then the live stream. */
  private replay(): void {
    this.session.flush(); // pending rows go into the buffer (and out now), before the view starts over
    this.post(this.initMessage());
    this.post({ type: 'reset' });
    const rows = this.session.rows();
    for (let i = 0; i < rows.length; i += replayChunk) this.post({ type: 'rows', rows: rows.slice(i, i + replayChunk), dropped: this.session.dropped });
    for (const status of this.statuses.values()) this.post({ type: 'status', status });
    if (this.notice !== undefined) this.post({ type: 'problem', message: this.notice });
  }

  private async receive(message: FromLogView): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.replay();
        return;
      case 'addContext': {
        if (this.source.kind !== 'cluster') return;
        const picked = await this.deps.pickContextToAdd(this.source.contexts);
        if (picked) this.addContext(picked);
        return;
      }
      case 'clear':
        this.session.clear();
        return;
      case 'export':
        await this.export(message.scope, message.seqs);
        return;
      case 'openSettings':
        void vscode.commands.executeCommand('workbench.action.openSettings', 'ambient.logs');
        return;
      case 'openPolicy':
        // Only a cluster this view follows: the webview cannot make the extension read another context.
        if (this.source.kind !== 'cluster' || !this.source.contexts.includes(message.context)) return;
        await this.deps.openPolicy?.(message.context, message.namespace, message.name);
        return;
      default: {
        const unhandled: never = message;
        this.deps.log.warn(`log view: unknown message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private async export(scope: 'visible' | 'all', seqs: readonly number[] | undefined): Promise<void> {
    const { text, count } = this.session.exportText(scope === 'visible' ? (seqs ?? []) : undefined);
    const base = this.source.kind === 'file' ? this.source.path.replace(/(\.[^./\\]+)?$/, '-export.log') : `ztunnel-${this.source.contexts.join('-')}.log`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const defaultUri = this.source.kind === 'file' ? vscode.Uri.file(base) : folder ? vscode.Uri.joinPath(folder, base) : undefined;
    const target = await vscode.window.showSaveDialog({ title: `Export ${count} ztunnel log lines`, defaultUri, filters: { Logs: ['log', 'txt'] } });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    this.deps.log.info(`exported ${count} lines to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Exported ${count} ztunnel log lines to ${target.fsPath}.`);
  }

  private post(message: ToLogView): void {
    void this.panel.webview.postMessage(message);
  }

  override dispose(): void {
    if (!LogPanel.open.delete(this)) return;
    this.session.dispose();
    super.dispose();
    this.panel.dispose();
  }
}

/** Reopens log views after a window reload, with their sources and (in the webview) their filters. */
export function registerLogPanelSerializer(deps: LogPanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(LOG_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state: unknown) => {
      LogPanel.revive(deps, panel, state as LogViewState | undefined);
    },
  });
}
