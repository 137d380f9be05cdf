#!/usr/bin/env node
// `npx ambient-mesh-mcp --kubeconfig FILE`: the Ambient Mesh MCP server on stdio. It runs the bundle
// dist/mcp.js; in a fresh clone (after `npm install`) that is not built yet, so the first run builds it
// with the project's esbuild (`npm run build` rebuilds it after a change to src/). Build output goes to
// stderr: stdout is the MCP protocol.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'mcp.js');
if (!existsSync(bundle)) {
  process.stderr.write('ambient-mesh-mcp: building dist/mcp.js (first run)…\n');
  const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !existsSync(bundle)) {
    process.stderr.write('ambient-mesh-mcp: the build failed; run `npm install` then `npm run build` in the project folder.\n');
    process.exit(1);
  }
}
require(bundle).run();
