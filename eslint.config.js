import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.tmp/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-this-alias': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../../*/src/*', '**/packages/*/src/*'], message: 'import another package by its name (@hadoopfs/…)' }] },
      ],
    },
  },
  // The import graph runs one way: core <- object-store <- backends <- jindo <- flume/shell. A package's sources may import only
  // the packages listed as allowed for it.
  ...[
    ['core', []],
    ['memory', ['core']],
    ['local', ['core']],
    ['contract', ['core', 'object-store']],
    ['oss-server', ['core']],
    ['object-store', ['core']],
    ['oss', ['core', 'object-store']],
    ['s3', ['core', 'object-store']],
    // jindo is oss:// with JindoSDK's names for durable flush (the protocol is object-store's); the shell needs every backend.
    ['jindo', ['core', 'object-store', 'oss']],
    ['flume', ['core', 'object-store', 'oss', 's3', 'jindo', 'local', 'memory']],
    ['shell', ['core', 'object-store', 'oss', 's3', 'jindo', 'local', 'memory']],
  ].map(([name, allowed]) => ({
    files: [`packages/${name}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@hadoopfs/*', ...allowed.map((a) => `!@hadoopfs/${a}`)],
              message: `@hadoopfs/${name} may import only ${allowed.length ? allowed.map((a) => `@hadoopfs/${a}`).join(', ') : 'no other @hadoopfs package'}`,
            },
          ],
        },
      ],
    },
  })),
);
