/** What the server keeps about buckets, objects and uploads; persisted as JSON documents by a Persistence. */

/** A piece of an object's bytes: a whole immutable blob. */
export interface Segment {
  blob: string;
  size: number;
}

export type ObjectType = 'Normal' | 'Appendable' | 'Multipart';

export interface StoredObject {
  key: string;
  size: number;
  /** Quoted, as sent in the ETag header. */
  etag: string;
  /** CRC-64/XZ as an unsigned decimal string. */
  crc64: string;
  lastModified: number;
  type: ObjectType;
  contentType: string;
  /** `x-oss-meta-*` headers, names lower-case with the prefix. */
  userMeta: Record<string, string>;
  segments: Segment[];
  /** Set when the object came from CompleteMultipartUpload: lets a restart finish removing that upload. */
  completedUploadId?: string;
}

export interface StoredPart {
  number: number;
  etag: string;
  size: number;
  crc64: string;
  blob: string;
  lastModified: number;
}

export interface StoredUpload {
  id: string;
  key: string;
  initiated: number;
  contentType: string;
  userMeta: Record<string, string>;
}

export interface StoredBucket {
  name: string;
  created: number;
}

/** Writes one blob; nothing is visible until commit() returns its id. */
export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<string>;
  abort(): Promise<void>;
}

export interface LoadedState {
  buckets: StoredBucket[];
  objects: Map<string, StoredObject[]>;
  uploads: Map<string, Array<{ upload: StoredUpload; parts: StoredPart[] }>>;
}

/**
 * Where bytes and documents live. Every save replaces its document atomically: after a crash a reader
 * finds the old version or the new one, never a mix.
 */
export interface Persistence {
  /** A writer for a new blob; `expectedSize` (a Content-Length) lets memory storage copy each byte once. */
  newBlob(expectedSize?: number): BlobWriter;
  /** Bytes [start, end) of a blob. */
  readBlob(blob: string, start: number, end: number): AsyncIterable<Uint8Array>;
  deleteBlob(blob: string): Promise<void>;
  /** A copy of bytes [start, end) of a blob as a new blob (UploadPartCopy, CopyObject). */
  copyBlobRange(blob: string, start: number, end: number): Promise<string>;
  saveBucket(bucket: StoredBucket): Promise<void>;
  deleteBucket(name: string): Promise<void>;
  saveObject(bucket: string, object: StoredObject): Promise<void>;
  deleteObject(bucket: string, key: string): Promise<void>;
  saveUpload(bucket: string, upload: StoredUpload): Promise<void>;
  savePart(bucket: string, uploadId: string, part: StoredPart): Promise<void>;
  deleteUpload(bucket: string, uploadId: string): Promise<void>;
  /** Everything saved, for a restart; also removes blobs no document refers to. */
  load(): Promise<LoadedState>;
  close(): Promise<void>;
}
