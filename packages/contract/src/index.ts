export { runContractSuite } from './suite.js';
export { ContractContext, TEST_FILE_LEN, collect, dataset, type ContractSuiteConfig, type ContractTarget } from './context.js';
export { OBJECT_STORE_OPTIONS, POSIX_LIKE_OPTIONS, RAWLOCAL_OPTIONS, contractOptionsFrom, isSupported, type ContractOptionKey, type ContractOptions } from './options.js';
export { runStoreConformanceSuite, type StoreConformanceConfig } from './store-conformance.js';
