import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, FileSystem, LeaseExpiredError, PathCapabilities, StreamCapabilities } from '@hadoopfs/core';
import { CorruptManifestError, JindoOssFileSystem, type DurableOssOutputStream } from '@hadoopfs/jindo';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { bytes, jindoConf, jindoFs, keys, PART, readAll, startServer } from './helpers.js';

let server: RunningOssServer;
let n = 0;
const bucket = async () => {
  const name = `jindo-${++n}`;
  await server.store.createBucket(name);
  return name;
};
beforeAll(async () => {
  server = await startServer([]);
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
});

describe('durable flush', () => {
  it('a writer that dies after hflush loses nothing: recover rebuilds exactly the flushed bytes', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const data = bytes(3 * PART + 12_345, 1);
    const out = await fs.create('/dir1/file1');
    // Durable but not visible: Hadoop's hflush/hsync promise visibility, so only our own capability is declared.
    expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.DURABLE_FLUSH)).toBe(true);
    expect(await fs.hasPathCapability('/dir1/file1', PathCapabilities.DURABLE_FLUSH)).toBe(true);
    expect(await fs.hasPathCapability('/dir1/file1', PathCapabilities.HFLUSH)).toBe(false);
    await out.write(data.subarray(0, 2 * PART + 5000));
    await out.hflush();
    // Written but never flushed: the writer "dies" here, without close.
    await out.write(data.subarray(2 * PART + 5000));
    expect(await fs.exists('/dir1/file1')).toBe(false);
    expect(keys(server, b).filter((k) => k.startsWith('tmp/'))).toEqual([expect.stringMatching(/^tmp\/dir1\/file1\/flush\.[0-9a-f]{32}\.\d{10}\.manifest$/)]);

    const recovering = await jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });
    expect(await recovering.recover('/dir1/file1', false)).toBe(true);
    const recovered = await readAll(recovering, '/dir1/file1');
    expect(recovered.equals(data.subarray(0, 2 * PART + 5000))).toBe(true);
    expect(keys(server, b).filter((k) => k.startsWith('tmp/'))).toEqual([]);
    expect(await server.store.listUploads(b, '')).toEqual([]);
    // Recovering again is a no-op that says so.
    const again = await recovering.recoverAll('/dir1/file1');
    expect(again.map((r) => r.state)).toEqual(['nothing-staged']);
  });

  it('a flush costs at most three requests beyond the parts, and one read when nothing is new', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/cost');
    await out.write(bytes(1000, 2));
    server.stats.reset();
    await out.hflush();
    // The first flush starts the upload, saves the manifest (tail inside) and makes its fencing read.
    expect(server.stats.requests).toEqual({ InitiateMultipartUpload: 1, PutObject: 1, ListParts: 1 });
    server.stats.reset();
    await out.hflush();
    await out.hsync();
    // Nothing new: no upload, only the read that proves the flushed bytes are still there and still ours.
    expect(server.stats.requests).toEqual({ ListParts: 2 });
    server.stats.reset();
    await out.write(bytes(PART + 10, 3));
    await out.hsync();
    await server.stats.idle();
    // A whole part, then the manifest and the fencing read; the previous manifest waits to be removed
    // with the next seven superseded (one request for eight, off the flush's path).
    expect(server.stats.requests).toEqual({ UploadPart: 1, PutObject: 1, ListParts: 1 });
    server.stats.reset();
    for (let i = 0; i < 7; i++) {
      await out.write(bytes(100, 4 + i));
      await out.hflush();
    }
    await server.stats.idle();
    expect(server.stats.requests).toEqual({ PutObject: 7, ListParts: 7, DeleteMultipleObjects: 1 });
    await out.close();
  });

  it('flushing often never adds parts: only whole parts go up before close', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const data = bytes(5 * PART + 1234, 12);
    const out = await fs.create('/often');
    server.stats.reset();
    const step = Math.ceil(PART / 10);
    for (let at = 0; at < data.length; at += step) {
      await out.write(data.subarray(at, at + step));
      await out.hflush();
    }
    expect(server.stats.requests['UploadPart']).toBe(5);
    await out.close();
    expect(server.stats.requests['UploadPart']).toBe(6);
    expect((await readAll(fs, '/often')).equals(data)).toBe(true);
    expect(await server.store.listUploads(b, '')).toEqual([]);
  });

  it('close publishes the file and leaves no staging and no incomplete upload; abort leaves nothing', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const data = bytes(2 * PART + 77, 4);
    const out = await fs.create('/closed');
    await out.write(data.subarray(0, PART + 3));
    await out.hflush();
    await out.write(data.subarray(PART + 3));
    await out.hflush();
    await out.close();
    expect((await readAll(fs, '/closed')).equals(data)).toBe(true);
    const aborted = await fs.create('/aborted');
    await aborted.write(bytes(PART * 2 + 1, 5));
    await aborted.hflush();
    await aborted.abort();
    expect(await fs.exists('/aborted')).toBe(false);
    expect(keys(server, b)).toEqual(['closed']);
    expect(await server.store.listUploads(b, '')).toEqual([]);
  });

  it('a small file never flushed is one PutObject with no staging', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    server.stats.reset();
    const out = await fs.create('/plain');
    await out.write('just bytes');
    await out.close();
    expect(server.stats.requests['PutObject']).toBe(1);
    expect(keys(server, b)).toEqual(['plain']);
  });

  it('with flush disabled it is the plain OSS backend and says so', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, { 'fs.jfs.cache.oss.flush.enable': 'false' });
    const out = await fs.create('/x');
    expect(out.hasCapability(StreamCapabilities.HFLUSH)).toBe(false);
    expect(out.hasCapability(StreamCapabilities.HSYNC)).toBe(false);
    await out.close();
  });
});

describe('configuration', () => {
  it('accepts the newer JindoSDK names and refuses disagreeing aliases', async () => {
    const b = await bucket();
    const conf = jindoConf(server).unset('fs.jfs.cache.oss.flush.enable').unset('fs.jfs.cache.flush.staging.path').set('fs.oss.flush.enable', 'true').set('fs.oss.flush.staging.path', '/staging/area/');
    const fs = (await FileSystem.newInstance(`oss://${b}/`, conf)) as JindoOssFileSystem;
    expect(fs.jindoSettings).toMatchObject({ flushEnabled: true, stagingPrefix: 'staging/area' });
    const out = await fs.create('/f');
    await out.write('x');
    await out.hflush();
    expect(keys(server, b)).toEqual([expect.stringMatching(/^staging\/area\/f\/flush\.[0-9a-f]{32}\.\d{10}\.manifest$/)]);
    await out.close();
    const bad = jindoConf(server).set('fs.oss.flush.enable', 'false');
    await expect(FileSystem.newInstance(`oss://${b}/`, bad)).rejects.toThrow(ConfigurationError);
    await expect(FileSystem.newInstance(`oss://${b}/`, jindoConf(server).set('fs.jfs.cache.oss.flush.enable', 'yes'))).rejects.toThrow(/not true or false/);
  });
});

describe('fencing and corrupt manifests', () => {
  it('refuses to recover a file whose writer renewed its lease, unless forced; the writer then fails clearly', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = (await fs.create('/live')) as DurableOssOutputStream;
    await out.write(bytes(PART + 10, 6));
    await out.hflush();
    const other = await jindoFs(server, b);
    const refused = await other.recoverAll('/live');
    expect(refused[0]!.state).toBe('live-writer');
    await expect(other.recover('/live', false)).rejects.toThrow(LeaseExpiredError);
    expect(await other.exists('/live')).toBe(false);
    const forced = await other.recoverAll('/live', { force: true });
    expect(forced[0]!.state).toBe('recovered');
    await out.write(bytes(10, 7));
    await expect(out.hflush()).rejects.toThrow(LeaseExpiredError);
    await expect(out.close()).rejects.toBeInstanceOf(LeaseExpiredError);
    expect((await readAll(other, '/live')).length).toBe(PART + 10);
  });

  it('a writer whose upload was completed by recover fails its next part upload', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b);
    const out = await fs.create('/taken');
    await out.write(bytes(PART, 8));
    await out.hflush();
    await (await jindoFs(server, b)).recoverAll('/taken', { force: true });
    await out.write(bytes(PART, 9));
    await expect(out.close()).rejects.toBeInstanceOf(LeaseExpiredError);
  });

  it('a corrupt or foreign manifest is reported for that file, its staging untouched, and the rest goes on', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });
    for (const name of ['good1', 'good2']) {
      const out = await fs.create(`/logs/${name}`);
      await out.write(bytes(500, 10));
      await out.hflush();
    }
    await fs.client.put(`tmp/logs/broken/flush.${'a'.repeat(32)}.0000000001.manifest`, Buffer.from('{ not json'));
    await fs.client.put('tmp/logs/foreign/manifest.json', Buffer.from(JSON.stringify({ kind: 'hadoopfs-jindo-flush-manifest', version: 7 })));
    await fs.client.put('tmp/logs/users/manifest.json', Buffer.from(JSON.stringify({ kind: 'something-else' })));
    const reports = await fs.recoverAll('/logs', { recursive: true });
    const byPath = Object.fromEntries(reports.map((r) => [r.path.replace(`oss://${b}/`, ''), r]));
    expect(byPath['logs/good1']!.state).toBe('recovered');
    expect(byPath['logs/good2']!.state).toBe('recovered');
    expect(byPath['logs/broken']!.state).toBe('corrupt-manifest');
    expect(byPath['logs/broken']!.error).toBeInstanceOf(CorruptManifestError);
    expect(byPath['logs/foreign']!.error?.message).toMatch(/version 7 is not 1/);
    // Not of our kind: a user's file with that name, neither an error nor touched.
    expect(byPath['logs/users']!.state).toBe('nothing-staged');
    expect(keys(server, b).filter((k) => k.startsWith('tmp/'))).toEqual([
      `tmp/logs/broken/flush.${'a'.repeat(32)}.0000000001.manifest`,
      'tmp/logs/foreign/manifest.json',
      'tmp/logs/users/manifest.json',
    ]);
    await expect(fs.recover('/logs', true)).rejects.toBeInstanceOf(CorruptManifestError);
  });

  it('dry runs change nothing', async () => {
    const b = await bucket();
    const fs = await jindoFs(server, b, { 'fs.jfs.cache.flush.lease': '0s' });
    const out = await fs.create('/dry');
    await out.write(bytes(PART + 1, 11));
    await out.hflush();
    const before = keys(server, b);
    const reports = await fs.recoverAll('/dry', { dryRun: true });
    expect(reports[0]).toMatchObject({ state: 'would-recover', recoveredBytes: PART + 1 });
    expect(keys(server, b)).toEqual(before);
  });
});
