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
export { lacking, missingForDurableFlush, readDeclaredLacks, storeCapabilities, type CapabilityFlag, type MissingCapability, type StoreCapabilities } from './store/capabilities.js';
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
export { FlushedBytesLostError, reportFor, type DurableFlushRecovery, type RecoverAllOptions, type RecoverOptions, type RecoverReport, type RecoverState } from './durable/recover-report.js';
export { durableFlushRecoveryOf } from './durable/durable-flush-recovery.js';
export { DurableFlush } from './durable/durable-flush.js';
export { DEFAULT_REMOVAL_BATCH, durableFlushSettings, type DurableFlushSettings } from './durable/settings.js';
export { DurableFlushStatisticNames, DurableOutputStream, type DurableOutputOptions } from './durable/durable-output-stream.js';
export { recoverFile } from './durable/recover.js';
export { publishFlushed, PublishSourceVanishedError, type PublishSource } from './durable/publish.js';
export { listStagedFolder, readManifest, stagedFolders } from './durable/staged-folder.js';
export { endUnnamedUpload, type UnnamedUploadOutcome } from './durable/unnamed-uploads.js';
export { clearForCreate, type CreateClearance } from './durable/lease-recovery.js';
export { purgeStaleUploads, type PurgeOptions } from './durable/purge.js';
export {
  CorruptManifestError,
  decodeManifest,
  encodeManifest,
  acceptManifestKind,
  isManifestKind,
  MANIFEST_KIND,
  MANIFEST_V1,
  MANIFEST_V3,
  MANIFEST_VERSION,
  parseManifestV1,
  tailEtag,
  type DecodedManifest,
  type FlushManifest,
  type FlushManifestV1,
  type ManifestPart,
  type ManifestPartV2,
  type ManifestTail,
} from './durable/manifest.js';
export {
  CLAIM_PART,
  classifyStagingKey,
  dataKeyFor,
  manifestsByWriter,
  shownAgeSeconds,
  layoutFor,
  manifestKeyFor,
  MAX_WRITER_PART,
  minimumAge,
  parseStagingName,
  SECOND_TAIL_PART,
  stagingFolderFor,
  WRITER_META,
  type StagedFolder,
  type StagedObject,
  type StagingName,
  type UploadLayout,
} from './durable/staging.js';
