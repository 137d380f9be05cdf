// The MCP server: the agent tools over the Model Context Protocol, for agents outside VS Code. The same
// specs, checks and texts as the VS Code tools (src/agents); the write tools are listed and callable only
// when the server was started with `--allow-writes`. No vscode.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AgentToolError, runTool, type AgentDeps } from '../agents/tools';
import { AGENT_TOOLS, agentTool } from '../agents/toolSpecs';

export interface McpServerOptions {
  readonly allowWrites: boolean;
  readonly version: string;
}

function text(message: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: message }], ...(isError ? { isError: true } : {}) };
}

export function createAmbientMcpServer(deps: AgentDeps, options: McpServerOptions): Server {
  const server = new Server({ name: 'ambient-mesh', version: options.version }, { capabilities: { tools: {} } });
  const offered = AGENT_TOOLS.filter((t) => t.readOnly || options.allowWrites);

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: offered.map((t) => ({
      name: t.name,
      title: t.displayName,
      description: t.modelDescription,
      inputSchema: t.inputSchema as { type: 'object'; properties?: Record<string, object> },
      annotations: { title: t.displayName, readOnlyHint: t.readOnly, destructiveHint: !t.readOnly, openWorldHint: false },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const spec = agentTool(request.params.name);
    if (!spec) return text(`There is no tool "${request.params.name}"; the tools are ${offered.map((t) => t.name).join(', ')}.`, true);
    if (!spec.readOnly && !options.allowWrites) {
      return text(`${spec.name} changes the cluster: this server was started read-only; start it with --allow-writes to use it.`, true);
    }
    try {
      return text(await runTool(deps, spec.name, request.params.arguments ?? {}, extra.signal));
    } catch (error) {
      const sentence = error instanceof Error ? error.message : String(error);
      if (!(error instanceof AgentToolError)) deps.log.error(`${spec.name}: ${sentence}`);
      return text(sentence, true);
    }
  });
  return server;
}
