import { describe, expect, it } from 'vitest';
import { Configuration, FileSystem, StoreStatisticNames as Store, StreamStatisticNames as Stream } from '@hadoopfs/core';
import '@hadoopfs/memory';

// Issue 12: IOStatistics on filesystems and streams, with Hadoop's statistic names.

describe('IOStatistics on mem://', () => {
  it('counts each operation once under its op_ name, and a stream’s statistics join the filesystem’s when it closes', async () => {
    const fs = await FileSystem.newInstance('mem://stats/', new Configuration({ loadDefaults: false }));
    const out = await fs.create('/d/a.txt');
    await out.write('hello world');
    await out.hflush();
    expect(out.getIOStatistics().counters().get(Stream.STREAM_WRITE_BYTES)).toBe(11);
    expect(fs.getIOStatistics().counters().get(Stream.STREAM_WRITE_BYTES)).toBeUndefined();
    await out.close();
    const input = await fs.open('/d/a.txt');
    const buffer = new Uint8Array(5);
    await input.read(buffer);
    await input.seek(1);
    await input.seek(6);
    await input.read(buffer);
    await input.readFully(0, buffer);
    await input.close();
    expect(await fs.exists('/d/a.txt')).toBe(true);
    await fs.getFileStatus('/d/a.txt');
    await fs.listStatus('/d');
    await fs.rename('/d/a.txt', '/d/b.txt');
    await fs.delete('/d', true);
    const counters = fs.getIOStatistics().counters();
    expect(Object.fromEntries([Store.OP_CREATE, Store.OP_OPEN, Store.OP_EXISTS, Store.OP_GET_FILE_STATUS, Store.OP_LIST_STATUS, Store.OP_RENAME, Store.OP_DELETE].map((k) => [k, counters.get(k)]))).toEqual({
      op_create: 1,
      op_open: 1,
      op_exists: 1,
      op_get_file_status: 1,
      op_list_status: 1,
      op_rename: 1,
      op_delete: 1,
    });
    expect(counters.get(Stream.STREAM_WRITE_BYTES)).toBe(11);
    expect(counters.get(Stream.OP_HFLUSH)).toBe(1);
    expect(counters.get(Stream.STREAM_READ_BYTES)).toBe(15);
    expect(counters.get(Stream.STREAM_READ_OPERATIONS)).toBe(2);
    expect(counters.get(Stream.STREAM_READ_FULLY_OPERATIONS)).toBe(1);
    expect([counters.get(Stream.STREAM_READ_SEEK_OPERATIONS), counters.get(Stream.STREAM_READ_SEEK_BACKWARD_OPERATIONS), counters.get(Stream.STREAM_READ_SEEK_FORWARD_OPERATIONS)]).toEqual([2, 1, 1]);
    expect(counters.get(Stream.STREAM_READ_CLOSE_OPERATIONS)).toBe(1);
    expect(fs.getIOStatistics().meanStatistics().get(`${Stream.OP_HFLUSH}.mean`)!.samples).toBe(1);
    await fs.close();
  });

  it('an aborted stream is counted (op_abort), in the stream and in its filesystem', async () => {
    const fs = await FileSystem.newInstance('mem://stats2/', new Configuration({ loadDefaults: false }));
    const out = await fs.create('/x');
    await out.write('partial');
    await out.abort();
    await expect(out.write('more')).rejects.toThrow();
    expect(out.getIOStatistics().counters().get(Stream.OP_ABORT)).toBe(1);
    expect(fs.getIOStatistics().counters().get(Stream.OP_ABORT)).toBe(1);
    await fs.close();
  });
});
