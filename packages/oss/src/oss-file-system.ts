import { FileSystem, type Configuration, type FileSystemUri } from '@hadoopfs/core';
import { ObjectStoreFileSystem, type ObjectStore } from '@hadoopfs/object-store';
import { AliOssStore } from './ali-oss-store.js';
import { readSettings, type OssSettings } from './settings.js';

/**
 * `oss://bucket/key` through ali-oss (Hadoop's hadoop-aliyun, in TypeScript), configured with
 * hadoop-aliyun's keys: the object-store FileSystem over an AliOssStore.
 */
export class AliyunOssFileSystem extends ObjectStoreFileSystem<OssSettings> {
  static readonly SCHEME = 'oss';

  protected openStore(uri: FileSystemUri, conf: Configuration): { store: ObjectStore; settings: OssSettings } {
    const settings = readSettings(uri.authority, conf);
    return { store: new AliOssStore(settings), settings };
  }
}

export function registerAliyunOssFileSystem(): void {
  FileSystem.register(AliyunOssFileSystem.SCHEME, AliyunOssFileSystem);
}
