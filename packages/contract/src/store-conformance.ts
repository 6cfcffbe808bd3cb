import { createHash, randomBytes } from 'node:crypto';
import { ClosedError, FileAlreadyExistsError, FileNotFoundError, RemoteFileChangedError } from '@hadoopfs/core';
import type { ObjectStore } from '@hadoopfs/object-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What a store-conformance run needs: an adapter on an empty bucket (or an empty prefix of one). */
export interface StoreConformanceConfig {
  name: string;
  /** A new adapter; `prefix` is where the suite may write (ends with '/', or '' for a bucket of its own). */
  setup: () => Promise<{ store: ObjectStore; prefix: string }>;
}

async function bodyOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const plain = (etag: string) => etag.replace(/"/g, '').toLowerCase();

/**
 * One suite for every ObjectStore adapter (`@hadoopfs/object-store`'s interface): each call does what the
 * interface says, every "not found" is the error class it names, and every capability the adapter
 * declares is what the server does — checked by its effect, so that an adapter cannot declare what its
 * store only claims. Run by packages/oss against the OSS-protocol server and by packages/s3 against radosgw.
 */
export function runStoreConformanceSuite(config: StoreConformanceConfig): void {
  describe(`store conformance: ${config.name}`, () => {
    let store: ObjectStore;
    let p: string;
    beforeAll(async () => {
      ({ store, prefix: p } = await config.setup());
    }, 180_000);
    afterAll(() => store?.close());

    it('put, head, getBytes and getRange agree on the bytes, the size and the ETag', async () => {
      const bytes = randomBytes(3000);
      const written = await store.put(`${p}obj`, bytes);
      const head = await store.head(`${p}obj`);
      expect([head.key, head.size, plain(head.etag)]).toEqual([`${p}obj`, 3000, plain(written.etag)]);
      expect((await store.getBytes(`${p}obj`)).equals(bytes)).toBe(true);
      const range = await store.getRange(`${p}obj`, 100, 200);
      expect((await bodyOf(range.stream)).equals(bytes.subarray(100, 200))).toBe(true);
      if (store.capabilities.etagIsMd5) expect(plain(written.etag)).toBe(md5(bytes));
      if (store.capabilities.checksum !== undefined) expect(head.checksum).toBe(written.checksum);
    });

    it('a missing key is FileNotFoundError for head, getBytes and getRange; deleting it is no error', async () => {
      await expect(store.head(`${p}missing`)).rejects.toBeInstanceOf(FileNotFoundError);
      await expect(store.getBytes(`${p}missing`)).rejects.toBeInstanceOf(FileNotFoundError);
      await expect(store.getRange(`${p}missing`, 0, 1)).rejects.toBeInstanceOf(FileNotFoundError);
      await store.delete(`${p}missing`);
      await store.deleteBatch([`${p}missing`, `${p}missing-too`]);
    });

    it('create-only PUT is refused onto an existing key and leaves it (where declared), and writes where there is none', async () => {
      await store.put(`${p}once`, Buffer.from('first'));
      const second = store.put(`${p}once`, Buffer.from('second'), { createOnly: true });
      if (store.capabilities.createOnlyPut) {
        await expect(second).rejects.toBeInstanceOf(FileAlreadyExistsError);
        expect((await store.getBytes(`${p}once`)).toString()).toBe('first');
      } else await second.catch(() => undefined);
      await store.put(`${p}fresh`, Buffer.from('x'), { createOnly: true });
      expect((await store.getBytes(`${p}fresh`)).toString()).toBe('x');
    });

    it('a read pinned to an ETag fails once the object changed (where declared)', async () => {
      const first = await store.put(`${p}pinned`, Buffer.from('first'));
      await store.put(`${p}pinned`, Buffer.from('changed'));
      const read = store.getRange(`${p}pinned`, 0, 3, { ifMatch: first.etag });
      if (store.capabilities.readIfMatch) await expect(read).rejects.toBeInstanceOf(RemoteFileChangedError);
      else await read.then((r) => r.stream.resume(), () => undefined);
    });

    it('lists with a delimiter (files and common prefixes), and pages in key order to the end', async () => {
      const keys = ['list/a', 'list/b', 'list/c/d', 'list/c/e', 'list/f'].map((k) => `${p}${k}`);
      for (const key of keys) await store.put(key, Buffer.from(key));
      const shallow = await store.list(`${p}list/`, { delimiter: '/', maxKeys: 1000 });
      expect([shallow.objects.map((o) => o.key), shallow.prefixes]).toEqual([[`${p}list/a`, `${p}list/b`, `${p}list/f`], [`${p}list/c/`]]);
      expect(shallow.serverTime).toBeGreaterThan(0);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.list(`${p}list/`, { maxKeys: 2, ...(token ? { token } : {}) });
        expect(page.objects.length).toBeLessThanOrEqual(2);
        seen.push(...page.objects.map((o) => o.key));
        token = page.nextToken;
      } while (token);
      expect(seen).toEqual([...keys].sort());
      await store.deleteBatch(keys);
      expect((await store.list(`${p}list/`, { maxKeys: 1000 })).objects).toEqual([]);
    });

    it('keys with spaces, unicode, + and % round-trip through put, list and get', async () => {
      const key = `${p}odd/with space/ü + 100%.txt`;
      await store.put(key, Buffer.from('odd'));
      expect((await store.list(`${p}odd/`, { maxKeys: 10 })).objects.map((o) => o.key)).toEqual([key]);
      expect((await store.getBytes(key)).toString()).toBe('odd');
    });

    it('copies an object, create-only refused onto an existing one where declared', async () => {
      await store.put(`${p}copy-from`, Buffer.from('source'));
      await store.copy(`${p}copy-from`, `${p}copy-to`);
      expect((await store.getBytes(`${p}copy-to`)).toString()).toBe('source');
      await store.put(`${p}copy-there`, Buffer.from('there'));
      const refused = store.copy(`${p}copy-from`, `${p}copy-there`, { createOnly: true });
      if (store.capabilities.createOnlyCopy) {
        await expect(refused).rejects.toBeInstanceOf(FileAlreadyExistsError);
        expect((await store.getBytes(`${p}copy-there`)).toString()).toBe('there');
      } else await refused.catch(() => undefined);
    });

    it('a multipart upload: parts listed after a marker, completed with the metadata given at Initiate, its ETag the MD5 of the parts’ where declared', async () => {
      const key = `${p}multi`;
      const first = randomBytes(store.capabilities.minPartSize);
      const second = randomBytes(1000);
      const uploadId = await store.initUpload(key, { meta: { 'hadoopfs-test': 'yes' } });
      const one = await store.uploadPart(key, uploadId, 1, first);
      const two = await store.uploadPart(key, uploadId, 2, second);
      if (store.capabilities.etagIsMd5) expect([plain(one.etag), plain(two.etag)]).toEqual([md5(first), md5(second)]);
      const listed = await store.listParts(key, uploadId);
      expect(listed.parts.map((x) => [x.number, x.size])).toEqual([[1, first.length], [2, 1000]]);
      if (store.capabilities.listPartsAfter) expect((await store.listParts(key, uploadId, { after: 1, limit: 2 })).parts.map((x) => x.number)).toEqual([2]);
      const uploads = await store.listUploads(key);
      const mine = uploads.uploads.find((u) => u.uploadId === uploadId);
      expect(mine?.key).toBe(key);
      expect(Math.abs(mine!.initiated - uploads.serverTime)).toBeLessThan(120_000);
      const done = await store.complete(key, uploadId, [{ number: 1, etag: one.etag }, { number: 2, etag: two.etag }]);
      const head = await store.head(key);
      expect(head.size).toBe(first.length + 1000);
      if (store.capabilities.uploadMetadata) expect(head.meta?.['hadoopfs-test']).toBe('yes');
      if (store.capabilities.etagIsMd5) {
        const expected = `${md5(Buffer.concat([Buffer.from(md5(first), 'hex'), Buffer.from(md5(second), 'hex')]))}-2`;
        expect(plain(head.etag)).toBe(expected);
      }
      if (done.etag !== '') expect(plain(done.etag)).toBe(plain(head.etag));
      expect((await store.getBytes(key)).equals(Buffer.concat([first, second]))).toBe(true);
      // Gone once completed: ListParts and Abort say so.
      await expect(store.listParts(key, uploadId)).rejects.toBeInstanceOf(FileNotFoundError);
      await expect(store.abortUpload(key, uploadId)).rejects.toBeInstanceOf(FileNotFoundError);
    });

    it('a Complete that leaves out a part, and one ending in an empty part, do what the capabilities say', async () => {
      const key = `${p}omit`;
      const first = randomBytes(store.capabilities.minPartSize);
      const uploadId = await store.initUpload(key);
      const one = await store.uploadPart(key, uploadId, 1, first);
      await store.uploadPart(key, uploadId, 2, Buffer.from('left out'));
      const omitted = await store.complete(key, uploadId, [{ number: 1, etag: one.etag }]).then(() => true, () => false);
      expect(omitted).toBe(store.capabilities.completeOmitsParts);
      if (omitted) expect((await store.head(key)).size).toBe(first.length);
      else await store.abortUpload(key, uploadId);
      const withEmpty = await store.initUpload(`${p}empty-last`);
      const a = await store.uploadPart(`${p}empty-last`, withEmpty, 1, first);
      const empty = await store.uploadPart(`${p}empty-last`, withEmpty, 10_000, Buffer.alloc(0));
      const ended = await store.complete(`${p}empty-last`, withEmpty, [{ number: 1, etag: a.etag }, { number: 10_000, etag: empty.etag }]).then(() => true, () => false);
      expect(ended).toBe(store.capabilities.emptyLastPart);
      if (ended) expect((await store.head(`${p}empty-last`)).size).toBe(first.length);
    });

    it('copies a byte range of an object into a part, its ETag the MD5 of the range where declared', async () => {
      const source = randomBytes(5000);
      await store.put(`${p}range-source`, source);
      const uploadId = await store.initUpload(`${p}range-target`);
      const copied = await store.uploadPartCopy(`${p}range-target`, uploadId, 1, `${p}range-source`, 1000, 3000);
      if (store.capabilities.etagIsMd5) expect(plain(copied.etag)).toBe(md5(source.subarray(1000, 3000)));
      await store.complete(`${p}range-target`, uploadId, [{ number: 1, etag: copied.etag }]);
      expect((await store.getBytes(`${p}range-target`)).equals(source.subarray(1000, 3000))).toBe(true);
    });

    it('an aborted upload is gone: ListParts is FileNotFoundError and it is no longer listed', async () => {
      const uploadId = await store.initUpload(`${p}aborted`);
      await store.abortUpload(`${p}aborted`, uploadId);
      await expect(store.listParts(`${p}aborted`, uploadId)).rejects.toBeInstanceOf(FileNotFoundError);
      expect((await store.listUploads(`${p}aborted`)).uploads.map((u) => u.uploadId)).not.toContain(uploadId);
    });

    it('after close(), a call is ClosedError', async () => {
      const { store: other } = await config.setup();
      other.close();
      await expect(other.head(`${p}obj`)).rejects.toBeInstanceOf(ClosedError);
    });
  });
}
