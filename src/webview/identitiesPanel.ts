// The verify panels: Workload Identities (toolkit data grid), Connectivity (results side by side) and
// Ambient Health (checks with evidence and fixes). One panel per kind, reused and brought to front; the
// data goes over typed messages once the app says `ready`. Implements VerifyViews for the commands.
import * as vscode from 'vscode';
import type { ConnectivityResult } from '../mesh/connectivity';
import { fixAt, type HealthReport } from '../mesh/health';
import { messageOf } from '../mesh/problems';
import { parseFromVerifyWebview } from '../shared/verifyProtocol';
import type { FromVerifyWebview, IdentitiesModel, ToVerifyWebview, VerifyPanelKind } from '../shared/verifyProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';
import type { WebviewPage } from './webviewHtml';

const TITLES: Record<VerifyPanelKind, string> = {
  identities: 'Workload Identities',
  connectivity: 'Connectivity',
  health: 'Ambient Health',
};

/** One app serves the three kinds: it renders whatever message it is sent. */
const VERIFY_PAGE: WebviewPage = {
  title: 'Ambient Mesh',
  stylesheet: 'identities.css',
  script: 'identities.js',
  body: '<main id="root"><p class="muted">Loading…</p></main>',
};

interface OpenPanel {
  readonly panel: vscode.WebviewPanel;
  ready: boolean;
  pending?: ToVerifyWebview;
  rerun?: () => Promise<unknown>;
}

// Implements the commands' VerifyViews (checked where the commands are given it, in verifyRegister).
export class VerifyPanels implements vscode.Disposable {
  private readonly panels = new Map<VerifyPanelKind, OpenPanel>();
  /** The last message of each kind, for tests to read what a panel shows. */
  readonly lastShown = new Map<VerifyPanelKind, ToVerifyWebview>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: { error(message: string): void },
  ) {}

  showIdentities(model: IdentitiesModel, rerun: () => Promise<unknown>): void {
    this.show('identities', `${TITLES.identities}: ${model.context}`, { type: 'identities', model, running: false }, rerun);
  }

  showConnectivity(results: readonly ConnectivityResult[], rerun: () => Promise<unknown>): void {
    const target = results[0]?.target ?? '';
    this.show('connectivity', `${TITLES.connectivity}: ${target}`, { type: 'connectivity', results }, rerun);
  }

  showHealth(reports: readonly HealthReport[], rerun: () => Promise<unknown>): void {
    this.show('health', `${TITLES.health}: ${reports.map((r) => r.context).join(', ')}`, { type: 'health', reports, running: false }, rerun);
  }

  private show(kind: VerifyPanelKind, title: string, message: ToVerifyWebview, rerun?: () => Promise<unknown>): void {
    this.lastShown.set(kind, message);
    let open = this.panels.get(kind);
    if (!open) {
      const panel = vscode.window.createWebviewPanel(`ambient.${kind}`, title, vscode.ViewColumn.Active, {
        ...webviewOptions(this.extensionUri),
        retainContextWhenHidden: false,
      });
      const created: OpenPanel = { panel, ready: false };
      open = created;
      this.panels.set(kind, created);
      panel.webview.html = webviewHtml(panel.webview, this.extensionUri, VERIFY_PAGE);
      panel.onDidDispose(() => this.panels.delete(kind));
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const message = parseFromVerifyWebview(m);
        if (message) void this.receive(kind, created, message);
        else this.log.error(`${TITLES[kind]}: ignored a message the panel does not send`);
      });
    } else {
      open.panel.title = title;
      open.panel.reveal(undefined, false);
    }
    open.rerun = rerun ?? open.rerun;
    if (open.ready) void open.panel.webview.postMessage(message);
    else open.pending = message;
  }

  private async receive(kind: VerifyPanelKind, open: OpenPanel, message: FromVerifyWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        open.ready = true;
        // A panel that was hidden and restored asks again: send what it showed.
        {
          const latest = open.pending ?? this.lastShown.get(kind);
          open.pending = undefined;
          if (latest) void open.panel.webview.postMessage(latest);
        }
        return;
      case 'runFix': {
        // The webview is untrusted: it names a fix by its place in the report we sent, and we look it up.
        const shown = this.lastShown.get(kind);
        const fix = shown?.type === 'health' ? fixAt(shown.reports, message) : undefined;
        if (!fix) {
          this.log.error(`${TITLES[kind]}: ignored a request for a fix that is not in the report on screen`);
          return;
        }
        // Say "checking" at once: the fix (a restart following its rollouts) can take a while.
        this.markRunning(kind, open);
        try {
          await vscode.commands.executeCommand(fix.command, ...fix.args);
        } catch (error) {
          this.log.error(`${fix.title}: ${messageOf(error)}`);
        }
        await this.rerun(kind, open);
        return;
      }
      case 'rerun':
        await this.rerun(kind, open);
        return;
    }
  }

  private markRunning(kind: VerifyPanelKind, open: OpenPanel): void {
    const last = this.lastShown.get(kind);
    if ((last?.type === 'health' || last?.type === 'identities') && open.ready) void open.panel.webview.postMessage({ ...last, running: true });
  }

  private async rerun(kind: VerifyPanelKind, open: OpenPanel): Promise<void> {
    if (!open.rerun) return;
    const before = this.lastShown.get(kind);
    this.markRunning(kind, open);
    try {
      await open.rerun();
    } catch (error) {
      this.log.error(`${TITLES[kind]}: ${messageOf(error)}`);
    }
    // A rerun that failed (its command said why) shows nothing new: end the "reading" state on what was shown.
    if (before && this.lastShown.get(kind) === before && open.ready) void open.panel.webview.postMessage(before);
  }

  dispose(): void {
    for (const open of this.panels.values()) open.panel.dispose();
    this.panels.clear();
  }
}
