// client-node's Watch and Log only hand back their AbortController once the response headers arrive, so a
// request still connecting (a hung server) cannot be aborted. They do build a fresh undici dispatcher for
// every request through `applySecurityAuthentication`; catching it lets `stop()` destroy the connection at
// any moment, and closes the keep-alive socket when the stream is done (no sockets left behind).
import type { KubeConfig, RequestContext } from '@kubernetes/client-node';

interface Destroyable {
  destroy(): Promise<void>;
}

export interface TrackedConfig {
  /** Pass this to `new Watch(...)` / `new Log(...)` instead of the KubeConfig. */
  readonly config: KubeConfig;
  /** Close the connection(s) of requests made through `config`, whatever state they are in. */
  destroyConnections(): void;
}

export function trackConnections(kubeConfig: KubeConfig): TrackedConfig {
  const dispatchers = new Set<Destroyable>();
  const config = Object.create(kubeConfig) as KubeConfig;
  config.applySecurityAuthentication = async (context: RequestContext) => {
    await kubeConfig.applySecurityAuthentication(context);
    const dispatcher = context.getDispatcher() as unknown as Destroyable | undefined;
    if (dispatcher && typeof dispatcher.destroy === 'function') dispatchers.add(dispatcher);
  };
  return {
    config,
    destroyConnections() {
      for (const dispatcher of dispatchers) dispatcher.destroy().catch(() => undefined);
      dispatchers.clear();
    },
  };
}
