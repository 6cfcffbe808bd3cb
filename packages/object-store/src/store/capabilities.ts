import { ConfigurationError, type Configuration } from '@hadoopfs/core';

/**
 * What an object store does, as data: code asks for a capability, never for a store's name. Where a
 * server may answer 200 to a header it ignores, the adapter's
 * probe decides the value, not the documentation.
 */
export interface StoreCapabilities {
  /** How messages name the store. */
  readonly store: string;
  /** The smallest part but the last. */
  readonly minPartSize: number;
  readonly maxPartSize: number;
  /** The highest part number. */
  readonly maxPartNumber: number;
  /** Keys one batch delete takes. */
  readonly deleteBatchMax: number;
  /** A PUT that refuses to replace an object, with its effect checked. */
  readonly createOnlyPut: boolean;
  /** The same on CompleteMultipartUpload. */
  readonly createOnlyComplete: boolean;
  /** The same on CopyObject. */
  readonly createOnlyCopy: boolean;
  /** A Complete may leave out parts that were uploaded (they are discarded); some servers refuse it. */
  readonly completeOmitsParts: boolean;
  /** An empty part may be the last of a Complete. */
  readonly emptyLastPart: boolean;
  /** UploadPartCopy of a byte range of an object. */
  readonly uploadPartCopyRange: boolean;
  /** Copy and UploadPartCopy only from the version an ETag names. */
  readonly copyIfMatch: boolean;
  /** GET only of the version an ETag names (If-Match). */
  readonly readIfMatch: boolean;
  /** ListParts from a part-number marker. */
  readonly listPartsAfter: boolean;
  /** ListMultipartUploads with the initiation time. */
  readonly listUploads: boolean;
  /** User metadata given at InitiateMultipartUpload is on the completed object. */
  readonly uploadMetadata: boolean;
  /** A single PUT's ETag is the MD5 of its bytes, a multipart object's the MD5 of its parts' MD5s (not under server-side encryption with KMS keys). */
  readonly etagIsMd5: boolean;
  /**
   * The checksum the store computes of each part and of the object, and answers: CRC-64/XZ, or none.
   */
  readonly checksum: 'crc64-xz' | undefined;
}

/** A capability that is there or not. */
export type CapabilityFlag = { [K in keyof StoreCapabilities]: StoreCapabilities[K] extends boolean ? K : never }[keyof StoreCapabilities];
type Flag = CapabilityFlag;

const FLAGS: readonly CapabilityFlag[] = [
  'createOnlyPut',
  'createOnlyComplete',
  'createOnlyCopy',
  'completeOmitsParts',
  'emptyLastPart',
  'uploadPartCopyRange',
  'copyIfMatch',
  'readIfMatch',
  'listPartsAfter',
  'listUploads',
  'uploadMetadata',
  'etagIsMd5',
];

/**
 * What an operator declares the server at the endpoint lacks beyond what the backend declares of its
 * store (`<key>`: comma-separated capability names) — for a server that speaks the protocol but does less,
 * as some S3 servers do less than S3. Only ever takes capabilities away; an unknown name is a ConfigurationError.
 */
export function readDeclaredLacks(conf: Configuration, key: string): CapabilityFlag[] {
  const names = conf.getStrings(key, []).map((n) => n.trim()).filter((n) => n !== '');
  for (const name of names) {
    if (!FLAGS.includes(name as CapabilityFlag)) throw new ConfigurationError(`${key}: "${name}" is not a store capability (one of ${FLAGS.join(', ')})`, { key });
  }
  return names as CapabilityFlag[];
}

/** `capabilities` without those in `lacks`. */
export function lacking(capabilities: StoreCapabilities, lacks: readonly CapabilityFlag[]): StoreCapabilities {
  if (lacks.length === 0) return capabilities;
  const flags = Object.fromEntries(lacks.map((flag) => [flag, false]));
  return Object.freeze({ ...capabilities, ...flags });
}

/**
 * A store's capabilities: the common multipart limits (5 GiB parts, 10 000 of them, 1 000 keys a batch delete)
 * and every flag true but those in `lacks` — so that a store's declaration reads as what it does not do.
 */
export function storeCapabilities(
  store: string,
  facts: { minPartSize: number; checksum: StoreCapabilities['checksum'] },
  lacks: ReadonlyArray<Flag> = [],
): StoreCapabilities {
  const flags: Record<Flag, boolean> = {
    createOnlyPut: true,
    createOnlyComplete: true,
    createOnlyCopy: true,
    completeOmitsParts: true,
    emptyLastPart: true,
    uploadPartCopyRange: true,
    copyIfMatch: true,
    readIfMatch: true,
    listPartsAfter: true,
    listUploads: true,
    uploadMetadata: true,
    etagIsMd5: true,
  };
  for (const flag of lacks) flags[flag] = false;
  return Object.freeze({ store, ...facts, maxPartSize: 5 * 1024 ** 3, maxPartNumber: 10_000, deleteBatchMax: 1000, ...flags });
}

/** A capability durable flush cannot keep its promises without, and why (packages/object-store README). */
export interface MissingCapability {
  capability: keyof StoreCapabilities | 'checksum or etagIsMd5';
  why: string;
}

const NEEDED_FOR_DURABLE_FLUSH: ReadonlyArray<MissingCapability & { has: (c: StoreCapabilities) => boolean }> = [
  { capability: 'listPartsAfter', why: 'the fencing read after every flush lists the parts above the writer’s', has: (c) => c.listPartsAfter },
  { capability: 'listUploads', why: 'create() and recover find a dead writer’s upload by listing the key’s uploads', has: (c) => c.listUploads },
  { capability: 'uploadMetadata', why: 'a Complete whose answer was lost is recognised by the writer id on the object', has: (c) => c.uploadMetadata },
  { capability: 'emptyLastPart', why: 'recover claims an upload with an empty part above the writer’s', has: (c) => c.emptyLastPart },
  { capability: 'uploadPartCopyRange', why: 'recover copies the flushed tail (and, where a Complete must name every part, the flushed prefix) by range', has: (c) => c.uploadPartCopyRange },
  {
    capability: 'checksum or etagIsMd5',
    why: 'recover checks the file it built against the writer’s parts, by the store’s checksum or by MD5 ETags',
    has: (c) => c.checksum !== undefined || c.etagIsMd5,
  },
];

/** The capabilities durable flush needs that `capabilities` lacks: [] means it can be enabled. */
export function missingForDurableFlush(capabilities: StoreCapabilities): MissingCapability[] {
  return NEEDED_FOR_DURABLE_FLUSH.filter(({ has }) => !has(capabilities)).map(({ capability, why }) => ({ capability, why }));
}
