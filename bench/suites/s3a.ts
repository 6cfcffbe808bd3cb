/**
 * Issue 21's figures on a real Ceph radosgw (started here, memstore, stopped by pid at the end): s3a://
 * writing and reading 1 GiB against the plain AWS SDK (a multipart upload with the same part size and
 * concurrency; one GetObject), goal ≤ 1.05× each; a durable write with an hflush every 32 MiB against the
 * plain s3a backend, goal ≤ 1.1×; and requests per flush beyond parts (goal ≤ 3), counted on the wire.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/s3';
import { startCephCluster, stopCephCluster } from '../../test/ceph/cluster.js';
import { startFaultProxy } from '../../test/fixtures/fault-proxy.js';
import type { BenchCase, BenchMetric } from '../harness.js';

const MiB = 1024 * 1024;
const BUCKET = 'bench';

export async function s3aCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void>; metrics: (only: string | undefined) => Promise<BenchMetric[]> }> {
  const size = (quick ? 128 : 1024) * MiB;
  const partSize = 64 * MiB;
  const concurrency = 4;
  const cluster = await startCephCluster(await mkdtemp(join(tmpdir(), 'hadoopfs-bench-ceph-')), { memstoreBytes: 14 * 1024 ** 3, promptGc: true });
  const sdk = new S3Client({
    endpoint: cluster.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: cluster.accessKeyId, secretAccessKey: cluster.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await sdk.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const conf = (endpoint: string, durable: boolean) =>
    new Configuration({ loadDefaults: false })
      .set('fs.s3a.endpoint', endpoint)
      .set('fs.s3a.path.style.access', 'true')
      .set('fs.s3a.access.key', cluster.accessKeyId)
      .set('fs.s3a.secret.key', cluster.secretAccessKey)
      .set('fs.s3a.multipart.size', partSize)
      .set('fs.s3a.fast.upload.active.blocks', concurrency)
      .set('fs.s3a.fast.upload.buffer', 'array')
      .set('fs.s3a.flush.enable', String(durable));
  const plain = await FileSystem.newInstance(`s3a://${BUCKET}/`, conf(cluster.endpoint, false));
  const durable = await FileSystem.newInstance(`s3a://${BUCKET}/`, conf(cluster.endpoint, true));
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4096) data.writeUInt32LE(i, i);

  const write = async (fs: FileSystem, path: string, flushEvery?: number) => {
    const out = await fs.create(path);
    for (let i = 0; i < size; i += MiB) {
      await out.write(data.subarray(i, i + MiB));
      if (flushEvery && (i + MiB) % flushEvery === 0) await out.hflush();
    }
    await out.close();
  };
  /** The plain SDK's multipart upload: the same part size, `concurrency` parts at once. */
  const sdkUpload = async (key: string) => {
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const parts: Array<{ PartNumber: number; ETag: string }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i * partSize < size; i = next++) {
          const { ETag } = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: data.subarray(i * partSize, (i + 1) * partSize) }));
          parts[i] = { PartNumber: i + 1, ETag: ETag! };
        }
      }),
    );
    await sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  };
  const drain = async (stream: AsyncIterable<Uint8Array>) => {
    let n = 0;
    for await (const chunk of stream) n += chunk.length;
    if (n !== size) throw new Error(`read ${n} bytes, not ${size}`);
  };
  await sdkUpload('read-me');

  const suite = 's3a on radosgw';
  const cases: BenchCase[] = [
    {
      suite,
      name: `write ${size / MiB} MiB (64 MiB parts, 4 at once)`,
      baselineLabel: 'AWS SDK multipart upload, same parts',
      goal: { maxRatio: 1.05 },
      rounds: 3,
      baseline: () => sdkUpload('w'),
      ours: () => write(plain, '/w'),
    },
    {
      suite,
      name: `read ${size / MiB} MiB`,
      baselineLabel: 'AWS SDK GetObject',
      goal: { maxRatio: 1.05 },
      rounds: 3,
      baseline: async () => drain((await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'read-me' }))).Body as AsyncIterable<Uint8Array>),
      ours: async () => {
        await using input = await plain.open('/read-me');
        await drain(input);
      },
    },
    {
      suite,
      name: `durable write ${size / MiB} MiB, hflush every 32 MiB`,
      baselineLabel: 'plain s3a backend, no flush',
      goal: { maxRatio: 1.1 },
      rounds: 3,
      baseline: () => write(plain, '/d'),
      ours: () => write(durable, '/d', 32 * MiB),
    },
  ];

  const metrics = async (only: string | undefined): Promise<BenchMetric[]> => {
    if (only && !`${suite} flush requests`.includes(only)) return [];
    const out: BenchMetric[] = [];
    // Counted on the wire: a proxy without faults between the client and radosgw.
    const proxy = await startFaultProxy(cluster.endpoint);
    const counted = await FileSystem.newInstance(`s3a://${BUCKET}/`, conf(proxy.endpoint, true).set('fs.s3a.multipart.size', '5m'));
    try {
      for (const pending of [4 * 1024, 200 * 1024, 32 * MiB]) {
        const label = pending >= MiB ? `${pending / MiB} MiB` : `${pending / 1024} KiB`;
        const stream = await counted.create(`/flushes-${pending}`);
        const rounds = quick ? 3 : 10;
        // The first flush starts the upload: counted from the second on.
        await stream.write(data.subarray(0, pending));
        await stream.hflush();
        const before = { ...proxy.forwarded };
        for (let i = 0; i < rounds; i++) {
          for (let at = 0; at < pending; at += MiB) await stream.write(data.subarray(at, Math.min(pending, at + MiB)));
          await stream.hflush();
        }
        const beyondParts = Object.entries(proxy.forwarded).reduce((n, [api, count]) => n + (api === 'UploadPart' ? 0 : count - (before[api] ?? 0)), 0);
        await stream.close();
        out.push({ suite, name: `requests per flush beyond parts, ${label} pending`, value: beyondParts / rounds, unit: 'requests' });
      }
    } finally {
      await counted.close();
      await proxy.close();
    }
    return out;
  };

  return {
    cases,
    metrics,
    close: async () => {
      await plain.close();
      await durable.close();
      sdk.destroy();
      await stopCephCluster(cluster.dir, cluster.pids);
    },
  };
}
