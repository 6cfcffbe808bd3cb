import { runStoreConformanceSuite } from '@hadoopfs/contract';
import { AliOssStore, readSettings } from '@hadoopfs/oss';
import { ossConf, serverForTests } from './helpers.js';

// The ObjectStore interface and OSS_CAPABILITIES, checked by their effect on the OSS-protocol server.

const server = serverForTests(['conformance']);
runStoreConformanceSuite({
  name: 'AliOssStore on the OSS-protocol server',
  setup: async () => ({ store: new AliOssStore(readSettings('conformance', ossConf(server))), prefix: 'conformance/' }),
});
