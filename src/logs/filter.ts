// The log view's filters as one predicate. Pure, shared by the webview and the tests.
import type { FieldValue, LogLevel, ZtunnelLogEntry } from './entry';
import { entryFields } from './fields';

export interface EntryFilters {
  readonly search: string;
  readonly level: 'all' | LogLevel;
  readonly class: 'all' | 'mtls' | 'plaintext' | 'tls-error' | 'denied' | 'unparsed';
  readonly namespace: string;
  readonly workload: string;
}

interface Filterable extends ZtunnelLogEntry {
  readonly cluster?: string;
  readonly node?: string;
}

const severity: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };

/** `/regex/flags` → a RegExp (undefined if it does not compile); anything else is plain text. */
export function searchPattern(search: string): { regex?: RegExp; text?: string; invalid?: string } {
  const trimmed = search.trim();
  if (trimmed === '') return {};
  const match = /^\/(.+)\/([a-z]*)$/s.exec(trimmed);
  if (match) {
    try {
      return { regex: new RegExp(match[1]!, match[2]!.includes('i') ? match[2] : match[2] + 'i') };
    } catch (error) {
      return { invalid: (error as Error).message };
    }
  }
  return { text: trimmed.toLowerCase() };
}

const namespaceKeys = ['src.namespace', 'dst.namespace', 'namespace'];
const workloadKeys = ['src.workload', 'dst.workload', 'workload', 'dst.service', 'name', 'pod', 'proxy.wl', 'wl'];

function text(value: FieldValue | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text a search looks at: what the row shows, and every field as written. */
export function searchableText(entry: Filterable): string {
  const fields = entry.fieldsText ?? (entry.fields ? Object.entries(entry.fields).map(([k, v]) => `${k}=${text(v)}`).join(' ') : '');
  return `${entry.time ?? ''} ${entry.level ?? ''} ${entry.pod ?? ''} ${entry.node ?? ''} ${entry.cluster ?? ''} ${entry.scope ?? ''} ${entry.message} ${fields}`;
}

export function compileFilter(filters: EntryFilters): (entry: Filterable) => boolean {
  const search = searchPattern(filters.search);
  const maxSeverity = filters.level === 'all' ? Infinity : severity[filters.level];
  const namespace = filters.namespace.trim();
  const workload = filters.workload.trim().toLowerCase();
  // For lines kept raw: `namespace=finance`, `namespace="finance"`, `/ns/finance/`, `wl=finance/...`.
  const namespaceInText = namespace === '' ? undefined : new RegExp(`namespace="?${escapeRegExp(namespace)}(?:"|\\s|$)|/ns/${escapeRegExp(namespace)}/|wl=${escapeRegExp(namespace)}/`);

  return (entry) => {
    if (filters.class !== 'all' && entry.class !== filters.class) return false;
    if (maxSeverity !== Infinity && (entry.level === undefined || severity[entry.level] > maxSeverity)) return false;
    if (namespace !== '') {
      const fields = entryFields(entry);
      const inFields = namespaceKeys.some((key) => text(fields[key]) === namespace);
      if (!inFields && !namespaceInText!.test(`${entry.scope ?? ''} ${entry.message} ${entry.fieldsText ?? ''} ${entry.format === 'json' ? JSON.stringify(fields) : ''}`)) return false;
    }
    if (workload !== '') {
      const fields = entryFields(entry);
      const inFields = workloadKeys.some((key) => text(fields[key]).toLowerCase().includes(workload));
      if (!inFields && !(entry.format === 'raw' && entry.message.toLowerCase().includes(workload))) return false;
    }
    if (search.regex) return search.regex.test(searchableText(entry));
    if (search.text !== undefined) return searchableText(entry).toLowerCase().includes(search.text);
    return true;
  };
}
