// `npm run cluster -- --kubeconfig <path> [options]`: run the test clusters in the foreground until
// SIGINT/SIGTERM. Prints one line containing `ready` once both clusters serve, for parent processes.
import { startTestCluster } from './testCluster';
import type { FaultOptions, TestClusterOptions } from './testCluster';

function parseArgs(argv: string[]): TestClusterOptions {
  const options: TestClusterOptions = {};
  const faults: FaultOptions = {};
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--kubeconfig': options.kubeconfigPath = value(i++, flag); break;
      case '--nodes': options.nodes = Number(value(i++, flag)); break;
      case '--extra-namespaces': options.extraNamespaces = Number(value(i++, flag)); break;
      case '--pods-per-namespace': options.podsPerExtraNamespace = Number(value(i++, flag)); break;
      case '--log-rate': options.ztunnelLogRate = Number(value(i++, flag)); break;
      case '--control-port': options.controlPort = Number(value(i++, flag)); break;
      case '--istio-version': options.istioVersion = value(i++, flag); break;
      case '--latency': faults.latencyMs = Number(value(i++, flag)); break;
      case '--error-rate': faults.serverErrorRate = Number(value(i++, flag)); break;
      case '--drop-watches-every': faults.dropWatchesEveryMs = Number(value(i++, flag)); break;
      case '--drop-logs-every': faults.dropLogStreamsEveryMs = Number(value(i++, flag)); break;
      case '--forbid': {
        const [verb, resource, namespace] = value(i++, flag).split(':');
        (faults.forbid ??= []).push({ verb, resource, ...(namespace ? { namespace } : {}) });
        break;
      }
      case '--help':
        console.log('usage: npm run cluster -- --kubeconfig <path> [--nodes N] [--extra-namespaces N] [--pods-per-namespace N] [--log-rate N] [--latency MS] [--error-rate F] [--drop-watches-every MS] [--drop-logs-every MS] [--forbid verb:resource[:namespace]] [--control-port N] [--istio-version 1.24|1.26|1.28|1.30]');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  return options;
}

async function main(): Promise<void> {
  const started = Date.now();
  const cluster = await startTestCluster(parseArgs(process.argv.slice(2)));
  const servers = Object.entries(cluster.servers).map(([name, url]) => `${name}=${url}`).join(' ');
  console.log(`test cluster ready in ${Date.now() - started} ms: kubeconfig=${cluster.kubeconfigPath} ${servers} control=${cluster.controlUrl}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void cluster.stop().then(() => {
      console.log(`test cluster stopped (${signal})`);
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
