import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, FileSystem } from '@hadoopfs/core';
import { NoSuchBucketError } from '@hadoopfs/object-store';
import { gatewayForTests, newBucket, s3aConf, s3aFs } from './helpers.js';

// s3a:// beside other tools on one radosgw bucket: what the plain AWS SDK wrote is listed and read as
// Hadoop paths (deep keys with no directory markers, spaces, unicode, '+', '%'), and what s3a wrote
// reads back through the SDK byte for byte. A wrong secret or a missing bucket is an error naming it.

const run = gatewayForTests();
const KEYS = ['deep/no/markers/a.txt', 'deep/no/markers/b c.txt', 'ü/naïve+plus%percent.log', 'top.txt'];

describe('s3a:// and the plain SDK on one bucket', () => {
  it('lists and reads what the SDK wrote, as directories and files', async () => {
    const bucket = await newBucket(run.sdk, 'interop');
    for (const [i, key] of KEYS.entries()) await run.sdk.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `content ${i}` }));
    const fs = await s3aFs(run.gateway, bucket);
    expect((await fs.listStatus('/')).map((s) => [s.path.getName(), s.isDirectory()])).toEqual([
      ['deep', true],
      ['top.txt', false],
      ['ü', true],
    ]);
    expect((await fs.listStatus('/deep/no/markers')).map((s) => s.path.getName())).toEqual(['a.txt', 'b c.txt']);
    const files: string[] = [];
    for await (const status of fs.listFiles('/', true)) files.push(status.path.path);
    expect(files.sort()).toEqual(KEYS.map((k) => `/${k}`).sort());
    for (const [i, key] of KEYS.entries()) expect((await fs.readFile(`/${key}`)).toString()).toBe(`content ${i}`);
    expect((await fs.getFileStatus('/deep/no')).isDirectory()).toBe(true);
  });

  it('what s3a writes, the SDK reads byte for byte under the same key', async () => {
    const bucket = await newBucket(run.sdk, 'interop');
    const fs = await s3aFs(run.gateway, bucket, { 'fs.s3a.multipart.size': '5m' });
    const big = Buffer.alloc(6 * 1024 * 1024 + 7, 0x5a);
    await fs.writeFile('/ü dir/naïve+plus%.bin', big);
    const got = await run.sdk.send(new GetObjectCommand({ Bucket: bucket, Key: 'ü dir/naïve+plus%.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(big)).toBe(true);
  });

  it('a wrong secret is AccessDeniedError, and a missing bucket NoSuchBucketError, neither printing the secret', async () => {
    const bucket = await newBucket(run.sdk, 'interop');
    const wrong = await FileSystem.newInstance(`s3a://${bucket}/`, s3aConf(run.gateway, { 'fs.s3a.secret.key': 'not-the-secret-at-all' }));
    const denied = await wrong.exists('/x').then(() => undefined, (e: Error) => e);
    expect(denied).toBeInstanceOf(AccessDeniedError);
    // A HEAD's 403 carries no body, hence no S3 code: the status names it.
    expect(denied!.message).toMatch(/^HeadObject s3a:\/\/interop-\d+-\d+\/x: S3 Forbidden 403, request id \S+: the answer carried no error body$/);
    expect(`${denied!.message} ${JSON.stringify(denied)}`).not.toContain('not-the-secret-at-all');
    const missing = await (await s3aFs(run.gateway, 'no-such-bucket-here')).exists('/x').then(() => undefined, (e: Error) => e);
    expect(missing).toBeInstanceOf(NoSuchBucketError);
    expect(JSON.stringify(await s3aFs(run.gateway, bucket))).not.toContain(run.gateway.secretAccessKey);
  });
});
