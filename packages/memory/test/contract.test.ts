import { Configuration, FileSystem, Path } from '@hadoopfs/core';
import { hadoopContractOptions, runContractSuite, type HadoopContractFile } from '@hadoopfs/contract';
import '@hadoopfs/memory';

// Issue 23: each fs.mem.semantics profile passes the contract suite with the options file of the Hadoop
// filesystem it stands for, as Hadoop's contract tests read it: hdfs.xml, rawlocal.xml, aliyun-oss.xml.
const PROFILES: Array<[string, HadoopContractFile]> = [
  ['hdfs', 'hdfs'],
  ['posix', 'rawlocal'],
  ['object-store', 'aliyun-oss'],
];

for (const [semantics, file] of PROFILES) {
  runContractSuite({
    name: `memory (fs.mem.semantics = ${semantics}, ${file}.xml)`,
    // hadoopfs adds concat to every profile (the object-store one as OSS has it, by UploadPartCopy), and
    // runs the root tests everywhere (mem:// has no real root to protect).
    options: { ...hadoopContractOptions(file), 'supports-concat': true, 'test.root-tests-enabled': true },
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

// With exactly the options of the files (no additions): the suites they skip stay skipped, and nothing fails.
for (const [semantics, file] of PROFILES) {
  runContractSuite({
    name: `memory (fs.mem.semantics = ${semantics}, ${file}.xml as it is)`,
    options: hadoopContractOptions(file),
    async setup() {
      const conf = new Configuration({ loadDefaults: false }).set('fs.mem.semantics', semantics);
      const fs = await FileSystem.newInstance('mem://contract-plain/', conf);
      const testDirectory = new Path('mem://contract-plain/test');
      await fs.mkdirs(testDirectory);
      return { fs, testDirectory };
    },
    async teardown({ fs }) {
      await fs.close();
    },
  });
}
