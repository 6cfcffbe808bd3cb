import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from '@hadoopfs/core';
import { startFaultProxy, type FaultProxy } from '../../../test/fixtures/fault-proxy.js';
import { gatewayForTests, newBucket, s3aConf } from './helpers.js';

// s3a:// against radosgw through a proxy that refuses requests, loses answers of applied ones, and
// applies them late or twice: radosgw has no faults of its own, so the adversary sits on the wire.

const run = gatewayForTests();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(run.gateway.endpoint);
});
afterAll(() => proxy?.close());

async function fsThroughProxy(bucket: string): Promise<FileSystem> {
  return FileSystem.newInstance(`s3a://${bucket}/`, s3aConf(run.gateway, { 'fs.s3a.endpoint': proxy.endpoint, 'fs.s3a.multipart.size': '5m', 'fs.s3a.attempts.maximum': 3 }));
}
const MiB = 1024 * 1024;
const data = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff));

describe('s3a:// through faults on the wire (radosgw)', () => {
  it('a refused part is sent again: the file is whole, no upload left', async () => {
    const b = await newBucket(run.sdk, 'faults');
    const fs = await fsThroughProxy(b);
    proxy.add({ api: 'UploadPart', nth: 2, action: { type: 'refuse', status: 503, code: 'SlowDown' } });
    await fs.writeFile('/big', data(12 * MiB, 1));
    expect((await fs.readFile('/big')).equals(data(12 * MiB, 1))).toBe(true);
    proxy.clear();
  });

  it('create-only: a PUT applied whose answer was lost is recognised as ours when its retry is refused', async () => {
    const b = await newBucket(run.sdk, 'faults');
    const fs = await fsThroughProxy(b);
    proxy.add({ api: 'PutObject', nth: 1, action: { type: 'lose-answer' } });
    await fs.writeFile('/small', data(1000, 2), { overwrite: false });
    expect((await fs.readFile('/small')).equals(data(1000, 2))).toBe(true);
    proxy.clear();
  });

  it('a Complete applied whose answer was lost is recognised as ours when its retry finds no upload', async () => {
    const b = await newBucket(run.sdk, 'faults');
    const fs = await fsThroughProxy(b);
    proxy.add({ api: 'CompleteMultipartUpload', nth: 1, action: { type: 'lose-answer' } });
    await fs.writeFile('/multi', data(7 * MiB, 3));
    expect((await fs.readFile('/multi')).equals(data(7 * MiB, 3))).toBe(true);
    proxy.clear();
  });

  it('a DeleteObject cut from its client and applied later still removes the file', async () => {
    const b = await newBucket(run.sdk, 'faults');
    const fs = await fsThroughProxy(b);
    await fs.writeFile('/f', 'first');
    proxy.add({ api: 'DeleteObject', nth: 1, action: { type: 'late', ms: 50 } });
    await fs.delete('/f', false).catch(() => undefined);
    await proxy.idle();
    expect(await fs.exists('/f')).toBe(false);
    proxy.clear();
  });
});
