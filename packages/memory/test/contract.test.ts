import { Configuration, FileSystem, Path } from '@hadoopfs/core';
import { OBJECT_STORE_OPTIONS, POSIX_LIKE_OPTIONS, RAWLOCAL_OPTIONS, runContractSuite, type ContractOptions } from '@hadoopfs/contract';
import '@hadoopfs/memory';

// Issue 12: each fs.mem.semantics profile passes the contract suite with the matching Hadoop option set.
const PROFILES: Array<[string, ContractOptions]> = [
  ['hdfs', POSIX_LIKE_OPTIONS],
  ['posix', RAWLOCAL_OPTIONS],
  ['object-store', OBJECT_STORE_OPTIONS],
];

for (const [semantics, options] of PROFILES) {
  runContractSuite({
    name: `memory (fs.mem.semantics = ${semantics})`,
    // hadoopfs adds concat to every profile (the object-store one as OSS has it, by UploadPartCopy).
    options: { ...options, 'supports-concat': true, 'test.root-tests-enabled': true },
    async setup() {
      const conf = new Configuration({ loadDefaults: false }).set('fs.mem.semantics', semantics);
      const fs = await FileSystem.newInstance('mem://contract/', conf);
      const testDirectory = new Path('mem://contract/test');
      await fs.mkdirs(testDirectory);
      return { fs, testDirectory };
    },
    async teardown({ fs }) {
      await fs.close();
    },
  });
}
