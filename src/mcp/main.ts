// `ambient-mesh-mcp`: the MCP server on stdio. stdout is the protocol, so everything else (the audit log,
// the kube layer's log, usage errors) goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readClusterView } from '../agents/clusterView';
import type { AgentDeps } from '../agents/tools';
import { DEFAULT_COMMAND_SETTINGS } from '../shared/settings';
import { AccessReviews } from '../kube/access';
import { createKubeClients } from '../kube/kubeClients';
import { createAmbientMcpServer } from './server';

const USAGE = `Usage: ambient-mesh-mcp [--kubeconfig FILE]... [--allow-writes] [--dry-run]

Serves the Ambient Mesh tools over MCP on stdin/stdout.
  --kubeconfig FILE  kubeconfig to read (repeatable); default KUBECONFIG, else ~/.kube/config
  --allow-writes     also offer ambient_enroll, ambient_unenroll and ambient_restart_workloads
  --dry-run          every write is a server-side dry run (dryRun=All): nothing changes
`;

/** The namespaces the explorer treats as system ones by default (package.json's ambient.explorer.systemNamespaces). */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

export interface CliOptions {
  readonly kubeconfigPaths: string[];
  readonly allowWrites: boolean;
  readonly dryRun: boolean;
}

/** The arguments, or the one sentence saying what is wrong with them. */
export function parseArgs(argv: readonly string[]): CliOptions | { error: string } | 'help' {
  const kubeconfigPaths: string[] = [];
  let allowWrites = false;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--allow-writes') allowWrites = true;
    else if (arg === '--dry-run') dryRun = true;
    else if (arg === '--kubeconfig' || arg.startsWith('--kubeconfig=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) return { error: '--kubeconfig needs a file.' };
      kubeconfigPaths.push(value);
    } else return { error: `Unknown argument "${arg}".` };
  }
  return { kubeconfigPaths, allowWrites, dryRun };
}

function stderrLog(prefix: string) {
  const write = (level: string) => (message: string) => void process.stderr.write(`${new Date().toISOString()} ${level} ${prefix}: ${message}\n`);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n\n${USAGE}`);
    process.exit(2);
  }
  const kubeLog = stderrLog('kube');
  const kube = createKubeClients({
    kubeconfigPaths: parsed.kubeconfigPaths,
    logger: { info: (c, m) => kubeLog.info(`${c}: ${m}`), warn: (c, m) => kubeLog.warn(`${c}: ${m}`), error: (c, m) => kubeLog.error(`${c}: ${m}`) },
  });
  const access = new AccessReviews(kube);
  const log = stderrLog('ambient-mesh');
  const isSystemNamespace = (name: string) => SYSTEM_NAMESPACES.includes(name);
  const deps: AgentDeps = {
    kube,
    access,
    log,
    settings: () => ({ ...DEFAULT_COMMAND_SETTINGS, dryRun: parsed.dryRun }),
    clusterView: (context) => readClusterView(kube.client(context), { isSystemNamespace, log: { debug: () => undefined, warn: log.warn } }),
  };
  const server = createAmbientMcpServer(deps, { allowWrites: parsed.allowWrites, version: VERSION });
  const shutdown = () => {
    access.dispose();
    kube.dispose();
    void server.close();
  };
  server.onclose = () => {
    access.dispose();
    kube.dispose();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.stdin.on('end', shutdown);
  await server.connect(new StdioServerTransport());
  log.info(`serving ${parsed.allowWrites ? 'all tools' : 'read-only tools'}${parsed.dryRun ? ' (dry run)' : ''} on stdio; contexts: ${kube.state().contexts.map((c) => c.name).join(', ') || 'none'}`);
}

// esbuild replaces it with package.json's version; run from source it is the development build.
declare const AMBIENT_MESH_VERSION: string | undefined;
const VERSION = typeof AMBIENT_MESH_VERSION === 'string' ? AMBIENT_MESH_VERSION : '0.0.0-dev';

/** Start the server (bin/ambient-mesh-mcp.cjs calls it; `node dist/mcp.js` runs it directly). */
export function run(): void {
  main().catch((error: unknown) => {
    process.stderr.write(`ambient-mesh-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

if (require.main === module) run();
