// StrykerJS over the durable-flush protocol's source (issue 20): `pnpm mutation`. Each surviving mutant is
// either killed by a test or explained in packages/jindo/MUTATION.md.
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'packages/jindo/src/manifest.ts',
    'packages/jindo/src/staging.ts',
    'packages/jindo/src/staged-folder.ts',
    'packages/jindo/src/durable-output-stream.ts',
    'packages/jindo/src/recover.ts',
    'packages/jindo/src/recover-v1.ts',
    'packages/jindo/src/purge.ts',
    'packages/jindo/src/unnamed-uploads.ts',
    'packages/jindo/src/lease-recovery.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
