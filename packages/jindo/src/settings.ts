import { ConfigurationError, type Configuration } from '@hadoopfs/core';
import { DEFAULT_REMOVAL_BATCH, durableFlushSettings, type DurableFlushSettings } from '@hadoopfs/object-store';

export const JINDO_KEYS = {
  flushEnable: 'fs.jfs.cache.oss.flush.enable',
  flushEnableAlias: 'fs.oss.flush.enable',
  stagingPath: 'fs.jfs.cache.flush.staging.path',
  stagingPathAlias: 'fs.oss.flush.staging.path',
  lease: 'fs.jfs.cache.flush.lease',
  purgeAge: 'fs.jfs.cache.flush.purge.age',
  removalBatch: 'fs.jfs.cache.flush.removal.batch',
  overlapSize: 'fs.jfs.cache.flush.overlap.size',
} as const;

/**
 * The kind JindoOssFileSystem's manifests declare, as every earlier release wrote them: older readers of
 * the same buckets keep recognising what this one writes.
 */
export const JINDO_MANIFEST_KIND = 'hadoopfs-jindo-flush-manifest';

/** Durable flush's settings, read from JindoSDK's keys. */
export type JindoSettings = DurableFlushSettings;

/**
 * The names from the JindoSDK 3.4 document work as written; the newer JindoSDK names are aliases. When
 * both are set and disagree, that is an error naming both, rather than a silent pick.
 */
export function readJindoSettings(conf: Configuration): JindoSettings {
  const pick = (name: string, alias: string): [string | undefined, string] => {
    const a = conf.getTrimmed(name);
    const b = conf.getTrimmed(alias);
    if (a !== undefined && b !== undefined && a !== b) {
      throw new ConfigurationError(`${name} ("${a}") and its alias ${alias} ("${b}") disagree`, { key: name });
    }
    return a !== undefined ? [a, name] : [b, alias];
  };
  const [enable, enableKey] = pick(JINDO_KEYS.flushEnable, JINDO_KEYS.flushEnableAlias);
  const [staging, stagingKey] = pick(JINDO_KEYS.stagingPath, JINDO_KEYS.stagingPathAlias);
  const settings = durableFlushSettings({
    enable,
    enableKey,
    stagingPath: staging,
    stagingPathKey: stagingKey,
    leaseMs: conf.getTimeDuration(JINDO_KEYS.lease, '60s', 'ms'),
    purgeAgeMs: conf.getTimeDuration(JINDO_KEYS.purgeAge, '86400s', 'ms'),
    removalBatch: conf.getInt(JINDO_KEYS.removalBatch, DEFAULT_REMOVAL_BATCH),
    removalBatchKey: JINDO_KEYS.removalBatch,
    overlapSize: conf.getBytes(JINDO_KEYS.overlapSize, '0'),
    overlapSizeKey: JINDO_KEYS.overlapSize,
  });
  return { ...settings, manifestKind: JINDO_MANIFEST_KIND };
}
