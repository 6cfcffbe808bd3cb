import { ConfigurationError } from '@hadoopfs/core';

/** What durable flush is configured with, whatever the keys a backend reads it from. */
export interface DurableFlushSettings {
  flushEnabled: boolean;
  /** The key that enables it, for messages. */
  enableKey: string;
  /** Key prefix of the staging area, without leading or trailing '/': 'tmp' for the default /tmp. */
  stagingPrefix: string;
  /** A manifest refreshed more recently than this belongs to a live writer: recover refuses it unless forced. */
  leaseMs: number;
  /** An upload no manifest names is aborted by an unforced purge only once this old (S3A: fs.s3a.multipart.purge.age). */
  purgeAgeMs: number;
  /** The kind new manifests declare; unset: the format's own (MANIFEST_KIND). */
  manifestKind?: string;
  /** Superseded manifests a writer removes in one request (a flush costs 1/this of a removal). */
  removalBatch: number;
  /**
   * A flush of at most this many new bytes sends them as a part and as its manifest's tail at once: one
   * round trip fewer, the bytes twice. 0 (the default): never.
   */
  overlapSize: number;
}

/** The most `overlapSize` may be: a manifest carries up to this much twice. */
export const MAX_OVERLAP_SIZE = 16 * 1024 * 1024;

/** The default of `removalBatch`: a flush costs an eighth of a removal, a writer's staging holds up to eight more manifests. */
export const DEFAULT_REMOVAL_BATCH = 8;

/**
 * The settings from the values a backend read under its own keys (the keys name what is wrong): `enable`
 * must be true or false, the staging path a usable directory (default /tmp, without slashes at either end).
 */
export function durableFlushSettings(read: {
  enable: string | undefined;
  enableKey: string;
  stagingPath: string | undefined;
  stagingPathKey: string;
  leaseMs: number;
  purgeAgeMs: number;
  /** The kind new manifests declare; unset: the format's own (MANIFEST_KIND). */
  manifestKind?: string;
  /** Superseded manifests removed in one request (1–1000; default 8) and the key it was read from. */
  removalBatch?: number | undefined;
  removalBatchKey: string;
  /** Bytes (0–16 MiB; default 0) and the key it was read from. */
  overlapSize?: number | undefined;
  overlapSizeKey?: string;
}): DurableFlushSettings {
  let flushEnabled = false;
  if (read.enable !== undefined) {
    if (!/^(true|false)$/i.test(read.enable)) throw new ConfigurationError(`${read.enableKey}: "${read.enable}" is not true or false`, { key: read.enableKey });
    flushEnabled = read.enable.toLowerCase() === 'true';
  }
  const stagingPrefix = (read.stagingPath ?? '/tmp').replace(/^\/+|\/+$/g, '');
  if (stagingPrefix === '' || stagingPrefix.split('/').some((e) => e === '.' || e === '..' || e === '') || /^[a-z][a-z0-9+.-]*:/i.test(stagingPrefix)) {
    throw new ConfigurationError(`${read.stagingPathKey}: "${read.stagingPath}" is not a usable staging directory (a path in the bucket, such as /tmp)`, { key: read.stagingPathKey });
  }
  const removalBatch = read.removalBatch ?? DEFAULT_REMOVAL_BATCH;
  if (!Number.isSafeInteger(removalBatch) || removalBatch < 1 || removalBatch > 1000) {
    throw new ConfigurationError(`${read.removalBatchKey}: "${read.removalBatch}" is not a number of manifests from 1 to 1000`, { key: read.removalBatchKey });
  }
  const overlapSize = read.overlapSize ?? 0;
  if (!Number.isSafeInteger(overlapSize) || overlapSize < 0 || overlapSize > MAX_OVERLAP_SIZE) {
    throw new ConfigurationError(`${read.overlapSizeKey ?? 'overlapSize'}: "${read.overlapSize}" is not a size from 0 to 16m`, { key: read.overlapSizeKey ?? 'overlapSize' });
  }
  return { flushEnabled, enableKey: read.enableKey, stagingPrefix, leaseMs: read.leaseMs, purgeAgeMs: read.purgeAgeMs, removalBatch, overlapSize };
}
