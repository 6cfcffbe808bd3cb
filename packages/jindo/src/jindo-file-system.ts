import { FileSystem, type Configuration, type FileSystemUri } from '@hadoopfs/core';
import type { DurableFlushSettings } from '@hadoopfs/object-store';
import { AliyunOssFileSystem } from '@hadoopfs/oss';
import { readJindoSettings } from './settings.js';

/**
 * OSS with durable flush (JindoSDK's `fs.jfs.cache.oss.flush.enable`): with flush enabled, create()
 * returns a stream whose hflush()/hsync() put every byte written so far into the bucket, so that
 * `recover` can rebuild the file after the writer died (DESIGN §4; the protocol is object-store's, its
 * README). With flush disabled it is the plain OSS backend, which can still recover what writers staged.
 */
export class JindoOssFileSystem extends AliyunOssFileSystem {
  protected override readDurableFlushSettings(_uri: FileSystemUri, conf: Configuration): DurableFlushSettings {
    return readJindoSettings(conf);
  }

  /** The durable-flush settings read from JindoSDK's keys. */
  get jindoSettings(): DurableFlushSettings {
    return this.durableFlushSettings!;
  }
}

/** oss:// now means JindoOssFileSystem (as `fs.oss.impl` pointing at it would). */
export function registerJindoOssFileSystem(): void {
  FileSystem.register(AliyunOssFileSystem.SCHEME, JindoOssFileSystem);
}
