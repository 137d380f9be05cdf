// Starts the two-cluster test Kubernetes API server in-process and writes a kubeconfig for it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiServer } from './apiServer';
import { Authenticator } from './auth';
import { CertificateAuthority } from './certs';
import type { KeyAndCert } from './certs';
import { ClusterSim } from './cluster';
import type { FaultOptions } from './cluster';
import { ControlServer } from './control';
import { DEFAULT_ISTIO_RELEASE, istioRelease } from './istioRelease';
import { Seeder } from './seed';

export type { FaultOptions } from './cluster';
export { ClusterSim } from './cluster';

export interface TestClusterOptions {
  kubeconfigPath?: string;
  /** Default 3 (node-1..node-3), one ztunnel + istio-cni pod each. */
  nodes?: number;
  /** Scale: extra namespaces `load-0001`..., each with a Deployment `app`. */
  extraNamespaces?: number;
  /** Scale: pods per extra namespace. */
  podsPerExtraNamespace?: number;
  /** Background ztunnel log lines per second per ztunnel pod (default 1). */
  ztunnelLogRate?: number;
  faults?: FaultOptions;
  /** Plain-HTTP control endpoint on 127.0.0.1 (0 = pick a free one). */
  controlPort?: number;
  /** How long a new pod takes to become Ready (default 300 ms). */
  podReadyDelayMs?: number;
  /** How long a deleted pod stays Terminating before it is gone (default 200 ms; 0: at once). */
  podTerminationMs?: number;
  /** Change events kept for watch resumption per cluster (default 5000); older resourceVersions get 410. */
  watchHistory?: number;
  /** BOOKMARK period for watches that allow bookmarks (default 5000 ms). */
  bookmarkIntervalMs?: number;
  /** The Istio release both clusters claim: `1.24`, `1.26`, `1.28` (default, 1.28.3) or `1.30`. */
  istioVersion?: string;
}

export interface RunningTestCluster {
  readonly kubeconfigPath: string;
  /** 'cluster-1', 'cluster-2', 'cluster-1-viewer', 'cluster-2-viewer'. */
  readonly contexts: string[];
  /** Cluster name -> https://127.0.0.1:PORT. */
  readonly servers: Record<string, string>;
  readonly controlUrl: string;
  /** In-process access for assertions: the simulated clusters (store, logs, ztunnel, counters). */
  readonly clusters: Record<string, ClusterSim>;
  /** The CA that signed the serving and client certificates (PEM). */
  readonly caPem: string;
  setFaults(cluster: string | 'all', faults: FaultOptions): void;
  stop(): Promise<void>;
}

export const clusterNames = ['cluster-1', 'cluster-2'] as const;

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function kubeconfigYaml(servers: Record<string, string>, caPem: string, admin: KeyAndCert, viewer: KeyAndCert, tokens: { cluster2Admin: string; cluster2Viewer: string }): string {
  const certUser = (name: string, kc: KeyAndCert) => `- name: ${name}\n  user:\n    client-certificate-data: ${b64(kc.certPem)}\n    client-key-data: ${b64(kc.keyPem)}\n`;
  const tokenUser = (name: string, token: string) => `- name: ${name}\n  user:\n    token: ${token}\n`;
  const context = (name: string, cluster: string, user: string) => `- name: ${name}\n  context:\n    cluster: ${cluster}\n    user: ${user}\n`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...clusterNames.map((c) => `- name: ${c}\n  cluster:\n    server: ${servers[c]}\n    certificate-authority-data: ${b64(caPem)}`),
    'users:',
    certUser('cluster-1-admin', admin).trimEnd(),
    tokenUser('cluster-2-admin', tokens.cluster2Admin).trimEnd(),
    certUser('cluster-1-viewer', viewer).trimEnd(),
    tokenUser('cluster-2-viewer', tokens.cluster2Viewer).trimEnd(),
    'contexts:',
    context('cluster-1', 'cluster-1', 'cluster-1-admin').trimEnd(),
    context('cluster-2', 'cluster-2', 'cluster-2-admin').trimEnd(),
    context('cluster-1-viewer', 'cluster-1', 'cluster-1-viewer').trimEnd(),
    context('cluster-2-viewer', 'cluster-2', 'cluster-2-viewer').trimEnd(),
    'current-context: cluster-1',
    'preferences: {}',
    '',
  ].join('\n');
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<RunningTestCluster> {
  const ca = new CertificateAuthority();
  const serving = ca.serverCertificate();
  // Admins authenticate like kind's kubeconfig (client cert in system:masters) or with a token.
  const adminCert = ca.clientCertificate('kubernetes-admin', ['system:masters']);
  const viewerCert = ca.clientCertificate('viewer', ['viewers']);
  const auth = new Authenticator();
  const tokens = { cluster2Admin: `admin-${randomBytes(16).toString('hex')}`, cluster2Viewer: `viewer-${randomBytes(16).toString('hex')}` };
  auth.addToken(tokens.cluster2Admin, { name: 'cluster-2-admin', groups: ['system:masters', 'system:authenticated'] });
  auth.addToken(tokens.cluster2Viewer, { name: 'viewer', groups: ['viewers', 'system:authenticated'] });

  const sims = new Map<string, ClusterSim>();
  const apis: ApiServer[] = [];
  const servers: Record<string, string> = {};
  let index = 1;
  for (const name of clusterNames) {
    const sim = new ClusterSim({ name, index: index++, readyDelayMs: options.podReadyDelayMs, podTerminationMs: options.podTerminationMs, ztunnelLogRate: options.ztunnelLogRate, historyLimit: options.watchHistory, istio: istioRelease(options.istioVersion ?? DEFAULT_ISTIO_RELEASE.version) });
    new Seeder(sim).seed({ nodes: options.nodes ?? 3, extraNamespaces: options.extraNamespaces ?? 0, podsPerExtraNamespace: options.podsPerExtraNamespace ?? 10 });
    sim.start();
    const api = new ApiServer({ sim, auth, tls: serving, caPem: ca.certPem, bookmarkIntervalMs: options.bookmarkIntervalMs });
    servers[name] = await api.listen(0);
    sims.set(name, sim);
    apis.push(api);
  }

  const setFaults = (cluster: string, faults: FaultOptions) => {
    for (const [name, sim] of sims) if (cluster === 'all' || cluster === name) sim.setFaults(faults);
  };
  if (options.faults) setFaults('all', options.faults);
  const control = new ControlServer(sims, setFaults);
  const controlUrl = await control.listen(options.controlPort ?? 0);

  const kubeconfigPath = options.kubeconfigPath ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'test-cluster-')), 'kubeconfig');
  fs.mkdirSync(path.dirname(kubeconfigPath), { recursive: true });
  fs.writeFileSync(kubeconfigPath, kubeconfigYaml(servers, ca.certPem, adminCert, viewerCert, tokens), { mode: 0o600 });

  let stopped = false;
  return {
    kubeconfigPath,
    contexts: ['cluster-1', 'cluster-2', 'cluster-1-viewer', 'cluster-2-viewer'],
    servers,
    controlUrl,
    clusters: Object.fromEntries(sims),
    caPem: ca.certPem,
    setFaults,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const sim of sims.values()) sim.stop();
      await Promise.all([...apis.map((a) => a.close()), control.close()]);
    },
  };
}
