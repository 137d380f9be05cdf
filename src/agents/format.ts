// The agent tools' results as plain text a model can quote: the same sentences the commands show users
// (summaries, verdicts, findings), laid out one fact a line. Pure: no vscode, no kube client.
import type { CommandReport, OutcomeWords } from '../commands/report';
import { details, summarize } from '../commands/report';
import type { KubeContextInfo } from '../kube/types';
import { accessSummary, formatBytes, shortIdentity } from '../logs/summary';
import type { ZtunnelLogEntry } from '../logs/entry';
import type { ClusterView, NamespaceEntry } from '../mesh/clusterModel';
import { curlExitMeaning, type ConnectivityResult } from '../mesh/connectivity';
import { STATUS_WORDS, type HealthReport } from '../mesh/health';
import { contextDetail } from '../mesh/meshSummary';
import type { PreflightReport } from '../mesh/preflight';

export interface ContextStatus {
  readonly info: KubeContextInfo;
  readonly view: ClusterView;
  readonly health?: HealthReport;
}

function namespaceLine(entry: NamespaceEntry): string {
  const { counts } = entry.progress;
  const state = entry.badge.description || (entry.dataplane.mode === 'none' ? 'not in the mesh' : entry.dataplane.mode);
  const behind: string[] = [];
  if (entry.dataplane.ambient && counts.notCaptured > 0) behind.push(`${counts.notCaptured} not captured`);
  if (entry.dataplane.ambient && counts.pending > 0) behind.push(`${counts.pending} pending capture`);
  if (entry.dataplane.ambient && counts.sidecar > 0) behind.push(`${counts.sidecar} still running a sidecar`);
  const restart = behind.length > 0 ? ` (${behind.join(', ')}: restart the workloads to capture them)` : '';
  return `- ${entry.name}: ${state}${restart}`;
}

export function formatHealth(report: HealthReport): string[] {
  if (report.error) return [`Health: not checked: ${report.error}`];
  return [`Health: ${STATUS_WORDS[report.worst]}`, ...report.checks.map((c) => `- ${c.title}: ${STATUS_WORDS[c.status]} — ${c.summary}`)];
}

/** Every context: its mesh line, its namespaces with dataplane and capture, its health when checked. */
export function formatStatus(statuses: readonly ContextStatus[], options: { includeSystemNamespaces: boolean }): string {
  const blocks = statuses.map(({ info, view, health }) => {
    const current = info.isCurrent ? ', current' : '';
    const lines = [`Context ${info.name} (cluster ${info.cluster}, user ${info.user}${current})`];
    if (view.status === 'error' && view.problem) {
      lines.push(`Not readable: ${view.problem.sentence}`);
      return lines.join('\n');
    }
    const ambient = [...view.namespaces.values()].filter((n) => !n.system && n.dataplane.ambient).length;
    lines.push(`Mesh: ${contextDetail(view.summary, ambient) || 'unknown'}`);
    const shown = [...view.namespaces.values()].filter((n) => options.includeSystemNamespaces || !n.system);
    const hidden = view.namespaces.size - shown.length;
    lines.push(`Namespaces (${shown.length}${hidden > 0 ? `; ${hidden} system namespace${hidden === 1 ? '' : 's'} not listed` : ''}):`);
    lines.push(...shown.map(namespaceLine));
    if (health) lines.push(...formatHealth(health));
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

/** A command's report: the toast's sentence, then every target. */
export function formatReport(report: CommandReport, words: OutcomeWords): string {
  const list = details(report, words);
  return list ? `${summarize(report, words)}\n${list}` : summarize(report, words);
}

export function formatConnectivity(results: readonly ConnectivityResult[]): string {
  return results
    .map((r) => {
      const from = `${r.source.namespace}/${r.source.pod}`;
      if (r.error) return `${r.context}: ${from} → ${r.target}: not tested: ${r.error}`;
      const lines = [`${r.context}: ${from} → ${r.target}`, `curl: ${r.argv.join(' ')} → exit ${r.exitCode} (${curlExitMeaning(r.exitCode ?? -1)})`];
      if (r.verdict) {
        lines.push(`Verdict: ${r.verdict.kind} — ${r.verdict.sentence}`);
        if (r.verdict.sourceIdentity) lines.push(`Source identity: ${r.verdict.sourceIdentity}`);
        if (r.verdict.destinationIdentity) lines.push(`Destination identity: ${r.verdict.destinationIdentity}`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

export function formatPreflight(reports: readonly PreflightReport[]): string {
  return reports
    .map((r) => {
      const where = `${r.namespace} on ${r.context}`;
      if (r.error) return `${where}: not checked: ${r.error}`;
      if (r.findings.length === 0) return `${where}: no findings: nothing in the way of enrolling this namespace.`;
      const lines = [`${where}: ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (worst: ${r.worst})`];
      for (const f of r.findings) {
        const pods = f.pods.length > 0 ? ` [pods: ${f.pods.slice(0, 5).join(', ')}${f.pods.length > 5 ? `, … ${f.pods.length - 5} more` : ''}]` : '';
        const objects = f.objects.length > 0 ? ` [${f.objects.join(', ')}]` : '';
        lines.push(`- ${f.severity}: ${f.title}${pods}${objects}`, `  Why: ${f.why}`, `  Fix: ${f.fix}`, `  Docs: ${f.docs}`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

/** An entry read from one ztunnel pod of one context. */
export interface SourcedEntry {
  readonly context: string;
  readonly pod: string;
  readonly entry: ZtunnelLogEntry;
}

/** The longest line quoted from a log entry: a stack of fields is not worth a model's context. */
const MAX_LINE = 300;

function clip(text: string): string {
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}

export function logLine({ context, pod, entry }: SourcedEntry): string {
  const head = `${entry.time ?? '-'} ${context}/${pod} ${entry.level ?? '-'} [${entry.class}]`;
  const access = accessSummary(entry);
  if (access) {
    const ids = access.srcIdentity || access.dstIdentity ? ` ${shortIdentity(access.srcIdentity ?? '?')} → ${shortIdentity(access.dstIdentity ?? '?')}` : '';
    const bytes = access.bytesSent !== undefined || access.bytesRecv !== undefined ? ` sent ${formatBytes(access.bytesSent ?? 0)} recv ${formatBytes(access.bytesRecv ?? 0)}` : '';
    const rest = [access.direction, access.duration].filter(Boolean).join(' ');
    return clip(`${head} ${access.route}${ids}${bytes}${rest ? ` ${rest}` : ''}${access.error ? ` error: ${access.error}` : ''}`);
  }
  return clip(`${head} ${entry.scope ? `${entry.scope}: ` : ''}${entry.message}${entry.fieldsText ? ` ${entry.fieldsText}` : ''}`);
}

export interface LogDigest {
  /** Per context: ztunnel pods read, and why any could not be. */
  readonly sources: readonly { readonly context: string; readonly pods: number; readonly failures: readonly string[] }[];
  readonly read: number;
  readonly matched: readonly SourcedEntry[];
  readonly sinceMinutes: number;
  readonly limit: number;
  /** The filters in words, e.g. `namespace finance, class tls-error`. */
  readonly filters: string;
}

/** Counts per kind over every match, then the newest `limit` matches, oldest first. */
export function formatLogs(digest: LogDigest): string {
  const counts = new Map<string, number>();
  for (const { entry } of digest.matched) counts.set(entry.class, (counts.get(entry.class) ?? 0) + 1);
  const byKind = [...counts].map(([cls, n]) => `${cls} ${n}`).join(', ');
  const where = digest.sources.map((s) => `${s.context} (${s.pods} ztunnel pod${s.pods === 1 ? '' : 's'})`).join(', ');
  const lines = [
    `ztunnel logs of the last ${digest.sinceMinutes} min on ${where}${digest.filters ? `, filtered by ${digest.filters}` : ''}: ${digest.read} entries read, ${digest.matched.length} match${byKind ? ` (${byKind})` : ''}.`,
  ];
  for (const s of digest.sources) for (const failure of s.failures) lines.push(`Not read: ${failure}`);
  const newest = [...digest.matched].sort((a, b) => (a.entry.time ?? '').localeCompare(b.entry.time ?? '')).slice(-digest.limit);
  if (newest.length > 0) {
    lines.push(newest.length < digest.matched.length ? `Newest ${newest.length} of ${digest.matched.length}:` : 'Entries:');
    lines.push(...newest.map(logLine));
  }
  return lines.join('\n');
}
