import { FileSystem, PathCapabilities, UnsupportedOperationError, type Configuration, type FileStatus, type FileSystemUri, type RenameRules } from '@hadoopfs/core';
import { ObjectStoreFileSystem, type DurableFlushSettings, type ObjectStore } from '@hadoopfs/object-store';
import { AwsS3Store } from './aws-s3-store.js';
import { readS3aSettings, type S3aSettings } from './settings.js';

/** S3A's rename (hadoop-aws contract/s3a.xml): a file replaces a file, an empty directory is replaced, a missing source is false. */
const S3A_RENAME_RULES: RenameRules = Object.freeze({ overwriteFile: true, createParents: false, replaceEmptyDirectory: true, missingSourceReturnsFalse: true });

/**
 * `s3a://bucket/key` through the AWS SDK (Hadoop's S3A, in TypeScript), configured with S3A's keys: the
 * object-store FileSystem over an AwsS3Store, with S3A's rename rules and, as S3A, no concat.
 */
export class S3AFileSystem extends ObjectStoreFileSystem<S3aSettings> {
  static readonly SCHEME = 's3a';

  protected openStore(uri: FileSystemUri, conf: Configuration): { store: ObjectStore; settings: S3aSettings } {
    const settings = readS3aSettings(uri.authority, conf);
    return { store: new AwsS3Store(settings), settings };
  }

  /** fs.s3a.flush.enable and the rest: durable flush on s3a:// (packages/s3 README). */
  protected override readDurableFlushSettings(): DurableFlushSettings {
    return this.settings.durableFlush;
  }

  protected override renameRules(): RenameRules {
    return S3A_RENAME_RULES;
  }

  protected override pathCapabilities(): ReadonlySet<string> {
    return new Set([...super.pathCapabilities()].filter((capability) => capability !== PathCapabilities.CONCAT));
  }

  protected override concatFiles(target: FileStatus): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(`concat is not supported by ${this.getUri()} (as S3A)`, { path: target.path.toString() }));
  }
}

export function registerS3AFileSystem(): void {
  FileSystem.register(S3AFileSystem.SCHEME, S3AFileSystem);
}
