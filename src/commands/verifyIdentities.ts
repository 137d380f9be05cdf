// Show Workload Identities: what `istioctl ztunnel-config workload` and `... certificate` show, read from
// every ztunnel's admin port through the API server's port-forward, with the places where ztunnel and
// the pods' annotations disagree. When port-forward is forbidden: identities derived from service
// accounts, and the view says it is a fallback.
import type { ClusterClient } from '../kube/types';
import { namespaceDataplane, namespaceFacts, podFacts, type PodFacts } from '../mesh/dataplane';
import { messageOf } from '../mesh/problems';
import {
  findDisagreements,
  identitiesFromServiceAccounts,
  mergeCertificates,
  mergeWorkloads,
  parseConfigDump,
  type ZtunnelDumpResult,
} from '../mesh/ztunnelConfig';
import { LAYOUT_DESCRIPTIONS } from '../mesh/ztunnelDump';
import type { IdentitiesModel, ZtunnelTables } from '../shared/verifyProtocol';
import { readTrustDomain } from './identity';
import { pickContext } from './pickers';
import { contextOfArg, listZtunnelPods, readConfigDumps, type VerifyDeps } from './verifyDeps';

export interface IdentitiesGathered {
  readonly model: IdentitiesModel;
  readonly dumps: readonly ZtunnelDumpResult[];
}

async function podsWithNamespaces(client: ClusterClient): Promise<{ pod: PodFacts; namespaceAmbient: boolean }[]> {
  const [namespaces, pods] = await Promise.all([client.listNamespaces(), client.listPods()]);
  const ambient = new Map(namespaces.map((ns) => namespaceFacts(ns)).map((ns) => [ns.name, namespaceDataplane(ns.labels).ambient]));
  // A terminating pod is on its way out of ztunnel's tables: it is neither a stale capture nor an identity to show.
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => podFacts(p))
    .map((pod) => ({ pod, namespaceAmbient: ambient.get(pod.namespace) ?? false }));
}

function ztunnelTables(results: readonly ZtunnelDumpResult[]): ZtunnelTables[] {
  return results.flatMap((r) =>
    r.dump
      ? [
          {
            ztunnelPod: r.ztunnelPod,
            node: r.node,
            layout: LAYOUT_DESCRIPTIONS[r.dump.layout],
            istioVersion: r.dump.istioVersion,
            services: r.dump.tables.services,
            policies: r.dump.tables.policies,
            connections: r.dump.tables.connections,
            absent: r.dump.absent,
          },
        ]
      : [],
  );
}

/** Read everything for one context and build the model (no UI). */
export async function gatherIdentities(deps: Pick<VerifyDeps, 'kube' | 'log'>, context: string, namespace?: string, now = new Date()): Promise<IdentitiesGathered> {
  const client = deps.kube.client(context);
  const [ztunnels, pods] = await Promise.all([listZtunnelPods(client), podsWithNamespaces(client)]);
  const dumps = await readConfigDumps(client, ztunnels, now);
  const read = dumps.filter((d) => d.dump);
  const unreadable = dumps.filter((d) => d.error).map((d) => ({ pod: d.ztunnelPod, error: d.error ?? '' }));
  for (const u of unreadable) deps.log.warn(`identities: ${context}: ztunnel ${u.pod}: ${u.error}`);
  const namespaces = [...new Set(pods.map((p) => p.pod.namespace))].sort();
  const base = { context, namespace, unreadable, ztunnelsRead: read.length, namespaces, generatedAt: now.toISOString(), ztunnels: ztunnelTables(read) };

  if (read.length === 0) {
    const forbidden = dumps.some((d) => d.reason === 'forbidden');
    const fallbackReason =
      ztunnels.length === 0
        ? `No ztunnel pod in istio-system on ${context}: ambient mode is not installed, so these identities are derived from service accounts.`
        : forbidden
          ? `Port-forward to ztunnel's admin port is forbidden for your user on ${context}: these identities are derived from service accounts, not read from ztunnel.`
          : `No ztunnel config dump could be read on ${context}: these identities are derived from service accounts, not read from ztunnel.`;
    const trustDomain = await readTrustDomain(deps.kube, context);
    return {
      dumps,
      model: { ...base, source: 'service-accounts', fallbackReason, workloads: [], certificates: [], derived: identitiesFromServiceAccounts(pods, trustDomain), disagreements: [] },
    };
  }
  const workloads = mergeWorkloads(read);
  const certificates = mergeCertificates(read);
  const disagreements = findDisagreements({ pods: pods.filter(({ pod }) => pod.phase === 'Running'), workloads, certificates, now });
  return { dumps, model: { ...base, source: 'ztunnel', workloads, certificates, derived: [], disagreements } };
}

/** `ambient.identity.show` on a context or namespace node, or from the palette. */
export async function showWorkloadIdentities(deps: VerifyDeps, arg?: unknown): Promise<IdentitiesModel | undefined> {
  let context = contextOfArg(arg);
  const namespaceArg = (arg as { namespace?: unknown; namespaceName?: unknown } | undefined)?.namespace ?? (arg as { namespaceName?: unknown } | undefined)?.namespaceName;
  const namespace = typeof namespaceArg === 'string' && namespaceArg !== '' ? namespaceArg : undefined;
  if (!context) {
    const picked = await pickContext(deps, 'Show Workload Identities');
    if (!picked) return undefined;
    context = picked;
  }
  const target = context;
  try {
    const { model } = await deps.host.withProgress(`Reading ztunnel identities on ${target}…`, () => gatherIdentities(deps, target, namespace));
    // Refresh in the panel reads the same context again (and keeps the namespace the command started from).
    deps.views.showIdentities(model, () => showWorkloadIdentities(deps, { context: target, namespace }));
    if (model.source === 'service-accounts' && model.fallbackReason) void deps.host.showMessage('warning', model.fallbackReason, {});
    return model;
  } catch (error) {
    const message = messageOf(error);
    deps.log.error(`Show Workload Identities on ${target}: ${message}`);
    void deps.host.showMessage('error', `Show Workload Identities: ${message}`, {});
    return undefined;
  }
}

/**
 * The identities model of one saved config dump (`/config_dump` body or `istioctl ztunnel-config all -o json`):
 * no cluster, so no disagreements with pods, only what the dump says. Throws the reader's one sentence.
 */
export function identitiesFromDumpFile(file: string, text: string, now = new Date()): IdentitiesModel {
  const name = file.split(/[\\/]/).pop() ?? file;
  const dump = parseConfigDump(text, { now, ztunnelPod: name });
  const result: ZtunnelDumpResult = { ztunnelPod: name, node: undefined, dump };
  const workloads = mergeWorkloads([result]);
  const certificates = mergeCertificates([result]);
  const namespaces = [...new Set([...workloads.map((w) => w.namespace), ...dump.tables.services.map((s) => s.NAMESPACE), ...dump.tables.policies.map((p) => p.NAMESPACE)])].filter(Boolean).sort();
  return {
    context: name,
    source: 'ztunnel',
    workloads,
    certificates,
    derived: [],
    disagreements: findDisagreements({ pods: [], workloads, certificates, now }),
    ztunnelsRead: 1,
    unreadable: [],
    ztunnels: ztunnelTables([result]),
    namespaces,
    generatedAt: now.toISOString(),
    file,
  };
}

/** `ambient.ztunnel.openConfigDump`: the file is picked and read by the caller (the window owns the dialog). */
export async function showConfigDumpFile(deps: Pick<VerifyDeps, 'views' | 'host' | 'log'>, file: string, readText: (file: string) => Promise<string>): Promise<IdentitiesModel | undefined> {
  let text: string;
  try {
    text = await readText(file);
  } catch (error) {
    void deps.host.showMessage('error', `Open ztunnel Config Dump: cannot read ${file}: ${messageOf(error)}`, {});
    return undefined;
  }
  try {
    const model = identitiesFromDumpFile(file, text);
    deps.views.showIdentities(model, () => showConfigDumpFile(deps, file, readText));
    return model;
  } catch (error) {
    // The reader's sentence says what the file is instead; nothing is shown in place of the panel's data.
    const message = `Open ztunnel Config Dump: ${file}: ${messageOf(error)}`;
    deps.log.error(message);
    void deps.host.showMessage('error', message, {});
    return undefined;
  }
}
