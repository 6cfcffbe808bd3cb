import type { CapabilityFlag } from '../store/capabilities.js';
import type { UploadBufferSettings } from './upload-buffers.js';

/** What the object-store FileSystem needs of a backend's settings (each backend reads them from its own keys). */
export interface ObjectStoreSettings {
  bucket: string;
  partSize: number;
  /** Parts uploading at once per stream. */
  activeBlocks: number;
  /** Keys asked for per listing request. */
  pagingMaximum: number;
  maxAttempts: number;
  /** First retry delay; later ones double, with jitter, up to `retryMaxDelayMs`. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Every upload and whole read checked against the store's checksum, where it has one. */
  checksums: boolean;
  /** Where bytes wait for upload. */
  uploadBuffer: UploadBufferSettings;
  /** Bytes fetched ahead by a sequential reader beyond what was asked. */
  readAhead: number;
  /** Objects above this size are copied (renamed) with UploadPartCopy in parts. */
  multipartCopyThreshold: number;
  /** Capabilities the operator declares the server lacks, beyond the backend's own declaration (readDeclaredLacks). */
  lacks: readonly CapabilityFlag[];
  /** The backend's configuration keys that messages name. */
  keys: { partSize: string };
}
