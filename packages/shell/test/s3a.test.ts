import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystem } from '@hadoopfs/core';
import { runHadoopfs } from '@hadoopfs/shell';
import { radosgw, type Radosgw } from '../../../test/fixtures/radosgw.js';
import { capture } from './helpers.js';

// hadoopfs fs on s3a:// against the test run's radosgw: S3A's keys given with -D, as a Hadoop user would.

let gateway: Radosgw;
let dir: string;
beforeAll(async () => {
  gateway = await radosgw();
  const sdk = new S3Client({ endpoint: gateway.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey } });
  await sdk.send(new CreateBucketCommand({ Bucket: `shell-${process.pid}` }));
  sdk.destroy();
  dir = await mkdtemp(join(tmpdir(), 'hadoopfs-shell-s3a-'));
}, 180_000);
afterAll(async () => {
  await FileSystem.closeAll();
  await rm(dir, { recursive: true, force: true });
});

const shell = async (...args: string[]) => {
  const io = capture();
  const s3a = ['-D', `fs.s3a.endpoint=${gateway.endpoint}`, '-D', 'fs.s3a.path.style.access=true', '-D', `fs.s3a.access.key=${gateway.accessKeyId}`, '-D', `fs.s3a.secret.key=${gateway.secretAccessKey}`];
  const code = await runHadoopfs(['fs', ...s3a, ...args], io);
  return { code, out: io.text(), err: io.errors() };
};

describe('hadoopfs fs on s3a://', () => {
  it('puts, lists, cats, moves and removes, and never prints the secret', async () => {
    const root = `s3a://shell-${process.pid}`;
    const local = join(dir, 'events.log');
    await writeFile(local, 'one\ntwo\n');
    const steps = [
      await shell('-mkdir', '-p', `${root}/logs`),
      await shell('-put', local, `${root}/logs/`),
      await shell('-mv', `${root}/logs/events.log`, `${root}/logs/old.log`),
    ];
    expect(steps.map((s) => [s.code, s.err])).toEqual([[0, ''], [0, ''], [0, '']]);
    const ls = await shell('-ls', `${root}/logs`);
    expect(ls.out).toMatch(/^Found 1 items\n-rw-[-rw]{6} +1 .* +8 \d{4}-\d\d-\d\d \d\d:\d\d s3a:\/\/shell-\d+\/logs\/old\.log\n$/);
    expect((await shell('-cat', `${root}/logs/old.log`)).out).toBe('one\ntwo\n');
    const missing = await shell('-cat', `${root}/logs/events.log`);
    expect([missing.code, missing.err]).toEqual([1, `cat: \`${root}/logs/events.log': No such file or directory\n`]);
    expect((await shell('-rm', '-r', `${root}/logs`)).code).toBe(0);
    for (const s of [...steps, ls, missing]) expect(s.out + s.err).not.toContain(gateway.secretAccessKey);
  });
});
