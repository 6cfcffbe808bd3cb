import { Path } from '@hadoopfs/core';
import { OBJECT_STORE_OPTIONS, runContractSuite } from '@hadoopfs/contract';
import { gatewayForTests, newBucket, s3aFs } from './helpers.js';

// Hadoop's contract suite on s3a:// against a real Ceph radosgw, with hadoop-aws's contract/s3a.xml options.

const run = gatewayForTests();

runContractSuite({
  name: 's3a',
  options: {
    ...OBJECT_STORE_OPTIONS,
    'rename-returns-false-if-source-missing': true,
    'rename-remove-dest-if-empty-dir': true,
    'rename-overwrites-dest': true,
    'supports-seek-on-closed-file': true,
    'supports-concat': false,
  },
  async setup() {
    // A bucket per test: the root-directory tests empty the whole bucket.
    const bucket = await newBucket(run.sdk, 'contract');
    const fs = await s3aFs(run.gateway, bucket, { 'fs.s3a.paging.maximum': 1000, 'fs.s3a.multipart.size': '5m' });
    const testDirectory = new Path(`s3a://${bucket}/test`);
    await fs.mkdirs(testDirectory);
    return { fs, testDirectory };
  },
  async teardown({ fs }) {
    await fs.close();
  },
});
