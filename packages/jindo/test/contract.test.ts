import { Path } from '@hadoopfs/core';
import { runContractSuite } from '@hadoopfs/contract';
import { jindoFs, serverForTests } from './helpers.js';

/**
 * The contract suite on JindoOssFileSystem with durable flush: an object store (nothing visible before
 * close). Its flushes are durable but not visible, so its streams declare neither hflush nor hsync
 * (Hadoop's Syncable promises visibility) but hadoopfs's durable-flush capability; the staging area lives
 * in its own bucket path, and the root tests run on a bucket of their own.
 */
const server = serverForTests([]);
let n = 0;

runContractSuite({
  name: 'jindo (flush enabled)',
  options: {
    'is-case-sensitive': true,
    'is-blobstore': true,
    'create-visibility-delayed': true,
    'supports-hflush': false,
    'supports-hsync': false,
    metadata_updated_on_hsync: false,
    'flush-visible-to-readers': false,
    'supports-append': false,
    'supports-concat': true,
    'supports-seek': true,
    'rejects-seek-past-eof': true,
    'supports-positioned-readable': true,
    'supports-strict-exceptions': true,
    'supports-getfilestatus': true,
    'supports-atomic-rename': false,
    'test.root-tests-enabled': true,
    'test.random-seek-count': 10,
  },
  async setup() {
    const bucket = `jindo-contract-${++n}`;
    await server.store.createBucket(bucket);
    // Staging outside the test tree: the root-directory tests list and empty the whole bucket. Disk
    // buffers here (the plain OSS suite runs on the default, memory first): tails read back from files.
    const fs = await jindoFs(server, bucket, { 'fs.jfs.cache.flush.staging.path': '/tmp', 'fs.oss.fast.upload.buffer': 'disk' });
    const testDirectory = new Path(`oss://${bucket}/test`);
    await fs.mkdirs(testDirectory);
    return { fs, testDirectory };
  },
  async teardown({ fs }) {
    await fs.close();
  },
});
