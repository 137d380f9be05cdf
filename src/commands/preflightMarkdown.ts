// The Check Before Enrolling report as Markdown: one section per namespace × cluster, findings worst
// first, each with its pods, why, fix and doc link. Names and messages come from the cluster: every
// piece of cluster text is escaped, so a crafted name cannot inject links or HTML into the preview.
import type { PreflightFinding, PreflightReport, PreflightSeverity } from '../mesh/preflight';

// Plain symbols: colour emoji need a font that headless and remote workbenches often lack.
const SEVERITY_WORDS: Record<PreflightSeverity, string> = { error: '✖ Error', warning: '⚠ Warning', info: 'ℹ Info' };

/**
 * Backslash-escape the punctuation that makes emphasis, code, links, tables or HTML inside a line (cluster
 * text never starts a line here, so `#`, `-` and `1.` are harmless) and neutralise `<`.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/[\\`*_[\]|~>]/g, (c) => `\\${c}`).replace(/</g, '&lt;');
}

/** Fixes carry commands in backticks (our own text with cluster names in it): keep code spans, escape the rest. */
function withCode(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? `\`${part.slice(1, -1).replace(/`/g, "'").replace(/\n/g, ' ')}\`` : escapeMarkdown(part)))
    .join('');
}

function finding(f: PreflightFinding): string[] {
  const lines = [`### ${SEVERITY_WORDS[f.severity]}: ${escapeMarkdown(f.title)}`, ''];
  if (f.pods.length > 0) {
    const shown = f.pods.slice(0, 20).map((p) => escapeMarkdown(p));
    lines.push(`- **Pods (${f.pods.length}):** ${shown.join(', ')}${f.pods.length > shown.length ? ` and ${f.pods.length - shown.length} more` : ''}`);
  }
  if (f.objects.length > 0) lines.push(`- **Objects:** ${f.objects.map(escapeMarkdown).join(', ')}`);
  lines.push(`- **Why:** ${withCode(f.why)}`, `- **Fix:** ${withCode(f.fix)}`, `- **Docs:** <${f.docs}>`, '');
  return lines;
}

function counts(report: PreflightReport): string {
  const by = (s: PreflightSeverity) => report.findings.filter((f) => f.severity === s).length;
  return [`${by('error')} error${by('error') === 1 ? '' : 's'}`, `${by('warning')} warning${by('warning') === 1 ? '' : 's'}`, `${by('info')} info`].join(', ');
}

export function preflightMarkdown(reports: readonly PreflightReport[], checkedAt: Date): string {
  const lines = [`# Check Before Enrolling`, '', `Checked ${checkedAt.toISOString().replace(/\.\d+Z$/, 'Z')}: what enrolling these namespaces in ambient would break or leave out.`, ''];
  lines.push('| Namespace | Cluster | Result |', '|---|---|---|');
  for (const r of reports) {
    const result = r.error ? 'not checked' : r.findings.length === 0 ? '✔ ready to enroll' : counts(r);
    lines.push(`| ${escapeMarkdown(r.namespace)} | ${escapeMarkdown(r.context)} | ${result} |`);
  }
  lines.push('');
  for (const r of reports) {
    lines.push(`## ${escapeMarkdown(r.namespace)} on ${escapeMarkdown(r.context)}`, '');
    if (r.error) lines.push(`Not checked: ${escapeMarkdown(r.error)}`, '');
    else if (r.findings.length === 0) lines.push('✔ No findings: nothing in the way of enrolling this namespace.', '');
    else for (const f of r.findings) lines.push(...finding(f));
  }
  return lines.join('\n');
}
