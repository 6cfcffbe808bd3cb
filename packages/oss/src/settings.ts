import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, type Configuration } from '@hadoopfs/core';
import { CREDENTIALS_PROVIDER_KEY, CredentialsChain } from './credentials.js';
import { effectiveConfiguration } from './known-keys.js';
import { readDeclaredLacks, type ObjectStoreSettings, type UploadBufferSettings } from '@hadoopfs/object-store';

/** Everything the OSS backend reads from configuration, checked once at initialize(). */
export interface OssSettings extends ObjectStoreSettings {
  endpoint: string;
  region: string;
  /** Where credentials come from (fs.oss.credentials.provider); they themselves are never a setting. */
  credentials: CredentialsChain;
  /** Bucket in the path instead of the host name (ali-oss `sldEnable`). */
  pathStyle: boolean;
  /** Time to establish a connection. */
  connectTimeoutMs: number;
  /** Time a request may go without a byte moving either way; no deadline on a whole request. */
  socketTimeoutMs: number;
  /** fs.oss.connection.maximum: connections at once (Infinity: as many as the streams need). */
  maxConnections: number;
}

export const OSS_KEYS = {
  endpoint: 'fs.oss.endpoint',
  region: 'fs.oss.region',
  accessKeyId: 'fs.oss.accessKeyId',
  accessKeySecret: 'fs.oss.accessKeySecret',
  securityToken: 'fs.oss.securityToken',
  credentialsProvider: 'fs.oss.credentials.provider',
  pathStyle: 'fs.oss.path.style.access',
  partSize: 'fs.oss.multipart.part.size',
  activeBlocks: 'fs.oss.upload.active.blocks',
  pagingMaximum: 'fs.oss.paging.maximum',
  maxAttempts: 'fs.oss.attempts.maximum',
  retryBaseDelay: 'fs.oss.retry.interval',
  retryMaxDelay: 'fs.oss.retry.interval.maximum',
  connectTimeout: 'fs.oss.connection.establish.timeout',
  socketTimeout: 'fs.oss.connection.timeout',
  secureConnections: 'fs.oss.connection.secure.enabled',
  maxConnections: 'fs.oss.connection.maximum',
  checksums: 'fs.oss.checksum.crc64.enable',
  uploadBuffer: 'fs.oss.fast.upload.buffer',
  bufferDir: 'fs.oss.buffer.dir',
  memoryLimit: 'fs.oss.fast.upload.memory.limit',
  readAhead: 'fs.oss.readahead.range',
  multipartCopyThreshold: 'fs.oss.multipart.copy.threshold',
  storeLacks: 'fs.oss.store.lacks',
} as const;

const MIN_PART = 100 * 1024;
const MAX_PART = 5 * 1024 ** 3;

function firstEnv(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** Bucket names as OSS allows them: 3–63 of [a-z0-9-], starting and ending with a letter or digit. */
export function checkBucket(bucket: string, uri: string): void {
  if (bucket === '') throw new ConfigurationError(`${uri}: an oss:// URI needs a bucket (oss://bucket/path)`);
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigurationError(`${uri}: "${bucket}" is not a valid OSS bucket name (3-63 lower-case letters, digits or '-')`);
  }
}

/**
 * Reads the backend's settings for `bucket`: per-bucket keys `fs.oss.bucket.<bucket>.*` over the general
 * ones, hadoop-aliyun's and JindoSDK's keys honoured or warned about (known-keys.ts). With the default
 * credentials chain, missing credentials are named with every other missing item in one error; no
 * value is ever printed.
 */
export function readSettings(bucket: string, given: Configuration): OssSettings {
  const uri = `oss://${bucket}`;
  checkBucket(bucket, uri);
  const conf = effectiveConfiguration(given, bucket);
  const endpoint = conf.getTrimmed(OSS_KEYS.endpoint) ?? firstEnv('OSS_ENDPOINT');
  const missing: string[] = [];
  if (!endpoint) missing.push(`${OSS_KEYS.endpoint} (or OSS_ENDPOINT)`);
  if (!conf.has(CREDENTIALS_PROVIDER_KEY) && !credentialsFileExists()) {
    const accessKeyId = conf.getTrimmed(OSS_KEYS.accessKeyId) ?? firstEnv('OSS_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_ID');
    const accessKeySecret = conf.getTrimmed(OSS_KEYS.accessKeySecret) ?? firstEnv('OSS_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    if (!accessKeyId) missing.push(`${OSS_KEYS.accessKeyId} (or OSS_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_ID)`);
    if (!accessKeySecret) missing.push(`${OSS_KEYS.accessKeySecret} (or OSS_ACCESS_KEY_SECRET / ALIBABA_CLOUD_ACCESS_KEY_SECRET)`);
  }
  if (missing.length > 0) throw new ConfigurationError(`${uri}: missing ${missing.join(', ')}`);
  const partSize = conf.getBytes(OSS_KEYS.partSize, 8 * 1024 * 1024);
  if (partSize < MIN_PART || partSize > MAX_PART) {
    throw new ConfigurationError(`${OSS_KEYS.partSize} must be between 100k and 5g, got ${partSize}`, { key: OSS_KEYS.partSize });
  }
  const positive = (key: string, value: number) => {
    if (!(value >= 1)) throw new ConfigurationError(`${key} must be at least 1, got ${value}`, { key });
    return value;
  };
  const paging = conf.getInt(OSS_KEYS.pagingMaximum, 1000);
  if (paging < 1 || paging > 1000) throw new ConfigurationError(`${OSS_KEYS.pagingMaximum} must be 1..1000, got ${paging}`, { key: OSS_KEYS.pagingMaximum });
  const scheme = conf.getBoolean(OSS_KEYS.secureConnections, true) ? 'https' : 'http';
  const normalisedEndpoint = /^https?:\/\//.test(endpoint!) ? endpoint! : `${scheme}://${endpoint!}`;
  const regionFromEndpoint = /(oss-[a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com/.exec(normalisedEndpoint)?.[1];
  return {
    bucket,
    endpoint: normalisedEndpoint,
    region: conf.getTrimmed(OSS_KEYS.region) ?? regionFromEndpoint ?? 'oss-cn-hangzhou',
    credentials: new CredentialsChain(conf, bucket),
    pathStyle: conf.getBoolean(OSS_KEYS.pathStyle, false),
    partSize,
    activeBlocks: positive(OSS_KEYS.activeBlocks, conf.getInt(OSS_KEYS.activeBlocks, 4)),
    pagingMaximum: paging,
    maxAttempts: positive(OSS_KEYS.maxAttempts, conf.getInt(OSS_KEYS.maxAttempts, 10)),
    retryBaseDelayMs: conf.getTimeDuration(OSS_KEYS.retryBaseDelay, 100, 'ms'),
    retryMaxDelayMs: conf.getTimeDuration(OSS_KEYS.retryMaxDelay, 10_000, 'ms'),
    connectTimeoutMs: positive(OSS_KEYS.connectTimeout, conf.getTimeDuration(OSS_KEYS.connectTimeout, 50_000, 'ms')),
    socketTimeoutMs: positive(OSS_KEYS.socketTimeout, conf.getTimeDuration(OSS_KEYS.socketTimeout, 200_000, 'ms')),
    checksums: conf.getBoolean(OSS_KEYS.checksums, true),
    uploadBuffer: readUploadBuffer(conf),
    maxConnections: conf.has(OSS_KEYS.maxConnections) ? positive(OSS_KEYS.maxConnections, conf.getInt(OSS_KEYS.maxConnections, 0)) : Infinity,
    readAhead: conf.getBytes(OSS_KEYS.readAhead, 1024 * 1024),
    multipartCopyThreshold: conf.getBytes(OSS_KEYS.multipartCopyThreshold, '1g'),
    lacks: readDeclaredLacks(conf, OSS_KEYS.storeLacks),
    keys: { partSize: OSS_KEYS.partSize },
  };
}

function credentialsFileExists(): boolean {
  return existsSync(firstEnv('ALIBABA_CLOUD_CREDENTIALS_FILE') ?? join(homedir(), '.alibabacloud', 'credentials'));
}

/** hadoop-aliyun's names; the bytebuffer ones are the array ones here (a Buffer's bytes live outside the JS heap). */
const BUFFER_MODES: Record<string, UploadBufferSettings['mode']> = {
  array: 'array',
  bytebuffer: 'array',
  disk: 'disk',
  array_disk: 'array_disk',
  bytebuffer_disk: 'array_disk',
};

function readUploadBuffer(conf: Configuration): UploadBufferSettings {
  const name = (conf.getTrimmed(OSS_KEYS.uploadBuffer) ?? 'array_disk').toLowerCase();
  const mode = BUFFER_MODES[name];
  if (!mode) {
    throw new ConfigurationError(`${OSS_KEYS.uploadBuffer} must be one of ${Object.keys(BUFFER_MODES).join(', ')}, got "${name}"`, { key: OSS_KEYS.uploadBuffer });
  }
  const hadoopTmp = conf.getTrimmed('hadoop.tmp.dir');
  const dirs = conf.getStrings(OSS_KEYS.bufferDir, [join(hadoopTmp ?? tmpdir(), 'oss')]).map((d) => d.trim()).filter((d) => d !== '');
  if (dirs.length === 0) throw new ConfigurationError(`${OSS_KEYS.bufferDir} names no directory`, { key: OSS_KEYS.bufferDir });
  const memoryLimit = conf.getBytes(OSS_KEYS.memoryLimit, '1g');
  if (!(memoryLimit > 0)) throw new ConfigurationError(`${OSS_KEYS.memoryLimit} must be positive, got ${memoryLimit}`, { key: OSS_KEYS.memoryLimit });
  return { mode, dirs, dirsKey: OSS_KEYS.bufferDir, folder: 'hadoopfs-oss-upload', memoryLimit };
}
