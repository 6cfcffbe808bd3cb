import type { Configuration } from '@hadoopfs/core';
import { perBucketConfiguration } from '@hadoopfs/object-store';

/**
 * The `fs.oss.*` keys that hadoop-aliyun and JindoSDK users bring along in their core-site.xml. Each is
 * either honoured — as another name of a hadoopfs key, converted to its unit, used when that key is not
 * set — or answered with one process warning (code HADOOPFS_OSS_KEY) naming what to set instead, so that
 * no setting is dropped in silence.
 */
interface ForeignKey {
  from: 'hadoop-aliyun' | 'JindoSDK' | 'hadoopfs 0.1';
  /** The hadoopfs key that takes its value (honoured), or to set instead (warned). */
  use?: string;
  /** Honoured as `use`, converted; without it, the key is warned about. */
  convert?: (value: string) => string;
  /** Honoured, but named in a warning all the same (our own old names). */
  deprecated?: boolean;
  why?: string;
}

const same = (v: string) => v;
const ms = (v: string) => `${v.trim()}ms`;

export const FOREIGN_KEYS: Record<string, ForeignKey> = {
  'fs.oss.multipart.upload.size': { from: 'hadoop-aliyun', use: 'fs.oss.multipart.part.size', convert: same },
  'fs.oss.blocklet.size.mb': { from: 'JindoSDK', use: 'fs.oss.multipart.part.size', convert: (v) => `${v.trim()}m` },
  'fs.oss.retry.count': { from: 'JindoSDK', use: 'fs.oss.attempts.maximum', convert: (v) => String(Number(v) + 1) },
  'fs.oss.retry.interval.millisecond': { from: 'JindoSDK', use: 'fs.oss.retry.interval', convert: ms },
  'fs.oss.connection.timeout.millisecond': { from: 'JindoSDK', use: 'fs.oss.connection.establish.timeout', convert: ms },
  'fs.oss.tmp.data.dirs': { from: 'JindoSDK', use: 'fs.oss.buffer.dir', convert: same },
  'fs.oss.upload.thread.concurrency': { from: 'JindoSDK', use: 'fs.oss.upload.active.blocks', convert: same },
  'fs.oss.max.connections.per.host': { from: 'JindoSDK', use: 'fs.oss.connection.maximum', convert: same },
  'fs.oss.read.timeout': { from: 'hadoopfs 0.1', use: 'fs.oss.connection.timeout', convert: same, deprecated: true },

  'fs.oss.timeout.millisecond': { from: 'JindoSDK', use: 'fs.oss.connection.timeout', why: 'hadoopfs sets no deadline on a whole request; the socket timeout bounds a stall' },
  'fs.oss.multipart.upload.threshold': { from: 'hadoop-aliyun', use: 'fs.oss.multipart.part.size', why: 'a stream turns multipart once it holds one part' },
  'fs.oss.multipart.download.size': { from: 'hadoop-aliyun', use: 'fs.oss.readahead.range', why: 'a sequential reader fetches ranges that start there and double' },
  'fs.oss.multipart.download.threads': { from: 'hadoop-aliyun', why: 'a reader fetches one range ahead' },
  'fs.oss.multipart.download.ahead.part.max.number': { from: 'hadoop-aliyun', why: 'a reader fetches one range ahead' },
  'fs.oss.download.thread.concurrency': { from: 'JindoSDK', why: 'a reader fetches one range ahead' },
  'fs.oss.read.readahead.max.buffer.count': { from: 'JindoSDK', use: 'fs.oss.readahead.range' },
  'fs.oss.read.buffer.size': { from: 'JindoSDK', use: 'fs.oss.readahead.range' },
  'fs.oss.write.buffer.size': { from: 'JindoSDK', use: 'fs.oss.multipart.part.size' },
  'fs.oss.upload.queue.size': { from: 'JindoSDK', use: 'fs.oss.upload.active.blocks' },
  'fs.oss.upload.max.pending.tasks.per.stream': { from: 'JindoSDK', use: 'fs.oss.upload.active.blocks' },
  'fs.oss.max.total.tasks': { from: 'hadoop-aliyun', use: 'fs.oss.upload.active.blocks', why: 'uploads are bounded per stream' },
  'fs.oss.max.copy.tasks': { from: 'hadoop-aliyun', why: 'rename copies at most 8 objects at once' },
  'fs.oss.max.copy.threads': { from: 'hadoop-aliyun', why: 'rename copies at most 8 objects at once' },
  'fs.oss.max.copy.tasks.per.dir': { from: 'hadoop-aliyun', why: 'rename copies at most 8 objects at once' },
  'fs.oss.threads.keepalivetime': { from: 'hadoop-aliyun', why: 'there are no thread pools in Node' },
  'fs.oss.flush.interval.millisecond': { from: 'JindoSDK', why: 'flushes happen when the writer calls hflush (durable flush: @hadoopfs/jindo)' },
  'fs.oss.tmp.data.cleaner.enable': { from: 'JindoSDK', why: 'buffer files are always removed, and those of dead processes at the next start' },
  'fs.oss.proxy.host': { from: 'hadoop-aliyun', why: 'proxies are not supported yet' },
  'fs.oss.proxy.port': { from: 'hadoop-aliyun', why: 'proxies are not supported yet' },
  'fs.oss.proxy.username': { from: 'hadoop-aliyun', why: 'proxies are not supported yet' },
  'fs.oss.proxy.password': { from: 'hadoop-aliyun', why: 'proxies are not supported yet' },
  'fs.oss.proxy.domain': { from: 'hadoop-aliyun', why: 'proxies are not supported yet' },
  'fs.oss.proxy.workstation': { from: 'hadoop-aliyun', why: 'proxies are not supported yet' },
  'fs.oss.acl.default': { from: 'hadoop-aliyun', why: 'objects get the bucket\'s ACL' },
  'fs.oss.server-side-encryption-algorithm': { from: 'hadoop-aliyun', why: 'objects get the bucket\'s default encryption' },
  'fs.oss.user.agent.prefix': { from: 'hadoop-aliyun', why: 'ali-oss sends its own User-Agent' },
  'fs.oss.cname.support.enabled': { from: 'hadoop-aliyun', why: 'give the endpoint itself' },
};

const warned = new Set<string>();

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(message, { code: 'HADOOPFS_OSS_KEY' });
}

/**
 * The configuration the OSS backend reads for `bucket`: per-bucket settings `fs.oss.bucket.<bucket>.<key>`
 * (S3A's scheme) over the general ones, then the foreign keys above honoured or warned about.
 */
export function effectiveConfiguration(conf: Configuration, bucket: string): Configuration {
  const out = perBucketConfiguration(conf, 'fs.oss.', bucket);
  for (const [key, known] of Object.entries(FOREIGN_KEYS)) {
    const value = out.getTrimmed(key);
    if (value === undefined) continue;
    if (known.convert && known.use) {
      if (!out.has(known.use)) out.set(known.use, known.convert(value), key);
      if (known.deprecated) warnOnce(key, `${key} is ${known.from}'s name for ${known.use}: honoured, but set ${known.use} instead`);
      continue;
    }
    warnOnce(key, `${key} (${known.from}) is not used by hadoopfs${known.why ? `: ${known.why}` : ''}${known.use ? `; see ${known.use}` : ''}`);
  }
  return out;
}
