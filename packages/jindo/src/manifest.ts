import { IOError } from '@hadoopfs/core';

/**
 * The flush manifest (format documented in the package README): everything `recover` needs to rebuild a
 * target after its writer died. It is replaced as a whole by one PutObject, which OSS makes atomic.
 */
export const MANIFEST_KIND = 'hadoopfs-jindo-flush-manifest';
export const MANIFEST_VERSION = 1;

export interface ManifestPart {
  number: number;
  size: number;
  etag: string;
  /** CRC-64/XZ as OSS reports it (unsigned decimal). */
  crc64: string;
}

export interface ManifestTail {
  key: string;
  size: number;
  etag: string;
  crc64: string;
}

export interface FlushManifest {
  kind: typeof MANIFEST_KIND;
  version: typeof MANIFEST_VERSION;
  bucket: string;
  /** Object key of the file being written. */
  target: string;
  /** The multipart upload holding the whole parts, or null while the file is smaller than one part. */
  uploadId: string | null;
  partSize: number;
  parts: ManifestPart[];
  /** The flushed bytes after the last whole part, staged as an object of their own. */
  tail: ManifestTail | null;
  /** Bytes the writer had flushed: the sum of the parts and the tail. */
  flushedLength: number;
  writerId: string;
  /** Increases with every manifest a writer saves. */
  sequence: number;
  /** When the writer saved it (ms since the epoch): the lease runs from here. */
  updated: number;
}

/** A manifest that cannot be trusted: not JSON, another format, inconsistent, or for another file. */
export class CorruptManifestError extends IOError {
  override name = 'CorruptManifestError';
  constructor(message: string, path: string) {
    super(message, 'EBADMSG', { path });
  }
}

export function serialiseManifest(manifest: FlushManifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 1));
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCrc = (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}$/.test(v);

/**
 * Parses and checks a manifest read from `location` for `bucket`/`target`. Every inconsistency is a
 * CorruptManifestError naming what is wrong, so that recover leaves the staging area untouched.
 */
export function parseManifest(bytes: Buffer, location: string, bucket: string, target: string): FlushManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CorruptManifestError(`manifest ${location} is not JSON: ${(error as Error).message}`, location);
  }
  const bad = (what: string) => new CorruptManifestError(`manifest ${location}: ${what}`, location);
  if (typeof doc !== 'object' || doc === null) throw bad('not an object');
  if (doc['kind'] !== MANIFEST_KIND) throw bad(`kind is ${JSON.stringify(doc['kind'])}, not ${MANIFEST_KIND} (a foreign file in the staging area?)`);
  if (doc['version'] !== MANIFEST_VERSION) throw bad(`version ${JSON.stringify(doc['version'])} is not supported (this reader knows ${MANIFEST_VERSION})`);
  if (doc['bucket'] !== bucket || doc['target'] !== target) {
    throw bad(`it describes oss://${String(doc['bucket'])}/${String(doc['target'])}, not oss://${bucket}/${target}`);
  }
  if (!(doc['uploadId'] === null || isText(doc['uploadId']))) throw bad('uploadId must be a string or null');
  if (!isCount(doc['partSize']) || doc['partSize'] < 100 * 1024) throw bad('partSize is missing or below 100 KB');
  if (!Array.isArray(doc['parts'])) throw bad('parts must be an array');
  const parts = doc['parts'] as unknown[];
  let total = 0;
  parts.forEach((raw, i) => {
    const p = raw as Record<string, unknown>;
    if (!isCount(p['number']) || p['number'] !== i + 1) throw bad(`part ${i + 1} has number ${JSON.stringify(p['number'])}`);
    if (!isCount(p['size']) || p['size'] !== doc['partSize']) throw bad(`part ${i + 1} has size ${JSON.stringify(p['size'])}, not the part size`);
    if (!isText(p['etag']) || !isCrc(p['crc64'])) throw bad(`part ${i + 1} lacks an ETag or CRC-64`);
    total += p['size'];
  });
  if (parts.length > 0 && doc['uploadId'] === null) throw bad('parts without an uploadId');
  const tail = doc['tail'] as Record<string, unknown> | null | undefined;
  if (tail !== null) {
    if (typeof tail !== 'object' || tail === undefined) throw bad('tail must be an object or null');
    if (!isText(tail['key']) || !isCount(tail['size']) || !isText(tail['etag']) || !isCrc(tail['crc64'])) throw bad('tail lacks key, size, ETag or CRC-64');
    if (tail['size'] === 0 || tail['size'] >= (doc['partSize'] as number)) throw bad(`tail size ${String(tail['size'])} is not within (0, part size)`);
    total += tail['size'];
  }
  if (!isCount(doc['flushedLength']) || doc['flushedLength'] !== total) throw bad(`flushedLength ${JSON.stringify(doc['flushedLength'])} is not the sum of parts and tail (${total})`);
  if (!isText(doc['writerId']) || !isCount(doc['sequence']) || !isCount(doc['updated'])) throw bad('writerId, sequence or updated is missing');
  return doc as unknown as FlushManifest;
}
