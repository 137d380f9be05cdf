// The verify panels' browser app: Workload Identities (tabs of plain tables, namespace and ztunnel filters),
// Connectivity (one column per context) and Ambient Health (checks, evidence, fix buttons). Everything
// from the cluster is inserted as text (textContent / the grid's text cells), never as HTML.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';
import { curlExitMeaning, type ConnectivityResult } from '../../mesh/connectivity';
import { STATUS_WORDS, describeXdsLines, type HealthReport, type HealthStatus } from '../../mesh/health';
import type { Disagreement } from '../../mesh/ztunnelConfig';
import type { FromVerifyWebview, IdentitiesModel, ToVerifyWebview } from '../../shared/verifyProtocol';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption());

interface VsCodeApi {
  postMessage(message: FromVerifyWebview): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** UI state only (filters, the tab); fetched data is never persisted. */
interface UiState {
  namespaceFilter?: string;
  ztunnelFilter?: string;
  tab?: string;
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

// ---- Workload Identities ---------------------------------------------------------------------------

/** A plain table: its headers and cells never break inside a word (IPs, serials, times stay whole). */
function table(headers: readonly string[], rows: readonly (readonly string[])[], label: string, wrapColumns: readonly number[] = []): HTMLElement {
  const head = el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)));
  const body = el('tbody', {});
  for (const row of rows) {
    body.append(el('tr', {}, ...row.map((cell, i) => (wrapColumns.includes(i) ? el('td', { class: 'wrap' }, ...breakAfterSlashes(cell)) : el('td', {}, cell)))));
  }
  if (rows.length === 0) body.append(el('tr', {}, el('td', { class: 'muted', colspan: String(headers.length) }, 'No rows.')));
  return el('div', { class: 'table-wrap' }, el('table', { 'aria-label': label }, el('thead', {}, head), body));
}

/** SPIFFE IDs and host names may wrap, but only after a `/` or `.`, never inside a word. */
function breakAfterSlashes(text: string): Node[] {
  const out: Node[] = [];
  for (const part of text.split(/(?<=[/.])/)) {
    out.push(document.createTextNode(part), document.createElement('wbr'));
  }
  return out;
}

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

type IdentityTab = 'workloads' | 'certificates' | 'services' | 'policies' | 'connections';
const TABS: readonly { readonly id: IdentityTab; readonly title: string }[] = [
  { id: 'workloads', title: 'Workloads' },
  { id: 'certificates', title: 'Certificates' },
  { id: 'services', title: 'Services' },
  { id: 'policies', title: 'Policies' },
  { id: 'connections', title: 'Connections' },
];

function renderIdentities(model: IdentitiesModel, running: boolean): void {
  const state = vscode.getState() ?? {};
  // The node the command ran on sets the filter; a filter the user picked later survives reloads.
  let filter = state.namespaceFilter ?? model.namespace ?? ALL;
  if (filter !== ALL && !model.namespaces.includes(filter)) filter = ALL;
  let ztunnel = state.ztunnelFilter ?? ALL;
  if (ztunnel !== ALL && !model.ztunnels.some((z) => z.ztunnelPod === ztunnel)) ztunnel = ALL;
  let tab: IdentityTab = TABS.some((t) => t.id === state.tab) ? (state.tab as IdentityTab) : 'workloads';
  if (model.source === 'service-accounts') tab = 'workloads';

  const title = model.file ? `ztunnel config dump · ${model.context}` : `Workload identities · ${model.context}`;
  const header = el('header', {}, el('h1', {}, title));
  const layouts = [...new Set(model.ztunnels.map((z) => `${z.layout}${z.istioVersion ? `, Istio ${z.istioVersion}` : ''}`))].join('; ');
  const sourceLine =
    model.source === 'ztunnel'
      ? el(
          'p',
          { class: 'muted' },
          model.file
            ? `Saved config dump ${model.file}: ${layouts}. Shown as istioctl ztunnel-config shows it. Read at ${new Date(model.generatedAt).toLocaleTimeString()}.`
            : `From the config dumps of ${model.ztunnelsRead} ztunnel pod(s) (admin port 15000, through port-forward), as istioctl ztunnel-config shows them: ${layouts}. Read at ${new Date(model.generatedAt).toLocaleTimeString()}.`,
        )
      : el('p', { class: 'banner warn', role: 'alert' }, `Fallback: ${model.fallbackReason ?? 'identities derived from service accounts.'}`);
  header.append(sourceLine);
  // Some ztunnels unreadable while others answered: name them (in the fallback, its banner says why).
  if (model.source === 'ztunnel') for (const u of model.unreadable) header.append(el('p', { class: 'banner warn' }, `ztunnel ${u.pod} could not be read: ${u.error}`));

  const dropdown = el('vscode-dropdown', { id: 'namespace-filter', 'aria-label': 'Namespace' }) as HTMLElement & { value: string };
  dropdown.append(el('vscode-option', { value: ALL }, 'All namespaces'));
  for (const ns of model.namespaces) dropdown.append(el('vscode-option', { value: ns }, ns));
  const ztunnelDropdown = el('vscode-dropdown', { id: 'ztunnel-filter', 'aria-label': 'ztunnel' }) as HTMLElement & { value: string };
  ztunnelDropdown.append(el('vscode-option', { value: ALL }, 'All ztunnels'));
  for (const z of model.ztunnels) ztunnelDropdown.append(el('vscode-option', { value: z.ztunnelPod }, z.node ? `${z.ztunnelPod} (${z.node})` : z.ztunnelPod));
  const refresh = refreshButton('Refresh');
  if (running) refresh.setAttribute('disabled', '');
  const toolbar = el('div', { class: 'toolbar' }, el('label', { for: 'namespace-filter' }, 'Namespace'), dropdown);
  if (model.ztunnels.length > 1) toolbar.append(el('label', { for: 'ztunnel-filter' }, 'ztunnel'), ztunnelDropdown);
  toolbar.append(refresh);
  if (running) toolbar.append(el('span', { class: 'muted', role: 'status' }, model.file ? 'Reading the file again…' : 'Reading the ztunnels again…'));

  const tabBar = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Tables' });
  const body = el('div', { role: 'tabpanel' });
  const saveState = () => vscode.setState({ ...(vscode.getState() ?? {}), namespaceFilter: filter, ztunnelFilter: ztunnel, tab });
  const draw = () => {
    tabBar.replaceChildren(
      ...TABS.filter((t) => model.source === 'ztunnel' || t.id === 'workloads').map((t) => {
        const button = el('button', { role: 'tab', id: `tab-${t.id}`, 'aria-selected': String(t.id === tab), class: t.id === tab ? 'tab selected' : 'tab' }, `${t.title} (${countOf(model, t.id, filter, ztunnel)})`);
        button.addEventListener('click', () => {
          tab = t.id;
          saveState();
          draw();
        });
        return button;
      }),
    );
    body.replaceChildren(...identityTables(model, tab, filter, ztunnel));
  };
  dropdown.addEventListener('change', () => {
    filter = dropdown.value;
    saveState();
    draw();
  });
  ztunnelDropdown.addEventListener('change', () => {
    ztunnel = ztunnelDropdown.value;
    saveState();
    draw();
  });
  root.replaceChildren(header, toolbar, tabBar, body);
  // The dropdowns' options are children: their value can be set once they are connected.
  dropdown.value = filter;
  ztunnelDropdown.value = ztunnel;
  draw();
}

function inNamespace(filter: string, namespace: string): boolean {
  return filter === ALL || namespace === filter;
}

/** The per-ztunnel tables in the filter, with the ztunnel's name when several are shown together. */
function perZtunnel<T extends 'services' | 'policies' | 'connections'>(model: IdentitiesModel, table: T, ztunnel: string, namespaceOf: (row: IdentitiesModel['ztunnels'][number][T][number]) => string, filter: string) {
  return model.ztunnels
    .filter((z) => ztunnel === ALL || z.ztunnelPod === ztunnel)
    .flatMap((z) => (z[table] as readonly IdentitiesModel['ztunnels'][number][T][number][]).filter((row) => inNamespace(filter, namespaceOf(row))).map((row) => ({ ztunnel: z.ztunnelPod, row })));
}

const connectionNamespace = (row: { readonly WORKLOAD: string }) => row.WORKLOAD.slice(row.WORKLOAD.lastIndexOf('.') + 1);

function countOf(model: IdentitiesModel, tab: IdentityTab, filter: string, ztunnel: string): number {
  switch (tab) {
    case 'workloads':
      return model.source === 'ztunnel' ? workloadRows(model, filter).length : model.derived.filter((r) => inNamespace(filter, r.namespace)).length;
    case 'certificates':
      return model.certificates.filter((c) => inNamespace(filter, namespaceOfIdentity(c.identity))).length;
    case 'services':
      return perZtunnel(model, 'services', ztunnel, (r) => r.NAMESPACE, filter).length;
    case 'policies':
      return perZtunnel(model, 'policies', ztunnel, (r) => r.NAMESPACE, filter).length;
    case 'connections':
      return perZtunnel(model, 'connections', ztunnel, connectionNamespace, filter).length;
  }
}

function workloadRows(model: IdentitiesModel, filter: string): string[][] {
  const byPod = new Map(model.disagreements.filter((d) => d.pod).map((d) => [`${d.namespace}/${d.pod}`, d]));
  const rows = model.workloads
    .filter((w) => inNamespace(filter, w.namespace))
    .map((w) => {
      const d = byPod.get(`${w.namespace}/${w.pod}`);
      return [w.namespace, w.pod, w.address, w.node, w.waypoint, w.protocol, w.identity, d ? disagreementText(d) : ''];
    });
  // Pods annotated as captured that no ztunnel lists have no workload row: add one so the filter shows them.
  for (const d of model.disagreements) {
    if (d.kind === 'missing-workload' && d.namespace && d.pod && inNamespace(filter, d.namespace)) rows.push([d.namespace, d.pod, '', '', '', '(not listed)', '', disagreementText(d)]);
  }
  return rows;
}

/** Why a per-ztunnel table is empty because of the dumps' layout, when it is. */
function absentNote(model: IdentitiesModel, table: 'services' | 'policies' | 'connections', ztunnel: string): HTMLElement[] {
  const notes = [...new Set(model.ztunnels.filter((z) => ztunnel === ALL || z.ztunnelPod === ztunnel).map((z) => z.absent[table]).filter((n): n is string => !!n))];
  return notes.map((n) => el('p', { class: 'banner info' }, n));
}

function identityTables(model: IdentitiesModel, tab: IdentityTab, filter: string, ztunnel: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  const shown = model.disagreements.filter((d) => (d.namespace ? inNamespace(filter, d.namespace) : d.identity ? inNamespace(filter, namespaceOfIdentity(d.identity)) : true));
  if (shown.length > 0 && (tab === 'workloads' || tab === 'certificates')) {
    const list = el('ul', {});
    for (const d of shown) list.append(el('li', { class: d.severity === 'error' ? 'issue fail' : 'issue warn' }, el('span', { class: 'icon', 'aria-hidden': 'true' }, d.severity === 'error' ? '✖' : '⚠'), ` ${d.message}`));
    out.push(el('section', { class: 'disagreements', 'aria-label': 'Disagreements' }, el('h2', {}, `Disagreements (${shown.length})`), list));
  }
  if (model.source === 'service-accounts') {
    const rows = model.derived.filter((r) => inNamespace(filter, r.namespace)).map((r) => [r.namespace, r.pod, r.address, r.node, r.serviceAccount, r.identity, r.capture]);
    out.push(el('h2', {}, `Identities derived from service accounts (${rows.length})`), table(['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'SERVICE ACCOUNT', 'SPIFFE IDENTITY', 'CAPTURE'], rows, 'Derived identities', [5]));
    return out;
  }
  const several = ztunnel === ALL && model.ztunnels.length > 1;
  switch (tab) {
    case 'workloads': {
      const rows = workloadRows(model, filter);
      out.push(el('h2', {}, `Workloads (${rows.length})`), table(['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL', 'SPIFFE IDENTITY', 'CHECK'], rows, 'Workloads', [6]));
      return out;
    }
    case 'certificates': {
      const byIdentity = new Map(model.disagreements.filter((d) => d.identity).map((d) => [d.identity as string, d]));
      const rows = model.certificates
        .filter((c) => inNamespace(filter, namespaceOfIdentity(c.identity)))
        .map((c) => {
          const d = c.type === 'Leaf' || c.type === 'NA' ? byIdentity.get(c.identity) : undefined;
          return [c.identity, c.type, c.stateDetail ? `${c.state}: ${c.stateDetail}` : c.state, String(c.valid), c.serialNumber || 'NA', c.notAfter || 'NA', c.notBefore || 'NA', c.ztunnelPod ?? '', d ? disagreementText(d) : ''];
        });
      out.push(el('h2', {}, `Certificates (${rows.length})`), table(['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE', 'ZTUNNEL', 'CHECK'], rows, 'Certificates', [0, 2]));
      return out;
    }
    case 'services': {
      const rows = perZtunnel(model, 'services', ztunnel, (r) => r.NAMESPACE, filter).map(({ ztunnel: z, row }) => [...(several ? [z] : []), row.NAMESPACE, row['SERVICE NAME'], row['SERVICE VIP'], row.WAYPOINT, row.ENDPOINTS]);
      out.push(el('h2', {}, `Services (${rows.length})`), ...absentNote(model, 'services', ztunnel), table([...(several ? ['ZTUNNEL'] : []), 'NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'], rows, 'Services'));
      return out;
    }
    case 'policies': {
      const rows = perZtunnel(model, 'policies', ztunnel, (r) => r.NAMESPACE, filter).map(({ ztunnel: z, row }) => [...(several ? [z] : []), row.NAMESPACE, row['POLICY NAME'], row.ACTION, row.SCOPE]);
      out.push(el('h2', {}, `Policies (${rows.length})`), ...absentNote(model, 'policies', ztunnel), table([...(several ? ['ZTUNNEL'] : []), 'NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE'], rows, 'Policies'));
      return out;
    }
    case 'connections': {
      const rows = perZtunnel(model, 'connections', ztunnel, connectionNamespace, filter).map(({ ztunnel: z, row }) => [...(several ? [z] : []), row.WORKLOAD, row.DIRECTION, row.LOCAL, row.REMOTE, row['REMOTE TARGET'], row.PROTOCOL]);
      const wrap = several ? [1, 3, 4, 5] : [0, 2, 3, 4];
      out.push(el('h2', {}, `Connections (${rows.length})`), ...absentNote(model, 'connections', ztunnel), table([...(several ? ['ZTUNNEL'] : []), 'WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL'], rows, 'Connections', wrap));
      return out;
    }
  }
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

const VERDICT_LABELS = { mtls: 'mTLS', plaintext: 'plain text', 'tls-error': 'TLS failed', denied: 'denied by policy', failed: 'failed in the mesh', 'not-found': 'plain text', unknown: 'unknown' } as const;

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
      const tone = kind === 'mtls' ? 'pass' : kind === 'tls-error' || kind === 'denied' || kind === 'failed' ? 'fail' : 'warn';
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

const STATUS_ICONS: Record<HealthStatus, string> = { pass: '✔', warn: '⚠', fail: '✖', unchecked: '?' };

/** The icon of a status, coloured from the theme (identities.css); its label says it without colour. */
function statusIcon(status: HealthStatus): HTMLElement {
  return el('span', { class: `icon status-${status}`, 'aria-label': STATUS_WORDS[status] }, STATUS_ICONS[status]);
}

function renderHealth(reports: readonly HealthReport[], running: boolean): void {
  const header = el('header', {}, el('h1', {}, `Ambient health · ${reports.map((r) => r.context).join(', ')}`));
  const toolbar = el('div', { class: 'toolbar' }, refreshButton('Check again'));
  if (running) toolbar.append(el('span', { class: 'muted', role: 'status' }, 'Checking…'));
  const columns = el('div', { class: 'columns health' });
  reports.forEach((report, reportIndex) => {
    const section = el('section', { class: `card report-${report.worst}`, 'aria-label': `Health of ${report.context}`, 'data-worst': report.worst });
    section.append(el('h2', {}, statusIcon(report.worst), ` ${report.context}: `, el('span', { class: `status status-${report.worst}` }, STATUS_WORDS[report.worst])));
    if (report.error) section.append(el('p', { class: 'banner unchecked', role: 'alert' }, report.error));
    report.checks.forEach((check, checkIndex) => {
      const item = el('div', { class: `check check-${check.status}`, 'data-check': check.id, 'data-status': check.status });
      item.append(el('h3', {}, statusIcon(check.status), ` ${check.title}`), el('p', {}, check.summary));
      if (check.id === 'xds' && report.xds && report.xds.length > 0) {
        // One entry per ztunnel, its state, responses and errors each on a line of their own.
        const evidence = el('ul', { class: 'evidence xds' });
        for (const status of report.xds) {
          const li = el('li', { 'data-ztunnel': status.pod, 'data-xds': status.state });
          describeXdsLines(status).forEach((line, i) => li.append(el('div', i === 0 ? { class: 'xds-head' } : {}, line)));
          evidence.append(li);
        }
        item.append(evidence);
      } else if (check.evidence.length > 0) {
        const evidence = el('ul', { class: 'evidence' });
        for (const line of check.evidence) evidence.append(el('li', {}, line));
        item.append(evidence);
      }
      check.fixes.forEach((fix, fixIndex) => {
        // While a fix or a re-check runs, the buttons of the report being replaced do nothing.
        const button = el('vscode-button', running ? { disabled: '' } : {}, fix.title);
        // The fix is named by its place in the report; the extension looks up what it runs.
        button.addEventListener('click', () => vscode.postMessage({ type: 'runFix', report: reportIndex, check: checkIndex, fix: fixIndex }));
        item.append(button);
      });
      section.append(item);
    });
    columns.append(section);
  });
  root.replaceChildren(header, toolbar, columns);
}

window.addEventListener('message', (event: MessageEvent<ToVerifyWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'identities':
      renderIdentities(message.model, message.running);
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
