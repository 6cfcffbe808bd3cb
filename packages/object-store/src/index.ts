// @hadoopfs/object-store: the layer under every object-store backend. An adapter
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
export { missingForDurableFlush, storeCapabilities, type MissingCapability, type StoreCapabilities } from './store/capabilities.js';
export { StoreClient, type StoreClientSettings } from './store/store-client.js';
export { probeCapabilities, type ProbedCapability, type ProbeFindings } from './store/probe.js';
export { NoSuchBucketError, storeErrorFacts, storeFailureOf, UploadNotFoundError, withStoreFacts, type StoreErrorFacts, type StoreFailure } from './store/store-errors.js';
export { ObjectStoreFileSystem } from './fs/object-store-file-system.js';
export type { ObjectStoreSettings } from './fs/settings.js';
export { perBucketConfiguration } from './fs/per-bucket.js';
export { ObjectInputStream } from './fs/object-input-stream.js';
export { ObjectOutputStream, type ObjectOutputOptions } from './fs/object-output-stream.js';
export { PartUploader, type PartUploaderOptions, type UploadedPart } from './fs/part-uploader.js';
export { PartBuffer, UploadBuffers, type UploadBufferMode, type UploadBufferSettings } from './fs/upload-buffers.js';
export { cancelRequestsOnAbort } from './http/cancel-on-abort.js';
export { watchIdleSockets } from './http/idle-sockets.js';
export { reportFor, type DurableFlushRecovery, type RecoverAllOptions, type RecoverOptions, type RecoverReport, type RecoverState } from './durable/recover-report.js';
export { durableFlushRecoveryOf } from './durable/durable-flush-recovery.js';
