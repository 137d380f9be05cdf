// Run a command in a container (WebSocket, v5.channel.k8s.io first) and collect its output. The command
// is an argv array, never a shell string; the exit code comes from the Status on the error channel.
import { Exec } from '@kubernetes/client-node';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { KubeError, toKubeError } from './errors';
import type { KubeErrorSite } from './errors';
import type { ExecResult } from './types';
import { closeSocket } from './webSocket';
import type { ClientSocket } from './webSocket';

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly argv: readonly string[];
  readonly timeoutMs: number;
}

/** The exit code the Status reports: Success is 0, a failure carries an `ExitCode` cause. */
export function exitCodeFromStatus(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message !== undefined) {
    const code = Number.parseInt(cause.message, 10);
    if (Number.isFinite(code)) return code;
  }
  return undefined;
}

export function runExec(kubeConfig: KubeConfig, target: ExecTarget, site: KubeErrorSite): Promise<ExecResult> {
  if (target.argv.length === 0) return Promise.reject(new KubeError('invalid', site.context, `${site.context}: no command to run.`));
  const where = `${target.namespace}/${target.pod}`;
  const stdoutChunks: Buffer[] = [];
  const stderrChunks: Buffer[] = [];
  const collector = (chunks: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });

  return new Promise<ExecResult>((resolve, reject) => {
    let status: V1Status | undefined;
    let socket: ClientSocket | undefined;
    let settled = false;

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      settle(() =>
        reject(new KubeError('timeout', site.context, `${site.context}: "${target.argv[0]}" in ${where} did not finish within ${Math.round(target.timeoutMs / 1000)} s.`)),
      );
      closeSocket(socket);
    }, target.timeoutMs);

    const finish = () =>
      settle(() => {
        const stdout = Buffer.concat(stdoutChunks).toString('utf8');
        const stderr = Buffer.concat(stderrChunks).toString('utf8');
        if (!status) {
          reject(new KubeError('stream-dropped', site.context, `${site.context}: the connection to ${where} closed before "${target.argv[0]}" reported how it ended.`));
          return;
        }
        const exitCode = exitCodeFromStatus(status);
        if (exitCode === undefined) {
          const said = status.message ? `: ${status.message.replace(/\s+/g, ' ').trim()}` : '';
          reject(new KubeError('unknown', site.context, `${site.context}: could not run "${target.argv[0]}" in ${where}${said}.`));
          return;
        }
        resolve({ stdout, stderr, exitCode });
      });

    new Exec(kubeConfig)
      .exec(
        target.namespace,
        target.pod,
        target.container ?? '',
        [...target.argv],
        collector(stdoutChunks),
        collector(stderrChunks),
        null,
        false,
        (s: V1Status) => {
          status = s;
        },
      )
      .then(
        (ws) => {
          socket = ws as unknown as ClientSocket;
          if (settled) return closeSocket(socket);
          socket.on?.('close', finish);
        },
        (error: unknown) => settle(() => reject(toKubeError(error, site))),
      );
  });
}
