// The Mesh node of a context: istiod (version, readiness), ztunnel and istio-cni ready counts, trust domain.
import * as vscode from 'vscode';
import type { CommandTarget } from '../commands/target';
import type { ClusterModel } from '../mesh/clusterModel';
import { contextValue } from '../mesh/contextValue';
import { STATUS_WORDS, describeXds, type HealthStatus } from '../mesh/health';
import { ISTIO_NAMESPACE, ZTUNNEL_DAEMONSET, isIstioInstalled, istioVersions } from '../mesh/meshSummary';
import type { MeshSummary, ReadyCount } from '../mesh/meshSummary';
import { VERIFY_COMMANDS } from '../shared/commandIds';
import { ExplorerNode } from './explorerNode';
import type { HealthLookup } from './explorerNode';

function isReady(count: ReadyCount | undefined): boolean {
  return count !== undefined && count.desired > 0 && count.ready >= count.desired;
}

/** The icon of a health result: the same verdict the report shows (✔ pass, ⚠ warn, ✖ fail, ? not checked). */
function healthIcon(status: HealthStatus): vscode.ThemeIcon {
  switch (status) {
    case 'pass':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'warn':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'fail':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'unchecked':
      return new vscode.ThemeIcon('question');
  }
}

function readyIcon(ok: boolean): vscode.ThemeIcon {
  return ok
    ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
    : new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
}

/** Everything in the summary is ready (istiod, and ztunnel/istio-cni where installed). */
export function meshHealthy(summary: MeshSummary): boolean {
  const istiodReady = summary.istiod.length > 0 && summary.istiod.every((i) => i.ready >= i.desired && i.desired > 0);
  const ztunnelOk = summary.ztunnel === undefined || isReady(summary.ztunnel);
  const cniOk = summary.cni === undefined || isReady(summary.cni);
  return istiodReady && ztunnelOk && cniOk;
}

export class MeshNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode,
    private readonly cluster: ClusterModel,
    private readonly health?: HealthLookup,
  ) {
    super(parent);
    this.id = `${parent.id}/mesh`;
  }

  getTreeItem(): vscode.TreeItem {
    const summary = this.cluster.summary;
    const installed = summary !== undefined && isIstioInstalled(summary);
    const item = new vscode.TreeItem('Mesh', installed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    if (!summary) {
      item.description = 'loading…';
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (!installed) {
      item.description = `Istio is not installed (nothing in ${ISTIO_NAMESPACE})`;
      item.iconPath = new vscode.ThemeIcon('circle-slash');
    } else {
      const healthy = meshHealthy(summary);
      item.description = summary.istiod.length > 0 ? `istiod ${istioVersions(summary)} · ${healthy ? 'ready' : 'degraded'}` : 'no istiod';
      item.iconPath = readyIcon(healthy);
    }
    const checked = this.health?.worst(this.cluster.context);
    if (checked && summary && installed) {
      // The last health check is the fuller verdict: the icon is the report's, whatever the ready counts say.
      // The verdict first: the row is narrow and the rest is in the tooltip.
      item.description = `last health check: ${STATUS_WORDS[checked]} · ${item.description}`;
      item.iconPath = healthIcon(checked);
      const report = this.health?.get(this.cluster.context);
      const tooltip = new vscode.MarkdownString();
      tooltip.appendText(`Last health check: ${STATUS_WORDS[checked]}\n`);
      for (const c of report?.checks ?? []) tooltip.appendText(`${STATUS_WORDS[c.status]}: ${c.title}: ${c.summary}\n`);
      for (const x of report?.xds ?? []) tooltip.appendText(`${describeXds(x)}\n`);
      item.tooltip = tooltip;
    }
    item.contextValue = contextValue('mesh', [!installed && summary !== undefined && 'noIstio', summary !== undefined && installed && !meshHealthy(summary) && 'degraded']);
    return item;
  }

  override getChildren(): ExplorerNode[] {
    const summary = this.cluster.summary;
    if (!summary) return [];
    const rows: ExplorerNode[] = [];
    for (const istiod of summary.istiod) {
      const ready = istiod.ready >= istiod.desired && istiod.desired > 0;
      rows.push(new MeshComponentNode(this, istiod.name, istiod.name, `${istiod.version ?? 'unknown version'} · ready ${istiod.ready}/${istiod.desired}`, ready));
    }
    if (summary.istiod.length === 0) rows.push(new MeshComponentNode(this, 'istiod', 'istiod', 'not found', false));
    // XDS as the last health check saw it: how many ztunnels hold a stream to istiod.
    const xds = this.health?.get(this.cluster.context)?.xds;
    const connected = xds?.filter((x) => x.state === 'connected').length ?? 0;
    const xdsText = xds && xds.length > 0 ? ` · XDS ${connected}/${xds.length} connected` : '';
    rows.push(
      summary.ztunnel
        ? new ZtunnelNode(this, this.cluster, `ready ${summary.ztunnel.ready}/${summary.ztunnel.desired}${xdsText}`, isReady(summary.ztunnel) && (!xds || connected === xds.length))
        : new MeshComponentNode(this, 'ztunnel', 'ztunnel', 'not installed (no ambient data plane)', false),
    );
    rows.push(
      summary.cni
        ? new MeshComponentNode(this, 'istio-cni', 'istio-cni', `ready ${summary.cni.ready}/${summary.cni.desired}`, isReady(summary.cni))
        : new MeshComponentNode(this, 'istio-cni', 'istio-cni', 'not installed', false),
    );
    rows.push(
      new MeshComponentNode(this, 'trust-domain', 'trust domain', summary.trustDomainConfigured ? summary.trustDomain : `${summary.trustDomain} (default)`, undefined),
    );
    return rows;
  }
}

/** One row of the Mesh node; `ready` undefined for rows that have no health (the trust domain). */
export class MeshComponentNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode,
    key: string,
    readonly label: string,
    readonly description: string,
    readonly ready: boolean | undefined,
  ) {
    super(parent);
    this.id = `${parent.id}/${key}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.description;
    item.iconPath = this.ready === undefined ? new vscode.ThemeIcon('shield') : readyIcon(this.ready);
    item.contextValue = contextValue('meshComponent', [this.ready === false && 'degraded']);
    return item;
  }
}

/** The ztunnel row: its pods (one per node) under it once the context is watched, each opening its own config. */
export class ZtunnelNode extends MeshComponentNode {
  constructor(
    parent: ExplorerNode,
    private readonly cluster: ClusterModel,
    description: string,
    ready: boolean,
  ) {
    super(parent, 'ztunnel', 'ztunnel', description, ready);
  }

  private pods() {
    return this.cluster.podEntries(ISTIO_NAMESPACE).filter((p) => p.facts.owner?.kind === 'DaemonSet' && p.facts.owner.name === ZTUNNEL_DAEMONSET);
  }

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    if (this.pods().length > 0) item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    return item;
  }

  override getChildren(): ExplorerNode[] {
    return this.pods().map((p) => new ZtunnelPodNode(this, this.cluster.context, p.facts.name, p.facts.nodeName, p.facts.ready));
  }
}

/** One ztunnel pod: a click shows its own config dump (workloads, services, policies, certificates, connections). */
export class ZtunnelPodNode extends ExplorerNode {
  readonly id: string;

  constructor(
    parent: ExplorerNode,
    readonly context: string,
    readonly pod: string,
    readonly node: string | undefined,
    readonly ready: boolean,
  ) {
    super(parent);
    this.id = `${parent.id}/${pod}`;
  }

  /** What a command invoked on this row acts on. */
  get target(): CommandTarget {
    return { kind: 'pod', context: this.context, namespace: ISTIO_NAMESPACE, pod: this.pod };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.pod, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${this.node ?? 'no node'}${this.ready ? '' : ' · not ready'}`;
    item.iconPath = readyIcon(this.ready);
    item.tooltip = `ztunnel on ${this.node ?? 'an unscheduled pod'}: click to show its config (like istioctl ztunnel-config all ${this.pod})`;
    item.contextValue = contextValue('ztunnelPod', [!this.ready && 'degraded']);
    item.command = { command: VERIFY_COMMANDS.showIdentities, title: 'Show ztunnel Config', arguments: [this] };
    return item;
  }
}
