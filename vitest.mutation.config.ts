import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

/**
 * The tests StrykerJS runs against each mutant of the durable-flush protocol (`pnpm mutation`): the
 * protocol's own tests, with the property tests at fewer runs (each mutant runs every test that covers
 * it). Not part of `pnpm test`.
 */
export default defineConfig({
    resolve: { alias: [{ find: /^@hadoopfs\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/index.ts` }] },
    test: {
      testTimeout: 60_000,
      hookTimeout: 30_000,
      include: [
        'packages/jindo/test/manifest.test.ts',
        'packages/jindo/test/staging.test.ts',
        'packages/jindo/test/overlap.test.ts',
        'packages/jindo/test/writer-edges.test.ts',
        'packages/jindo/test/recover-edges.test.ts',
        'packages/jindo/test/findings.test.ts',
        'packages/jindo/test/jindo.test.ts',
        'packages/jindo/test/concurrent-recover.test.ts',
        'packages/jindo/test/typed-get.test.ts',
        'packages/jindo/test/protocol.property.test.ts',
        'packages/jindo/test/protocol-data-layout.property.test.ts',
        'packages/jindo/test/crash.property.test.ts',
        'packages/jindo/test/cancellation.property.test.ts',
      ],
      reporters: ['default'],
      env: { PROTOCOL_RUNS: '40', CRASH_RUNS: '30', ABORT_WRITER_RUNS: '20', ABORT_CALL_RUNS: '20', ABORT_RECOVER_RUNS: '15', HADOOPFS_SEED: '20261207', HADOOPFS_NO_FLOORS: '1' },
    },
});
