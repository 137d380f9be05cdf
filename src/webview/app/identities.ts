// The verify panels' browser app: Workload Identities (toolkit data grids with a namespace filter),
// Connectivity (one column per context) and Ambient Health (checks, evidence, fix buttons). Everything
// from the cluster is inserted as text (textContent / the grid's text cells), never as HTML.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDropdown,
  vsCodeOption,
} from '@vscode/webview-ui-toolkit';
import type { IdentitiesModel } from '../../commands/verifyIdentities';
import { curlExitMeaning, type ConnectivityResult } from '../../mesh/connectivity';
import type { HealthReport, HealthStatus } from '../../mesh/health';
import type { Disagreement } from '../../mesh/ztunnelConfig';
import type { FromVerifyWebview, ToVerifyWebview } from '../identitiesProtocol';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDataGrid(), vsCodeDataGridRow(), vsCodeDataGridCell(), vsCodeDropdown(), vsCodeOption());

interface VsCodeApi {
  postMessage(message: FromVerifyWebview): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** UI state only (the namespace filter); fetched data is never persisted. */
interface UiState {
  namespaceFilter?: string;
}

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
const ALL = '';

/** An element with attributes and children; strings become text nodes. Toolkit tags (`vscode-…`) are plain HTMLElements. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, ...children: (Node | string)[]): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value);
  for (const child of children) element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

interface Column {
  readonly key: string;
  readonly title: string;
}

/** A toolkit data grid; cells are text (the grid's default cell template binds text, not HTML). */
function grid(columns: readonly Column[], rows: readonly Record<string, string>[], label: string): HTMLElement {
  const g = el('vscode-data-grid', { 'aria-label': label, 'generate-header': 'sticky' }) as HTMLElement & {
    rowsData: unknown[];
    columnDefinitions: unknown[];
    gridTemplateColumns: string;
  };
  g.columnDefinitions = columns.map((c) => ({ columnDataKey: c.key, title: c.title }));
  // Identities and pod names are long, the rest short.
  const widths: Record<string, string> = { identity: '3fr', pod: '2fr', state: '1.5fr', serialNumber: '1.6fr', notAfter: '1.4fr', notBefore: '1.4fr' };
  g.gridTemplateColumns = columns.map((c) => widths[c.key] ?? '1fr').join(' ');
  g.rowsData = rows.map((r) => ({ ...r }));
  return g;
}

// ---- Workload Identities ---------------------------------------------------------------------------

function disagreementText(d: Disagreement): string {
  switch (d.kind) {
    case 'stale-capture':
      return '⚠ stale capture';
    case 'missing-workload':
      return '⚠ not in ztunnel';
    case 'cert-expiring':
      return '⚠ expires soon';
    case 'cert-expired':
      return '✖ expired';
    case 'cert-unavailable':
      return '✖ unavailable';
  }
}

function renderIdentities(model: IdentitiesModel): void {
  const state = vscode.getState() ?? {};
  // The node the command ran on sets the filter; a filter the user picked later survives reloads.
  let filter = state.namespaceFilter ?? model.namespace ?? ALL;
  if (filter !== ALL && !model.namespaces.includes(filter)) filter = ALL;

  const header = el('header', {}, el('h1', {}, `Workload identities · ${model.context}`));
  const sourceLine =
    model.source === 'ztunnel'
      ? el('p', { class: 'muted' }, `From the config dumps of ${model.ztunnelsRead} ztunnel pod(s) (admin port 15000, through port-forward), as istioctl ztunnel-config shows them. Read at ${new Date(model.generatedAt).toLocaleTimeString()}.`)
      : el('p', { class: 'banner warn', role: 'alert' }, `Fallback: ${model.fallbackReason ?? 'identities derived from service accounts.'}`);
  header.append(sourceLine);
  // Some ztunnels unreadable while others answered: name them (in the fallback, its banner says why).
  if (model.source === 'ztunnel') for (const u of model.unreadable) header.append(el('p', { class: 'banner warn' }, `ztunnel ${u.pod} could not be read: ${u.error}`));

  const dropdown = el('vscode-dropdown', { id: 'namespace-filter', 'aria-label': 'Namespace' }) as HTMLElement & { value: string };
  dropdown.append(el('vscode-option', { value: ALL }, 'All namespaces'));
  for (const ns of model.namespaces) dropdown.append(el('vscode-option', { value: ns }, ns));
  const toolbar = el('div', { class: 'toolbar' }, el('label', { for: 'namespace-filter' }, 'Namespace'), dropdown, refreshButton());

  const body = el('div', {});
  const draw = () => {
    body.replaceChildren(...identityTables(model, filter));
  };
  dropdown.addEventListener('change', () => {
    filter = dropdown.value;
    vscode.setState({ ...(vscode.getState() ?? {}), namespaceFilter: filter });
    draw();
  });
  root.replaceChildren(header, toolbar, body);
  // The dropdown's options are children: its value can be set once they are connected.
  dropdown.value = filter;
  draw();
}

function identityTables(model: IdentitiesModel, filter: string): HTMLElement[] {
  const inFilter = (namespace: string) => filter === ALL || namespace === filter;
  const out: HTMLElement[] = [];
  const shown = model.disagreements.filter((d) => (d.namespace ? inFilter(d.namespace) : d.identity ? inFilter(namespaceOfIdentity(d.identity)) : true));
  if (shown.length > 0) {
    const list = el('ul', {});
    for (const d of shown) list.append(el('li', { class: d.severity === 'error' ? 'fail' : 'warn' }, d.message));
    out.push(el('section', { class: 'disagreements', 'aria-label': 'Disagreements' }, el('h2', {}, `Disagreements (${shown.length})`), list));
  }
  if (model.source === 'service-accounts') {
    const rows = model.derived.filter((r) => inFilter(r.namespace)).map((r) => ({ ...r }) as unknown as Record<string, string>);
    out.push(
      el('h2', {}, `Identities derived from service accounts (${rows.length})`),
      grid(
        [
          { key: 'namespace', title: 'Namespace' },
          { key: 'pod', title: 'Pod' },
          { key: 'address', title: 'Address' },
          { key: 'node', title: 'Node' },
          { key: 'serviceAccount', title: 'Service account' },
          { key: 'identity', title: 'SPIFFE identity' },
          { key: 'capture', title: 'Capture' },
        ],
        rows,
        'Derived identities',
      ),
    );
    return out;
  }
  const byPod = new Map(model.disagreements.filter((d) => d.pod).map((d) => [`${d.namespace}/${d.pod}`, d]));
  const workloadRows = model.workloads
    .filter((w) => inFilter(w.namespace))
    .map((w) => {
      const d = byPod.get(`${w.namespace}/${w.pod}`);
      return { namespace: w.namespace, pod: w.pod, address: w.address, node: w.node, waypoint: w.waypoint, protocol: w.protocol, identity: w.identity, check: d ? disagreementText(d) : '' };
    });
  // Pods annotated as captured that no ztunnel lists have no workload row: add one so the filter shows them.
  for (const d of model.disagreements) {
    if (d.kind === 'missing-workload' && d.namespace && d.pod && inFilter(d.namespace)) {
      workloadRows.push({ namespace: d.namespace, pod: d.pod, address: '', node: '', waypoint: '', protocol: '(not listed)', identity: '', check: disagreementText(d) });
    }
  }
  out.push(
    el('h2', {}, `Workloads (${workloadRows.length})`),
    grid(
      [
        { key: 'namespace', title: 'Namespace' },
        { key: 'pod', title: 'Pod' },
        { key: 'address', title: 'Address' },
        { key: 'node', title: 'Node' },
        { key: 'waypoint', title: 'Waypoint' },
        { key: 'protocol', title: 'Protocol' },
        { key: 'identity', title: 'SPIFFE identity' },
        { key: 'check', title: 'Check' },
      ],
      workloadRows,
      'Workloads',
    ),
  );
  const byIdentity = new Map(model.disagreements.filter((d) => d.identity).map((d) => [d.identity as string, d]));
  const certRows = model.certificates
    .filter((c) => inFilter(namespaceOfIdentity(c.identity)))
    .map((c) => {
      const d = c.type === 'CA' || c.type === '-' ? byIdentity.get(c.identity) : undefined;
      return {
        identity: c.identity,
        type: c.type,
        state: c.stateDetail ? `${c.state}: ${c.stateDetail}` : c.state,
        valid: String(c.valid),
        serialNumber: c.serialNumber || 'NA',
        notAfter: c.notAfter || 'NA',
        notBefore: c.notBefore || 'NA',
        ztunnel: c.ztunnelPod ?? '',
        check: d ? disagreementText(d) : '',
      };
    });
  out.push(
    el('h2', {}, `Certificates (${certRows.length})`),
    grid(
      [
        { key: 'identity', title: 'Identity' },
        { key: 'type', title: 'Type' },
        { key: 'state', title: 'State' },
        { key: 'valid', title: 'Valid' },
        { key: 'serialNumber', title: 'Serial number' },
        { key: 'notAfter', title: 'Not after' },
        { key: 'notBefore', title: 'Not before' },
        { key: 'ztunnel', title: 'ztunnel' },
        { key: 'check', title: 'Check' },
      ],
      certRows,
      'Certificates',
    ),
  );
  return out;
}

function namespaceOfIdentity(identity: string): string {
  return /\/ns\/([^/]+)\//.exec(identity)?.[1] ?? '';
}

function refreshButton(label = 'Refresh'): HTMLElement {
  const button = el('vscode-button', { appearance: 'secondary' }, label);
  button.addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
  return button;
}

// ---- Connectivity ----------------------------------------------------------------------------------

const VERDICT_LABELS = { mtls: 'mTLS', plaintext: 'plain text', 'tls-error': 'TLS failed', 'not-found': 'plain text', unknown: 'unknown' } as const;

function renderConnectivity(results: readonly ConnectivityResult[]): void {
  const target = results[0]?.target ?? '';
  const header = el('header', {}, el('h1', {}, `Connectivity to ${target}`));
  const columns = el('div', { class: 'columns' });
  for (const r of results) {
    const card = el('section', { class: 'card', 'aria-label': `Context ${r.context}` }, el('h2', {}, r.context));
    card.append(el('p', { class: 'muted' }, `from ${r.source.namespace}/${r.source.pod}`));
    if (r.argv.length > 0) card.append(el('pre', { class: 'command' }, `$ ${r.argv.join(' ')}`));
    if (r.exitCode !== undefined) {
      card.append(el('p', { class: r.exitCode === 0 ? 'pass' : 'fail' }, `exit status ${r.exitCode}: ${curlExitMeaning(r.exitCode)}`));
    }
    if (r.stdout) card.append(el('h3', {}, 'Output'), el('pre', { class: 'output' }, r.stdout));
    if (r.stderr) card.append(el('pre', { class: 'output stderr' }, r.stderr));
    if (r.error) card.append(el('p', { class: 'banner fail', role: 'alert' }, r.error));
    if (r.verdict) {
      const kind = r.verdict.kind;
      const tone = kind === 'mtls' ? 'pass' : kind === 'tls-error' ? 'fail' : 'warn';
      card.append(el('p', { class: `verdict ${tone}`, title: VERDICT_LABELS[kind] }, r.verdict.sentence));
      if (r.verdict.sourceIdentity) card.append(identityLine('source', r.verdict.sourceIdentity));
      if (r.verdict.destinationIdentity) card.append(identityLine('destination', r.verdict.destinationIdentity));
      const entry = r.verdict.entry;
      if (entry) {
        card.append(el('h3', {}, 'ztunnel access log'), el('pre', { class: 'output' }, [entry.time, entry.level, entry.scope, entry.message, entry.fieldsText ?? ''].filter(Boolean).join('  ')));
      }
    }
    if (r.durationMs !== undefined) card.append(el('p', { class: 'muted' }, `${(r.durationMs / 1000).toFixed(1)} s`));
    columns.append(card);
  }
  root.replaceChildren(header, el('div', { class: 'toolbar' }, refreshButton('Run again')), columns);
}

function identityLine(side: string, identity: string): HTMLElement {
  return el('p', { class: 'identity' }, `${side}: `, el('code', {}, identity));
}

// ---- Ambient Health --------------------------------------------------------------------------------

const STATUS_ICONS: Record<HealthStatus, string> = { pass: '✔', warn: '⚠', fail: '✖' };

function renderHealth(reports: readonly HealthReport[], running: boolean): void {
  const header = el('header', {}, el('h1', {}, `Ambient health · ${reports.map((r) => r.context).join(', ')}`));
  const toolbar = el('div', { class: 'toolbar' }, refreshButton('Check again'));
  if (running) toolbar.append(el('span', { class: 'muted', role: 'status' }, 'Checking…'));
  const columns = el('div', { class: 'columns' });
  for (const report of reports) {
    const section = el('section', { class: 'card', 'aria-label': `Health of ${report.context}` });
    section.append(el('h2', { class: report.worst }, `${STATUS_ICONS[report.worst]} ${report.context}: ${report.worst}`));
    if (report.error) section.append(el('p', { class: 'banner fail' }, report.error));
    for (const check of report.checks) {
      const item = el('div', { class: `check ${check.status}`, 'data-check': check.id, 'data-status': check.status });
      item.append(el('h3', {}, el('span', { class: 'icon', 'aria-label': check.status }, STATUS_ICONS[check.status]), ` ${check.title}`), el('p', {}, check.summary));
      if (check.evidence.length > 0) {
        const evidence = el('ul', { class: 'evidence' });
        for (const line of check.evidence) evidence.append(el('li', {}, line));
        item.append(evidence);
      }
      for (const fix of check.fixes) {
        // While a fix or a re-check runs, the buttons of the report being replaced do nothing.
        const button = el('vscode-button', running ? { disabled: '' } : {}, fix.title);
        button.addEventListener('click', () => vscode.postMessage({ type: 'runFix', fix }));
        item.append(button);
      }
      section.append(item);
    }
    columns.append(section);
  }
  root.replaceChildren(header, toolbar, columns);
}

window.addEventListener('message', (event: MessageEvent<ToVerifyWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'identities':
      renderIdentities(message.model);
      return;
    case 'connectivity':
      renderConnectivity(message.results);
      return;
    case 'health':
      renderHealth(message.reports, message.running);
      return;
  }
});

vscode.postMessage({ type: 'ready' });
