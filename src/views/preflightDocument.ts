// The Check Before Enrolling report as a read-only Markdown document (`ambient-preflight:` scheme),
// opened in the Markdown preview: headings per namespace × cluster, clickable doc links, selectable text.
import * as vscode from 'vscode';
import { Disposable } from '../shared/disposable';
import { preflightMarkdown } from '../commands/preflightMarkdown';
import type { PreflightViews } from '../commands/preflight';
import type { PreflightReport } from '../mesh/preflight';

export const PREFLIGHT_SCHEME = 'ambient-preflight';

export class PreflightDocuments extends Disposable implements PreflightViews, vscode.TextDocumentContentProvider {
  private readonly changed = this.own(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private readonly contents = new Map<string, string>();
  /** The last reports shown, for tests to read what the document says. */
  lastShown: readonly PreflightReport[] = [];

  constructor(private readonly log: { warn(message: string): void }) {
    super();
    this.own(vscode.workspace.registerTextDocumentContentProvider(PREFLIGHT_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# Check Before Enrolling\n\nThis report is no longer available: run Check Before Enrolling… again.';
  }

  async showPreflight(reports: readonly PreflightReport[]): Promise<void> {
    this.lastShown = reports;
    // One document: a new check replaces the last report, as the health panel does.
    const uri = vscode.Uri.from({ scheme: PREFLIGHT_SCHEME, path: '/Check Before Enrolling.md' });
    this.contents.set(uri.toString(), preflightMarkdown(reports, new Date()));
    this.changed.fire(uri);
    // Open it first, so the text is loaded before the preview asks for it (and tests can read it).
    await vscode.workspace.openTextDocument(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch (error) {
      // No Markdown preview (the built-in extension disabled): the source reads well too.
      this.log.warn(`Check Before Enrolling: Markdown preview unavailable (${error instanceof Error ? error.message : String(error)}); showing the text`);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(document, 'markdown');
      await vscode.window.showTextDocument(document, { preview: true });
    }
  }
}
