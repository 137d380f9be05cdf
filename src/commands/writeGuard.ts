// Before any write: is the context allowed to write (SelfSubjectAccessReview, cached), and does the user
// confirm the exact targets (namespace × cluster)? One place, so every write command asks the same way and
// `ambient.confirmWrites: false` skips every confirmation at once. No `vscode`.
import { describeAccess } from '../kube/access';
import type { Access } from '../kube/access';
import type { AccessQuestion } from '../kube/types';
import type { CommandDeps } from './host';

/** Targets named as a user reads them: `finance, accounts on cluster-1; prometheus on cluster-2`. */
export function nameTargets(targets: readonly { readonly context: string; readonly label: string }[], limit = 12): string {
  const byContext = new Map<string, string[]>();
  for (const t of targets) byContext.set(t.context, [...(byContext.get(t.context) ?? []), t.label]);
  let shown = 0;
  const groups: string[] = [];
  for (const [context, labels] of byContext) {
    const room = Math.max(1, limit - shown);
    const listed = labels.slice(0, room);
    shown += listed.length;
    const more = labels.length > listed.length ? ` and ${labels.length - listed.length} more` : '';
    groups.push(`${listed.join(', ')}${more} on ${context}`);
    if (shown >= limit && groups.length < byContext.size) {
      groups.push(`${byContext.size - groups.length} more context(s)`);
      break;
    }
  }
  return groups.join('; ');
}

/**
 * The first denied write among these targets, as one sentence naming the context and what it may not do,
 * with a context of the same cluster that can write when the kubeconfig has one. Undefined when every
 * context may write or the answer is not known (the API server then has the last word).
 */
export async function readOnlyRefusal(
  deps: Pick<CommandDeps, 'access' | 'kube'>,
  title: string,
  targets: readonly { readonly context: string; readonly question: AccessQuestion }[],
): Promise<string | undefined> {
  const access = deps.access;
  if (!access) return undefined;
  const answers = await Promise.all(targets.map(async (t) => ({ ...t, access: await access.check(t.context, t.question) })));
  const denied = answers.filter((a) => a.access === 'denied');
  if (denied.length === 0) return undefined;
  const contexts = [...new Set(denied.map((d) => d.context))];
  const first = denied[0];
  const state = deps.kube.state();
  const info = state.contexts.find((c) => c.name === first.context);
  // Same cluster, another user that may do the same write: the context to use instead.
  const candidates = state.contexts.filter((c) => c.name !== first.context && info && c.cluster === info.cluster);
  const alternatives: string[] = [];
  for (const c of candidates) {
    const answer: Access = await access.check(c.name, first.question);
    if (answer === 'allowed') alternatives.push(c.name);
  }
  const who = info?.user ? ` (its user "${info.user}" may not ${describeAccess(first.question)})` : ` (it may not ${describeAccess(first.question)})`;
  const where = contexts.length === 1 ? `${first.context} is read-only${who}` : `${contexts.join(', ')} are read-only`;
  const instead = alternatives.length > 0 ? `use a context that can write, e.g. ${alternatives[0]}` : 'use a context that can write';
  return `${title}: ${where}; nothing was changed: ${instead}.`;
}

/** The action button of each write's confirmation. */
export const CONFIRM_ACTIONS = {
  enroll: 'Enroll',
  remove: 'Remove',
  restart: 'Restart',
} as const;

/**
 * A modal naming every target; resolves true when the user pressed the action (or confirmations are off).
 * `detail` says what will happen to them.
 */
export async function confirmWrite(deps: CommandDeps, question: string, detail: string, action: string): Promise<boolean> {
  if (!deps.settings().confirmWrites) return true;
  const dryRun = deps.settings().dryRun ? ' (dry run: nothing will change)' : '';
  const choice = await deps.host.showMessage('warning', `${question}${dryRun}`, { modal: true, detail }, action);
  return choice === action;
}
