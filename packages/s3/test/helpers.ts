import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/s3';
import { startFaultProxy, type FaultProxy } from '../../../test/fixtures/fault-proxy.js';
import { radosgw, type Radosgw } from '../../../test/fixtures/radosgw.js';

/** The run's radosgw, and a plain SDK client on it for what the tests set up around the backend. */
export async function gateway(): Promise<{ gateway: Radosgw; sdk: S3Client }> {
  const g = await radosgw();
  const sdk = new S3Client({
    endpoint: g.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: g.accessKeyId, secretAccessKey: g.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { gateway: g, sdk };
}

let buckets = 0;
/** A new bucket on radosgw (names differ across test files and runs of one cluster). */
export async function newBucket(sdk: S3Client, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${++buckets}`;
  await sdk.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export function s3aConf(g: Radosgw, extra: Record<string, string | number> = {}): Configuration {
  const conf = new Configuration({ loadDefaults: false })
    .set('fs.s3a.endpoint', g.endpoint)
    .set('fs.s3a.path.style.access', 'true')
    .set('fs.s3a.access.key', g.accessKeyId)
    .set('fs.s3a.secret.key', g.secretAccessKey)
    .set('fs.s3a.retry.interval', '5ms');
  for (const [k, v] of Object.entries(extra)) conf.set(k, v);
  return conf;
}

export async function s3aFs(g: Radosgw, bucket: string, extra: Record<string, string | number> = {}): Promise<FileSystem> {
  return FileSystem.newInstance(`s3a://${bucket}/`, s3aConf(g, extra));
}

/** The run's radosgw for one test file (started by the first file that asks), and its SDK client, closed after all. */
export function gatewayForTests(): { readonly gateway: Radosgw; readonly sdk: S3Client } {
  const held: { gateway?: Radosgw; sdk?: S3Client } = {};
  beforeAll(async () => Object.assign(held, await gateway()), 180_000);
  afterAll(() => held.sdk?.destroy());
  return {
    get gateway() {
      return held.gateway!;
    },
    get sdk() {
      return held.sdk!;
    },
  };
}

/** A fault proxy in front of the run's radosgw for one test file (`run` from gatewayForTests), closed after all. */
export function proxyForTests(run: { readonly gateway: Radosgw }): { readonly proxy: FaultProxy } {
  const held: { proxy?: FaultProxy } = {};
  beforeAll(async () => {
    held.proxy = await startFaultProxy(run.gateway.endpoint);
  }, 180_000);
  afterAll(() => held.proxy?.close());
  return {
    get proxy() {
      return held.proxy!;
    },
  };
}
