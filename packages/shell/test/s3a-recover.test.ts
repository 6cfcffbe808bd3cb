import { spawn } from 'node:child_process';
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onStdoutLines } from '../../../test/fixtures/child-lines.js';
import { radosgw, type Radosgw } from '../../../test/fixtures/radosgw.js';

// Durable flush on s3a:// as an operator meets it on a real Ceph cluster: a writer process SIGKILLed after
// hflush() returned, then `jindo jfs -D fs.s3a.… -recover -force s3a://…` as a process of its own. The
// file is exactly the bytes of the writer's last returned flush, and nothing is left behind.

const WRITER = fileURLToPath(new URL('./fixtures/s3a-flushing-writer.ts', import.meta.url));
const JINDO = fileURLToPath(new URL('../src/jindo-bin.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TOTAL = 24 * 1024 * 1024;
const ROUNDS = process.env['HADOOPFS_LONG'] ? 12 : 3;

let gateway: Radosgw;
let sdk: S3Client;
const bucket = `s3a-kill-${process.pid}`;
beforeAll(async () => {
  gateway = await radosgw();
  sdk = new S3Client({ endpoint: gateway.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: gateway.accessKeyId, secretAccessKey: gateway.secretAccessKey } });
  await sdk.send(new CreateBucketCommand({ Bucket: bucket }));
}, 180_000);
afterAll(() => sdk?.destroy());

function expected(seed: number, length: number): Buffer {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

/** Runs the writer until it has reported `flushes` flushes (or finished), then SIGKILLs it: the last offset it said was flushed. */
async function runAndKill(target: string, seed: number, flushes: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, S3A_ENDPOINT: gateway.endpoint, S3A_ACCESS_KEY: gateway.accessKeyId, S3A_SECRET_KEY: gateway.secretAccessKey, S3A_TARGET: target, S3A_SEED: String(seed), S3A_TOTAL: String(TOTAL) },
  });
  let flushed = 0;
  let seen = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const stderr = onStdoutLines(child, (line) => {
      const m = /^flushed (\d+)$/.exec(line);
      if (m) {
        flushed = Number(m[1]);
        if (++seen >= flushes) resolve();
      } else if (line === 'done') resolve();
    });
    child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it was killed: ${stderr()}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return flushed;
}

async function jindo(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const s3a = ['-D', `fs.s3a.endpoint=${gateway.endpoint}`, '-D', 'fs.s3a.path.style.access=true', '-D', `fs.s3a.access.key=${gateway.accessKeyId}`, '-D', `fs.s3a.secret.key=${gateway.secretAccessKey}`];
  const child = spawn(process.execPath, ['--import', 'tsx', JINDO, 'jfs', ...s3a, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, out, err };
}

describe('a durable s3a writer SIGKILLed after hflush, recovered by jindo jfs -recover (radosgw)', () => {
  it(`holds exactly the last returned flush, in ${ROUNDS} rounds, with nothing left in staging`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const seed = 1000 + round;
      const target = `s3a://${bucket}/logs/round-${round}.log`;
      const flushed = await runAndKill(target, seed, 1 + (round % 3));
      expect(flushed).toBeGreaterThan(0);
      const recovered = await jindo('-recover', '-force', target);
      expect([recovered.code, recovered.err]).toEqual([0, '']);
      expect(recovered.out).toMatch(new RegExp(`^recovered +${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(${flushed} bytes\\)`));
      // The secret never reaches the output.
      expect(recovered.out + recovered.err).not.toContain(gateway.secretAccessKey);
      const got = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: `logs/round-${round}.log` }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      expect(body.length).toBe(flushed);
      expect(body.equals(expected(seed, flushed))).toBe(true);
    }
    const staged = await sdk.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tmp/' }));
    const uploads = await sdk.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect([staged.Contents ?? [], uploads.Uploads ?? []]).toEqual([[], []]);
  }, 300_000);

  it('-recover -R of the folder recovers every dead writer in it, and a second run finds nothing staged', async () => {
    const lengths = await Promise.all([0, 1].map((i) => runAndKill(`s3a://${bucket}/many/w${i}.log`, 2000 + i, 2)));
    const recovered = await jindo('-recover', '-R', '-force', `s3a://${bucket}/many`);
    expect([recovered.code, recovered.err]).toEqual([0, '']);
    expect(recovered.out.split('\n').filter((l) => l.startsWith('recovered')).length).toBe(2);
    for (const [i, length] of lengths.entries()) {
      const got = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: `many/w${i}.log` }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(expected(2000 + i, length))).toBe(true);
    }
    const again = await jindo('-recover', '-R', `s3a://${bucket}/many`);
    expect([again.code, again.out]).toEqual([0, `nothing staged under s3a://${bucket}/many\n`]);
  }, 300_000);
});
