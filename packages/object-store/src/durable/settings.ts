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
}

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
  return { flushEnabled, enableKey: read.enableKey, stagingPrefix, leaseMs: read.leaseMs, purgeAgeMs: read.purgeAgeMs };
}
