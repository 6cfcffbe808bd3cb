/**
 * Issues 4 and 10, against one OSS-protocol server (memory storage, a child process) in one run: our
 * create/write/close (CRC-64 checked) vs ali-oss multipartUpload with the same part size and parallelism
 * (≤ 1.0×), disk buffers vs memory ones (≤ 1.25×), our reader (CRC-64 checked) vs ali-oss getStream
 * (≤ 1.0×), listStatus of 10 000 objects vs a bare listV2 loop, the memory of 100 streams open at once
 * with one part buffered each against 100 × part size, and of 5 000 streams holding 1 KiB each against
 * 256 MiB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { Configuration, FileSystem } from '@hadoopfs/core';
import '@hadoopfs/oss';
import { BENCH, spawnOssServer } from '../servers.js';
import type { BenchCase } from '../harness.js';

const { id: ID, secret: SECRET, bucket: BUCKET } = BENCH;
const MiB = 1024 * 1024;


export async function ossBackendCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void> }> {
  const size = (quick ? 64 : 1024) * MiB;
  const partSize = 8 * MiB;
  const parallel = 4;
  const listCount = quick ? 1000 : 10_000;
  const streams = quick ? 10 : 100;
  const server = await spawnOssServer();
  const conf = new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.oss.multipart.part.size', partSize)
    .set('fs.oss.upload.active.blocks', parallel);
  const fs = await FileSystem.newInstance(`oss://${BUCKET}/`, conf);
  const bufferDir = await mkdtemp(join(tmpdir(), 'hadoopfs-bench-buffers-'));
  const diskFs = await FileSystem.newInstance(`oss://${BUCKET}/`, new Configuration(conf).set('fs.oss.fast.upload.buffer', 'disk').set('fs.oss.buffer.dir', bufferDir));
  const arrayFs = await FileSystem.newInstance(`oss://${BUCKET}/`, new Configuration(conf).set('fs.oss.fast.upload.buffer', 'array'));
  const manyStreams = quick ? 500 : 5000;
  const oss = new OSS({ endpoint: server.endpoint, accessKeyId: ID, accessKeySecret: SECRET, bucket: BUCKET, secure: false, timeout: 600_000 });
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4096) data.writeUInt32LE(i, i);
  let listingReady = false;
  const suite = 'oss backend vs ali-oss';

  const cases: BenchCase[] = [
    {
      suite,
      name: `write ${size / MiB} MiB (part ${partSize / MiB} MiB ×${parallel}, CRC-64 checked)`,
      baselineLabel: 'ali-oss multipartUpload',
      goal: { maxRatio: 1.0 },
      rounds: 5,
      // Both sides write the same key, so the server holds one copy whichever ran last.
      baseline: async () => void (await oss.multipartUpload('w', data, { partSize, parallel })),
      ours: async () => {
        const out = await fs.create('/w');
        for (let i = 0; i < size; i += MiB) await out.write(data.subarray(i, i + MiB));
        await out.close();
      },
    },
    {
      suite,
      name: `write ${size / MiB} MiB, fs.oss.fast.upload.buffer=disk`,
      baselineLabel: 'the same with =array',
      goal: { maxRatio: 1.25 },
      rounds: 3,
      baseline: async () => writeWith(arrayFs, '/wa'),
      ours: async () => writeWith(diskFs, '/wd'),
    },
    {
      suite,
      name: `read ${size / MiB} MiB (CRC-64 checked)`,
      baselineLabel: 'ali-oss getStream',
      goal: { maxRatio: 1.0 },
      rounds: 3,
      prepare: async () => {
        if (!(await fs.exists('/r'))) await oss.multipartUpload('r', data, { partSize, parallel });
      },
      baseline: async () => {
        const { stream } = await oss.getStream('r');
        let n = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) n += chunk.length;
        if (n !== size) throw new Error('short read (ali-oss)');
      },
      ours: async () => {
        const input = await fs.open('/r');
        const buf = Buffer.allocUnsafe(MiB);
        let n = 0;
        for (;;) {
          const got = await input.read(buf, 0, buf.length);
          if (got < 0) break;
          n += got;
        }
        await input.close();
        if (n !== size) throw new Error('short read (ours)');
      },
    },
    {
      suite,
      name: `listStatus of ${listCount} objects`,
      baselineLabel: 'ali-oss listV2 loop',
      goal: { maxRatio: 1 / 0.9 },
      prepare: async () => {
        if (listingReady) return;
        const empty = Buffer.alloc(0);
        for (let i = 0; i < listCount; i += 100) {
          await Promise.all(Array.from({ length: Math.min(100, listCount - i) }, (_, j) => oss.put(`list/o${String(i + j).padStart(6, '0')}`, empty)));
        }
        listingReady = true;
      },
      baseline: async () => {
        let token: string | undefined;
        let n = 0;
        do {
          const page = await oss.listV2({ prefix: 'list/', delimiter: '/', 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) }, {});
          n += (page.objects ?? []).length;
          token = String(page.isTruncated) === 'true' ? page.nextContinuationToken : undefined;
        } while (token);
        if (n !== listCount) throw new Error(`bare listing saw ${n}`);
      },
      ours: async () => {
        const listing = await fs.listStatus('/list');
        if (listing.length !== listCount) throw new Error(`listStatus saw ${listing.length}`);
      },
    },
    {
      suite,
      name: `RSS of ${streams} streams, one ${partSize / MiB} MiB part buffered each`,
      baselineLabel: `${streams} × part size`,
      unit: 'MiB',
      goal: { maxRatio: 1.25 },
      rounds: 1,
      baseline: async () => (streams * partSize) / MiB,
      ours: async () => {
        globalThis.gc?.();
        const before = process.memoryUsage().rss;
        const open = [];
        // One byte short of a part: each stream holds a full buffer, none has started an upload.
        for (let i = 0; i < streams; i++) {
          const out = await fs.create(`/rss/s${i}`);
          await out.write(data.subarray(0, partSize - 1));
          open.push(out);
        }
        const peak = process.memoryUsage().rss;
        await Promise.all(open.map((out) => out.abort()));
        return (peak - before) / MiB;
      },
    },
    {
      suite,
      name: `RSS of ${manyStreams} open streams holding 1 KiB each, above the baseline`,
      baselineLabel: `${(256 * manyStreams) / 5000} MiB`,
      unit: 'MiB',
      goal: { maxRatio: 1.0 },
      rounds: 1,
      baseline: async () => (256 * manyStreams) / 5000,
      ours: async () => {
        globalThis.gc?.();
        const before = process.memoryUsage().rss;
        const open = [];
        const kib = data.subarray(0, 1024);
        for (let i = 0; i < manyStreams; i++) {
          const out = await fs.create(`/many/s${i}`);
          await out.write(kib);
          open.push(out);
        }
        const peak = process.memoryUsage().rss;
        await Promise.all(open.map((out) => out.abort()));
        return (peak - before) / MiB;
      },
    },
  ];
  async function writeWith(target: FileSystem, path: string): Promise<void> {
    const out = await target.create(path);
    for (let i = 0; i < size; i += MiB) await out.write(data.subarray(i, i + MiB));
    await out.close();
  }
  return {
    cases,
    close: async () => {
      await fs.close();
      await diskFs.close();
      await arrayFs.close();
      await rm(bufferDir, { recursive: true, force: true });
      server.child.kill('SIGTERM');
    },
  };
}
