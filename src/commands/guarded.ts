// Every command handler runs inside one wrapper: rows the tree lost give one sentence (never another cluster),
// and a handler that throws tells the user in one sentence, with "Show Log" for the details, instead of
// failing silently. No `vscode` here: registration passes the handler through.
import { messageOf } from '../mesh/problems';
import type { AuditLog, CommandHost } from './host';
import { ROWS_LOST_SENTENCE, rowsLost } from './target';

export const SHOW_LOG = 'Show Log';

export interface GuardDeps {
  readonly host: Pick<CommandHost, 'showMessage'>;
  readonly log: AuditLog;
}

export function guarded<A extends unknown[], R>(deps: GuardDeps, title: string, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    if (rowsLost(args)) {
      deps.log.warn(`${title}: invoked from the tree with ${args.length} argument(s), none of them a row: ${ROWS_LOST_SENTENCE}`);
      void deps.host.showMessage('warning', `${title}: ${ROWS_LOST_SENTENCE}`, {});
      return undefined;
    }
    try {
      return await handler(...args);
    } catch (error) {
      const message = messageOf(error);
      deps.log.error(`${title}: ${message}`);
      void deps.host.showMessage('error', `${title}: ${message}`, {}, ...(deps.log.show ? [SHOW_LOG] : [])).then((choice) => {
        if (choice === SHOW_LOG) deps.log.show?.(true);
      });
      return undefined;
    }
  };
}
