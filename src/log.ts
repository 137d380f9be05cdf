// The extension's one logger: a LogOutputChannel named "Ambient Mesh", with a component tag per line.
// It never reveals itself: users open it through "Show Log" actions (ambient.output.show).
import * as vscode from 'vscode';
import type { KubeLogger } from './kube/types';

export const LOG_CHANNEL_NAME = 'Ambient Mesh';

let channel: vscode.LogOutputChannel | undefined;

/** The channel, created on first use; `activate` pushes it to the subscriptions through `logDisposable`. */
export function logChannel(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  return channel;
}

/** Disposes the channel (and lets a later activation create a new one). */
export const logDisposable: vscode.Disposable = {
  dispose() {
    channel?.dispose();
    channel = undefined;
  },
};

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Reveal the output log (only when the user asks: "Show Log"). */
  show(preserveFocus?: boolean): void;
}

/** A logger whose lines start with `[component]`. */
export function logger(component: string): Logger {
  const tag = (message: string) => `[${component}] ${message}`;
  return {
    trace: (m) => logChannel().trace(tag(m)),
    debug: (m) => logChannel().debug(tag(m)),
    info: (m) => logChannel().info(tag(m)),
    warn: (m) => logChannel().warn(tag(m)),
    error: (m) => logChannel().error(tag(m)),
    show: (preserveFocus) => logChannel().show(preserveFocus),
  };
}

/** The kube layer's view of the logger (it never imports vscode). */
export const kubeLogger: KubeLogger = {
  info: (component, message) => logger(component).info(message),
  warn: (component, message) => logger(component).warn(message),
  error: (component, message) => logger(component).error(message),
};

/** Reveal the log: only ever on the user's request. */
export function showLog(): void {
  logChannel().show(true);
}
