// What a command did to each of its targets, told three ways: one summary sentence in a notification
// (partial failure said as such), the full per-target list behind "Show Details", and every line in the
// output channel. Every target appears, whatever happened to it.
import type { CommandDeps, Severity } from './host';
import type { NamespaceRef, WorkloadRef } from './namespacePlan';
import { nameTargets } from './writeGuard';

export type Outcome =
  /** Changed as asked (enrolled, label removed, restarted and ready). */
  | 'done'
  /** Dry run: the API server accepted the change, nothing was changed. */
  | 'dry-run'
  /** Already as asked: no request sent. */
  | 'unchanged'
  /** Restarted, but the rollout did not finish (detail: the rollout's condition). */
  | 'not-ready'
  /** Restarted; the rollout was not followed to the end (cancelled while waiting). */
  | 'restarted'
  | 'failed'
  /** Cancelled before its turn: the cluster was not touched for it. */
  | 'not-started';

export interface TargetResult {
  readonly ref: NamespaceRef | WorkloadRef;
  /** How the target is named to the user: `cluster-1/finance`, `Deployment prometheus/grafana (cluster-1)`. */
  readonly target: string;
  readonly outcome: Outcome;
  readonly detail: string;
  /** What would fix a failure (the RBAC grant for a 403): in the details and the log, not the toast. */
  readonly hint?: string;
}

export interface CommandReport {
  /** The command's title, e.g. "Enroll in Ambient". */
  readonly title: string;
  readonly results: readonly TargetResult[];
  /** The user cancelled (a confirmation, or the progress notification). */
  readonly cancelled: boolean;
  readonly dryRun: boolean;
}

/** Words for each outcome in the summary sentence, per command ("enrolled", "already ambient"). */
export type OutcomeWords = Readonly<Record<Outcome, string>>;

const ORDER: readonly Outcome[] = ['done', 'dry-run', 'unchanged', 'restarted', 'not-ready', 'failed', 'not-started'];

export function countOutcomes(results: readonly TargetResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { done: 0, 'dry-run': 0, unchanged: 0, 'not-ready': 0, restarted: 0, failed: 0, 'not-started': 0 };
  for (const result of results) counts[result.outcome]++;
  return counts;
}

export function reportSeverity(report: CommandReport): Severity {
  const counts = countOutcomes(report.results);
  const ok = counts.done + counts['dry-run'] + counts.unchanged + counts.restarted;
  if (counts.failed > 0 && ok + counts['not-ready'] === 0) return 'error';
  if (counts.failed > 0 || counts['not-ready'] > 0 || counts['not-started'] > 0 || report.cancelled) return 'warning';
  return 'info';
}

/** Where each result happened, namespace × cluster, once each (a restart's workloads are listed in the details). */
function whereOf(results: readonly TargetResult[]): { context: string; label: string }[] {
  const seen = new Set<string>();
  const out: { context: string; label: string }[] = [];
  for (const { ref } of results) {
    const key = `${ref.context}\n${ref.namespace}`;
    if (!seen.has(key)) out.push({ context: ref.context, label: ref.namespace });
    seen.add(key);
  }
  return out;
}

/**
 * One sentence naming namespace × cluster for every outcome:
 * `Enroll in Ambient partly failed: 1 enrolled (finance on cluster-1), 1 failed (finance on cluster-2). cluster-2/finance: ...`
 */
export function summarize(report: CommandReport, words: OutcomeWords): string {
  const counts = countOutcomes(report.results);
  const parts = ORDER.filter((o) => counts[o] > 0).map(
    (o) => `${counts[o]} ${words[o]} (${nameTargets(whereOf(report.results.filter((r) => r.outcome === o)), 6)})`,
  );
  const failures = report.results.filter((r) => r.outcome === 'failed');
  const ok = report.results.length - failures.length - counts['not-started'];
  const verdict =
    failures.length === 0 ? (report.cancelled ? ' was cancelled' : '') : ok > 0 ? ' partly failed' : ' failed';
  const dryRun = report.dryRun ? ' (dry run: nothing changed)' : '';
  let sentence = `${report.title}${dryRun}${verdict}: ${parts.join(', ') || 'nothing to do'}.`;
  // The first failure's reason fits in the notification; the rest are behind "Show Details".
  if (failures.length > 0) sentence += ` ${failures[0].target}: ${failures[0].detail}`;
  if (failures.length > 1) sentence += ` (and ${failures.length - 1} more)`;
  return sentence;
}

/** Every target, grouped by outcome: what succeeded, what failed and why, what was not done. */
export function details(report: CommandReport, words: OutcomeWords, limit = 60): string {
  const lines: string[] = [];
  for (const outcome of ORDER) {
    const results = report.results.filter((r) => r.outcome === outcome);
    if (results.length === 0) continue;
    lines.push(`${capitalize(words[outcome])} (${results.length}):`);
    for (const result of results.slice(0, limit)) {
      lines.push(`  ${result.target}${result.detail ? ` — ${result.detail}` : ''}`);
      if (result.hint) lines.push(`    ${result.hint}`);
    }
    if (results.length > limit) lines.push(`  … and ${results.length - limit} more (see the output channel)`);
  }
  return lines.join('\n');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The toast's action that reveals the output log, where every result of every command is kept. */
export const SHOW_RESULTS = 'Show Results';

/** Write the report to the log (always) and show the summary; "Show Details" opens the full list. */
export function presentReport(deps: CommandDeps, report: CommandReport, words: OutcomeWords): void {
  const summary = summarize(report, words);
  const log = reportSeverity(report) === 'info' ? deps.log.info : reportSeverity(report) === 'error' ? deps.log.error : deps.log.warn;
  log.call(deps.log, summary);
  for (const result of report.results) {
    const line = `${report.title}: ${result.target}: ${words[result.outcome]}${result.detail ? ` — ${result.detail}` : ''}`;
    if (result.outcome === 'failed') {
      deps.log.error(line);
      if (result.hint) deps.log.info(`${report.title}: ${result.target}: ${result.hint}`);
    }
    else if (result.outcome === 'not-ready' || result.outcome === 'not-started') deps.log.warn(line);
    else deps.log.info(line);
  }
  // A single result needs no details, unless it carries a fix (the RBAC recipe of a 403).
  const single = report.results.length <= 1 && !report.results.some((r) => r.hint);
  const actions = single ? [SHOW_RESULTS] : ['Show Details', SHOW_RESULTS];
  // Not awaited: a notification can stay open for as long as the user likes; the command is done.
  void deps.host.showMessage(reportSeverity(report), summary, {}, ...actions).then((choice) => {
    if (choice === SHOW_RESULTS) deps.log.show?.(true);
    if (choice === 'Show Details') {
      void deps.host.showMessage(reportSeverity(report), summary, { modal: true, detail: details(report, words) });
    }
  });
}
