import { registerJindoOssFileSystem } from './jindo-file-system.js';

export { JindoOssFileSystem, registerJindoOssFileSystem, type RecoverAllOptions } from './jindo-file-system.js';
export { DurableOssOutputStream, MAX_PARTS, type DurableOutputOptions } from './durable-output-stream.js';
export { recoverFile, stagedTargets, type RecoverOptions, type RecoverReport, type RecoverState } from './recover.js';
export {
  CorruptManifestError,
  MANIFEST_KIND,
  MANIFEST_VERSION,
  parseManifest,
  serialiseManifest,
  type FlushManifest,
  type ManifestPart,
  type ManifestTail,
} from './manifest.js';
export { main as runJindoCommand, type CliIo } from './cli.js';
export { JINDO_KEYS, readJindoSettings, stagingKeysFor, type JindoSettings, type StagingKeys } from './settings.js';

registerJindoOssFileSystem();
