// The status bar item: the current context and `ambient n/m` namespaces, as the Clusters view last drew
// them; a click focuses the Clusters view.
import * as vscode from 'vscode';
import { Disposable } from '../shared/disposable';
import type { MeshModel } from '../mesh/meshModel';
import type { ClustersTreeProvider } from './clustersTreeProvider';
import { FOCUS_CLUSTERS_VIEW } from './commandIds';

export class ClustersStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(
    private readonly model: MeshModel,
    private readonly tree: ClustersTreeProvider,
  ) {
    super();
    this.item = this.own(vscode.window.createStatusBarItem('ambientMesh.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Ambient Mesh';
    this.item.command = FOCUS_CLUSTERS_VIEW;
    // Updated with the tree's redraws, from the same reading: the count here and on the context row agree.
    this.own(
      tree.onDidRequestRender((changes) => {
        const current = this.model.currentContext();
        if (changes.some((change) => change.scope === 'kubeconfig' || change.context === current)) this.update();
      }),
    );
    this.update();
  }

  update(): void {
    const current = this.model.currentContext();
    if (!current) {
      this.item.hide();
      return;
    }
    const cluster = this.model.cluster(current);
    if (!cluster.live && cluster.namespaceCounts === undefined && cluster.status !== 'error') void cluster.loadSummary();
    const view = this.tree.view(current);
    const counts = view.namespaceCounts;
    if (view.status === 'error') {
      this.item.text = `$(warning) ${current}`;
      this.item.tooltip = view.problem?.sentence;
    } else {
      this.item.text = counts ? `$(vm-active) ${current} · ambient ${counts.ambient}/${counts.total}` : `$(vm-active) ${current}`;
      this.item.tooltip = counts
        ? `Current context ${current}: ${counts.ambient} of ${counts.total} namespaces in ambient mode (system namespaces not counted). Click to open the Clusters view.`
        : `Current context ${current}. Click to open the Clusters view.`;
    }
    this.item.show();
  }
}
