import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, FileSystem, Path } from '@hadoopfs/core';
import { RAWLOCAL_OPTIONS, runContractSuite } from '@hadoopfs/contract';
import '@hadoopfs/local';

runContractSuite({
  name: 'local',
  // Hadoop's rawlocal.xml values. The root of a real disk is not ours to empty: the root-directory tests
  // stay off, as in Hadoop's rawlocal.
  options: { ...RAWLOCAL_OPTIONS, 'supports-concat': true }, // hadoopfs adds concat to file://
  async setup() {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-contract-'));
    const fs = await FileSystem.newInstance('file:///', new Configuration({ loadDefaults: false }));
    return { fs, testDirectory: new Path(`file://${dir}`) };
  },
  async teardown({ fs, testDirectory }) {
    await fs.close();
    await rm(testDirectory.path, { recursive: true, force: true });
  },
});
