import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run on the sources: every @hadoopfs/* import resolves to its package's src/index.ts.
    alias: [{ find: /^@hadoopfs\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/index.ts` }],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Starts nothing by itself: the first test that needs radosgw starts the run's Ceph cluster.
    globalSetup: ['./test/ceph/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
