import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from '@hadoopfs/core';
import { runJindo } from '@hadoopfs/shell';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { bucketsOf, bytes, ID, jindoFs, PART, SECRET, startServer, uploadsOf } from './helpers.js';

// Issue 23, finding 6: recover says what it did and what to do.

let server: RunningOssServer;
let bucket: () => Promise<string>;
beforeAll(async () => {
  server = await startServer([]);
  bucket = bucketsOf(server, 'recover-messages');
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
});

const jindo = async (args: string[]) => {
  let out = '';
  let err = '';
  const code = await runJindo(['jfs', '-D', `fs.oss.endpoint=${server.endpoint}`, '-D', `fs.oss.accessKeyId=${ID}`, '-D', `fs.oss.accessKeySecret=${SECRET}`, ...args], {
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
    isTTY: false,
  } as never);
  return { code, out, err };
};

/** A writer that flushed `length` bytes of /f and died (its stream never closed). */
async function deadWriter(b: string, length: number): Promise<void> {
  const fs = await jindoFs(server, b);
  const out = await fs.create('/f');
  await out.write(bytes(length, 7));
  await out.hflush();
  await fs.close();
}

describe('jindo jfs -recover: messages', () => {
  it('a refusal within the lease names the path once, the lease, and -force', async () => {
    const b = await bucket();
    await deadWriter(b, 1000);
    const result = await jindo(['-recover', `oss://${b}/f`]);
    expect(result.code).toBe(1);
    const line = result.out.trim();
    expect(line.split(`oss://${b}/f`).length - 1, line).toBe(1);
    expect(line).toMatch(/lease/);
    expect(line).toMatch(/-force/);
  });

  it('-flushStagingPath given as a URI of the same bucket is the path in it; another bucket is an error naming both', async () => {
    const b = await bucket();
    await deadWriter(b, 1000);
    const same = await jindo(['-D', 'fs.jfs.cache.flush.lease=0s', '-recover', '-flushStagingPath', `oss://${b}/tmp`, `oss://${b}/f`]);
    expect(same.code, same.out + same.err).toBe(0);
    expect(same.out).toMatch(/^recovered +oss:\/\/.*\/f \(1000 bytes\)/);
    const other = await jindo(['-recover', '-flushStagingPath', 'oss://another-bucket/tmp', `oss://${b}/f`]);
    expect(other.code).toBe(255);
    expect(other.err).toMatch(/-flushStagingPath oss:\/\/another-bucket\/tmp.*another bucket.*oss:\/\/recover-messages/);
  });

  it('an upload someone else aborted is reported as lost, with the bytes its manifest promised', async () => {
    const b = await bucket();
    await deadWriter(b, PART + 500);
    const [upload] = uploadsOf(server, b, 'f');
    await server.store.abortUpload(b, 'f', upload!.id);
    const result = await jindo(['-D', 'fs.jfs.cache.flush.lease=0s', '-recover', `oss://${b}/f`]);
    expect(result.out).toMatch(new RegExp(`^lost +oss://${b}/f: .*${PART + 500} flushed bytes`));
    expect(result.code).toBe(1);
    // Said once: the staging is gone, a second run finds nothing.
    expect((await jindo(['-recover', `oss://${b}/f`])).out).toMatch(/^nothing-staged/);
  });
});

