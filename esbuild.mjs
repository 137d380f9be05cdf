// One build for both sides: the extension (Node, CommonJS, `vscode` external) and the webview apps
// (browser, IIFE). `--tests` also bundles the extension-host test suite; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
  },
  {
    // The MCP server (`ambient-mesh-mcp`, bin/ambient-mesh-mcp.cjs): plain Node, no vscode, everything bundled.
    ...common,
    entryPoints: { mcp: 'src/mcp/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    define: { AMBIENT_MESH_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  },
];

// Webview apps: one browser bundle per panel, added here as panels appear.
const webviewApps = { logView: 'src/webview/app/logView.ts', identities: 'src/webview/app/identities.ts' };
const presentApps = Object.fromEntries(Object.entries(webviewApps).filter(([, file]) => existsSync(file)));
if (Object.keys(presentApps).length > 0) {
  builds.push({
    ...common,
    entryPoints: presentApps,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    tsconfig: 'src/webview/app/tsconfig.json',
  });
}

if (withTests) {
  // The mocha runner plus every suite beside it: index.js loads all *.test.js it finds in its folder.
  const suites = readdirSync('test/integration').filter((name) => name.endsWith('.test.ts'));
  builds.push({
    ...common,
    sourcemap: true,
    minify: false,
    entryPoints: ['test/integration/index.ts', ...suites.map((name) => `test/integration/${name}`)],
    outbase: 'test/integration',
    outdir: 'dist/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // mocha stays a runtime require: it finds its own files on disk.
    external: ['vscode', 'mocha'],
  });
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
