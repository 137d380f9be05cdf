// Follow one container's log as lines. client-node's Log pipes the response into our writable; the
// quirks handled here (see kube-client-notes.md): its `done` callback never fires (we watch the writable),
// and abort() throws an uncaught AbortError unless the piped source has an error listener.
import { Log } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { describeForLog, KubeError, toKubeError } from './errors';
import { trackConnections } from './requestConnection';
import type { KubeErrorSite } from './errors';
import type { KubeLogger, LogOptions, LogStreamCallbacks } from './types';

export interface LogTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly options: LogOptions;
}

export interface FollowHandle {
  /** Stop the stream. With a reason, onEnd(reason) is called; without, onEnd() (a clean stop). */
  stop(reason?: KubeError): void;
}

/** Splits a byte stream into lines, keeping a partial line until its newline arrives. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  /** The stream ended: a last line without a newline is still a line. */
  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}

export function followPodLogs(
  kubeConfig: KubeConfig,
  target: LogTarget,
  callbacks: LogStreamCallbacks,
  site: KubeErrorSite,
  logger: KubeLogger,
  /**
   * A followed stream that the server ends cleanly may mean the container stopped (a clean end) or that
   * something between us and the kubelet cut it (a drop the caller should hear about): this decides.
   */
  confirmCleanEnd?: () => Promise<KubeError | undefined>,
): FollowHandle {
  const component = `logs ${site.context}/${target.namespace}/${target.pod}/${target.container}`;
  let ended = false;
  let stopping = false;
  let controller: AbortController | undefined;
  let source: Readable | undefined;

  const splitter = new LineSplitter((line) => {
    if (ended) return;
    try {
      callbacks.onLine(line);
    } catch (error) {
      logger.error(component, `onLine threw: ${describeForLog(error)}`);
    }
  });

  const connections = trackConnections(kubeConfig);
  const end = (error?: KubeError) => {
    if (ended) return;
    if (!error) splitter.flush();
    ended = true;
    connections.destroyConnections();
    if (error && error.reason !== 'cancelled') logger.warn(component, error.message);
    else logger.info(component, error ? `stopped: ${error.message}` : 'ended');
    try {
      callbacks.onEnd(error);
    } catch (e) {
      logger.error(component, `onEnd threw: ${describeForLog(e)}`);
    }
  };

  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!stopping) splitter.push(chunk);
      done();
    },
  });
  sink.on('pipe', (piped: Readable) => {
    source = piped;
    // Without this listener, abort() (ours or a dropped connection) is an uncaught error.
    piped.on('error', (error: unknown) => {
      if (stopping) return;
      end(streamDropped(site, target, error));
    });
  });
  // The server ended the response: the container stopped or the pod went away (clean), unless the
  // container is still running, in which case the stream was cut.
  sink.on('finish', () => {
    if (stopping || ended) return;
    if (!(target.options.follow ?? true) || !confirmCleanEnd) return end();
    confirmCleanEnd().then(
      (dropped) => {
        if (!stopping) end(dropped);
      },
      () => {
        if (!stopping) end();
      },
    );
  });
  sink.on('error', () => undefined);

  const { follow = true, timestamps, sinceTime, tailLines } = target.options;
  new Log(connections.config)
    .log(target.namespace, target.pod, target.container, sink, {
      follow,
      timestamps,
      sinceTime,
      // tailLines: 0 means "no old lines"; client-node drops a falsy value, so ask for the minimum the server allows.
      tailLines: tailLines === 0 ? undefined : tailLines,
      ...(tailLines === 0 && !sinceTime ? { sinceTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    })
    .then(
      (abort) => {
        controller = abort;
        if (stopping) abort.abort();
      },
      (error: unknown) => {
        if (stopping) return;
        end(logRequestError(error, site));
      },
    );

  return {
    stop(reason?: KubeError) {
      if (stopping || ended) return;
      stopping = true;
      controller?.abort();
      source?.unpipe(sink);
      source?.destroy();
      end(reason);
    },
  };
}

/**
 * client-node's Log turns a network failure (refused, unknown CA...) into ApiException(500) with no body
 * and no headers, losing the cause; a real server 500 carries headers. Say "cannot reach" for the former.
 */
function logRequestError(error: unknown, site: KubeErrorSite): KubeError {
  const e = error as { code?: unknown; body?: unknown; headers?: Record<string, unknown> } | undefined;
  if (e?.code === 500 && e.body === undefined && (!e.headers || Object.keys(e.headers).length === 0)) {
    return new KubeError('unreachable', site.context, `Cannot reach ${site.context}${site.server ? ` (${site.server})` : ''} to read logs: the connection failed.`, undefined, { cause: error });
  }
  return toKubeError(error, site);
}

export function streamDropped(site: KubeErrorSite, target: { namespace: string; pod: string; container: string }, cause?: unknown): KubeError {
  return new KubeError('stream-dropped', site.context, `${site.context}: the log stream of ${target.namespace}/${target.pod} (${target.container}) was interrupted.`, undefined, { cause });
}
