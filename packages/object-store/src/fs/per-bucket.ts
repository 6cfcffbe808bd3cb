import { Configuration } from '@hadoopfs/core';

/**
 * `<prefix>bucket.<bucket>.<key>` set as `<prefix><key>` over the general keys, as Hadoop's per-bucket
 * configuration does (S3A's `fs.s3a.bucket.NAME.*`); each value remembers the key it came from.
 */
export function perBucketConfiguration(conf: Configuration, prefix: string, bucket: string): Configuration {
  const out = new Configuration(conf);
  for (const [rest, value] of conf.getPropsWithPrefix(`${prefix}bucket.${bucket}.`)) out.set(`${prefix}${rest}`, value, `${prefix}bucket.${bucket}.${rest}`);
  return out;
}
