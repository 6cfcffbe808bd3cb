import { describe, expect, it } from 'vitest';
import { PartUploader, UploadBuffers, type StoreClient } from '@hadoopfs/object-store';

/** A store client that fails the first two UploadParts and answers the others, each a tick later. */
function flakyClient() {
  const attempts: number[] = [];
  let failures = 2;
  const client = {
    capabilities: { maxPartNumber: 10_000, minPartSize: 1 },
    checksums: false,
    display: (key: string) => `mem://b/${key}`,
    initUpload: async () => 'upload-1',
    uploadPartWithChecksum: async (_key: string, _uploadId: string, number: number) => {
      attempts.push(number);
      await new Promise((resolve) => setImmediate(resolve));
      if (failures-- > 0) throw new Error('connection reset');
      return { etag: `"etag-${number}"`, checksum: undefined };
    },
  };
  return { client: client as unknown as StoreClient, attempts };
}

describe('PartUploader', () => {
  it('two drains at once (a write’s and a flush’s) send a failed part again once, and keep its size', async () => {
    const { client, attempts } = flakyClient();
    const buffers = new UploadBuffers({ mode: 'array', dirs: [], dirsKey: 'k', folder: 'f', memoryLimit: 1 << 20 }, 1024, 2);
    const parts = new PartUploader(client, { key: 'k', partSize: 1024, partSizeKey: 'fs.test.part.size', activeBlocks: 4, buffers });
    await parts.write(Buffer.alloc(300, 7));
    await parts.sendBuffered();
    // The part fails, and so does the drain's one more attempt.
    await expect(parts.drain()).rejects.toThrow('connection reset');
    await Promise.all([parts.drain(), parts.drain()]);
    // Twice failed, then once again — not twice again with one buffer (the first success releases it).
    expect(attempts).toEqual([1, 1, 1]);
    expect(parts.parts).toEqual([{ number: 1, size: 300, etag: '"etag-1"', checksum: undefined }]);
    expect(buffers.memoryHeld).toBe(0);
  });

  it('a part after a flushed run starts at the size that run reached, in a pooled buffer: a writer flushing runs smaller than a part allocates once', async () => {
    const client = {
      capabilities: { maxPartNumber: 10_000, minPartSize: 1 },
      checksums: false,
      display: (key: string) => `mem://b/${key}`,
      initUpload: async () => 'upload-1',
      uploadPartWithChecksum: async (_key: string, _uploadId: string, number: number) => ({ etag: `"etag-${number}"`, checksum: undefined }),
    } as unknown as StoreClient;
    const PART = 1 << 20;
    const buffers = new UploadBuffers({ mode: 'array', dirs: [], dirsKey: 'k', folder: 'f', memoryLimit: 64 * PART }, PART, 4);
    const asked: number[] = [];
    const take = buffers.takeMemory.bind(buffers);
    buffers.takeMemory = (size) => (asked.push(size), take(size));
    const parts = new PartUploader(client, { key: 'k', partSize: PART, partSizeKey: 'fs.test.part.size', activeBlocks: 4, buffers });
    const run = Buffer.alloc(300_000, 1);
    // The first run grows its buffer as it comes (from the first capacity, 1 KiB, doubled to fit each write) to 512 KiB.
    for (let at = 0; at < run.length; at += 50_000) await parts.write(run.subarray(at, at + 50_000));
    await parts.sendBuffered();
    await parts.drain();
    expect(asked).toEqual([64, 128, 256, 512].map((k) => k * 1024));
    const grown = asked.length;
    // Every later run of that size: one buffer of 512 KiB each, the pooled one.
    for (let flush = 0; flush < 5; flush++) {
      for (let at = 0; at < run.length; at += 50_000) await parts.write(run.subarray(at, at + 50_000));
      await parts.sendBuffered();
      await parts.drain();
    }
    expect(asked.slice(grown)).toEqual(Array.from({ length: 5 }, () => 512 * 1024));
    expect(buffers.memoryHeld).toBe(0);
  });
});
