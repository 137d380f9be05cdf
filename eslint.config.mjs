import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// House rule: `vscode` stays out of pure modules, and only src/kube/ talks to client-node.
const noVscode = {
  name: 'vscode',
  message: 'Pure module: keep `vscode` out (pass what you need in through an interface).',
};
const noClientNode = {
  name: '@kubernetes/client-node',
  message: 'Only src/kube/ imports @kubernetes/client-node.',
};

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
  {
    files: ['src/kube/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/mesh/**/*.ts', 'src/logs/**/*.ts', 'src/shared/**/*.ts', 'src/webview/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode, noClientNode] }] },
  },
  {
    // The agent tools and the MCP server run outside VS Code too: only the registration touches `vscode`.
    files: ['src/agents/**/*.ts', 'src/mcp/**/*.ts'],
    ignores: ['src/agents/register.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode, noClientNode] }] },
  },
  {
    // The test cluster and the kubectl referee tests are servers and clients of their own.
    files: ['test/cluster/**/*.ts', 'test/kubectl/**/*.ts', 'test/bench/**/*.ts', 'test/unit/kube/**/*.ts', 'scripts/**/*'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
