// Check Before Enrolling's command side: one read per context, reports per target, the Enroll
// confirmation (what it lists, what it leaves out, cancel), and the Markdown report's escaping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmEnrollPreflight, ENROLL_ANYWAY, runPreflight, type PreflightDeps } from '../../../src/commands/preflight';
import { escapeMarkdown, preflightMarkdown } from '../../../src/commands/preflightMarkdown';
import type { ApiObject, ApiResource, ClusterClient, V1Pod } from '../../../src/kube/types';
import { RecordingLog, ScriptedHost } from '../commands/fakes';
import { allowWebOnly, pod } from './fixtures';

class NotFound extends Error {
  readonly reason = 'not-found';
}

/** One context: namespaces, pods, and objects of other API groups by plural; counts the reads. */
function fakeClient(options: { namespaces: Record<string, Record<string, string>>; pods: V1Pod[]; objects?: Record<string, ApiObject[]>; forbidden?: string[] }) {
  const reads: string[] = [];
  const client = {
    context: 'cluster-1',
    async listNamespaces() {
      reads.push('namespaces');
      return Object.entries(options.namespaces).map(([name, labels]) => ({ metadata: { name, labels } }));
    },
    async listPods(namespace?: string) {
      reads.push(`pods:${namespace ?? '*'}`);
      return options.pods.filter((p) => !namespace || p.metadata?.namespace === namespace);
    },
    async listApiObjects(resource: ApiResource) {
      reads.push(resource.plural);
      if (options.forbidden?.includes(resource.plural)) throw new Error(`${resource.plural}.${resource.group} is forbidden: User "dev" cannot list resource "${resource.plural}"`);
      const objects = options.objects?.[resource.plural];
      if (!objects) throw new NotFound('the server could not find the requested resource');
      return objects;
    },
  } as unknown as ClusterClient;
  return { client, reads };
}

function deps(client: ClusterClient): { deps: PreflightDeps; host: ScriptedHost; log: RecordingLog } {
  const host = new ScriptedHost();
  const log = new RecordingLog();
  return { deps: { kube: { state: () => ({ contexts: [], files: [] }), client: () => client }, host, log }, host, log };
}

const ztunnel = pod('istio-system', 'ztunnel-abcde', { labels: { app: 'ztunnel' } });
const cni = pod('istio-system', 'istio-cni-node-abcde', { labels: { 'k8s-app': 'istio-cni-node' } });
const web = pod('shop', 'my-app-7d9c8b6f5-x2x4z', { labels: { 'app.kubernetes.io/name': 'my-app' }, ports: [{ containerPort: 8080 }] });
const curl = pod('shop', 'curl-6f7c9d8b4-abcde', { labels: { app: 'curl' } });

describe('Check Before Enrolling: reading the cluster', () => {
  it('reads each context once for all its target namespaces, and a CRD that is not installed means no policies', async () => {
    const { client, reads } = fakeClient({ namespaces: { shop: {}, other: {} }, pods: [web, curl, ztunnel, cni], objects: { networkpolicies: [allowWebOnly('shop')] } });
    const reports = await runPreflight(deps(client).deps, [
      { context: 'cluster-1', namespace: 'shop' },
      { context: 'cluster-1', namespace: 'other' },
      { context: 'cluster-1', namespace: 'gone' },
    ]);
    assert.deepEqual(reads.sort(), ['authorizationpolicies', 'gateways', 'namespaces', 'networkpolicies', 'pods:*']);
    assert.deepEqual(reports[0].findings.map((f) => f.id), ['networkpolicy-hbone']);
    assert.deepEqual(reports[1].findings, []);
    assert.equal(reports[2].error, 'Namespace "gone" does not exist in context cluster-1.');
  });

  it('a list the user may not read becomes a warning naming it', async () => {
    const { client } = fakeClient({ namespaces: { shop: {} }, pods: [web, ztunnel, cni], objects: { authorizationpolicies: [], gateways: [] }, forbidden: ['networkpolicies'] });
    const [report] = await runPreflight(deps(client).deps, [{ context: 'cluster-1', namespace: 'shop' }]);
    assert.equal(report.findings[0].title, 'Could not read NetworkPolicies');
    assert.match(report.findings[0].why, /forbidden/);
  });
});

describe("Check Before Enrolling inside Enroll's confirmation", () => {
  it('asks nothing when there is nothing at warning level (a forbidden list only goes to the log)', async () => {
    const { client } = fakeClient({ namespaces: { shop: {} }, pods: [curl, ztunnel, cni], forbidden: ['networkpolicies'] });
    const { deps: d, host, log } = deps(client);
    assert.equal(await confirmEnrollPreflight(d, [{ context: 'cluster-1', namespace: 'shop' }]), 'clean');
    assert.equal(host.modals().length, 0);
    assert.match(log.text(), /Could not read NetworkPolicies/);
  });

  it('lists the findings in one modal; dismissing it cancels, Enroll Anyway goes on', async () => {
    const host1 = pod('shop', 'agent-abcde', { hostNetwork: true });
    const { client } = fakeClient({ namespaces: { shop: {} }, pods: [web, curl, host1, ztunnel, cni], objects: { networkpolicies: [allowWebOnly('shop')], authorizationpolicies: [], gateways: [] } });
    const first = deps(client);
    assert.equal(await confirmEnrollPreflight(first.deps, [{ context: 'cluster-1', namespace: 'shop' }]), 'cancelled');
    const [modal] = first.host.modals();
    assert.equal(modal.message, 'Check Before Enrolling found 2 problems in cluster-1/shop.');
    assert.deepEqual(modal.actions, [ENROLL_ANYWAY]);
    assert.match(modal.detail!, /Error: NetworkPolicy drops HBONE \(TCP 15008\) to 1 pod \(my-app-7d9c8b6f5-x2x4z\)/);
    assert.match(modal.detail!, /Warning: 1 pod uses the host network \(agent-abcde\)/);

    const second = deps(client);
    second.host.modalAnswers.push({ match: /^Check Before Enrolling found/, answer: ENROLL_ANYWAY });
    assert.equal(await confirmEnrollPreflight(second.deps, [{ context: 'cluster-1', namespace: 'shop' }]), 'accepted');
  });

  it('leaves the sidecar findings of an injection-labelled namespace to Enroll\'s own sidecar dialog', async () => {
    const injected = pod('shop', 'reviews-1-a', { annotations: { 'sidecar.istio.io/status': '{}' } });
    const { client } = fakeClient({ namespaces: { shop: { 'istio-injection': 'enabled' } }, pods: [injected, ztunnel, cni], objects: { networkpolicies: [], authorizationpolicies: [], gateways: [] } });
    const { deps: d, host } = deps(client);
    assert.equal(await confirmEnrollPreflight(d, [{ context: 'cluster-1', namespace: 'shop' }]), 'clean');
    assert.equal(host.modals().length, 0);
  });
});

describe('the Markdown report', () => {
  it('escapes names from the cluster, so they cannot make links or HTML', () => {
    assert.equal(escapeMarkdown('[x](http://evil) <img src=x>'), '\\[x\\](http://evil) &lt;img src=x\\>');
    const text = preflightMarkdown([{ context: 'c[1]', namespace: 'ns', findings: [] }], new Date('2026-12-03T12:00:00Z'));
    assert.match(text, /## ns on c\\\[1\\\]/);
    assert.equal(escapeMarkdown('a & b **bold** `code` |pipe|'), 'a &amp; b \\*\\*bold\\*\\* \\`code\\` \\|pipe\\|');
    assert.match(text, /No findings/);
    assert.match(text, /Checked 2026-12-03T12:00:00Z/);
  });
});
