import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { probeCapabilities } from '@hadoopfs/object-store';
import { AwsS3Store, readS3aSettings, S3_CAPABILITIES } from '@hadoopfs/s3';
import { gatewayForTests, newBucket, s3aConf } from './helpers.js';

// What radosgw does, found by the effect of each request (not its status), as test/radosgw.test.ts
// measured it with the plain SDK: the capabilities s3a:// declares for it, confirmed.

const run = gatewayForTests();

describe('probeCapabilities on radosgw', () => {
  it('finds create-only PUT, no create-only Complete or Copy, no Complete that leaves parts out, and leaves nothing behind', async () => {
    const bucket = await newBucket(run.sdk, 'probe');
    const store = new AwsS3Store(readS3aSettings(bucket, s3aConf(run.gateway)));
    const { capabilities, findings } = await probeCapabilities(store, 'tmp/');
    const probed = Object.fromEntries(Object.entries(findings).map(([name, f]) => [name, f.works]));
    expect(probed).toEqual({ createOnlyPut: true, createOnlyComplete: false, createOnlyCopy: false, completeOmitsParts: false, emptyLastPart: true, listPartsAfter: true, uploadMetadata: true });
    // The status alone would have said yes: the header was accepted, and the object replaced.
    expect(findings.createOnlyComplete.seen).toBe('accepted; the object was replaced');
    expect(findings.completeOmitsParts.seen).toMatch(/^refused \(IOError\)/);
    // The declaration for S3 servers agrees with what this one does.
    for (const [name, works] of Object.entries(probed)) expect([name, S3_CAPABILITIES[name as keyof typeof S3_CAPABILITIES]]).toEqual([name, works]);
    expect(capabilities.minPartSize).toBe(S3_CAPABILITIES.minPartSize);
    const left = await run.sdk.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(left.Contents ?? []).toEqual([]);
    store.close();
  });
});
