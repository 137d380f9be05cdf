// Composition root: build the services, wire them together, push every disposable. Nothing else here.
import * as vscode from 'vscode';
import { readClusterView } from './agents/clusterView';
import { agentToolsApi, registerAgentTools, registerMcpServer, type AgentToolsApi } from './agents/register';
import type { AgentDeps } from './agents/tools';
import { registerLogCommands } from './commands/logs';
import { registerNamespaceCommands } from './commands/namespaceRegister';
import { registerPreflightCommands } from './commands/preflightRegister';
import { registerVerifyCommands } from './commands/verifyRegister';
import { createVscodeHost } from './commands/vscodeHost';
import { commandSettings, execPluginPath, kubeconfigPaths, logSettings, onDidChangeSetting, setting } from './config';
import { AccessReviews } from './kube/access';
import { createKubeClients } from './kube/kubeClients';
import { kubeLogger, logDisposable, logger } from './log';
import { HealthResults } from './mesh/health';
import { MeshModel } from './mesh/meshModel';
import { ClustersTreeProvider } from './views/clustersTreeProvider';
import { CLUSTERS_VIEW_ID, ONLY_AMBIENT_CONTEXT_KEY } from './views/commandIds';
import { NamespaceDecorationProvider } from './views/decorations';
import { registerExplorerCommands } from './views/explorerCommands';
import { PolicyDocuments, registerPolicyCommands } from './views/policyDocument';
import { PreflightDocuments } from './views/preflightDocument';
import type { ExplorerNode } from './views/explorerNode';
import { ClustersStatusBar } from './views/statusBar';

/** What `activate` returns: the extension-host tests reach the live tree through it. */
export interface AmbientMeshApi {
  readonly model: MeshModel;
  readonly clusters: ClustersTreeProvider;
  readonly clustersView: vscode.TreeView<ExplorerNode>;
  readonly decorations: NamespaceDecorationProvider;
  readonly statusBar: ClustersStatusBar;
  /** The latest Check Ambient Health result per context. */
  readonly health: HealthResults;
  /** The language-model tools' prepare and run, as the registered tools call them. */
  readonly agentTools: AgentToolsApi;
}

export function activate(context: vscode.ExtensionContext): AmbientMeshApi {
  context.subscriptions.push(logDisposable);
  const log = logger('extension');
  log.info(`activating ${context.extension.id} ${context.extension.packageJSON.version}`);

  const kube = createKubeClients({
    logger: kubeLogger,
    kubeconfigPaths: kubeconfigPaths(),
    execPluginPath: execPluginPath(),
    requestTimeoutMs: setting('requestTimeoutSeconds') * 1000,
  });
  context.subscriptions.push(
    kube,
    onDidChangeSetting(['kubeconfig'], () => kube.setKubeconfigPaths(kubeconfigPaths())),
    // Clients keep the options they were built with; these apply to the next window.
    onDidChangeSetting(['execPluginPath', 'requestTimeoutSeconds'], () => void offerWindowReload()),
  );

  // What each context may write, asked once (SelfSubjectAccessReview) and again after a kubeconfig change.
  const access = new AccessReviews(kube);
  context.subscriptions.push(access);

  const explorerLog = logger('explorer');
  const model = new MeshModel(kube, {
    isSystemNamespace: (name) => setting('explorer.systemNamespaces').includes(name),
    log: explorerLog,
  });
  context.subscriptions.push(model);

  // The last Check Ambient Health result per context: written by the verify commands, shown on the Mesh node.
  const health = new HealthResults();
  const clusters = new ClustersTreeProvider(
    model,
    () => ({ hideSystemNamespaces: setting('explorer.hideSystemNamespaces'), showOnlyAmbient: setting('explorer.showOnlyAmbient') }),
    () => setting('explorer.refreshDelayMs'),
    health,
    access,
  );
  const clustersView = vscode.window.createTreeView(CLUSTERS_VIEW_ID, { treeDataProvider: clusters, canSelectMany: true, showCollapseAll: true });
  clusters.attach(clustersView);
  const decorations = new NamespaceDecorationProvider(clusters);
  const statusBar = new ClustersStatusBar(model, clusters);
  context.subscriptions.push(clusters, clustersView, decorations, vscode.window.registerFileDecorationProvider(decorations), statusBar);

  const syncFilterContext = () =>
    void vscode.commands.executeCommand('setContext', ONLY_AMBIENT_CONTEXT_KEY, setting('explorer.showOnlyAmbient'));
  syncFilterContext();
  context.subscriptions.push(
    onDidChangeSetting(['explorer.systemNamespaces'], () => model.reclassify()),
    onDidChangeSetting(['explorer.showOnlyAmbient', 'explorer.hideSystemNamespaces', 'explorer.systemNamespaces'], () => {
      syncFilterContext();
      clusters.refreshAll();
      statusBar.update();
    }),
  );

  // Every command of the extension is registered here, and nowhere else.
  const commandsLog = logger('commands');
  const commandDeps = {
    kube,
    host: createVscodeHost(),
    log: commandsLog,
    settings: commandSettings,
    access,
  };
  const preflightDocuments = new PreflightDocuments(commandsLog);
  context.subscriptions.push(
    ...registerExplorerCommands(clusters),
    ...registerNamespaceCommands(commandDeps),
    preflightDocuments,
    ...registerPreflightCommands({ ...commandDeps, views: preflightDocuments }),
  );

  // Verify: identities, connectivity, health.
  const verifyLog = logger('verify');
  context.subscriptions.push(
    health,
    ...registerVerifyCommands({ kube, host: createVscodeHost(), log: verifyLog, extensionUri: context.extensionUri, health, expectedNamespaces: () => setting('health.expectedNamespaces') }),
  );

  // ztunnel logs: Show ztunnel Logs, Open ztunnel Log File…, and the log view's panel serializer.
  // AuthorizationPolicies as read-only YAML: from the tree's policy rows and the log view's denials.
  const policyDocuments = new PolicyDocuments(kube);
  context.subscriptions.push(policyDocuments, ...registerPolicyCommands(policyDocuments, commandDeps));
  const openPolicy = async (kubeContext: string, namespace: string, name: string) => {
    await policyDocuments.open({ context: kubeContext, namespace, name });
  };
  context.subscriptions.push(...registerLogCommands({ kube, host: createVscodeHost(), extensionUri: context.extensionUri, log: logger('logs'), settings: logSettings, openPolicy }));

  // Agents: the language-model tools (Copilot agent mode, any chat participant) and the MCP server definition.
  const agentsLog = logger('agents');
  const clusterOptions = { isSystemNamespace: (name: string) => setting('explorer.systemNamespaces').includes(name), log: agentsLog };
  const agentDeps: AgentDeps = {
    kube,
    access,
    log: agentsLog,
    settings: commandSettings,
    // The Clusters view's model when that context is live, so the tool says what the tree shows.
    clusterView: (ctx) => readClusterView(kube.client(ctx), clusterOptions, model.knownClusters().find((m) => m.context === ctx)),
    expectedNamespaces: () => setting('health.expectedNamespaces'),
    health,
  };
  const mcpServer = registerMcpServer(context.extensionUri, kubeconfigPaths, context.extension.packageJSON.version);
  context.subscriptions.push(...registerAgentTools(agentDeps), mcpServer, onDidChangeSetting(['kubeconfig'], () => mcpServer.refresh()));

  return { model, clusters, clustersView, decorations, statusBar, health, agentTools: agentToolsApi(agentDeps) };
}

async function offerWindowReload(): Promise<void> {
  const reload = 'Reload Window';
  const choice = await vscode.window.showInformationMessage('Ambient Mesh applies this Kubernetes setting after a window reload.', reload);
  if (choice === reload) await vscode.commands.executeCommand('workbench.action.reloadWindow');
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
