import { createHash } from 'node:crypto';
import { crc64, crc64Concat, IOError } from '@hadoopfs/core';

/**
 * Flush manifests (formats documented in the package README). Version 2 is what writers save now; version
 * 1, which earlier releases left in buckets, is still read so that recover can finish those files.
 */
export const MANIFEST_KIND = 'hadoopfs-flush-manifest';

/**
 * Kinds a manifest may declare: the format's own, and those a backend's earlier releases wrote under their
 * own name (acceptManifestKind), so that what they left in buckets is still read — and, where that backend
 * keeps writing its name for older readers, what it writes now.
 */
const ACCEPTED_KINDS = new Set<string>([MANIFEST_KIND]);

export function acceptManifestKind(kind: string): void {
  ACCEPTED_KINDS.add(kind);
}

export function isManifestKind(kind: unknown): boolean {
  return typeof kind === 'string' && ACCEPTED_KINDS.has(kind);
}
export const MANIFEST_VERSION = 2;
export const MANIFEST_V1 = 1;
/** Version 2 plus where the upload lives (`dataKey`) and parts' CRC-64 only where the store computes one. */
export const MANIFEST_V3 = 3;

export interface ManifestPart {
  number: number;
  size: number;
  etag: string;
  /** CRC-64/XZ as the store reports it (unsigned decimal). */
  crc64: string;
}

export interface ManifestTail {
  key: string;
  size: number;
  etag: string;
  crc64: string;
}

/** Version 1: one manifest.json per target, replaced at each flush, tails in two alternating objects. */
export interface FlushManifestV1 {
  kind: string;
  version: typeof MANIFEST_V1;
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


const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCrc = (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}$/.test(v);

/**
 * Parses and checks a version 1 manifest read from `location` for `bucket`/`target`. Every inconsistency
 * is a CorruptManifestError naming what is wrong, so that recover leaves the staging area untouched. A
 * tail must be one of the two tail objects of the target's own folder: recover copies nothing else.
 */
export function parseManifestV1(bytes: Buffer, location: string, bucket: string, target: string, allowedTails: readonly string[]): FlushManifestV1 {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CorruptManifestError(`manifest ${location} is not JSON: ${(error as Error).message}`, location);
  }
  const bad = (what: string) => new CorruptManifestError(`manifest ${location}: ${what}`, location);
  if (typeof doc !== 'object' || doc === null) throw bad('not an object');
  if (!isManifestKind(doc['kind'])) throw bad(`kind is ${JSON.stringify(doc['kind'])}, not ${[...ACCEPTED_KINDS].join(' or ')} (a foreign file in the staging area?)`);
  if (doc['version'] !== MANIFEST_V1) throw bad(`version ${JSON.stringify(doc['version'])} is not ${MANIFEST_V1}`);
  if (doc['bucket'] !== bucket || doc['target'] !== target) {
    throw bad(`it describes ${String(doc['bucket'])}/${String(doc['target'])}, not ${bucket}/${target}`);
  }
  if (!(doc['uploadId'] === null || isText(doc['uploadId']))) throw bad('uploadId must be a string or null');
  // Version 1 was only ever written on a store whose part minimum is 100 KiB.
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
    if (!allowedTails.includes(tail['key'])) throw bad(`tail ${JSON.stringify(tail['key'])} is not a tail object of this file's staging folder`);
    if (tail['size'] === 0 || tail['size'] >= (doc['partSize'] as number)) throw bad(`tail size ${String(tail['size'])} is not within (0, part size)`);
    total += tail['size'];
  }
  if (!isCount(doc['flushedLength']) || doc['flushedLength'] !== total) throw bad(`flushedLength ${JSON.stringify(doc['flushedLength'])} is not the sum of parts and tail (${total})`);
  if (!isText(doc['writerId']) || !isCount(doc['sequence']) || !isCount(doc['updated'])) throw bad('writerId, sequence or updated is missing');
  return doc as unknown as FlushManifestV1;
}

/** A part of the writer's upload, as UploadPart answered for it. */
export interface ManifestPartV2 {
  number: number;
  size: number;
  etag: string;
  /** Required in version 2; in version 3 present where the store computes one. */
  crc64?: string;
}

/**
 * Version 2, the header of a manifest object: `<this JSON>\n<tail bytes>`. The tail (the flushed bytes
 * after the last part) travels inside the manifest object, so one create-only PutObject makes a flush
 * durable and recover copies the tail from the manifest itself, never from a key a manifest names.
 */
export interface FlushManifest {
  kind: string;
  version: typeof MANIFEST_VERSION | typeof MANIFEST_V3;
  bucket: string;
  target: string;
  writerId: string;
  sequence: number;
  /**
   * Version 3 only: the key the upload is on when it is not the target ('data' layout) — always the
   * writer's own data key in the target's staging folder (flush.<writerId>.data).
   */
  dataKey?: string;
  /** The writer's multipart upload (of the target, or of dataKey). */
  uploadId: string;
  /** Parts 1..n in order, each at least the store's minimum for any part but the last. */
  parts: ManifestPartV2[];
  /** The bytes after the last part: size, MD5 as an ETag ("HEX"), CRC-64/XZ (unsigned decimal), both computed here. */
  tail: { size: number; etag: string; crc64: string };
  /** The sum of the parts and the tail. */
  flushedLength: number;
  /** ETag of the object the writer replaces, as it was when the writer was created; null if there was none. */
  replaces: string | null;
}

export interface DecodedManifest {
  manifest: FlushManifest;
  /** Where the tail starts in the manifest object. */
  tailOffset: number;
  tail: Buffer;
}

export function encodeManifest(manifest: FlushManifest, tail: Uint8Array): Buffer {
  const header = Buffer.from(`${JSON.stringify(manifest)}\n`);
  return Buffer.concat([header, tail]);
}

/** The longest header recover reads: 10 000 parts of ~120 bytes each, with room to spare. */
const MAX_HEADER = 4 * 1024 * 1024;

/**
 * Decodes and checks a version 2 manifest object read from `location`, written by `writerId` as its
 * `sequence`-th manifest (both from the object's name) for `bucket`/`target`.
 */
export function decodeManifest(
  bytes: Buffer,
  location: string,
  expected: { bucket: string; target: string; writerId: string; sequence: number; minPartSize: number; maxPart: number; dataKey: string },
): DecodedManifest {
  const bad = (what: string) => new CorruptManifestError(`manifest ${location}: ${what}`, location);
  const newline = bytes.indexOf(0x0a);
  if (newline < 0 || newline > MAX_HEADER) throw bad('no header line');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw bad(`the header is not JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('the header is not an object');
  if (!isManifestKind(doc['kind'])) throw bad(`kind is ${JSON.stringify(doc['kind'])}, not ${[...ACCEPTED_KINDS].join(' or ')}`);
  const version = doc['version'];
  if (version !== MANIFEST_VERSION && version !== MANIFEST_V3) throw bad(`version ${JSON.stringify(version)} is not ${MANIFEST_VERSION} or ${MANIFEST_V3}`);
  // Recover completes and deletes what dataKey names: only ever the writer's own key (D6).
  if (version === MANIFEST_V3 && doc['dataKey'] !== undefined && doc['dataKey'] !== expected.dataKey) throw bad(`dataKey ${JSON.stringify(doc['dataKey'])} is not the writer's own ${expected.dataKey}`);
  if (version === MANIFEST_VERSION && doc['dataKey'] !== undefined) throw bad('dataKey is not a version 2 field');
  if (doc['bucket'] !== expected.bucket || doc['target'] !== expected.target) {
    throw bad(`it describes ${String(doc['bucket'])}/${String(doc['target'])}, not ${expected.bucket}/${expected.target}`);
  }
  if (doc['writerId'] !== expected.writerId || doc['sequence'] !== expected.sequence) throw bad('writerId or sequence differs from the object name');
  if (!isText(doc['uploadId']) || /[\s/?#&]/.test(doc['uploadId'])) throw bad('uploadId is missing or malformed');
  if (!Array.isArray(doc['parts'])) throw bad('parts must be an array');
  let total = 0;
  const parts = doc['parts'] as unknown[];
  parts.forEach((raw, i) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    if (p['number'] !== i + 1 || i + 1 > expected.maxPart) throw bad(`part ${i + 1} has number ${JSON.stringify(p['number'])}`);
    // A close's own manifest (version 3) names every part and no tail: its last part is the object's last, of any size.
    const lastOfObject = version === MANIFEST_V3 && i === parts.length - 1 && (doc['tail'] as { size?: unknown } | null)?.size === 0;
    if (!isCount(p['size']) || (p['size'] < expected.minPartSize && !lastOfObject)) throw bad(`part ${i + 1} has size ${JSON.stringify(p['size'])}, below the store's part minimum`);
    if (!isText(p['etag']) || !(isCrc(p['crc64']) || (version === MANIFEST_V3 && p['crc64'] === undefined))) throw bad(`part ${i + 1} lacks an ETag or CRC-64`);
    total += p['size'];
  });
  const tail = (doc['tail'] ?? null) as Record<string, unknown> | null;
  if (tail === null || typeof tail !== 'object' || !isCount(tail['size']) || !isText(tail['etag']) || !isCrc(tail['crc64'])) throw bad('tail lacks size, ETag or CRC-64');
  const tailOffset = newline + 1;
  if (bytes.length - tailOffset !== tail['size']) throw bad(`the object holds ${bytes.length - tailOffset} tail bytes, the header says ${String(tail['size'])}`);
  total += tail['size'];
  if (doc['flushedLength'] !== total) throw bad(`flushedLength ${JSON.stringify(doc['flushedLength'])} is not the sum of parts and tail (${total})`);
  if (!(doc['replaces'] === null || isText(doc['replaces']))) throw bad('replaces must be an ETag or null');
  const tailBytes = bytes.subarray(tailOffset);
  if (crc64(tailBytes).toString() !== tail['crc64'] || tailEtag(tailBytes) !== String(tail['etag']).toUpperCase()) throw bad('the tail bytes do not match their CRC-64 or MD5');
  return { manifest: doc as unknown as FlushManifest, tailOffset, tail: tailBytes };
}

/** A part's or simple object's ETag where ETags are MD5s: quoted, upper-case hex (compared without case or quotes). */
export function tailEtag(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex').toUpperCase()}"`;
}

/** The CRC-64 of the whole file a manifest describes (parts, then tail), combined from the pieces'. */
export function expectedCrc(pieces: ReadonlyArray<{ crc64: string; size: number }>): bigint {
  return crc64Concat(pieces);
}
