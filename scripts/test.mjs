#!/usr/bin/env node
// `npm test`: every check the project has, fastest first, with one summary at the end.
//
//   npm test                        all stages
//   npm test -- unit kubectl        only these stages (names from the table below)
//   npm test -- --bail              stop at the first failing stage
//
// Each stage runs as its own process group with a time limit; its output streams through and is also
// written to .test-output/logs/<stage>.log. Counts come from the runners' own summaries (node:test's
// `# pass N` / `# fail N`, the extension host's `# extension-host: pass N fail N`); typecheck counts one
// check per TypeScript project and lint one check. The last line is `N passed, N failed`; the exit code
// is non-zero if any stage failed or a required stage has nothing to run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { spawnGroup, withTimeout } from './codeServer.mjs';
import { envWithProjectNode, projectNodeBin, projectRoot } from './projectNode.mjs';

// npm puts the project's Node 24 first on PATH; a bare `node scripts/test.mjs` on the machine's Node 20
// re-runs itself with it (globSync and the tools below need Node >= 22).
if (Number(process.versions.node.split('.')[0]) < 22) {
  const rerun = spawnSync(projectNodeBin(), process.argv.slice(1), { stdio: 'inherit', env: envWithProjectNode() });
  process.exit(rerun.status ?? 1);
}

const minutes = (n) => n * 60_000;

/**
 * @typedef {{ name: string, commands?: string[][], script?: string, files?: string, optional?: boolean,
 *             timeoutMs: number, counts: 'node-test' | 'extension-host' | 'checks' }} Stage
 * @type {Stage[]}
 */
const stages = [
  {
    name: 'typecheck',
    commands: [
      ['tsc', '-p', '.', '--noEmit'],
      // The webview apps have their own tsconfig (DOM, no Node); checked once they have code.
      ...(fs.globSync('src/webview/app/*.ts', { cwd: projectRoot }).length > 0 ? [['tsc', '-p', 'src/webview/app', '--noEmit']] : []),
    ],
    timeoutMs: minutes(5),
    counts: 'checks',
  },
  { name: 'lint', script: 'lint', timeoutMs: minutes(5), counts: 'checks' },
  { name: 'unit', script: 'test:unit', files: 'test/unit/**/*.test.ts', timeoutMs: minutes(10), counts: 'node-test' },
  { name: 'kube', script: 'test:kube', optional: true, timeoutMs: minutes(10), counts: 'node-test' },
  // The MCP server (bin/ambient-mesh-mcp.cjs) driven by the SDK's client over stdio against the test cluster.
  { name: 'mcp', script: 'test:mcp', files: 'test/mcp/**/*.test.ts', timeoutMs: minutes(10), counts: 'node-test' },
  { name: 'kubectl', script: 'test:kubectl', files: 'test/kubectl/**/*.test.ts', timeoutMs: minutes(15), counts: 'node-test' },
  {
    name: 'extension-host',
    script: 'test:extension-host',
    files: 'test/integration/*.test.ts',
    timeoutMs: minutes(15),
    counts: 'extension-host',
  },
  { name: 'ui', script: 'test:ui', files: 'test/e2e/*.e2e.ts', timeoutMs: minutes(30), counts: 'node-test' },
];

const logsDir = join(projectRoot, '.test-output/logs');
const packageScripts = JSON.parse(fs.readFileSync(join(projectRoot, 'package.json'), 'utf8')).scripts ?? {};

/** Why a stage cannot run yet, or undefined when it can. */
function missingReason(stage) {
  if (stage.script && !packageScripts[stage.script]) return `no "${stage.script}" script in package.json`;
  if (stage.files && fs.globSync(stage.files, { cwd: projectRoot }).length === 0) return `no test files match ${stage.files}`;
  return undefined;
}

function lastNumber(output, pattern) {
  const matches = [...output.matchAll(pattern)];
  return matches.length > 0 ? Number(matches.at(-1)[1]) : undefined;
}

/** Pass/fail counts from a stage's output. */
function countResults(stage, output, commandResults) {
  if (stage.counts === 'checks') {
    const failed = commandResults.filter((ok) => !ok).length;
    return { passed: commandResults.length - failed, failed };
  }
  if (stage.counts === 'extension-host') {
    const match = [...output.matchAll(/# extension-host: pass (\d+) fail (\d+)/g)].at(-1);
    if (match) return { passed: Number(match[1]), failed: Number(match[2]) };
    // Desktop VS Code or a suite that died early: fall back to mocha's own summary.
    return { passed: lastNumber(output, /^\s*(\d+) passing/gm), failed: lastNumber(output, /^\s*(\d+) failing/gm) };
  }
  // node:test: `# pass N` (tap, when piped) or `ℹ pass N` (spec); several files may each print one.
  return {
    passed: lastNumber(output, /^(?:#|ℹ) pass (\d+)/gm),
    failed: lastNumber(output, /^(?:#|ℹ) fail (\d+)/gm),
  };
}

async function runCommand(stage, command, args, deadline) {
  const log = join(logsDir, `${stage.name}.log`);
  // FORCE_COLOR=0 keeps escape codes out of the logs we parse.
  const proc = spawnGroup(command, args, { cwd: projectRoot, env: envWithProjectNode({ FORCE_COLOR: '0' }), logFile: log });
  let output = '';
  proc.child.stdout.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  proc.child.stderr.on('data', (chunk) => {
    output += chunk;
    process.stderr.write(chunk);
  });
  const result = await withTimeout(proc.exited, Math.max(deadline - Date.now(), 1000));
  await proc.stop();
  if (result === 'timeout') {
    const message = `\n${stage.name}: stopped after ${(stage.timeoutMs / 60_000).toFixed(0)} min (time limit)\n`;
    process.stderr.write(message);
    return { ok: false, output: output + message, note: 'time limit' };
  }
  return { ok: result.code === 0, output };
}

async function runStage(stage) {
  const missing = missingReason(stage);
  if (missing) return { status: stage.optional ? 'skipped' : 'missing', note: missing, passed: 0, failed: 0, ms: 0 };
  const started = Date.now();
  const deadline = started + stage.timeoutMs;
  const commands = stage.commands ?? [['npm', 'run', '--silent', stage.script]];
  const commandResults = [];
  let output = '';
  let note;
  for (const [command, ...args] of commands) {
    const result = await runCommand(stage, command, args, deadline);
    commandResults.push(result.ok);
    output += result.output;
    note ??= result.note;
  }
  const ok = commandResults.every(Boolean);
  let { passed, failed } = countResults(stage, output, commandResults);
  passed ??= 0;
  failed ??= 0;
  // A stage that failed without reporting a failing test (crash, build error, time limit) is one failure.
  if (!ok && failed === 0) {
    failed = 1;
    note ??= 'failed before reporting results';
  }
  if (ok && failed > 0) note = 'exit code 0 but failures reported';
  if (stage.name === 'typecheck' && !ok) note ??= `${output.match(/error TS\d+/g)?.length ?? 0} type error(s)`;
  if (stage.name === 'lint' && !ok) note ??= output.match(/✖ (\d+ problems?[^\n]*)/)?.[1];
  return { status: ok && failed === 0 ? 'pass' : 'FAIL', note, passed, failed, ms: Date.now() - started };
}

function printSummary(results) {
  const rows = results.map(({ stage, result }) => [
    stage.name,
    result.status,
    String(result.passed),
    String(result.failed),
    result.ms ? `${(result.ms / 1000).toFixed(1)} s` : '-',
    result.note ?? '',
  ]);
  const header = ['stage', 'result', 'passed', 'failed', 'time', 'note'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

async function main() {
  const args = process.argv.slice(2);
  const bail = args.includes('--bail');
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const unknown = wanted.filter((name) => !stages.some((stage) => stage.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown stage(s): ${unknown.join(', ')}. Stages: ${stages.map((stage) => stage.name).join(', ')}`);
    return 2;
  }
  fs.mkdirSync(logsDir, { recursive: true });
  const started = Date.now();
  const results = [];
  let stopped = false;
  for (const stage of stages.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
    if (stopped) {
      results.push({ stage, result: { status: 'not run', note: '--bail', passed: 0, failed: 0, ms: 0 } });
      continue;
    }
    console.log(`\n=== ${stage.name} ===`);
    const result = await runStage(stage);
    if (result.status === 'missing' || result.status === 'skipped') console.log(`${stage.name}: ${result.status} (${result.note})`);
    results.push({ stage, result });
    if (bail && (result.status === 'FAIL' || result.status === 'missing')) stopped = true;
  }
  printSummary(results);
  const passed = results.reduce((sum, { result }) => sum + result.passed, 0);
  const failed = results.reduce((sum, { result }) => sum + result.failed, 0);
  const missing = results.filter(({ result }) => result.status === 'missing').length;
  console.log(`\nTotal time ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${logsDir}`);
  if (missing > 0) console.log(`${missing} stage(s) had nothing to run (counted as failures)`);
  console.log(`${passed} passed, ${failed + missing} failed`);
  return failed + missing > 0 || results.some(({ result }) => result.status === 'FAIL') ? 1 : 0;
}

process.exit(await main());
