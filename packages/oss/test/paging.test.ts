import { describe, expect, it } from 'vitest';
import type { AliyunOssFileSystem } from '@hadoopfs/oss';
import { ossFs, serverForTests } from './helpers.js';

// Listings that page past OSS's 1,000 per answer: ListParts (the purge and recover read every part) and
// ListMultipartUploads (create() and the purge read every upload of a key).
const server = serverForTests(['paging']);

describe('paged listings of multipart state', () => {
  it('listParts returns all of 1,003 parts, and listUploads all of 1,003 uploads of one key', async () => {
    const fs = (await ossFs(server, 'paging')) as AliyunOssFileSystem;
    const uploadId = await fs.client.initUpload('many/parts');
    for (let n = 1; n <= 1003; n++) await fs.client.uploadPartWithChecksum('many/parts', uploadId, n, Buffer.from([n & 0xff]));
    const parts = await fs.client.listParts('many/parts', uploadId);
    expect(parts!.map((p) => p.number)).toEqual(Array.from({ length: 1003 }, (_, i) => i + 1));
    expect((await fs.client.listParts('many/parts', uploadId, { after: 1000, limit: 5 }))!.map((p) => p.number)).toEqual([1001, 1002, 1003]);
    await fs.client.abort('many/parts', uploadId);

    for (let i = 0; i < 1003; i++) await server.store.initiateUpload('paging', 'many/uploads', { contentType: 'application/octet-stream', userMeta: {} });
    const { uploads } = await fs.client.listUploads('many/');
    expect(uploads).toHaveLength(1003);
    expect(new Set(uploads.map((u) => u.uploadId)).size).toBe(1003);
    await fs.close();
  }, 60_000);
});
