// The agent tools as VS Code language-model tools (`contributes.languageModelTools`), and the MCP server
// definition for VS Code's MCP support. Thin: the behaviour is tools.ts, the texts format.ts.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AgentToolError, prepareTool, runTool, type AgentDeps } from './tools';
import { AGENT_TOOLS, type AgentToolName } from './toolSpecs';

export const MCP_PROVIDER_ID = 'ambient-mesh.mcp';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function registerAgentTools(deps: AgentDeps): vscode.Disposable[] {
  return AGENT_TOOLS.map((spec) =>
    vscode.lm.registerTool<Record<string, unknown>>(spec.name, {
      async prepareInvocation(options) {
        try {
          const prepared = await prepareTool(deps, spec.name, options.input);
          return { invocationMessage: prepared.invocationMessage, confirmationMessages: prepared.confirmation };
        } catch (error) {
          // A write is never run unasked: when its plan cannot be read, the confirmation says so.
          if (spec.readOnly) return { invocationMessage: spec.displayName };
          return { invocationMessage: spec.displayName, confirmationMessages: { title: `${spec.displayName}?`, message: `The plan could not be read: ${messageOf(error)}` } };
        }
      },
      async invoke(options, token) {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const text = await runTool(deps, spec.name, options.input, controller.signal);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
        } catch (error) {
          const sentence = messageOf(error);
          if (error instanceof AgentToolError) deps.log.warn(`${spec.name}: ${sentence}`);
          else deps.log.error(`${spec.name}: ${sentence}`);
          // The model reads a thrown error's message: the same one sentence the user would get.
          throw new Error(sentence, { cause: error });
        } finally {
          subscription.dispose();
        }
      },
    }),
  );
}

/** What the extension-host tests call: the same prepare/run the registered tools call, without VS Code's confirmation. */
export interface AgentToolsApi {
  prepare(name: AgentToolName, input: unknown): ReturnType<typeof prepareTool>;
  run(name: AgentToolName, input: unknown): Promise<string>;
}

export function agentToolsApi(deps: AgentDeps): AgentToolsApi {
  return { prepare: (name, input) => prepareTool(deps, name, input), run: (name, input) => runTool(deps, name, input) };
}

/**
 * The read-only MCP server (dist/mcp.js) for VS Code's MCP clients, run by the editor's own Node with the
 * kubeconfig the extension uses. Writes stay with the language-model tools, which confirm each one.
 */
export function registerMcpServer(extensionUri: vscode.Uri, kubeconfigPaths: () => readonly string[], version: string): vscode.Disposable & { refresh(): void } {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.McpServerDefinitionProvider = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const script = path.join(extensionUri.fsPath, 'dist', 'mcp.js');
      // A build without the bundle (an extension run from sources before `npm run build`) offers no server.
      if (!existsSync(script)) return [];
      const args = [script, ...kubeconfigPaths().flatMap((file) => ['--kubeconfig', file])];
      // Desktop VS Code's execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node (ignored by Node itself).
      return [new vscode.McpStdioServerDefinition('Ambient Mesh', process.execPath, args, { ELECTRON_RUN_AS_NODE: '1' }, version)];
    },
  };
  const registration = vscode.Disposable.from(vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider), changed);
  // The kubeconfig setting changed: VS Code asks for the definition again.
  return { dispose: () => registration.dispose(), refresh: () => changed.fire() };
}
