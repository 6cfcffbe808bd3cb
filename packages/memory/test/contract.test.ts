import { FileSystem, Path } from '@hadoopfs/core';
import { POSIX_LIKE_OPTIONS, runContractSuite } from '@hadoopfs/contract';
import '@hadoopfs/memory';

runContractSuite({
  name: 'memory',
  options: { ...POSIX_LIKE_OPTIONS, 'test.root-tests-enabled': true },
  async setup() {
    const fs = await FileSystem.newInstance('mem://contract/');
    const testDirectory = new Path('mem://contract/test');
    await fs.mkdirs(testDirectory);
    return { fs, testDirectory };
  },
  async teardown({ fs }) {
    await fs.close();
  },
});
