import type { Readable } from 'node:stream';
import type { StoreCapabilities } from './capabilities.js';

/**
 * One object store bucket, as every adapter presents it: one request per
 * call, no retries (the client above decides what is safe to send again), every failure already a
 * core error class carrying the store's facts (`storeErrorFacts`). Keys are the store's own (no leading
 * slash); `uri` (`scheme://bucket`) is what messages name them by.
 */
export interface ObjectStore {
  readonly uri: string;
  /** The bucket's name (the authority of `uri`). */
  readonly bucket: string;
  /** What this store does, fixed when the adapter is made (and confirmed by probes where a server may only claim it). */
  readonly capabilities: StoreCapabilities;
  /** FileNotFoundError when there is none (as every "not found" here: the client above turns it into undefined). */
  head(key: string): Promise<ObjectInfo>;
  /** Bytes [start, end); with `ifMatch`, only of that version (else RemoteFileChangedError). */
  getRange(key: string, start: number, end: number, options?: { ifMatch?: string }): Promise<RangeResponse>;
  /** A whole (small) object in memory. */
  getBytes(key: string): Promise<Buffer>;
  /** `createOnly` needs capabilities.createOnlyPut: a refusal is FileAlreadyExistsError. */
  put(key: string, body: Buffer, options?: { createOnly?: boolean }): Promise<Written>;
  delete(key: string): Promise<void>;
  /** At most capabilities.deleteBatchMax keys; keys that do not exist are no error. */
  deleteBatch(keys: readonly string[]): Promise<void>;
  list(prefix: string, options: { delimiter?: string; token?: string; maxKeys: number }): Promise<ListPage>;
  copy(fromKey: string, toKey: string, options?: { createOnly?: boolean; ifMatch?: string }): Promise<Written>;
  /** `meta`: user metadata by plain name (the adapter adds its store's prefix); the completed object carries it. */
  initUpload(key: string, options?: { meta?: Record<string, string> }): Promise<string>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: PartBody): Promise<Written>;
  /** Bytes [start, end) of `fromKey` as a part (needs capabilities.uploadPartCopyRange). */
  uploadPartCopy(key: string, uploadId: string, partNumber: number, fromKey: string, start: number, end: number, options?: { ifMatch?: string }): Promise<Written>;
  /** `createOnly` needs capabilities.createOnlyComplete. UploadNotFoundError once the upload is gone. */
  complete(key: string, uploadId: string, parts: readonly CompletedPart[], options?: { createOnly?: boolean }): Promise<Written>;
  /** UploadNotFoundError if it is already gone. */
  abortUpload(key: string, uploadId: string): Promise<void>;
  /** One page of the parts numbered above `after`; UploadNotFoundError once the upload was completed or aborted. */
  listParts(key: string, uploadId: string, options?: { after?: number; limit?: number }): Promise<PartsPage>;
  /** One page of the incomplete uploads under a prefix, in the store's order (key, then initiation). */
  listUploads(prefix: string, options?: { keyMarker?: string; uploadIdMarker?: string }): Promise<UploadsPage>;
  /** Ends its connections; later calls fail with ClosedError. */
  close(): void;
}

/** What a write answered: the ETag, and the store's checksum of the bytes (capabilities.checksum) where it sent one. */
export interface Written {
  etag: string;
  checksum?: string | undefined;
}

export interface ObjectInfo {
  key: string;
  size: number;
  /** The store's Last-Modified (ms, the store's clock). */
  lastModified: number;
  etag: string;
  /** The store's checksum of the whole object (capabilities.checksum), where it answered one. */
  checksum?: string | undefined;
  /** User metadata by plain lower-case name (HEAD only). */
  meta?: Record<string, string>;
  /** False for an object UploadPartCopy cannot read (an appendable object, on a store that has them). */
  copyable?: boolean;
}

export interface ListPage {
  objects: ObjectInfo[];
  prefixes: string[];
  nextToken: string | undefined;
  /** The store's clock when it answered (its Date header, ms): ages compared with lastModified use one clock. */
  serverTime: number;
}

export interface PartInfo {
  number: number;
  etag: string;
  size: number;
  lastModified: number;
}

export interface PartsPage {
  parts: PartInfo[];
  /** The marker for the next page; undefined on the last. */
  next: number | undefined;
}

export interface UploadInfo {
  key: string;
  uploadId: string;
  /** When the store initiated it (ms, the store's clock). */
  initiated: number;
}

export interface UploadsPage {
  uploads: UploadInfo[];
  next: { keyMarker: string; uploadIdMarker: string } | undefined;
  /** The store's clock when it answered (ms). */
  serverTime: number;
}

export interface RangeResponse {
  stream: Readable;
  etag: string | undefined;
  /** The whole object's checksum (capabilities.checksum), where the store sends it with a read. */
  checksum: string | undefined;
  /** The answer's Content-Length: the bytes the stream will give. */
  length?: number;
}

/** A part of an upload to complete, with what an outcome check and the object's checksum need. */
export interface CompletedPart {
  number: number;
  etag: string;
  size?: number;
  /** The part's checksum (capabilities.checksum), as computed locally or answered by the store. */
  checksum?: string | undefined;
}

/** A part's bytes: in memory, or on disk (opened once per attempt). */
export type PartBody = Buffer | { size: number; open: () => Readable };
