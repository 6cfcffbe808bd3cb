import { afterAll, beforeAll } from 'vitest';
import { Path } from '@hadoopfs/core';
import { runContractSuite, type ContractOptions } from '@hadoopfs/contract';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { ossFs, startServer } from './helpers.js';

/** hadoop-aliyun's contract options (contract/aliyun-oss.xml), with our HDFS-style rename. */
export const OSS_CONTRACT_OPTIONS: ContractOptions = {
  'is-case-sensitive': true,
  'is-blobstore': true,
  'create-visibility-delayed': true,
  'supports-hflush': false,
  'supports-hsync': false,
  'supports-append': false,
  'supports-seek': true,
  'supports-seek-on-closed-file': false,
  'rejects-seek-past-eof': true,
  'supports-positioned-readable': true,
  'supports-strict-exceptions': true,
  'supports-getfilestatus': true,
  'supports-atomic-rename': false,
  'rename-overwrites-dest': false,
  'rename-returns-false-if-source-missing': false,
  'rename-creates-dest-dirs': false,
  'rename-remove-dest-if-empty-dir': false,
  'test.root-tests-enabled': true,
  'test.random-seek-count': 10,
};

let server: RunningOssServer;
let n = 0;
beforeAll(async () => {
  server = await startServer([]);
});
afterAll(async () => {
  await server.close();
});

runContractSuite({
  name: 'oss',
  options: OSS_CONTRACT_OPTIONS,
  async setup() {
    // A bucket per test: the root-directory tests empty the whole bucket.
    const bucket = `contract-${++n}`;
    await server.store.createBucket(bucket);
    const fs = await ossFs(server, bucket, { 'fs.oss.paging.maximum': 1000, 'fs.oss.multipart.part.size': '100k' });
    const testDirectory = new Path(`oss://${bucket}/test`);
    await fs.mkdirs(testDirectory);
    return { fs, testDirectory };
  },
  async teardown({ fs }) {
    await fs.close();
  },
});
