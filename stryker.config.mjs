// StrykerJS over the durable-flush protocol's source (issues 20, 21: now in object-store): `pnpm mutation`. Each surviving mutant is
// either killed by a test or explained in packages/jindo/MUTATION.md.
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'packages/object-store/src/durable/manifest.ts',
    'packages/object-store/src/durable/staging.ts',
    'packages/object-store/src/durable/staged-folder.ts',
    'packages/object-store/src/durable/durable-output-stream.ts',
    'packages/object-store/src/durable/recover.ts',
    'packages/object-store/src/durable/recover-v1.ts',
    'packages/object-store/src/durable/purge.ts',
    'packages/object-store/src/durable/unnamed-uploads.ts',
    'packages/object-store/src/durable/lease-recovery.ts',
    'packages/object-store/src/durable/publish.ts',
    'packages/object-store/src/durable/durable-flush.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
