// @hadoopfs/jindo: oss:// with JindoSDK's durable flush, under the seed's names. The protocol itself is
// @hadoopfs/object-store's (any store): its manifests, staging and recover are exported there.
import { acceptManifestKind } from '@hadoopfs/object-store';
import { OSS_CAPABILITIES } from '@hadoopfs/oss';
import { registerJindoOssFileSystem } from './jindo-file-system.js';
import { JINDO_MANIFEST_KIND } from './settings.js';

export { JindoOssFileSystem, registerJindoOssFileSystem } from './jindo-file-system.js';
export { JINDO_KEYS, JINDO_MANIFEST_KIND, readJindoSettings, type JindoSettings } from './settings.js';
/** The durable stream JindoOssFileSystem's create() returns (object-store's DurableOutputStream). */
export { DurableOutputStream as DurableOssOutputStream, CorruptManifestError } from '@hadoopfs/object-store';
export type { RecoverAllOptions, RecoverOptions, RecoverReport, RecoverState } from '@hadoopfs/object-store';

/** OSS's smallest part but the last (its capabilities'); the v2 manifests written on OSS hold parts at least this long. */
export const MIN_PART_SIZE = OSS_CAPABILITIES.minPartSize;

// What JindoOssFileSystem wrote and writes is read wherever this package is loaded.
acceptManifestKind(JINDO_MANIFEST_KIND);
registerJindoOssFileSystem();
