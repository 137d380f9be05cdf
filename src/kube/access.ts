// What each context's user may write, asked once per context and question (SelfSubjectAccessReview) and
// kept until the kubeconfig changes. The tree marks a read-only context before anyone clicks, and a write
// command on it says so in one sentence instead of failing at the API server.
import type { AccessQuestion, KubeClients } from './types';

/** The writes the extension makes, as RBAC names them. */
export const WRITE_ACCESS = {
  /** Enroll / Remove from Ambient: a merge patch of the namespace's labels. */
  labelNamespaces: { verb: 'patch', resource: 'namespaces' },
  /** Restart Workloads: what `kubectl rollout restart` patches. */
  restartDeployments: { verb: 'patch', resource: 'deployments', group: 'apps' },
  restartStatefulSets: { verb: 'patch', resource: 'statefulsets', group: 'apps' },
  restartDaemonSets: { verb: 'patch', resource: 'daemonsets', group: 'apps' },
} as const satisfies Record<string, AccessQuestion>;

/** `patch namespaces`, `patch deployments.apps -n finance`: the words of `kubectl auth can-i`. */
export function describeAccess(question: AccessQuestion): string {
  const resource = `${question.resource}${question.group ? `.${question.group}` : ''}${question.subresource ? `/${question.subresource}` : ''}`;
  return `${question.verb} ${resource}${question.name ? ` "${question.name}"` : ''}${question.namespace ? ` in namespace ${question.namespace}` : ''}`;
}

/** Yes, no, or not known (the review failed or is still on its way: never treated as a no). */
export type Access = 'allowed' | 'denied' | 'unknown';

function key(context: string, q: AccessQuestion): string {
  return JSON.stringify([context, q.verb, q.group ?? '', q.resource, q.subresource ?? '', q.namespace ?? '', q.name ?? '']);
}

export class AccessReviews {
  private readonly answers = new Map<string, Promise<Access>>();
  private readonly settled = new Map<string, Access>();
  private readonly listeners = new Set<(context: string) => void>();
  private readonly subscription: { dispose(): void };
  private generation = 0;

  constructor(private readonly kube: Pick<KubeClients, 'client' | 'onDidChange'>) {
    // A reloaded kubeconfig may give a context another user: ask again.
    this.subscription = kube.onDidChange(() => this.forget());
  }

  /** The answer, asking the API server the first time (a failed review is 'unknown' and asked again next time). */
  check(context: string, question: AccessQuestion): Promise<Access> {
    const k = key(context, question);
    let answer = this.answers.get(k);
    if (!answer) {
      const generation = this.generation;
      answer = (async (): Promise<Access> => {
        try {
          return (await this.kube.client(context).canI(question)) ? 'allowed' : 'denied';
        } catch {
          return 'unknown';
        }
      })();
      this.answers.set(k, answer);
      void answer.then((access) => {
        if (generation !== this.generation) return;
        if (access === 'unknown') this.answers.delete(k);
        const before = this.settled.get(k);
        this.settled.set(k, access);
        if (before !== access) for (const listener of [...this.listeners]) listener(context);
      });
    }
    return answer;
  }

  /** The answer as known now, without waiting (asks in the background when not asked yet). */
  known(context: string, question: AccessQuestion): Access {
    const k = key(context, question);
    if (!this.answers.has(k)) void this.check(context, question);
    return this.settled.get(k) ?? 'unknown';
  }

  /** Read-only as known now: every write the extension makes is denied cluster-wide. */
  readOnly(context: string): boolean {
    // Every question asked at once (no short-circuit), so the lock appears after one round of reviews.
    return Object.values(WRITE_ACCESS)
      .map((q) => this.known(context, q))
      .every((access) => access === 'denied');
  }

  /** Fires with a context whose answers changed (the tree redraws its row). */
  onDidChange(listener: (context: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  forget(): void {
    this.generation++;
    const contexts = new Set([...this.settled.keys()].map((k) => (JSON.parse(k) as string[])[0]));
    this.answers.clear();
    this.settled.clear();
    for (const context of contexts) for (const listener of [...this.listeners]) listener(context);
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }
}
