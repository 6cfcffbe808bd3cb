import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, type Configuration } from '@hadoopfs/core';
import { DEFAULT_REMOVAL_BATCH, durableFlushSettings, perBucketConfiguration, readDeclaredLacks, type DurableFlushSettings, type ObjectStoreSettings, type UploadBufferSettings } from '@hadoopfs/object-store';

/** Hadoop S3A's keys, with S3A's meanings. */
export const S3A_KEYS = {
  endpoint: 'fs.s3a.endpoint',
  region: 'fs.s3a.endpoint.region',
  accessKey: 'fs.s3a.access.key',
  secretKey: 'fs.s3a.secret.key',
  sessionToken: 'fs.s3a.session.token',
  pathStyle: 'fs.s3a.path.style.access',
  secureConnections: 'fs.s3a.connection.ssl.enabled',
  maxAttempts: 'fs.s3a.attempts.maximum',
  retryInterval: 'fs.s3a.retry.interval',
  partSize: 'fs.s3a.multipart.size',
  activeBlocks: 'fs.s3a.fast.upload.active.blocks',
  maxConnections: 'fs.s3a.connection.maximum',
  connectTimeout: 'fs.s3a.connection.establish.timeout',
  socketTimeout: 'fs.s3a.connection.timeout',
  pagingMaximum: 'fs.s3a.paging.maximum',
  uploadBuffer: 'fs.s3a.fast.upload.buffer',
  bufferDir: 'fs.s3a.buffer.dir',
  readAhead: 'fs.s3a.readahead.range',
  flushEnable: 'fs.s3a.flush.enable',
  flushStagingPath: 'fs.s3a.flush.staging.path',
  /** How long after its last flush a writer is taken for alive (as JindoSDK's fs.jfs.cache.flush.lease). */
  flushLease: 'fs.s3a.flush.lease',
  purgeAge: 'fs.s3a.multipart.purge.age',
  flushRemovalBatch: 'fs.s3a.flush.removal.batch',
  flushOverlapSize: 'fs.s3a.flush.overlap.size',
  storeLacks: 'fs.s3a.store.lacks',
  multipartCopyThreshold: 'fs.s3a.multipart.threshold',
} as const;

/** S3's part limits: every part but the last at least 5 MiB, none above 5 GiB. */
const MIN_PART = 5 * 1024 * 1024;
const MAX_PART = 5 * 1024 ** 3;

/** Everything the s3a:// backend reads from configuration, checked once at initialize(). */
export interface S3aSettings extends ObjectStoreSettings {
  /** `http(s)://host:port`, or undefined for AWS's own endpoint of the region. */
  endpoint: string | undefined;
  region: string;
  /** Static credentials from the configuration; undefined: the AWS SDK's chain (environment, ~/.aws, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  pathStyle: boolean;
  connectTimeoutMs: number;
  socketTimeoutMs: number;
  maxConnections: number;
  /** fs.s3a.flush.*: durable flush, on the object-store protocol (packages/s3 README). */
  durableFlush: DurableFlushSettings;
}

/** S3 bucket names: 3–63 of [a-z0-9.-], starting and ending with a letter or digit. */
function checkBucket(bucket: string, uri: string): void {
  if (bucket === '') throw new ConfigurationError(`${uri}: an s3a:// URI needs a bucket (s3a://bucket/path)`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigurationError(`${uri}: "${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' or '-')`);
}

/** S3A's buffer names: bytebuffer is array here (a Buffer's bytes live outside the JS heap). */
const BUFFER_MODES: Record<string, UploadBufferSettings['mode']> = { array: 'array', bytebuffer: 'array', disk: 'disk' };

/**
 * Reads the s3a:// settings of `bucket`, S3A's defaults where a key is unset. Secrets go through
 * getPassword (a credential provider may hold them) and never into a message.
 */
export function readS3aSettings(bucket: string, given: Configuration): S3aSettings {
  const uri = `s3a://${bucket}`;
  checkBucket(bucket, uri);
  const conf = perBucketConfiguration(given, 'fs.s3a.', bucket);
  const secret = (key: string) => conf.getPassword(key)?.trim() || undefined;
  const accessKeyId = secret(S3A_KEYS.accessKey);
  const secretAccessKey = secret(S3A_KEYS.secretKey);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigurationError(`${uri}: ${accessKeyId ? S3A_KEYS.secretKey : S3A_KEYS.accessKey} is missing (the other one is set)`);
  }
  const sessionToken = secret(S3A_KEYS.sessionToken);
  const credentials = accessKeyId && secretAccessKey ? ({ accessKeyId } as NonNullable<S3aSettings['credentials']>) : undefined;
  if (credentials) {
    Object.defineProperty(credentials, 'secretAccessKey', { value: secretAccessKey, enumerable: false });
    if (sessionToken) Object.defineProperty(credentials, 'sessionToken', { value: sessionToken, enumerable: false });
  }
  const partSize = conf.getBytes(S3A_KEYS.partSize, '64m');
  if (partSize < MIN_PART || partSize > MAX_PART) throw new ConfigurationError(`${S3A_KEYS.partSize} must be between 5m and 5g, got ${partSize}`, { key: S3A_KEYS.partSize });
  const positive = (key: string, value: number) => {
    if (!(value >= 1)) throw new ConfigurationError(`${key} must be at least 1, got ${value}`, { key });
    return value;
  };
  const rawEndpoint = conf.getTrimmed(S3A_KEYS.endpoint);
  const scheme = conf.getBoolean(S3A_KEYS.secureConnections, true) ? 'https' : 'http';
  const endpoint = rawEndpoint ? (/^https?:\/\//.test(rawEndpoint) ? rawEndpoint : `${scheme}://${rawEndpoint}`) : undefined;
  const mode = BUFFER_MODES[(conf.getTrimmed(S3A_KEYS.uploadBuffer) ?? 'disk').toLowerCase()];
  if (!mode) throw new ConfigurationError(`${S3A_KEYS.uploadBuffer} must be one of ${Object.keys(BUFFER_MODES).join(', ')}`, { key: S3A_KEYS.uploadBuffer });
  const dirs = conf.getStrings(S3A_KEYS.bufferDir, [join(conf.getTrimmed('hadoop.tmp.dir') ?? tmpdir(), 's3a')]).map((d) => d.trim()).filter((d) => d !== '');
  if (dirs.length === 0) throw new ConfigurationError(`${S3A_KEYS.bufferDir} names no directory`, { key: S3A_KEYS.bufferDir });
  const retryInterval = conf.getTimeDuration(S3A_KEYS.retryInterval, 500, 'ms');
  return {
    bucket,
    endpoint,
    region: conf.getTrimmed(S3A_KEYS.region) ?? process.env['AWS_REGION'] ?? 'us-east-1',
    credentials,
    pathStyle: conf.getBoolean(S3A_KEYS.pathStyle, false),
    connectTimeoutMs: positive(S3A_KEYS.connectTimeout, conf.getTimeDuration(S3A_KEYS.connectTimeout, 30_000, 'ms')),
    socketTimeoutMs: positive(S3A_KEYS.socketTimeout, conf.getTimeDuration(S3A_KEYS.socketTimeout, 200_000, 'ms')),
    maxConnections: positive(S3A_KEYS.maxConnections, conf.getInt(S3A_KEYS.maxConnections, 500)),
    partSize,
    activeBlocks: positive(S3A_KEYS.activeBlocks, conf.getInt(S3A_KEYS.activeBlocks, 4)),
    // S3 answers at most 1000 keys a page, whatever is asked (S3A's default asks 5000).
    pagingMaximum: Math.min(1000, positive(S3A_KEYS.pagingMaximum, conf.getInt(S3A_KEYS.pagingMaximum, 5000))),
    maxAttempts: positive(S3A_KEYS.maxAttempts, conf.getInt(S3A_KEYS.maxAttempts, 5)),
    retryBaseDelayMs: retryInterval,
    retryMaxDelayMs: Math.max(retryInterval, 10_000),
    // No store here computes a checksum S3A could compare (capabilities.checksum): nothing to check.
    checksums: false,
    uploadBuffer: { mode, dirs, dirsKey: S3A_KEYS.bufferDir, folder: 'hadoopfs-s3a-upload', memoryLimit: 1024 ** 3 },
    readAhead: conf.getBytes(S3A_KEYS.readAhead, '64k'),
    multipartCopyThreshold: conf.getBytes(S3A_KEYS.multipartCopyThreshold, '128m'),
    lacks: readDeclaredLacks(conf, S3A_KEYS.storeLacks),
    keys: { partSize: S3A_KEYS.partSize },
    durableFlush: durableFlushSettings({
      enable: conf.getTrimmed(S3A_KEYS.flushEnable),
      enableKey: S3A_KEYS.flushEnable,
      stagingPath: conf.getTrimmed(S3A_KEYS.flushStagingPath),
      stagingPathKey: S3A_KEYS.flushStagingPath,
      leaseMs: conf.getTimeDuration(S3A_KEYS.flushLease, '60s', 'ms'),
      purgeAgeMs: conf.getTimeDuration(S3A_KEYS.purgeAge, '86400s', 'ms'),
      removalBatch: conf.getInt(S3A_KEYS.flushRemovalBatch, DEFAULT_REMOVAL_BATCH),
      removalBatchKey: S3A_KEYS.flushRemovalBatch,
      overlapSize: conf.getBytes(S3A_KEYS.flushOverlapSize, '0'),
      overlapSizeKey: S3A_KEYS.flushOverlapSize,
    }),
  };
}
