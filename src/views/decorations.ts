// Badge letter and colour for namespace nodes: A (ambient; warning colour while pods are not all
// captured), S (sidecar), ! (sidecar + ambient conflict), W (waypoint only); nothing outside the mesh.
import * as vscode from 'vscode';
import { Disposable } from '../shared/disposable';
import type { BadgeTone } from '../mesh/dataplane';
import type { ClustersTreeProvider } from './clustersTreeProvider';
import { namespaceUri, parseNamespaceUri } from './nodeUri';

export const BADGE_COLORS: Readonly<Record<BadgeTone, string>> = {
  ok: 'charts.green',
  warning: 'list.warningForeground',
  error: 'list.errorForeground',
  info: 'charts.blue',
};

export class NamespaceDecorationProvider extends Disposable implements vscode.FileDecorationProvider {
  private readonly emitter = this.own(new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.emitter.event;

  constructor(private readonly provider: ClustersTreeProvider) {
    super();
    // Follow the tree's own (debounced) redraws, so badge and description change together.
    this.own(
      provider.onDidRequestRender((changes) => {
        const uris: vscode.Uri[] = [];
        for (const change of changes) {
          if (change.scope !== 'namespaces') return this.emitter.fire(undefined);
          for (const ns of change.namespaces) uris.push(namespaceUri(change.context, ns));
        }
        this.emitter.fire(uris);
      }),
    );
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const target = parseNamespaceUri(uri);
    if (!target) return undefined;
    // The row as the tree last drew it: badge and description come from the same reading.
    const entry = this.provider.drawnNamespace(target.context, target.namespace);
    if (!entry?.badge.letter || !entry.badge.tone) return undefined;
    const decoration = new vscode.FileDecoration(entry.badge.letter, entry.badge.description, new vscode.ThemeColor(BADGE_COLORS[entry.badge.tone]));
    decoration.propagate = false;
    return decoration;
  }
}
