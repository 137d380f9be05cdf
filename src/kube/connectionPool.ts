// client-node builds a new undici Agent for every request, so every API call opens a new TLS connection
// and leaves it idling afterwards (measured: 50 sequential lists = 50 handshakes and 50 open sockets).
// For ordinary requests of one context we keep one Agent and reuse its connections, as kubectl does.
import fs from 'node:fs';
import type { Cluster, KubeConfig, RequestContext, SecurityAuthentication, User } from '@kubernetes/client-node';

interface Dispatcher {
  close(): Promise<void>;
}

/**
 * The TLS identity of a cluster/user pair: equal keys can share connections. Undefined when the
 * credentials come from a plugin (exec, auth-provider) that may hand out a new client certificate at any
 * time: those keep client-node's per-request connections.
 */
export function connectionKey(cluster: Cluster, user: User | undefined): string | undefined {
  if (user?.exec || user?.authProvider) return undefined;
  const mtime = (file: string | undefined) => {
    if (!file) return null;
    try {
      return fs.statSync(file).mtimeMs; // a rotated certificate file gets new connections
    } catch {
      return -1;
    }
  };
  return JSON.stringify([
    cluster.server,
    cluster.caData ?? null,
    cluster.caFile ?? null,
    mtime(cluster.caFile),
    cluster.skipTLSVerify ?? false,
    cluster.tlsServerName ?? null,
    cluster.proxyUrl ?? null,
    user?.certData ?? null,
    user?.certFile ?? null,
    mtime(user?.certFile),
    user?.keyData ?? null,
    user?.keyFile ?? null,
    mtime(user?.keyFile),
  ]);
}

/** The `default` auth method for the generated API clients: the KubeConfig's auth, on pooled connections. */
export class PooledAuthentication implements SecurityAuthentication {
  private pooled?: { key: string; dispatcher: Dispatcher };

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly key: () => string | undefined,
  ) {}

  getName(): string {
    return 'kubeconfig (pooled connections)';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kubeConfig.applySecurityAuthentication(context);
    const fresh = context.getDispatcher() as unknown as Dispatcher | undefined;
    const key = this.key();
    if (!fresh || key === undefined) return;
    if (this.pooled?.key === key) {
      context.setDispatcher(this.pooled.dispatcher as never); // the fresh Agent never connected: let it go
      return;
    }
    const previous = this.pooled;
    this.pooled = { key, dispatcher: fresh };
    previous?.dispatcher.close().catch(() => undefined); // finishes in-flight requests, then closes
  }

  /** Close the pool once in-flight requests are done. */
  dispose(): void {
    this.pooled?.dispatcher.close().catch(() => undefined);
    this.pooled = undefined;
  }
}
