import { runStoreConformanceSuite } from '@hadoopfs/contract';
import { AwsS3Store, readS3aSettings } from '@hadoopfs/s3';
import { gateway, newBucket, s3aConf } from './helpers.js';

// The ObjectStore interface and S3_CAPABILITIES, checked by their effect on the real radosgw.

let bucket: string | undefined;
runStoreConformanceSuite({
  name: 'AwsS3Store on radosgw',
  setup: async () => {
    const { gateway: g, sdk } = await gateway();
    bucket ??= await newBucket(sdk, 'conformance');
    sdk.destroy();
    return { store: new AwsS3Store(readS3aSettings(bucket, s3aConf(g))), prefix: '' };
  },
});
