// @hadoopfs/object-store: the layer under every object-store backend (oss://, s3a://). An adapter
// implements ObjectStore for its SDK and declares its capabilities; what is built on them asks for
// capabilities, never for a store.
export type {
  CompletedPart,
  ListPage,
  ObjectInfo,
  ObjectStore,
  PartBody,
  PartInfo,
  PartsPage,
  RangeResponse,
  UploadInfo,
  UploadsPage,
  Written,
} from './store/object-store.js';
export { missingForDurableFlush, type MissingCapability, type StoreCapabilities } from './store/capabilities.js';
export { StoreClient, type StoreClientSettings } from './store/store-client.js';
export { storeErrorFacts, storeFailureOf, UploadNotFoundError, withStoreFacts, type StoreErrorFacts, type StoreFailure } from './store/store-errors.js';
