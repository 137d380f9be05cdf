// One reading of a context for ambient_status: the Clusters view's own ClusterModel when it is live (what the
// user sees), else a one-off ClusterModel that lists, reads and is disposed. Pure (the mesh model only).
import type { ClusterClient } from '../kube/types';
import { ClusterModel, type ClusterModelOptions, type ClusterView } from '../mesh/clusterModel';

export async function readClusterView(client: ClusterClient, options: ClusterModelOptions, live?: ClusterModel): Promise<ClusterView> {
  if (live?.live) {
    await live.start();
    return live.view();
  }
  const model = new ClusterModel(client, options);
  try {
    // The summary (istiod, ztunnel, istio-cni, trust domain) is a one-off read; start() lists namespaces and pods.
    await model.loadSummary(true);
    await model.start();
    return model.view();
  } finally {
    model.dispose();
  }
}
