import { Configuration, FileSystem, Path } from '@hadoopfs/core';
import { hadoopContractOptions, runContractSuite, type ContractOptions, type HadoopContractFile } from '@hadoopfs/contract';
import '@hadoopfs/memory';

// Issue 23: each fs.mem.semantics profile passes the contract suite with the options file of the Hadoop
// filesystem it stands for, as Hadoop's contract tests read it: hdfs.xml, rawlocal.xml, aliyun-oss.xml.
const PROFILES: Array<[string, HadoopContractFile]> = [
  ['hdfs', 'hdfs'],
  ['posix', 'rawlocal'],
  ['object-store', 'aliyun-oss'],
];

function suiteFor(name: string, semantics: string, authority: string, options: ContractOptions): void {
  runContractSuite({
    name,
    options,
    async setup() {
      const conf = new Configuration({ loadDefaults: false }).set('fs.mem.semantics', semantics);
      const fs = await FileSystem.newInstance(`mem://${authority}/`, conf);
      const testDirectory = new Path(`mem://${authority}/test`);
      await fs.mkdirs(testDirectory);
      return { fs, testDirectory };
    },
    async teardown({ fs }) {
      await fs.close();
    },
  });
}

for (const [semantics, file] of PROFILES) {
  // hadoopfs adds concat to every profile (the object-store one as OSS has it, by UploadPartCopy), and
  // runs the root tests everywhere (mem:// has no real root to protect).
  suiteFor(`memory (fs.mem.semantics = ${semantics}, ${file}.xml)`, semantics, 'contract', { ...hadoopContractOptions(file), 'supports-concat': true, 'test.root-tests-enabled': true });
  // With exactly the options of the file (no additions): the suites it skips stay skipped, and nothing fails.
  suiteFor(`memory (fs.mem.semantics = ${semantics}, ${file}.xml as it is)`, semantics, 'contract-plain', hadoopContractOptions(file));
}
