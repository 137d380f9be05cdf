// The layer rules of eslint.config.mjs (docs/architecture.md), checked on one-line files placed in each folder:
// an import that points up fails lint, one that points down passes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: join(root, file) });
  return result.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layers only point down (lint)', () => {
  const cases: [file: string, from: string, refused: boolean][] = [
    ['src/mesh/probe.ts', '../commands/host', true],
    ['src/mesh/probe.ts', '../views/contextNode', true],
    ['src/mesh/probe.ts', '../config', true],
    ['src/mesh/probe.ts', 'vscode', true],
    ['src/mesh/probe.ts', '../logs/entry', false],
    ['src/mesh/probe.ts', '../shared/commandIds', false],
    ['src/logs/probe.ts', '../mesh/problems', true],
    ['src/kube/probe.ts', '../mesh/dataplane', true],
    ['src/shared/probe.ts', '../webview/logPanel', true],
    ['src/shared/probe.ts', '../mesh/health', false],
    ['src/webview/app/probe.ts', '../../kube/portForward', true],
    ['src/webview/app/probe.ts', '../../commands/verifyIdentities', true],
    ['src/webview/app/probe.ts', '../../shared/verifyProtocol', false],
    ['src/webview/probe.ts', '../commands/host', true],
    ['src/commands/probe.ts', '../views/namespaceNode', true],
    ['src/commands/probe.ts', '../webview/logPanel', false],
    ['src/views/probe.ts', '../commands/target', false],
    ['src/views/probe.ts', '../extension', true],
    ['src/config.ts', './commands/host', true],
    ['src/config.ts', './shared/settings', false],
  ];
  for (const [file, from, refused] of cases) {
    it(`${file}: import from '${from}' is ${refused ? 'refused' : 'allowed'}`, async () => {
      assert.equal(await restricted(file, from), refused);
    });
  }
});
