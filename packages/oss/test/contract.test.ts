import { afterAll, beforeAll } from 'vitest';
import { Path } from '@hadoopfs/core';
import { OBJECT_STORE_OPTIONS, runContractSuite } from '@hadoopfs/contract';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { ossFs, startServer } from './helpers.js';


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
  options: { ...OBJECT_STORE_OPTIONS, 'supports-concat': true }, // concat by UploadPartCopy
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
