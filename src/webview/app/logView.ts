// The ztunnel log view, browser side. It keeps its own copy of the rows (the newest N, in time order),
// filters them, and renders only the rows in view (virtualized: the DOM holds a screenful whatever the
// buffer holds). Log text is data: every string from a log line goes in with textContent, never as HTML.
// UI state (filters, follow, wrap, and the source for the panel serializer) persists with setState.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import type { LogClass } from '../../logs/entry';
import { entryFields } from '../../logs/fields';
import { searchPattern } from '../../logs/filter';
import { rejectionSentence } from '../../logs/policyRejection';
import { accessSummary, formatBytes, shortIdentity } from '../../logs/summary';
import type { PodStreamStatus } from '../../logs/ztunnelFollower';
import { defaultFilters } from '../../shared/logProtocol';
import { LogViewModel, rowRejection } from './logViewModel';
import type { ClassFilter, FromLogView, LevelFilter, LogFilters, LogRow, LogSource, LogViewState, ToLogView } from '../../shared/logProtocol';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());

interface VsCodeApi {
  postMessage(message: FromLogView): void;
  getState(): LogViewState | undefined;
  setState(state: LogViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

/** Height of one unwrapped row, in CSS pixels (the stylesheet sets the same). */
const ROW_HEIGHT = 22;
/** Rows rendered above and below the viewport, so fast scrolling does not show blanks. */
const OVERSCAN = 10;

// ---- state -------------------------------------------------------------------------------------------

const saved = vscode.getState();
let wrap = saved?.wrap ?? false;
let source: LogSource | undefined = saved?.source;
let hasSavedFilters = saved?.filters !== undefined;

/** Rows, pause, filters and counters: the pure part of the view (logViewModel.ts). */
const model = new LogViewModel(50_000, { ...defaultFilters, ...saved?.filters }, saved?.follow ?? true);
let selectedSeq: number | undefined;
const statuses = new Map<string, PodStreamStatus>();

function saveState(): void {
  vscode.setState({ source, filters: model.filters, follow: model.follow, wrap });
}

// ---- DOM helpers ----------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function custom<T extends HTMLElement = HTMLElement & { value: string }>(tag: string, attrs: Record<string, string> = {}, text?: string): T {
  const element = document.createElement(tag) as T;
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function option(value: string, label: string): HTMLElement {
  return custom('vscode-option', { value }, label);
}

// ---- layout ----------------------------------------------------------------------------------------------

const app = document.getElementById('app')!;
app.textContent = '';

const toolbar = el('header', 'toolbar');
const searchField = custom('vscode-text-field', { placeholder: 'Search text or /regex/', 'aria-label': 'Search', id: 'search' });
const levelSelect = custom('vscode-dropdown', { 'aria-label': 'Level', id: 'level', title: 'Least severe level shown' });
for (const [value, label] of [['all', 'All levels'], ['error', 'Error'], ['warn', 'Warn and above'], ['info', 'Info and above'], ['debug', 'Debug and above'], ['trace', 'Trace and above']]) {
  levelSelect.append(option(value!, label!));
}
const classSelect = custom('vscode-dropdown', { 'aria-label': 'Class', id: 'class' });
for (const [value, label] of [['all', 'All entries'], ['mtls', 'mTLS'], ['plaintext', 'Plain text'], ['tls-error', 'TLS errors'], ['denied', 'Policy denials'], ['unparsed', 'Unparsed lines']]) classSelect.append(option(value!, label!));
const namespaceField = custom('vscode-text-field', { placeholder: 'Namespace', 'aria-label': 'Namespace', id: 'namespace' });
const workloadField = custom('vscode-text-field', { placeholder: 'Workload', 'aria-label': 'Workload', id: 'workload' });
const followButton = custom('vscode-button', { id: 'follow', appearance: 'primary' });
const wrapBox = custom<HTMLElement & { checked: boolean }>('vscode-checkbox', { id: 'wrap' }, 'Wrap');
const clearButton = custom('vscode-button', { id: 'clear', appearance: 'secondary' }, 'Clear');
const exportVisibleButton = custom('vscode-button', { id: 'export-visible', appearance: 'secondary', title: 'Export the entries shown to a file' }, 'Export shown');
const exportAllButton = custom('vscode-button', { id: 'export-all', appearance: 'secondary', title: 'Export every entry kept to a file' }, 'Export all');
const addContextButton = custom('vscode-button', { id: 'add-context', appearance: 'secondary', title: 'Read another cluster’s ztunnels side by side' }, 'Add cluster…');
toolbar.append(searchField, levelSelect, classSelect, namespaceField, workloadField, followButton, wrapBox, clearButton, exportVisibleButton, exportAllButton, addContextButton);

const searchProblem = el('div', 'search-problem');
searchProblem.hidden = true;
const streamsBar = el('div', 'streams');
streamsBar.setAttribute('aria-label', 'ztunnel streams');
const countersBar = el('div', 'counters');
countersBar.setAttribute('aria-live', 'polite');
const problemBar = el('div', 'problem');
problemBar.hidden = true;

const header = el('div', 'row header');
const viewport = el('div', 'viewport');
viewport.tabIndex = 0;
viewport.setAttribute('role', 'grid');
viewport.setAttribute('aria-label', 'ztunnel log entries');
const spacerTop = el('div', 'spacer');
const rowsHost = el('div', 'rows');
const spacerBottom = el('div', 'spacer');
viewport.append(spacerTop, rowsHost, spacerBottom);
const empty = el('div', 'empty muted', 'Waiting for ztunnel log entries…');

const details = el('section', 'details');
details.hidden = true;
details.setAttribute('aria-label', 'Selected entry');

app.append(toolbar, searchProblem, streamsBar, countersBar, problemBar, header, viewport, empty, details);

function showMultiCluster(): boolean {
  return source?.kind === 'cluster' && source.contexts.length > 1;
}

function renderHeader(): void {
  header.textContent = '';
  header.append(el('span', 'cell time', 'Time'));
  if (showMultiCluster()) header.append(el('span', 'cell cluster', 'Cluster'));
  header.append(el('span', 'cell pod', 'Pod'), el('span', 'cell level', 'Level'), el('span', 'cell content', 'Entry'));
}

// ---- rows ------------------------------------------------------------------------------------------------

function clockTime(row: LogRow): string {
  const time = row.time;
  if (time === undefined) return '';
  const t = time.indexOf('T');
  return t === -1 ? time : time.slice(t + 1).replace(/Z$/, '');
}

const classLabels: Record<LogClass, string> = { mtls: 'mTLS', plaintext: 'plain text', 'tls-error': 'TLS error', denied: 'denied by policy', tls: 'TLS', other: '', unparsed: 'unparsed' };

function contentCell(row: LogRow): HTMLElement {
  const cell = el('span', 'cell content');
  const summary = accessSummary(row);
  if (row.class === 'mtls') {
    const badge = el('span', 'badge badge-mtls');
    badge.append(lockIcon(), document.createTextNode('mTLS'));
    badge.title = 'Mutual TLS: the connection carried workload identities (or HBONE)';
    cell.append(badge);
  } else if (row.class === 'plaintext') {
    const badge = el('span', 'badge badge-plaintext', '⚠ unencrypted');
    badge.title = 'Plain text: no identities and no HBONE on this connection';
    cell.append(badge);
  } else if (row.class === 'tls-error') {
    cell.append(el('span', 'badge badge-tls-error', '✖ TLS error'));
  } else if (row.class === 'denied') {
    const rejection = rowRejection(row);
    const badge = el('span', 'badge badge-denied', rejection?.kind === 'denied' ? `⛔ denied by ${rejection.namespace}/${rejection.name}` : '⛔ denied: no ALLOW matched');
    badge.title = rejection ? `${rejectionSentence(rejection)} (ztunnel's L4 authorization refused the connection)` : "ztunnel's L4 authorization refused the connection";
    cell.append(badge);
  } else if (row.class === 'tls') {
    cell.append(el('span', 'badge badge-tls', 'TLS'));
  } else if (row.class === 'unparsed') {
    const badge = el('span', 'badge badge-unparsed', 'unparsed');
    badge.title = 'Not a ztunnel log entry this view could read: kept as written, with no verdict';
    cell.append(badge);
  }
  if (summary) {
    cell.append(el('span', 'route', summary.route));
    if (summary.srcIdentity || summary.dstIdentity) {
      const identities = el('span', 'identities', `${summary.srcIdentity ? shortIdentity(summary.srcIdentity) : '—'} → ${summary.dstIdentity ? shortIdentity(summary.dstIdentity) : '—'}`);
      identities.title = `${summary.srcIdentity ?? 'no source identity'} → ${summary.dstIdentity ?? 'no destination identity'}`;
      cell.append(identities);
    }
    const facts: string[] = [];
    if (summary.bytesSent !== undefined) facts.push(`↑${formatBytes(summary.bytesSent)}`);
    if (summary.bytesRecv !== undefined) facts.push(`↓${formatBytes(summary.bytesRecv)}`);
    if (summary.duration !== undefined) facts.push(summary.duration);
    if (summary.direction !== undefined) facts.push(summary.direction);
    if (facts.length > 0) cell.append(el('span', 'facts muted', facts.join(' · ')));
    if (summary.error) cell.append(el('span', 'error-text', summary.error));
    if (row.message !== 'connection complete') cell.append(el('span', 'muted', row.message));
    return cell;
  }
  if (row.scope) cell.append(el('span', 'scope muted', row.scope));
  if (row.message) cell.append(el('span', 'message', row.message));
  const fieldsText = row.fieldsText ?? (row.fields ? Object.entries(entryFields(row)).map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`).join(' ') : '');
  if (fieldsText) cell.append(el('span', 'fields muted', fieldsText));
  return cell;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A padlock drawn in the text colour (an emoji lock is missing from many fonts). */
function lockIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'lock');
  svg.setAttribute('aria-hidden', 'true');
  const shackle = document.createElementNS(SVG, 'path');
  shackle.setAttribute('d', 'M5 7V5a3 3 0 0 1 6 0v2');
  shackle.setAttribute('fill', 'none');
  shackle.setAttribute('stroke', 'currentColor');
  shackle.setAttribute('stroke-width', '1.6');
  const body = document.createElementNS(SVG, 'rect');
  body.setAttribute('x', '3');
  body.setAttribute('y', '7');
  body.setAttribute('width', '10');
  body.setAttribute('height', '8');
  body.setAttribute('rx', '1.5');
  body.setAttribute('fill', 'currentColor');
  svg.append(shackle, body);
  return svg;
}

function rowElement(row: LogRow, index: number): HTMLElement {
  const element = el('div', `row entry class-${row.class} level-${row.level ?? 'none'}${row.seq === selectedSeq ? ' selected' : ''}`);
  element.dataset.seq = String(row.seq);
  element.dataset.class = row.class;
  element.setAttribute('role', 'row');
  element.setAttribute('aria-rowindex', String(index + 1));
  if (row.seq === selectedSeq) element.setAttribute('aria-selected', 'true');
  const time = el('span', 'cell time', clockTime(row));
  time.title = row.time ?? 'no timestamp';
  element.append(time);
  if (showMultiCluster()) element.append(el('span', 'cell cluster', row.cluster ?? ''));
  const pod = el('span', 'cell pod', row.pod ?? row.source ?? '');
  pod.title = row.node ? `${row.pod} on ${row.node}` : (row.source ?? row.pod ?? '');
  element.append(pod, el('span', `cell level level-${row.level ?? 'none'}`, row.level ?? ''), contentCell(row));
  if (classLabels[row.class]) element.setAttribute('aria-label', `${classLabels[row.class]}: ${row.message}`);
  if (wrap) keepWordsWhole(element);
  if (highlighter) markMatches(element, highlighter);
  return element;
}

/**
 * Wrapped rows break between words only. CSS alone also breaks after a hyphen (`grafana-` / `55c8f…`, a pod
 * name cut in two), so each word goes in a span that does not wrap; the text itself is unchanged (copying
 * gives the same characters).
 */
function keepWordsWhole(element: HTMLElement): void {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) nodes.push(node as Text);
  for (const node of nodes) {
    if (!/[-/]/.test(node.data)) continue; // no break opportunity inside any word
    const parts: Node[] = [];
    for (const piece of node.data.split(/(\s+)/)) {
      if (piece === '') continue;
      parts.push(/^\s+$/.test(piece) ? document.createTextNode(piece) : el('span', 'word', piece));
    }
    node.replaceWith(...parts);
  }
}

// ---- search hits --------------------------------------------------------------------------------------

/** The current search as a global pattern for marking hits (undefined: no search, or an invalid regex). */
let highlighter: RegExp | undefined = compileHighlighter(model.filters.search);

function compileHighlighter(search: string): RegExp | undefined {
  const pattern = searchPattern(search);
  if (pattern.regex) return new RegExp(pattern.regex.source, pattern.regex.flags.includes('g') ? pattern.regex.flags : pattern.regex.flags + 'g');
  if (pattern.text !== undefined) return new RegExp(pattern.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return undefined;
}

/** Wraps every hit in the element's text in <mark>, splitting text nodes (text stays text: no HTML parsing). */
function markMatches(element: HTMLElement, pattern: RegExp): void {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) nodes.push(node as Text);
  for (const node of nodes) {
    const text = node.data;
    pattern.lastIndex = 0;
    let last = 0;
    let match: RegExpExecArray | null;
    const parts: Node[] = [];
    while ((match = pattern.exec(text)) !== null) {
      if (match[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      if (match.index > last) parts.push(document.createTextNode(text.slice(last, match.index)));
      parts.push(el('mark', 'hit', match[0]));
      last = match.index + match[0].length;
    }
    if (parts.length === 0) continue;
    if (last < text.length) parts.push(document.createTextNode(text.slice(last)));
    node.replaceWith(...parts);
  }
}

let renderQueued = false;
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

/** Only the rows in view (plus a few) exist in the DOM; spacers stand for the rest. */
function render(): void {
  if (model.follow) viewport.scrollTop = viewport.scrollHeight;
  const total = model.visible.length;
  const height = viewport.clientHeight || 600;
  let first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const count = Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN;
  if (model.follow) first = Math.max(0, total - count);
  const last = Math.min(total, first + count);
  spacerTop.style.height = `${first * ROW_HEIGHT}px`;
  spacerBottom.style.height = `${(total - last) * ROW_HEIGHT}px`;
  const fragment = document.createDocumentFragment();
  for (let i = first; i < last; i++) fragment.append(rowElement(model.visible[i]!, i));
  rowsHost.replaceChildren(fragment);
  if (model.follow) viewport.scrollTop = viewport.scrollHeight;
  empty.hidden = total > 0;
  empty.textContent = model.length === 0 ? 'Waiting for ztunnel log entries…' : 'No entries match the filters.';
  renderCounters();
}

// ---- counters and streams --------------------------------------------------------------------------------

function renderCounters(): void {
  const parts: HTMLElement[] = [];
  const counter = (label: string, value: number | string, className = '') => {
    const item = el('span', `counter ${className}`);
    item.dataset.counter = label;
    item.append(el('span', 'counter-label', `${label} `), el('span', 'counter-value', String(value)));
    parts.push(item);
  };
  counter('entries', model.counts.entries);
  counter('shown', model.visible.length);
  counter('mTLS', model.counts.mtls, 'counter-mtls');
  counter('plain text', model.counts.plaintext, 'counter-plaintext');
  counter('errors', model.counts.errors, 'counter-errors');
  counter('unparsed', model.counts.unparsed, 'counter-unparsed');
  if (model.counts.denied > 0) counter('denied', model.counts.denied, 'counter-denied');
  for (const [policy, n] of [...model.counts.byPolicy].filter(([, n]) => n > 0).sort()) counter(policy, n, 'counter-policy');
  for (const [pod, n] of [...model.counts.byPod].filter(([, n]) => n > 0).sort()) counter(pod, n, 'counter-pod');
  const dropped = model.dropped;
  if (dropped > 0) counter('older entries dropped', dropped, 'counter-dropped');
  if (!model.follow && model.pausedCount > 0) counter('new while paused', model.pausedCount, 'counter-paused');
  countersBar.replaceChildren(...parts);
}

const stateLabels: Record<PodStreamStatus['state']['kind'], string> = {
  waiting: 'waiting for pod',
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  ended: 'ended',
  error: 'error',
};

function renderStreams(): void {
  const chips = [...statuses.values()]
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.pod.localeCompare(b.pod))
    .map((status) => {
      const chip = el('span', `stream stream-${status.state.kind}`);
      chip.dataset.pod = status.pod;
      chip.dataset.state = status.state.kind;
      const where = `${showMultiCluster() ? `${status.cluster}/` : ''}${status.pod}${status.node ? ` (${status.node})` : ''}`;
      let state = stateLabels[status.state.kind];
      if (status.state.kind === 'reconnecting') state += ` (attempt ${status.state.attempt}, in ${Math.round(status.state.delayMs / 100) / 10} s)`;
      if (status.state.kind === 'error' || status.state.kind === 'ended') state += `: ${status.state.reason}`;
      chip.append(el('span', 'dot'), el('span', 'stream-pod', where), el('span', 'stream-state', state));
      chip.title = status.state.kind === 'reconnecting' ? `${where}: ${status.state.reason}` : `${where}: ${state}, ${status.lines} lines`;
      return chip;
    });
  streamsBar.replaceChildren(...chips);
  streamsBar.hidden = chips.length === 0;
}

// ---- filters ---------------------------------------------------------------------------------------------

function refilter(): void {
  highlighter = compileHighlighter(model.filters.search);
  const problem = searchPattern(model.filters.search).invalid;
  searchProblem.hidden = problem === undefined;
  searchProblem.textContent = problem ? `Not a valid regular expression (showing everything): ${problem}` : '';
  if (selectedSeq !== undefined && !model.visible.some((row) => row.seq === selectedSeq)) select(undefined);
  scheduleRender();
}

function setFilters(next: Partial<LogFilters>): void {
  model.setFilters({ ...model.filters, ...next });
  hasSavedFilters = true;
  saveState();
  refilter();
}

function syncControls(): void {
  searchField.value = model.filters.search;
  levelSelect.value = model.filters.level;
  classSelect.value = model.filters.class;
  namespaceField.value = model.filters.namespace;
  workloadField.value = model.filters.workload;
  followButton.textContent = model.follow ? 'Pause' : model.pausedCount > 0 ? `Resume (${model.pausedCount} new)` : 'Resume';
  followButton.setAttribute('aria-pressed', String(!model.follow));
  wrapBox.checked = wrap;
  app.classList.toggle('wrap', wrap);
  addContextButton.hidden = source?.kind !== 'cluster';
}

searchField.addEventListener('input', () => setFilters({ search: searchField.value }));
levelSelect.addEventListener('change', () => setFilters({ level: levelSelect.value as LevelFilter }));
classSelect.addEventListener('change', () => setFilters({ class: classSelect.value as ClassFilter }));
namespaceField.addEventListener('input', () => setFilters({ namespace: namespaceField.value }));
workloadField.addEventListener('input', () => setFilters({ workload: workloadField.value }));
followButton.addEventListener('click', () => setFollow(!model.follow));
wrapBox.addEventListener('change', () => {
  wrap = wrapBox.checked;
  saveState();
  syncControls();
  scheduleRender();
});
clearButton.addEventListener('click', () => {
  clearRows();
  vscode.postMessage({ type: 'clear' });
});
exportVisibleButton.addEventListener('click', () => vscode.postMessage({ type: 'export', scope: 'visible', seqs: model.visible.map((row) => row.seq) }));
exportAllButton.addEventListener('click', () => vscode.postMessage({ type: 'export', scope: 'all' }));
addContextButton.addEventListener('click', () => vscode.postMessage({ type: 'addContext' }));

function setFollow(on: boolean): void {
  model.setFollow(on);
  saveState();
  syncControls();
  scheduleRender();
}

// A user scrolling up while following wants to read: stop following (nothing is lost, see `paused`).
viewport.addEventListener('wheel', (event) => {
  if (model.follow && event.deltaY < 0) setFollow(false);
});
viewport.addEventListener('scroll', () => scheduleRenderOnScroll());
let scrollQueued = false;
function scheduleRenderOnScroll(): void {
  if (model.follow || scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    render();
  });
}
new ResizeObserver(() => scheduleRender()).observe(viewport);

// ---- selection and details ---------------------------------------------------------------------------

function select(seq: number | undefined): void {
  selectedSeq = seq;
  const row = seq === undefined ? undefined : model.find(seq);
  details.hidden = row === undefined;
  details.textContent = '';
  if (row) {
    const title = el('h2', 'details-title', `${row.time ?? 'no timestamp'} · ${row.pod ?? ''} · ${row.level ?? ''} · ${classLabels[row.class] || 'other'}`);
    const close = custom('vscode-button', { appearance: 'icon', 'aria-label': 'Close details', title: 'Close details' }, '✕');
    close.addEventListener('click', () => select(undefined));
    const list = el('dl', 'details-fields');
    const add = (key: string, value: string) => list.append(el('dt', undefined, key), el('dd', undefined, value));
    if (row.cluster) add('cluster', row.cluster);
    if (row.source) add('source', row.source);
    if (row.pod) add('pod', row.pod);
    if (row.node) add('node', row.node);
    add('time', row.time ?? '');
    add('level', row.level ?? '');
    add('scope', row.scope ?? '');
    add('message', row.message);
    add('class', row.class);
    const facts = connectionFacts(row);
    if (facts) add('connection', facts);
    const rejection = rowRejection(row);
    if (rejection) {
      const value = el('dd', 'details-policy', rejectionSentence(rejection));
      // The policy opens as YAML from the cluster the line came from; a saved file names no cluster.
      if (rejection.kind === 'denied' && row.cluster) {
        const open = custom('vscode-button', { appearance: 'secondary', title: `Open ${rejection.namespace}/${rejection.name} as YAML` }, 'Open policy');
        open.addEventListener('click', () => vscode.postMessage({ type: 'openPolicy', context: row.cluster!, namespace: rejection.namespace, name: rejection.name }));
        value.append(' ', open);
      }
      list.append(el('dt', undefined, 'policy'), value);
    }
    add('format', row.format);
    for (const [key, value] of Object.entries(entryFields(row))) add(key, value === null ? 'null' : String(value));
    details.append(close, title, list);
  }
  for (const element of rowsHost.children) {
    const on = (element as HTMLElement).dataset.seq === String(seq);
    element.classList.toggle('selected', on);
    if (on) element.setAttribute('aria-selected', 'true');
    else element.removeAttribute('aria-selected');
  }
}

/**
 * What the fields prove about the connection, also when it failed (a TLS error keeps its mTLS and HBONE
 * facts): `mTLS: src.identity, dst.identity · HBONE: dst.hbone_addr 10.0.0.2:8080`.
 */
function connectionFacts(row: LogRow): string | undefined {
  if (accessSummary(row) === undefined) return undefined;
  const fields = entryFields(row);
  const present = (key: string) => fields[key] !== undefined && fields[key] !== null && fields[key] !== '';
  const identities = ['src.identity', 'dst.identity'].filter(present);
  const dstAddr = typeof fields['dst.addr'] === 'string' ? fields['dst.addr'] : '';
  const hbone = present('dst.hbone_addr') ? `dst.hbone_addr ${String(fields['dst.hbone_addr'])}` : dstAddr.endsWith(':15008') ? `dst.addr ${dstAddr}` : undefined;
  const parts: string[] = [];
  if (identities.length > 0) parts.push(`mTLS: ${identities.join(', ')}`);
  if (hbone) parts.push(`HBONE: ${hbone}`);
  if (row.class === 'tls-error') parts.push('the connection failed on TLS');
  return parts.length > 0 ? parts.join(' · ') : 'no identities, no HBONE';
}

rowsHost.addEventListener('click', (event) => {
  const row = (event.target as HTMLElement).closest<HTMLElement>('.row.entry');
  if (row?.dataset.seq) select(Number(row.dataset.seq));
});

viewport.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Escape') return;
  event.preventDefault();
  if (event.key === 'Escape') return select(undefined);
  const visible = model.visible;
  const index = visible.findIndex((row) => row.seq === selectedSeq);
  const next = event.key === 'ArrowDown' ? Math.min(visible.length - 1, index + 1) : Math.max(0, index === -1 ? visible.length - 1 : index - 1);
  const row = visible[next];
  if (!row) return;
  if (model.follow) setFollow(false);
  select(row.seq);
  const top = next * ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  render();
});

// ---- data ------------------------------------------------------------------------------------------------

function clearRows(): void {
  model.clear();
  select(undefined);
  syncControls();
  scheduleRender();
}

function addRows(rows: readonly LogRow[]): void {
  model.add(rows);
  if (!model.follow) {
    // Held for Resume: only the "new while paused" count changes on screen.
    syncControls();
    renderCounters();
    return;
  }
  scheduleRender();
}

function receive(message: ToLogView): void {
  switch (message.type) {
    case 'init':
      source = message.source;
      model.capacity = message.maxEntries;
      document.title = message.title;
      // A namespace node pre-filters, unless the user's own filters came back with the view.
      if (!hasSavedFilters && message.namespace) model.setFilters({ ...model.filters, namespace: message.namespace });
      highlighter = compileHighlighter(model.filters.search);
      saveState();
      syncControls();
      renderHeader();
      renderStreams();
      return;
    case 'reset':
      statuses.clear();
      clearRows();
      renderStreams();
      return;
    case 'rows':
      // Rows are plain data: re-derive nothing but what the view needs (classes come from the parser).
      addRows(message.rows);
      return;
    case 'status':
      statuses.set(`${message.status.cluster}/${message.status.pod}`, message.status);
      renderStreams();
      return;
    case 'problem':
      problemBar.hidden = false;
      problemBar.textContent = message.message;
      return;
    default: {
      const unhandled: never = message;
      console.error('log view: unknown message', unhandled);
    }
  }
}

window.addEventListener('message', (event: MessageEvent<ToLogView>) => receive(event.data));

// Exposed for the UI tests (read-only facts about the virtualized list).
(window as unknown as { ztunnelLogView: unknown }).ztunnelLogView = {
  bufferLength: () => model.length,
  visibleLength: () => model.visible.length,
  renderedRows: () => rowsHost.children.length,
  /** Time keys of the rows shown, in the order shown (the UI test checks they never go backwards). */
  visibleTimeKeys: () => model.visible.map((row) => row.timeKey),
};

syncControls();
renderHeader();
render();
vscode.postMessage({ type: 'ready' });
