// Lint for every runtime. Raw ipcMain/ipcRenderer are allowed only in the one IPC
// wrapper per side, so every channel goes through the typed contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ipcWrappers = ['src-main/electron/ipc.ts', 'src-main/preload/preload.ts'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      '.tsbuild/**',
      'node_modules/**',
      'e2e/artifacts/**',
      'e2e/test-results/**',
      'bench/results.json',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ipcWrappers,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='ipcMain']",
          message: 'Use the typed IPC wrapper (src-main/electron/ipc.ts), not ipcMain.',
        },
        { selector: "ImportSpecifier[imported.name='ipcRenderer']", message: 'Use window.vnet from the preload, not ipcRenderer.' },
        {
          selector: "MemberExpression[property.name='ipcMain']",
          message: 'Use the typed IPC wrapper (src-main/electron/ipc.ts), not ipcMain.',
        },
        { selector: "MemberExpression[property.name='ipcRenderer']", message: 'Use window.vnet from the preload, not ipcRenderer.' },
      ],
    },
  },
  {
    // Shared code runs in every runtime: it may not reach for Node, Electron or the DOM.
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'fs', 'path', 'child_process', 'os', 'react', 'react-dom'],
              message: 'src-shared must stay free of Node, Electron and the DOM.',
            },
          ],
        },
      ],
    },
  },
  {
    // Host-changing code never uses a shell.
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'child_process', property: 'exec', message: 'Run commands with execFile/spawn and an argv array, never a shell string.' },
        {
          object: 'child_process',
          property: 'execSync',
          message: 'Run commands with execFile/spawn and an argv array, never a shell string.',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
