import { describe, expect, it } from 'vitest';
import { ioStatisticsToPrettyString, StoreStatisticNames as Store, StreamStatisticNames as Stream } from '@hadoopfs/core';
import { ossFs, pattern, readAll, serverForTests, write } from './helpers.js';

// Issue 12: the OSS backend counts and times its requests under Hadoop's object-store statistic names.

const server = serverForTests(['data']);

describe('IOStatistics on oss://', () => {
  it('each request is counted and timed by its Hadoop name, retries and throttling too, and matches what the server saw', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k' });
    server.stats.reset();
    server.faults.add({ apis: ['UploadPart'], nth: 2, action: { type: 'error', status: 503, code: 'ServiceUnavailable' } });
    await write(fs, '/stats/big', pattern(250_000, 1));
    expect((await readAll(fs, '/stats/big')).length).toBe(250_000);
    await fs.getFileStatus('/stats/big');
    const counters = fs.getIOStatistics().counters();
    const seen = server.stats.requests;
    expect(counters.get(Store.MULTIPART_UPLOAD_PART_PUT)).toBe(seen['UploadPart']);
    expect(counters.get(Store.OBJECT_MULTIPART_UPLOAD_INITIATED)).toBe(seen['InitiateMultipartUpload']);
    expect(counters.get(Store.MULTIPART_UPLOAD_COMPLETED)).toBe(seen['CompleteMultipartUpload']);
    expect(counters.get(Store.ACTION_HTTP_GET_REQUEST)).toBe(seen['GetObject']);
    expect(counters.get(Store.ACTION_HTTP_HEAD_REQUEST)).toBe(seen['HeadObject']);
    const total = Object.values(seen).reduce((n, v) => n + v, 0);
    expect(counters.get(Store.STORE_IO_REQUEST)).toBe(total);
    expect(counters.get(Store.STORE_IO_RETRY)).toBe(1);
    expect(counters.get(Store.STORE_IO_THROTTLED)).toBe(1);
    expect(counters.get(`${Store.MULTIPART_UPLOAD_PART_PUT}.failures`)).toBe(1);
    expect(counters.get(Stream.STREAM_WRITE_BYTES)).toBe(250_000);
    expect(counters.get(Stream.STREAM_READ_BYTES)).toBe(250_000);
    expect(fs.getIOStatistics().meanStatistics().get(`${Store.ACTION_HTTP_GET_REQUEST}.mean`)!.samples).toBe(seen['GetObject']);
    expect(ioStatisticsToPrettyString(fs.getIOStatistics())).toMatch(/^counters=\(\(action_http_get_request=\d+\)\n/);
    await fs.close();
  });
});

describe('a failed write is counted (stream_write_exceptions)', () => {
  it('a part OSS refuses fails a later write, and the stream counts it', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k', 'fs.oss.attempts.maximum': 1 });
    server.faults.add({ apis: ['UploadPart'], keyPattern: '^refused/', action: { type: 'error', status: 403, code: 'AccessDenied' } });
    const out = await fs.create('/refused/x');
    let failed = false;
    for (let i = 0; i < 20 && !failed; i++) failed = await out.write(pattern(100 * 1024, i)).then(() => false, () => true);
    expect(failed).toBe(true);
    expect(out.getIOStatistics().counters().get(Stream.STREAM_WRITE_EXCEPTIONS)).toBe(1);
    await out.abort();
    expect(fs.getIOStatistics().counters().get(Stream.STREAM_WRITE_EXCEPTIONS)).toBe(1);
    await fs.close();
  });
});

describe('request events (addRequestListener)', () => {
  it('each attempt is told: operation, path, attempt, outcome, status and code; a throwing listener harms nothing', async () => {
    const fs = await ossFs(server, 'data');
    const events: Array<Record<string, unknown>> = [];
    const remove = fs.addRequestListener((e) => events.push({ ...e }));
    fs.addRequestListener(() => {
      throw new Error('a broken logger');
    });
    server.faults.add({ apis: ['PutObject'], keyPattern: '^events/a$', nth: 1, action: { type: 'error', status: 503, code: 'SlowDown' } });
    await write(fs, '/events/a', pattern(100, 1));
    const puts = events.filter((e) => e['operation'] === 'PutObject');
    expect(puts.map(({ attempt, outcome, status, code, path }) => ({ attempt, outcome, status, code, path }))).toEqual([
      { attempt: 1, outcome: 'retried', status: 503, code: 'SlowDown', path: 'oss://data/events/a' },
      { attempt: 2, outcome: 'ok', status: undefined, code: undefined, path: 'oss://data/events/a' },
    ]);
    expect(puts.every((e) => typeof e['durationMs'] === 'number')).toBe(true);
    await expect(fs.getFileStatus('/events/missing')).rejects.toMatchObject({ code: 'ENOENT' });
    // A missing file: the HEAD's 404 is told as a failed attempt (the directory probe after it succeeds).
    expect(events.find((e) => e['operation'] === 'HeadObject' && e['path'] === 'oss://data/events/missing')).toMatchObject({ outcome: 'failed', status: 404 });
    expect(JSON.stringify(events)).not.toContain('oss-backend-secret-value');
    remove();
    const before = events.length;
    await fs.exists('/events/a');
    expect(events.length).toBe(before);
    await fs.close();
  });
});

describe('upload progress (create onProgress)', () => {
  it('counts the bytes OSS acknowledged, part by part, not the bytes buffered; the last call at close has them all', async () => {
    const fs = await ossFs(server, 'data', { 'fs.oss.multipart.part.size': '100k' });
    const seen: number[] = [];
    const out = await fs.create('/progress/big', { onProgress: (n) => seen.push(n) });
    await out.write(pattern(350 * 1024, 3));
    // Everything is written (buffered), but only what OSS acknowledged counts.
    expect(seen.every((n) => n % (100 * 1024) === 0)).toBe(true);
    await out.close();
    expect(seen).toEqual([100 * 1024, 200 * 1024, 300 * 1024, 350 * 1024]);
    const small: number[] = [];
    const tiny = await fs.create('/progress/small', { onProgress: (n) => small.push(n) });
    await tiny.write('12345');
    expect(small).toEqual([]);
    await tiny.close();
    expect(small).toEqual([5]);
    await fs.close();
  });
});
