import { describe, expect, it } from 'vitest';
import { FileAlreadyExistsError, LeaseExpiredError, StreamCapabilities } from '@hadoopfs/core';
import type { DurableOssOutputStream } from '@hadoopfs/jindo';
import { bucketsOf, bytes, jindoFs, PART, readAll, serverForTests, stagingKeys, uploadsOf } from './helpers.js';

/**
 * The durable writer at the edges the mutation pass found untested (packages/jindo/MUTATION.md, pass 2):
 * each test fails with the check it names removed or turned around.
 */
const server = serverForTests([]);
const bucket = bucketsOf(server, 'edges');
const afterLease = (b: string) => jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });
/** Another tool's write, straight to the store. */
const putObject = async (b: string, key: string, data: Buffer) => void (await (await jindoFs(server, b)).client.put(key, data));

describe('the durable writer at its edges', () => {
  it('declares durable flush and abortable, says what it made durable, and a plain flush() is Hadoop’s (no manifest)', async () => {
    const b = await bucket();
    const out = (await (await jindoFs(server, b)).create('/f')) as DurableOssOutputStream;
    expect([StreamCapabilities.DURABLE_FLUSH, StreamCapabilities.ABORTABLE, StreamCapabilities.HFLUSH].map((c) => out.hasCapability(c))).toEqual([true, true, false]);
    await out.write(bytes(700, 1));
    await out.flush();
    expect([out.flushedLength, stagingKeys(server, b)]).toEqual([0, []]);
    await out.hflush();
    expect(out.flushedLength).toBe(700);
    await out.close();
  });

  it('a writer taken over is refused: close() and hflush() reject with LeaseExpiredError, and every write after', async () => {
    const b = await bucket();
    const [w1, w2] = [await (await jindoFs(server, b)).create('/f'), await (await jindoFs(server, b)).create('/g')];
    for (const [w, path] of [[w1, '/f'], [w2, '/g']] as const) {
      await w.write(bytes(500, 2));
      await w.hflush();
      await (await afterLease(b)).recoverAll(path, { force: true });
    }
    await expect(w1.close()).rejects.toBeInstanceOf(LeaseExpiredError);
    // A write sends nothing, so it cannot know before a request told the writer; once one did, it is refused too.
    await expect(w2.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    await expect(w2.write(bytes(1, 3))).rejects.toBeInstanceOf(LeaseExpiredError);
    expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(500, 2))).toBe(true);
  });

  it('a flush never overwrites an object at its next manifest key, and close never removes it: the object is not ours (D6)', async () => {
    const b = await bucket();
    const out = (await (await jindoFs(server, b)).create('/f')) as DurableOssOutputStream;
    await out.write(bytes(300, 4));
    await out.hflush();
    const next = `tmp/f/flush.${out.writerId}.0000000002.manifest`;
    await putObject(b, next, Buffer.from('someone else’s'));
    await out.write(bytes(10, 5));
    await expect(out.hflush()).rejects.toBeInstanceOf(FileAlreadyExistsError);
    await out.close();
    expect((await readAll(await jindoFs(server, b), `/${next}`)).toString()).toBe('someone else’s');
    expect((await readAll(await jindoFs(server, b), '/f')).equals(Buffer.concat([bytes(300, 4), bytes(10, 5)]))).toBe(true);
    expect(stagingKeys(server, b)).toEqual([next]);
  });

  it('a flush that finds its upload aborted by someone else removes the manifest it had just written', async () => {
    const b = await bucket();
    const out = (await (await jindoFs(server, b)).create('/f')) as DurableOssOutputStream;
    await out.write(bytes(300, 6));
    await out.hflush();
    await server.store.abortUpload(b, 'f', (await out.uploadId)!);
    await out.write(bytes(10, 7));
    await expect(out.hflush()).rejects.toBeInstanceOf(LeaseExpiredError);
    // Both go: the new one (written a moment ago, naming a gone upload) and the one it superseded.
    expect(stagingKeys(server, b)).toEqual([]);
  });

  it('a durable close whose Complete was applied but whose answer was lost is a success, recognised by the writer id on the object', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b)).create('/f');
    const data = bytes(PART + 300, 8);
    await out.write(data);
    await out.hflush();
    server.faults.add({ apis: ['CompleteMultipartUpload'], nth: 1, action: { type: 'drop', when: 'instead-of-response' } });
    await out.close();
    expect((await readAll(await jindoFs(server, b), '/f')).equals(data)).toBe(true);
    expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
  });

  it('the same lost answer over a file another writer of the same length completed is not taken for ours', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b)).create('/f');
    await out.write(bytes(PART + 300, 9));
    await out.hflush();
    // The Complete is refused (not applied); another tool's object of the same length is there.
    server.faults.add({ apis: ['CompleteMultipartUpload'], nth: 1, action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    await putObject(b, 'f', bytes(PART + 300, 10));
    await expect(out.close()).rejects.toThrow(/close failed/);
    expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(PART + 300, 10))).toBe(true);
  });

  it('create(overwrite=false) stays create-only to the end: a file written meanwhile fails the close and stays, small or multipart', async () => {
    for (const size of [200, PART + 200]) {
      const b = await bucket();
      const out = await (await jindoFs(server, b)).create('/f', { overwrite: false });
      await out.write(bytes(size, 11));
      if (size > PART) await out.hflush();
      await putObject(b, 'f', Buffer.from('theirs'));
      await expect(out.close()).rejects.toThrow(/exist/i);
      expect((await readAll(await jindoFs(server, b), '/f')).toString()).toBe('theirs');
    }
  });

  it('a flush whose fencing read failed leaves its manifest; a close that never flushed removes it all the same (D4)', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b)).create('/f');
    await out.write(bytes(400, 12));
    server.faults.add({ apis: ['ListParts'], nth: 1, action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    await expect(out.hflush()).rejects.toThrow();
    expect(stagingKeys(server, b)).toHaveLength(1);
    await out.close();
    expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
    expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(400, 12))).toBe(true);
  });

  it('a manifest whose PUT was applied but whose answer was lost is the writer’s own: close removes it (D4)', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b)).create('/f');
    await out.write(bytes(300, 18));
    server.faults.add({ apis: ['PutObject'], keyPattern: '^tmp/', nth: 1, action: { type: 'drop', when: 'instead-of-response' } });
    await expect(out.hflush()).rejects.toThrow();
    server.faults.clear();
    expect(stagingKeys(server, b)).toHaveLength(1);
    await out.close();
    expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
  });

  it('a close of a never-flushed multipart writer whose Complete is refused ends its upload: nothing is left behind', async () => {
    const b = await bucket();
    const out = await (await jindoFs(server, b)).create('/f');
    await out.write(bytes(PART + 10, 13));
    server.faults.add({ apis: ['CompleteMultipartUpload'], action: { type: 'error', status: 403, code: 'AccessDenied' } });
    await expect(out.close()).rejects.toThrow();
    server.faults.clear();
    expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
  });

  it('a close after a flush that failed once its upload was started still makes the file, empty or not', async () => {
    for (const size of [0, 300]) {
      const b = await bucket();
      const out = await (await jindoFs(server, b)).create('/f');
      await out.write(bytes(size, 17));
      server.faults.add({ apis: ['PutObject'], keyPattern: '^tmp/', nth: 1, action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
      await expect(out.hflush()).rejects.toThrow();
      server.faults.clear();
      await out.close();
      expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(size, 17))).toBe(true);
      expect([stagingKeys(server, b), uploadsOf(server, b, 'f')]).toEqual([[], []]);
    }
  });

  it('a close ends strays of its own key only, never an upload of a longer key (a prefix listing returns both)', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/f');
    await out.write(bytes(PART + 10, 14));
    await out.hflush();
    const other = await fs.client.initUpload('f.tmp');
    await out.close();
    expect(uploadsOf(server, b, 'f.tmp').map((u) => u.id)).toEqual([other]);
  });

  it('a writer whose every Initiate failed ends nothing on abort: the upload of the writer that took over stays', async () => {
    const b = await bucket();
    const w1 = await (await jindoFs(server, b)).create('/f');
    server.faults.add({ apis: ['InitiateMultipartUpload'], action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    await w1.write(bytes(PART + 10, 15)).catch(() => undefined);
    await expect(w1.hflush()).rejects.toThrow();
    server.faults.clear();
    // W2 takes the file over and streams a part: its upload, named by no manifest yet.
    const w2 = await (await afterLease(b)).create('/f');
    await w2.write(bytes(PART + 10, 16));
    const ofW2 = (await (w2 as DurableOssOutputStream).uploadId)!;
    await server.stats.idle();
    await w1.abort();
    expect(uploadsOf(server, b, 'f').map((u) => u.id)).toContain(ofW2);
    await w2.hflush();
    await w2.close();
    expect((await readAll(await jindoFs(server, b), '/f')).equals(bytes(PART + 10, 16))).toBe(true);
  });
});
