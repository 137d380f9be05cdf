// Kubeconfig loading with kubectl's semantics, which users expect and client-node does not give:
// - `KUBECONFIG=a:b:c`: missing files are skipped, clusters/users/contexts merge first-wins by name, and
//   current-context comes from the first file that sets it (client-node throws on a missing file or a
//   duplicate name, and lets the last file's current-context win);
// - no file at all is said plainly (client-node silently falls back to http://localhost:8080);
// - a malformed file is reported in one sentence naming it, and the other files still load.
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeconfigState, KubeContextInfo } from './types';

/** Where kubeconfig files come from. Tests pass env/homeDir; the extension passes the setting's paths. */
export interface KubeconfigSource {
  /** Explicit files (the `ambient.kubeconfig` setting); when non-empty they replace KUBECONFIG and ~/.kube/config. */
  readonly paths?: readonly string[];
  /** Environment to read KUBECONFIG from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~/.kube/config` and `~` expansion (default: os.homedir()). */
  readonly homeDir?: string;
}

/** One context with the cluster and user it names (either may be missing in a broken kubeconfig). */
export interface ContextEntry {
  readonly context: Context;
  readonly cluster?: Cluster;
  readonly user?: User;
}

export interface LoadedKubeconfig {
  readonly state: KubeconfigState;
  readonly entries: ReadonlyMap<string, ContextEntry>;
  /** Every candidate file, present or not, in precedence order: what to watch for changes. */
  readonly candidates: readonly string[];
  /** Identifies the loaded content; equal fingerprints mean nothing changed. */
  readonly fingerprint: string;
}

/** The files kubectl would consider, in precedence order (first wins), whether or not they exist. */
export function kubeconfigCandidates(source: KubeconfigSource = {}): string[] {
  const home = source.homeDir ?? os.homedir();
  const expand = (p: string) => path.resolve(p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p);
  const explicit = (source.paths ?? []).map((p) => p.trim()).filter((p) => p.length > 0);
  if (explicit.length > 0) return dedupe(explicit.map(expand));
  const env = (source.env ?? process.env).KUBECONFIG;
  if (env && env.length > 0) {
    return dedupe(env.split(path.delimiter).filter((p) => p.length > 0).map(expand));
  }
  return [path.join(home, '.kube', 'config')];
}

/** Read and merge the kubeconfig files. Never throws: problems end up in `state.problem` / `state.warnings`. */
export function loadKubeconfig(source: KubeconfigSource = {}): LoadedKubeconfig {
  const candidates = kubeconfigCandidates(source);
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext: string | undefined;
  const files: string[] = [];
  const warnings: string[] = [];
  const fingerprintParts: string[] = [];

  for (const file of candidates) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue; // kubectl skips missing files
      warnings.push(`Kubeconfig ${file} cannot be read (${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unknown error')}); it was skipped.`);
      continue;
    }
    fingerprintParts.push(`${file}\n${text}`);
    if (text.trim().length === 0) {
      files.push(file);
      continue; // an empty file is an empty config for kubectl too
    }
    const parsed = parseKubeconfigText(text, file);
    if ('problem' in parsed) {
      warnings.push(parsed.problem);
      continue;
    }
    files.push(file);
    if (parsed.warning) warnings.push(parsed.warning);
    const kc = parsed.config;
    for (const cluster of kc.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of kc.users) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of kc.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (!currentContext && kc.currentContext) currentContext = kc.currentContext;
  }

  const entries = new Map<string, ContextEntry>();
  const infos: KubeContextInfo[] = [];
  for (const context of contexts.values()) {
    const cluster = clusters.get(context.cluster);
    const user = context.user ? users.get(context.user) : undefined;
    entries.set(context.name, { context, cluster, user });
    infos.push({
      name: context.name,
      cluster: context.cluster,
      user: context.user ?? '',
      namespace: context.namespace,
      server: cluster?.server,
      isCurrent: context.name === currentContext,
    });
  }

  let problem: KubeconfigState['problem'];
  if (files.length === 0 && warnings.length === 0) {
    problem = { reason: 'no-kubeconfig', message: noKubeconfigMessage(candidates, source) };
  } else if (files.length === 0) {
    problem = { reason: 'bad-kubeconfig', message: warnings[0] };
  } else if (infos.length === 0) {
    problem = { reason: 'no-kubeconfig', message: `No contexts are defined in ${files.join(', ')}.` };
  }

  const state: KubeconfigState = {
    contexts: infos,
    currentContext: currentContext && contexts.has(currentContext) ? currentContext : undefined,
    files,
    ...(problem ? { problem } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  return { state, entries, candidates, fingerprint: fingerprintParts.join('\n---\n') };
}

/** Why a context cannot be used as it stands, or undefined when it can. */
export function contextProblem(entry: ContextEntry): string | undefined {
  const { context } = entry;
  if (!entry.cluster) return `${context.name}: the kubeconfig names cluster "${context.cluster}", which is not defined.`;
  if (context.user && !entry.user) return `${context.name}: the kubeconfig names user "${context.user}", which is not defined.`;
  return undefined;
}

/** A parsed file, possibly with entries left out (`warning`), or a file that could not be used at all. */
type ParseResult = { config: KubeConfig; warning?: string } | { problem: string };

/**
 * Parse one file through client-node's loader (which also resolves relative cert paths), or say what is
 * wrong. A YAML error loses the file; a bad entry (a cluster without server, an unreadable token-file)
 * loses only that entry, so the file's other contexts still work.
 */
export function parseKubeconfigText(text: string, file: string): ParseResult {
  let kc = new KubeConfig();
  let warning: string | undefined;
  try {
    kc.loadFromString(text);
  } catch (error) {
    const isYamlError = (error as { name?: string })?.name === 'YAMLException' || error instanceof TypeError;
    if (isYamlError) return { problem: `Kubeconfig ${file} ${describeParseError(error)}; it was skipped.` };
    kc = new KubeConfig();
    try {
      kc.loadFromString(text, { onInvalidEntry: 'filter' });
    } catch (again) {
      return { problem: `Kubeconfig ${file} ${describeParseError(again)}; it was skipped.` };
    }
    warning = `Kubeconfig ${file} ${describeParseError(error)}`;
  }
  kc.makePathsAbsolute(path.dirname(file));
  if (kc.clusters.length === 0 && kc.users.length === 0 && kc.contexts.length === 0 && !kc.currentContext) {
    // Nothing usable left. A YAML list, a manifest, a stray file: kubectl refuses it too.
    return { problem: `${warning ?? `Kubeconfig ${file} is not a kubeconfig (no clusters, users or contexts found)`}; it was skipped.` };
  }
  if (warning) warning += '; that entry was skipped.';
  return { config: kc, warning };
}

function describeParseError(error: unknown): string {
  const e = error as { name?: string; reason?: string; mark?: { line?: number }; message?: string; code?: string; path?: string };
  if (e?.name === 'YAMLException') {
    // Only the reason and line: js-yaml's message quotes the file, which may hold a token.
    const line = typeof e.mark?.line === 'number' ? `line ${e.mark.line + 1}: ` : '';
    return `is not valid YAML (${line}${e.reason ?? 'syntax error'})`;
  }
  if (e?.code === 'ENOENT' || e?.code === 'EACCES') {
    return `names a token-file that cannot be read (${e.path ?? 'unknown path'})`;
  }
  if (error instanceof TypeError) return 'is not a kubeconfig (expected a YAML mapping with clusters, users and contexts)';
  // client-node's own validation messages are short and specific: "clusters[0].cluster.server is missing".
  const message = typeof e?.message === 'string' && /^(clusters|users|contexts)\[\d+\]/.test(e.message) ? e.message : 'is not a valid kubeconfig';
  return message.startsWith('is ') ? message : `is not valid (${message})`;
}

function noKubeconfigMessage(candidates: readonly string[], source: KubeconfigSource): string {
  const list = candidates.join(', ');
  if ((source.paths ?? []).some((p) => p.trim().length > 0)) return `No kubeconfig found: none of the configured files exists (${list}).`;
  if ((source.env ?? process.env).KUBECONFIG) return `No kubeconfig found: none of the files in KUBECONFIG exists (${list}).`;
  return `No kubeconfig found at ${list}; set KUBECONFIG or create it (for example with your cloud's "get-credentials" command).`;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Watches the candidate files (through their nearest existing folder, so a file created, replaced by an
 * editor's rename, or deleted is seen) and calls `onChange` once per burst of events.
 */
export class KubeconfigWatcher {
  private watchers: fs.FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = 300,
  ) {}

  /** (Re)start watching these files. */
  watch(candidates: readonly string[]): void {
    this.closeWatchers();
    if (this.disposed) return;
    const byFolder = new Map<string, Set<string>>();
    for (const file of candidates) {
      // The nearest existing ancestor, and the name inside it that leads to the file.
      let folder = path.dirname(file);
      let name = path.basename(file);
      while (!isDirectory(folder) && path.dirname(folder) !== folder) {
        name = path.basename(folder);
        folder = path.dirname(folder);
      }
      const names = byFolder.get(folder) ?? new Set<string>();
      names.add(name);
      byFolder.set(folder, names);
    }
    for (const [folder, names] of byFolder) {
      try {
        const watcher = fs.watch(folder, { persistent: false }, (_event, filename) => {
          if (!filename || names.has(filename.toString())) this.schedule();
        });
        watcher.on('error', () => this.schedule());
        this.watchers.push(watcher);
      } catch {
        // A folder we cannot watch: changes there are picked up on the next explicit reload.
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.closeWatchers();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.disposed) this.onChange();
    }, this.debounceMs);
  }

  private closeWatchers(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }
}

function isDirectory(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
