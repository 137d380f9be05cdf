// The agent tools' pure parts: package.json declares exactly the specs the MCP server serves, the agent's
// window answers each of the handlers' questions as the tool's input says, the MCP command line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AgentHost } from '../../../src/agents/agentHost';
import { formatLogs, formatReport } from '../../../src/agents/format';
import { AGENT_TOOLS } from '../../../src/agents/toolSpecs';
import { CONFIRM_ACTIONS } from '../../../src/commands/writeGuard';
import { ENROLL_KEEPING_SIDECAR, ENROLL_WORDS, REMOVE_SIDECAR_LABEL, RESTART_CONFIRM } from '../../../src/commands/namespaceCommands';
import { ENROLL_ANYWAY } from '../../../src/commands/preflight';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { mtlsOutbound, t as fixtureTime } from '../logs/ztunnelLines';
import { parseArgs } from '../../../src/mcp/main';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));

describe('agent tool specs', () => {
  it('package.json contributes exactly the specs, with the same descriptions and schemas, and an activation event each', () => {
    const contributed = manifest.contributes.languageModelTools as { name: string; displayName: string; modelDescription: string; inputSchema: unknown }[];
    assert.deepEqual(
      contributed.map((t) => ({ name: t.name, displayName: t.displayName, modelDescription: t.modelDescription, inputSchema: t.inputSchema })),
      AGENT_TOOLS.map((t) => ({ name: t.name, displayName: t.displayName, modelDescription: t.modelDescription, inputSchema: t.inputSchema })),
    );
    for (const t of AGENT_TOOLS) assert.ok(manifest.activationEvents.includes(`onLanguageModelTool:${t.name}`), t.name);
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders, [{ id: 'ambient-mesh.mcp', label: 'Ambient Mesh' }]);
    assert.equal(manifest.bin['ambient-mesh-mcp'], './bin/ambient-mesh-mcp.cjs');
  });

  it('only enroll, unenroll and restart write', () => {
    assert.deepEqual(AGENT_TOOLS.filter((t) => !t.readOnly).map((t) => t.name), ['ambient_enroll', 'ambient_unenroll', 'ambient_restart_workloads']);
  });
});

describe('AgentHost', () => {
  it('confirms the writes (the tool confirmation already happened), and answers the sidecar and findings questions from the input', async () => {
    const keep = new AgentHost({});
    assert.equal(await keep.showMessage('warning', 'Enroll finance?', { modal: true }, CONFIRM_ACTIONS.enroll), CONFIRM_ACTIONS.enroll);
    assert.equal(await keep.showMessage('warning', 'Restart?', { modal: true }, RESTART_CONFIRM), RESTART_CONFIRM);
    assert.equal(await keep.showMessage('warning', 'Sidecar injection is on', { modal: true }, REMOVE_SIDECAR_LABEL, ENROLL_KEEPING_SIDECAR), ENROLL_KEEPING_SIDECAR);
    assert.equal(await keep.showMessage('warning', 'Check Before Enrolling found 1 problem', { modal: true, detail: 'x' }, ENROLL_ANYWAY), undefined, 'findings stop the enroll');
    const remove = new AgentHost({ removeSidecarLabels: true, enrollDespiteFindings: true });
    assert.equal(await remove.showMessage('warning', 'Sidecar injection is on', { modal: true }, REMOVE_SIDECAR_LABEL, ENROLL_KEEPING_SIDECAR), REMOVE_SIDECAR_LABEL);
    assert.equal(await remove.showMessage('warning', 'Check Before Enrolling found 1 problem', { modal: true }, ENROLL_ANYWAY), ENROLL_ANYWAY);
    assert.equal(keep.lastModal()?.detail, 'x');
  });

  it("never takes a toast's offer (Restart Workloads after enrolling) and never picks", async () => {
    const host = new AgentHost({});
    assert.equal(await host.showMessage('info', '2 pods are not captured yet', {}, 'Restart Workloads'), undefined);
    assert.equal(await host.pickOne([{ label: 'a', value: 'a' }]), undefined);
    assert.equal(host.messages.length, 1);
  });
});

describe('agent tool texts', () => {
  it('a report: the summary sentence, then every target', () => {
    const text = formatReport(
      { title: 'Enroll in Ambient', cancelled: false, dryRun: false, results: [{ ref: { context: 'c1', namespace: 'shop' }, target: 'c1/shop', outcome: 'done', detail: 'set istio.io/dataplane-mode=ambient' }] },
      ENROLL_WORDS,
    );
    assert.equal(text, 'Enroll in Ambient: 1 enrolled (shop on c1).\nEnrolled (1):\n  c1/shop — set istio.io/dataplane-mode=ambient');
  });

  it('logs: counts over every match, the newest lines up to the limit', () => {
    // Istio 1.23–1.28's outbound HBONE access-log line, from the log parser's fixtures (ztunnelLines.ts).
    const line = (time: string) => mtlsOutbound.replace(fixtureTime, time);
    const matched = ['2026-01-01T00:00:01Z', '2026-01-01T00:00:03Z', '2026-01-01T00:00:02Z'].map((t) => ({ context: 'c1', pod: 'ztunnel-a', entry: parseZtunnelLine(line(t)) }));
    const text = formatLogs({ sources: [{ context: 'c1', pods: 1, failures: [] }], read: 10, matched, sinceMinutes: 15, limit: 2, filters: 'namespace finance' });
    const lines = text.split('\n');
    assert.equal(lines[0], 'ztunnel logs of the last 15 min on c1 (1 ztunnel pod), filtered by namespace finance: 10 entries read, 3 match (mtls 3).');
    assert.equal(lines[1], 'Newest 2 of 3:');
    assert.equal(lines[2], '2026-01-01T00:00:02Z c1/ztunnel-a info [mtls] curl-7d… (finance) → accounts (accounts) finance/curl → accounts/accounts sent 175 B recv 80 B outbound 1ms');
    assert.match(lines[3], /^2026-01-01T00:00:03Z /);
    assert.equal(lines.length, 4);
  });
});

describe('ambient-mesh-mcp command line', () => {
  it('reads --kubeconfig (repeated, or with =), --allow-writes and --dry-run; one sentence for anything else', () => {
    assert.deepEqual(parseArgs(['--kubeconfig', 'a', '--kubeconfig=b', '--allow-writes']), { kubeconfigPaths: ['a', 'b'], allowWrites: true, dryRun: false });
    assert.deepEqual(parseArgs([]), { kubeconfigPaths: [], allowWrites: false, dryRun: false });
    assert.deepEqual(parseArgs(['--kubeconfig']), { error: '--kubeconfig needs a file.' });
    assert.deepEqual(parseArgs(['--writes']), { error: 'Unknown argument "--writes".' });
    assert.equal(parseArgs(['--help']), 'help');
  });
});
