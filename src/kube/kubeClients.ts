// The user's contexts and one lazily created client per context. The kubeconfig files are watched; on a
// change the state is re-read, clients whose context changed (or vanished) are disposed, and listeners
// hear about it.
import { KubeClusterClient } from './clusterClient';
import type { ClusterClientOptions } from './clusterClient';
import { KubeError } from './errors';
import { KubeconfigWatcher, loadKubeconfig } from './kubeconfig';
import type { ContextEntry, KubeconfigSource, LoadedKubeconfig } from './kubeconfig';
import type { ClusterClient, KubeClients, KubeconfigState, KubeLogger } from './types';
import type { WatchTuning } from './watch';

export interface KubeClientsOptions {
  /** Explicit kubeconfig files (the `ambient.kubeconfig` setting); empty means KUBECONFIG, else ~/.kube/config. */
  readonly kubeconfigPaths?: readonly string[];
  /** For tests: the environment and home folder to resolve KUBECONFIG and ~/.kube/config against. */
  readonly env?: KubeconfigSource['env'];
  readonly homeDir?: string;
  /** Timeout of each ordinary request (default 15 s). */
  readonly requestTimeoutMs?: number;
  readonly execTimeoutMs?: number;
  readonly pageSize?: number;
  readonly watch?: WatchTuning;
  /** Extra folders to find exec credential plugins in (searched before PATH). */
  readonly execPluginPath?: readonly string[];
  /** Watch the kubeconfig files and reload on change (default true). */
  readonly watchFiles?: boolean;
  /** Debounce of file-change reloads (default 300 ms). */
  readonly reloadDebounceMs?: number;
  readonly logger?: KubeLogger;
}

const silentLogger: KubeLogger = { info() {}, warn() {}, error() {} };

export function createKubeClients(options: KubeClientsOptions = {}): KubeClients {
  return new KubeconfigClients(options);
}

class KubeconfigClients implements KubeClients {
  private loaded: LoadedKubeconfig;
  private readonly clients = new Map<string, { client: KubeClusterClient; entryKey: string }>();
  private readonly listeners = new Set<(state: KubeconfigState) => void>();
  private readonly watcher?: KubeconfigWatcher;
  private readonly logger: KubeLogger;
  private disposed = false;

  constructor(private options: KubeClientsOptions) {
    this.logger = options.logger ?? silentLogger;
    this.loaded = this.read();
    if (options.watchFiles !== false) {
      this.watcher = new KubeconfigWatcher(() => this.reload(), options.reloadDebounceMs ?? 300);
      this.watcher.watch(this.loaded.candidates);
    }
  }

  state(): KubeconfigState {
    return this.loaded.state;
  }

  client(context: string): ClusterClient {
    if (this.disposed) throw new KubeError('cancelled', context, `${context}: the Kubernetes clients were shut down.`);
    const entry = this.loaded.entries.get(context);
    if (!entry) {
      const problem = this.loaded.state.problem;
      throw new KubeError(problem?.reason ?? 'bad-kubeconfig', context, problem ? problem.message : `Context "${context}" is not defined in the kubeconfig.`);
    }
    const existing = this.clients.get(context);
    if (existing) return existing.client;
    const client = new KubeClusterClient(context, entry, this.clientOptions());
    this.clients.set(context, { client, entryKey: entryKey(entry) });
    return client;
  }

  reload(): void {
    if (this.disposed) return;
    const previous = this.loaded;
    this.loaded = this.read();
    this.watcher?.watch(this.loaded.candidates);
    // Keep clients whose context, cluster and user are unchanged: their watches and streams go on.
    for (const [name, { client, entryKey: key }] of [...this.clients]) {
      const entry = this.loaded.entries.get(name);
      if (!entry || entryKey(entry) !== key) {
        this.logger.info('kubeconfig', `context ${name} ${entry ? 'changed' : 'was removed'}: closing its client`);
        client.dispose(entry ? 'its kubeconfig entry changed' : 'it was removed from the kubeconfig');
        this.clients.delete(name);
      }
    }
    if (previous.fingerprint === this.loaded.fingerprint && sameState(previous.state, this.loaded.state)) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.loaded.state);
      } catch (error) {
        this.logger.error('kubeconfig', `a change listener threw: ${(error as Error)?.name ?? 'error'}`);
      }
    }
  }

  setKubeconfigPaths(paths: readonly string[]): void {
    this.options = { ...this.options, kubeconfigPaths: paths };
    // reload() keeps the clients of contexts that resolve to the same cluster and user in the new files.
    this.reload();
  }

  onDidChange(listener: (state: KubeconfigState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.watcher?.dispose();
    for (const { client } of this.clients.values()) client.dispose('the extension is shutting down');
    this.clients.clear();
    this.listeners.clear();
  }

  private read(): LoadedKubeconfig {
    const loaded = loadKubeconfig({ paths: this.options.kubeconfigPaths, env: this.options.env, homeDir: this.options.homeDir });
    const { state } = loaded;
    if (state.problem) this.logger.warn('kubeconfig', state.problem.message);
    for (const warning of state.warnings ?? []) if (warning !== state.problem?.message) this.logger.warn('kubeconfig', warning);
    this.logger.info('kubeconfig', `loaded ${state.contexts.length} context(s) from ${state.files.join(', ') || 'no file'}; current: ${state.currentContext ?? 'none'}`);
    return loaded;
  }

  private clientOptions(): ClusterClientOptions {
    return {
      requestTimeoutMs: this.options.requestTimeoutMs,
      execTimeoutMs: this.options.execTimeoutMs,
      pageSize: this.options.pageSize,
      watch: this.options.watch,
      execPluginPath: this.options.execPluginPath,
      logger: this.logger,
    };
  }
}

/** Everything that decides how a context connects; secrets included, but this string never leaves memory. */
function entryKey(entry: ContextEntry): string {
  return JSON.stringify([entry.context, entry.cluster ?? null, entry.user ?? null]);
}

function sameState(a: KubeconfigState, b: KubeconfigState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
