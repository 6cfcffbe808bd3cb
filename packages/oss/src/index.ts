import { registerAliyunOssFileSystem } from './oss-file-system.js';

export { AliyunOssFileSystem, registerAliyunOssFileSystem } from './oss-file-system.js';
export { AliOssStore, OSS_CAPABILITIES } from './ali-oss-store.js';
export { OssInputStream } from './oss-input-stream.js';
export { OssOutputStream, type OssOutputOptions } from './oss-output-stream.js';
export { PartUploader, type PartUploaderOptions, type UploadedPart } from './part-uploader.js';
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
export { PartBuffer, UploadBuffers, type PartBody, type UploadBufferMode, type UploadBufferSettings } from './upload-buffers.js';
export { isRetryable, NoSuchBucketError, ossErrorFacts, translateOssError, type OssErrorFacts } from './oss-errors.js';

registerAliyunOssFileSystem();
