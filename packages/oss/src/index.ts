import { registerAliyunOssFileSystem } from './oss-file-system.js';

export { AliyunOssFileSystem, registerAliyunOssFileSystem } from './oss-file-system.js';
export { AliOssStore, OSS_CAPABILITIES } from './ali-oss-store.js';
// The streams' former names, for code written against hadoopfs 0.1 (the classes live in @hadoopfs/object-store).
export { ObjectInputStream as OssInputStream, ObjectOutputStream as OssOutputStream, type ObjectOutputOptions as OssOutputOptions } from '@hadoopfs/object-store';
export { OSS_KEYS, readSettings, type OssSettings } from './settings.js';
export {
  CredentialsChain,
  ossCredentials,
  registerOssCredentialsProvider,
  type OssCredentials,
  type OssCredentialsProvider,
  type OssCredentialsProviderFactory,
} from './credentials.js';
export { FOREIGN_KEYS } from './known-keys.js';
export { NoSuchBucketError } from '@hadoopfs/object-store';
export { isRetryable, ossErrorFacts, translateOssError, type OssErrorFacts } from './oss-errors.js';

registerAliyunOssFileSystem();
