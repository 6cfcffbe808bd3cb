/**
 * The durable-flush figures (protocol v2), against one OSS-protocol server (memory storage, a child
 * process): writing 1 GiB with an hflush every 32 MiB through JindoOssFileSystem vs the plain OSS backend
 * without flushes (goal ≤ 1.05× its time) and vs ali-oss multipartUpload; bytes uploaded per byte written
 * with a flush every 200 KB at the default 8 MiB part size (goal ≤ 1.6); flush latency p50/p99 and requests
 * per flush beyond parts (goal ≤ 3) with 4 KiB, 200 KiB and 32 MiB pending; and recover -R of 1 000 crashed
 * 1 MiB files (time and requests per file, goal ≤ 6).
 */
import OSS from 'ali-oss';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { JindoOssFileSystem } from '@hadoopfs/jindo';
import { BENCH, spawnOssServer } from '../servers.js';
import type { BenchCase, BenchMetric } from '../harness.js';

const { id: ID, secret: SECRET, bucket: BUCKET } = BENCH;
const MiB = 1024 * 1024;

async function stats(endpoint: string, reset = false): Promise<{ requests: Record<string, number>; bytesIn: number }> {
  const headers = { authorization: `Bearer ${BENCH.adminToken}` };
  if (reset) await fetch(`${endpoint}/-/admin/stats/reset`, { method: 'POST', headers });
  return (await (await fetch(`${endpoint}/-/admin/stats`, { headers })).json()) as { requests: Record<string, number>; bytesIn: number };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export async function jindoCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void>; metrics: (only: string | undefined) => Promise<BenchMetric[]> }> {
  const size = (quick ? 128 : 1024) * MiB;
  const flushEvery = 32 * MiB;
  const partSize = 8 * MiB;
  const server = await spawnOssServer();
  const base = () =>
    new Configuration({ loadDefaults: false })
      .set('fs.oss.endpoint', server.endpoint)
      .set('fs.oss.accessKeyId', ID)
      .set('fs.oss.accessKeySecret', SECRET)
      .set('fs.oss.multipart.part.size', partSize)
      .set('fs.oss.upload.active.blocks', 4);
  const durable = (await JindoOssFileSystem.newInstance(`oss://${BUCKET}/`, base().set('fs.jfs.cache.oss.flush.enable', 'true').set('fs.oss.impl', '@hadoopfs/jindo#JindoOssFileSystem'))) as JindoOssFileSystem;
  const plain = await FileSystem.newInstance(`oss://${BUCKET}/`, base().set('fs.oss.impl', '@hadoopfs/oss#AliyunOssFileSystem'));
  const oss = new OSS({ endpoint: server.endpoint, accessKeyId: ID, accessKeySecret: SECRET, bucket: BUCKET, secure: false, timeout: 600_000 });
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4096) data.writeUInt32LE(i, i);

  const write = async (fs: FileSystem, path: string, flush: boolean) => {
    const out = await fs.create(path);
    for (let i = 0; i < size; i += MiB) {
      await out.write(data.subarray(i, i + MiB));
      if (flush && (i + MiB) % flushEvery === 0) await out.hflush();
    }
    await out.close();
  };
  const suite = 'jindo durable flush';
  const cases: BenchCase[] = [
    {
      suite,
      name: `write ${size / MiB} MiB, hflush every 32 MiB`,
      baselineLabel: 'plain OSS backend, no flush',
      goal: { maxRatio: 1.05 },
      rounds: 3,
      baseline: () => write(plain, '/w', false),
      ours: () => write(durable, '/w', true),
    },
    {
      suite,
      name: `write ${size / MiB} MiB, hflush every 32 MiB`,
      baselineLabel: 'ali-oss multipartUpload',
      goal: { maxRatio: 1 / 0.9 },
      rounds: 3,
      baseline: async () => void (await oss.multipartUpload('w', data, { partSize, parallel: 4 })),
      ours: () => write(durable, '/w', true),
    },
  ];

  const metrics = async (only: string | undefined): Promise<BenchMetric[]> => {
    if (only && !`${suite} flush latency recover uploaded`.includes(only)) return [];
    const out: BenchMetric[] = [];
    // Flume's batch of 1 000 × 200-byte events: a flush every 200 KB, default part size.
    {
      const batch = 200_000;
      const total = (quick ? 16 : 64) * MiB;
      const stream = await durable.create('/every-200k');
      await stats(server.endpoint, true);
      for (let at = 0; at < total; at += batch) {
        await stream.write(data.subarray(at, Math.min(total, at + batch)));
        await stream.hflush();
      }
      const { bytesIn } = await stats(server.endpoint);
      await stream.close();
      out.push({ suite, name: 'bytes uploaded per byte written, hflush every 200 KB, 8 MiB parts', value: bytesIn / total, unit: 'ratio' });
    }
    for (const pending of [4 * 1024, 200 * 1024, 32 * MiB]) {
      const label = pending >= MiB ? `${pending / MiB} MiB` : `${pending / 1024} KiB`;
      const stream = await durable.create(`/latency-${pending}`);
      const times: number[] = [];
      await stats(server.endpoint, true);
      const rounds = quick ? 5 : pending >= 32 * MiB ? 10 : 50;
      for (let i = 0; i < rounds; i++) {
        for (let at = 0; at < pending; at += MiB) await stream.write(data.subarray(at, Math.min(pending, at + MiB)));
        const start = process.hrtime.bigint();
        await stream.hflush();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      const counted = (await stats(server.endpoint)).requests;
      const beyondParts = Object.entries(counted).reduce((n, [api, count]) => n + (api === 'UploadPart' ? 0 : count), 0);
      await stream.close();
      out.push({ suite, name: `flush latency p50, ${label} pending`, value: percentile(times, 50), unit: 'ms' });
      out.push({ suite, name: `flush latency p99, ${label} pending`, value: percentile(times, 99), unit: 'ms' });
      out.push({ suite, name: `requests per flush beyond parts, ${label} pending`, value: beyondParts / rounds, unit: 'requests' });
    }
    // A far store (every request 10 ms late, added by the server): what fs.jfs.cache.flush.overlap.size is
    // for. 200 KB flushes, without and with the part beside the manifest, in turns.
    {
      const admin = { authorization: `Bearer ${BENCH.adminToken}`, 'content-type': 'application/json' };
      const late = JSON.stringify({ action: { type: 'latency', ms: 10 } });
      const overlapped = await JindoOssFileSystem.newInstance(
        `oss://${BUCKET}/`,
        base().set('fs.jfs.cache.oss.flush.enable', 'true').set('fs.jfs.cache.flush.overlap.size', '1m').set('fs.oss.impl', '@hadoopfs/jindo#JindoOssFileSystem'),
      );
      const times = new Map<string, number[]>([['off', []], ['on', []]]);
      await fetch(`${server.endpoint}/-/admin/faults`, { method: 'POST', headers: admin, body: late });
      try {
        for (let round = 0; round < (quick ? 1 : 3); round++) {
          for (const [mode, fs] of [['off', durable], ['on', overlapped]] as const) {
            const stream = await fs.create(`/far-${mode}`);
            for (let i = 0; i < 10; i++) {
              await stream.write(data.subarray(0, 200 * 1024));
              const start = process.hrtime.bigint();
              await stream.hflush();
              times.get(mode)!.push(Number(process.hrtime.bigint() - start) / 1e6);
            }
            await stream.close();
          }
        }
      } finally {
        await fetch(`${server.endpoint}/-/admin/faults`, { method: 'DELETE', headers: admin });
        await overlapped.close();
      }
      out.push({ suite, name: 'flush latency p50, 200 KiB pending, 10 ms per request', value: percentile(times.get('off')!, 50), unit: 'ms' });
      out.push({ suite, name: 'flush latency p50, 200 KiB pending, 10 ms per request, fs.jfs.cache.flush.overlap.size=1m', value: percentile(times.get('on')!, 50), unit: 'ms' });
    }
    // recover -R of crashed files: each written with 1 MiB and one hflush, then abandoned.
    const files = quick ? 100 : 1000;
    const writers = await JindoOssFileSystem.newInstance(`oss://${BUCKET}/`, base().set('fs.jfs.cache.oss.flush.enable', 'true').set('fs.oss.impl', '@hadoopfs/jindo#JindoOssFileSystem'));
    for (let i = 0; i < files; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, files - i) }, async (_, j) => {
          const s = await writers.create(`/crashed/f${i + j}`);
          await s.write(data.subarray(0, MiB));
          await s.hflush();
        }),
      );
    }
    await writers.close();
    const recoverer = (await JindoOssFileSystem.newInstance(
      `oss://${BUCKET}/`,
      base().set('fs.jfs.cache.oss.flush.enable', 'true').set('fs.jfs.cache.flush.lease', '0s').set('fs.oss.impl', '@hadoopfs/jindo#JindoOssFileSystem'),
    )) as JindoOssFileSystem;
    await stats(server.endpoint, true);
    const start = process.hrtime.bigint();
    const reports = await recoverer.recoverAll('/crashed', { recursive: true, concurrency: 16 });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    const total = Object.values((await stats(server.endpoint)).requests).reduce((a, b) => a + b, 0);
    if (reports.filter((r) => r.state === 'recovered').length !== files) throw new Error('recover -R did not recover every file');
    await recoverer.close();
    out.push({ suite, name: `recover -R of ${files} crashed 1 MiB files`, value: elapsed, unit: 'ms' });
    out.push({ suite, name: 'recover -R, time per file', value: elapsed / files, unit: 'ms' });
    out.push({ suite, name: 'recover -R, requests per file', value: total / files, unit: 'requests' });
    return out;
  };

  return {
    cases,
    metrics,
    close: async () => {
      await durable.close();
      await plain.close();
      server.child.kill('SIGTERM');
    },
  };
}
