import { ConfigurationError, type Configuration } from '@hadoopfs/core';

export const JINDO_KEYS = {
  flushEnable: 'fs.jfs.cache.oss.flush.enable',
  flushEnableAlias: 'fs.oss.flush.enable',
  stagingPath: 'fs.jfs.cache.flush.staging.path',
  stagingPathAlias: 'fs.oss.flush.staging.path',
  lease: 'fs.jfs.cache.flush.lease',
  purgeAge: 'fs.jfs.cache.flush.purge.age',
} as const;

export interface JindoSettings {
  flushEnabled: boolean;
  /** Key prefix of the staging area, without leading or trailing '/': 'tmp' for the default /tmp. */
  stagingPrefix: string;
  /** A manifest refreshed more recently than this belongs to a live writer: recover refuses it unless forced. */
  leaseMs: number;
  /** An upload no manifest names is aborted by an unforced purge only once this old (S3A: fs.s3a.multipart.purge.age). */
  purgeAgeMs: number;
}

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
  let flushEnabled = false;
  if (enable !== undefined) {
    if (!/^(true|false)$/i.test(enable)) throw new ConfigurationError(`${enableKey}: "${enable}" is not true or false`, { key: enableKey });
    flushEnabled = enable.toLowerCase() === 'true';
  }
  const [staging] = pick(JINDO_KEYS.stagingPath, JINDO_KEYS.stagingPathAlias);
  const stagingPrefix = (staging ?? '/tmp').replace(/^\/+|\/+$/g, '');
  if (stagingPrefix === '' || stagingPrefix.split('/').some((e) => e === '.' || e === '..')) {
    throw new ConfigurationError(`${JINDO_KEYS.stagingPath}: "${staging}" is not a usable staging directory`, { key: JINDO_KEYS.stagingPath });
  }
  return {
    flushEnabled,
    stagingPrefix,
    leaseMs: conf.getTimeDuration(JINDO_KEYS.lease, '60s', 'ms'),
    purgeAgeMs: conf.getTimeDuration(JINDO_KEYS.purgeAge, '86400s', 'ms'),
  };
}
