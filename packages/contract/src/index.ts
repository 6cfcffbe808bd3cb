export { runContractSuite } from './suite.js';
export { ContractContext, TEST_FILE_LEN, collect, dataset, type ContractSuiteConfig, type ContractTarget } from './context.js';
export {
  OBJECT_STORE_OPTIONS,
  POSIX_LIKE_OPTIONS,
  RAWLOCAL_OPTIONS,
  contractOptionsFrom,
  hadoopContractOptions,
  isSupported,
  type ContractOptionKey,
  type ContractOptions,
  type HadoopContractFile,
} from './options.js';
export { runStoreConformanceSuite, type StoreConformanceConfig } from './store-conformance.js';
