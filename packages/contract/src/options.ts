import { Configuration } from '@hadoopfs/core';

/**
 * Hadoop's contract options (`fs.contract.<key>`), with Hadoop's meaning: an option that is not set is
 * false, except the two that Hadoop's Seek suite reads with a default of true.
 */
export interface ContractOptions {
  'is-case-sensitive'?: boolean;
  'is-blobstore'?: boolean;
  'create-overwrites-directory'?: boolean;
  'create-visibility-delayed'?: boolean;
  'create-file-under-file-allowed'?: boolean;
  'supports-hflush'?: boolean;
  'supports-hsync'?: boolean;
  metadata_updated_on_hsync?: boolean;
  'rename-creates-dest-dirs'?: boolean;
  'rename-overwrites-dest'?: boolean;
  'rename-returns-false-if-dest-exists'?: boolean;
  'rename-returns-false-if-source-missing'?: boolean;
  'rename-remove-dest-if-empty-dir'?: boolean;
  'supports-append'?: boolean;
  'supports-concat'?: boolean;
  'supports-seek'?: boolean;
  'supports-seek-on-closed-file'?: boolean;
  'rejects-seek-past-eof'?: boolean;
  'supports-positioned-readable'?: boolean;
  'supports-strict-exceptions'?: boolean;
  'supports-getfilestatus'?: boolean;
  'supports-atomic-rename'?: boolean;
  'test.root-tests-enabled'?: boolean;
  /**
   * hadoopfs extension, default true: bytes that hflush/hsync made durable are also visible to new
   * readers. JindoSDK-style durable flush on OSS persists without making visible (false).
   */
  'flush-visible-to-readers'?: boolean;
  'test.random-seek-count'?: number;
}

export type ContractOptionKey = Exclude<keyof ContractOptions, 'test.random-seek-count'>;

const DEFAULT_TRUE: ReadonlySet<string> = new Set(['rejects-seek-past-eof', 'supports-positioned-readable', 'flush-visible-to-readers']);

export function isSupported(options: ContractOptions, key: ContractOptionKey): boolean {
  const value = options[key];
  return value === undefined ? DEFAULT_TRUE.has(key) : value;
}

/** Options read from `fs.contract.*` keys, as Hadoop's contract XML files declare them. */
export function contractOptionsFrom(conf: Configuration): ContractOptions {
  const options: Record<string, boolean | number> = {};
  for (const [key, value] of conf.getPropsWithPrefix('fs.contract.')) {
    options[key] = key === 'test.random-seek-count' ? Number(value) : value.trim().toLowerCase() === 'true';
  }
  return options as ContractOptions;
}

/** HDFS-like semantics as the memory and local backends implement them. */
export const POSIX_LIKE_OPTIONS: ContractOptions = {
  'is-case-sensitive': true,
  'supports-hflush': true,
  'supports-hsync': true,
  metadata_updated_on_hsync: true,
  'supports-append': true,
  'supports-seek': true,
  'rejects-seek-past-eof': true,
  'supports-positioned-readable': true,
  'supports-strict-exceptions': true,
  'supports-getfilestatus': true,
  'supports-atomic-rename': true,
  'rename-creates-dest-dirs': false,
  'rename-overwrites-dest': false,
  'rename-returns-false-if-dest-exists': false,
  'rename-returns-false-if-source-missing': false,
  'rename-remove-dest-if-empty-dir': false,
  'test.random-seek-count': 100,
};

/**
 * Hadoop's rawlocal.xml (RawLocalFileSystem, what file:// is): rename as rename(2) — a file replaces a
 * file, an empty directory is replaced, missing parents are created — and seek past EOF allowed.
 */
export const RAWLOCAL_OPTIONS: ContractOptions = {
  ...POSIX_LIKE_OPTIONS,
  'rename-creates-dest-dirs': true,
  'rename-overwrites-dest': true,
  'rename-remove-dest-if-empty-dir': true,
  'rejects-seek-past-eof': false,
  'test.random-seek-count': 1000,
};

/**
 * Hadoop's aliyun-oss.xml (hadoop-aliyun's contract options), with hadoopfs's HDFS-style rename (an
 * existing destination file is an error, not overwritten): the object-store profile — oss://, and mem://
 * with fs.mem.semantics = object-store.
 */
export const OBJECT_STORE_OPTIONS: ContractOptions = {
  'is-case-sensitive': true,
  'is-blobstore': true,
  'create-visibility-delayed': true,
  'supports-hflush': false,
  'supports-hsync': false,
  'supports-append': false,
  'supports-seek': true,
  'supports-seek-on-closed-file': false,
  'rejects-seek-past-eof': true,
  'supports-positioned-readable': true,
  'supports-strict-exceptions': true,
  'supports-getfilestatus': true,
  'supports-atomic-rename': false,
  'rename-overwrites-dest': false,
  'rename-returns-false-if-source-missing': false,
  'rename-creates-dest-dirs': false,
  'rename-remove-dest-if-empty-dir': false,
  'test.root-tests-enabled': true,
  'test.random-seek-count': 10,
};

/** The Hadoop contract option files this package carries (packages/contract/hadoop/<name>.xml). */
export type HadoopContractFile = 'hdfs' | 'rawlocal' | 'aliyun-oss';

/**
 * The options of one of Hadoop's contract XML files, as Hadoop's contract tests read them: hdfs.xml (HDFS),
 * rawlocal.xml (RawLocalFileSystem, file://), aliyun-oss.xml (hadoop-aliyun, oss://).
 */
export function hadoopContractOptions(file: HadoopContractFile): ContractOptions {
  const conf = new Configuration({ loadDefaults: false }).addResource(new URL(`../hadoop/${file}.xml`, import.meta.url));
  return contractOptionsFrom(conf);
}
