// @hadoopfs/s3: s3a:// on the AWS SDK v3, with Hadoop S3A's keys. Importing it registers the scheme.
import { registerS3AFileSystem } from './s3a-file-system.js';

export { S3AFileSystem, registerS3AFileSystem } from './s3a-file-system.js';
export { AwsS3Store, S3_CAPABILITIES } from './aws-s3-store.js';
export { readS3aSettings, S3A_KEYS, type S3aSettings } from './settings.js';
export { translateS3Error } from './s3-errors.js';

registerS3AFileSystem();
