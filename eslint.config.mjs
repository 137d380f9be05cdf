import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// House rules (docs/architecture.md): `vscode` stays out of pure modules, only src/kube/ talks to client-node,
// and layers only point down. Each folder names what it may not import; a file matched by two blocks takes the
// later one whole, so each block lists all of its rules.
const noVscode = {
  name: 'vscode',
  message: 'Pure module: keep `vscode` out (pass what you need in through an interface).',
};
const noClientNode = {
  name: '@kubernetes/client-node',
  message: 'Only src/kube/ imports @kubernetes/client-node.',
};

/** The layers, lowest first; a layer may import the ones below it. */
const LAYER = {
  kube: ['**/kube/*'],
  logs: ['**/logs/*'],
  mesh: ['**/mesh/*'],
  commands: ['**/commands/*'],
  views: ['**/views/*'],
  panels: ['**/webview/*Panel', '**/webview/*Panels', '**/webview/webviewHtml'],
  // The settings accessor and the output log: vscode leaves any vscode layer may use.
  vscodeLeaves: ['**/config', '**/log'],
  root: ['**/extension'],
};

function above(layer, ...names) {
  return { group: names.flatMap((n) => LAYER[n]), message: `${layer} may not import a layer above it (see docs/architecture.md).` };
}

function restrict(paths, ...patterns) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', '.test-output/**', '.demo/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      'no-restricted-imports': ['error', { paths: [noClientNode] }],
    },
  },
  { files: ['src/kube/**/*.ts'], rules: restrict([noVscode], above('kube/', 'logs', 'mesh', 'commands', 'views', 'panels', 'root', 'vscodeLeaves')) },
  { files: ['src/logs/**/*.ts'], rules: restrict([noVscode, noClientNode], above('logs/', 'mesh', 'commands', 'views', 'panels', 'root', 'vscodeLeaves')) },
  { files: ['src/mesh/**/*.ts'], rules: restrict([noVscode, noClientNode], above('mesh/', 'commands', 'views', 'panels', 'root', 'vscodeLeaves')) },
  // Settings, protocols and command ids: what every layer and both bundles share, built on the pure model only.
  { files: ['src/shared/**/*.ts'], rules: restrict([noVscode, noClientNode], above('shared/', 'commands', 'views', 'panels', 'root', 'vscodeLeaves')) },
  // The browser bundle: the protocols and pure code only, never the kube layer or anything with vscode.
  { files: ['src/webview/app/**/*.ts'], rules: restrict([noVscode, noClientNode], above('webview/app/', 'kube', 'commands', 'views', 'panels', 'root', 'vscodeLeaves')) },
  { files: ['src/webview/*.ts'], rules: restrict([noClientNode], above('webview panels', 'commands', 'views', 'root')) },
  { files: ['src/commands/**/*.ts'], rules: restrict([noClientNode], above('commands/', 'views', 'root')) },
  { files: ['src/views/**/*.ts'], rules: restrict([noClientNode], above('views/', 'root')) },
  { files: ['src/config.ts', 'src/log.ts'], rules: restrict([noClientNode], above('settings and the log', 'logs', 'mesh', 'commands', 'views', 'panels')) },
  {
    // The test cluster and the kubectl referee tests are servers and clients of their own.
    files: ['test/cluster/**/*.ts', 'test/kubectl/**/*.ts', 'test/bench/**/*.ts', 'test/unit/kube/**/*.ts', 'scripts/**/*'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
