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
});
