import { registerJindoOssFileSystem } from './jindo-file-system.js';

export { JindoOssFileSystem, registerJindoOssFileSystem } from './jindo-file-system.js';
export { DurableOssOutputStream, type DurableOutputOptions } from './durable-output-stream.js';
export { recoverFile } from './recover.js';
export { listStagedFolder, readManifest, stagedFolders } from './staged-folder.js';
export { endUnnamedUpload, type UnnamedUploadOutcome } from './unnamed-uploads.js';
export { clearForCreate, type CreateClearance } from './lease-recovery.js';
export type { RecoverAllOptions, RecoverOptions, RecoverReport, RecoverState } from '@hadoopfs/object-store';
export { purgeStaleUploads, type PurgeOptions } from './purge.js';
export {
  CorruptManifestError,
  decodeManifest,
  encodeManifest,
  MANIFEST_KIND,
  MANIFEST_V1,
  MANIFEST_VERSION,
  parseManifestV1,
  tailEtag,
  type DecodedManifest,
  type FlushManifest,
  type FlushManifestV1,
  type ManifestPart,
  type ManifestPartV2,
  type ManifestTail,
} from './manifest.js';
export {
  CLAIM_PART,
  manifestKeyFor,
  MAX_WRITER_PART,
  MIN_PART_SIZE,
  minimumAge,
  parseStagingName,
  SECOND_TAIL_PART,
  stagingFolderFor,
  WRITER_META,
  type StagedFolder,
  type StagedObject,
  type StagingName,
} from './staging.js';
export { JINDO_KEYS, readJindoSettings, type JindoSettings } from './settings.js';

registerJindoOssFileSystem();
