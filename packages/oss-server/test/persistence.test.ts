import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, bytes, client, expectOssError, startTestServer } from './helpers.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oss-server-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CLI as a real child process, resolved once it prints its endpoint. */
async function spawnServer(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--data', dataDir, '--access-key-id', ACCESS_KEY_ID, '--bucket', BUCKET],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OSS_SERVER_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET } },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`oss-server exited with ${code}: ${err}`)));
  });
  return { child, endpoint };
}

function ossAt(endpoint: string): OSS {
  return new OSS({ endpoint, accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, bucket: BUCKET, region: 'oss-cn-hangzhou', secure: false, timeout: 10_000 } as OSS.Options);
}

describe('disk storage', () => {
  it('keeps objects, appendable objects and incomplete uploads across a restart', async () => {
    const first = await startTestServer({ dataDir: dir });
    const oss = client(first);
    await oss.put('kept/a', Buffer.from('alpha'), { meta: { x: 'y' } as never });
    await oss.append('kept/log', Buffer.from('line1\n'));
    const { uploadId } = await oss.initMultipartUpload('kept/big');
    const part = await oss.uploadPart('kept/big', uploadId, 1, bytes(1000), 0, 1000);
    await first.close();

    const second = await startTestServer({ dataDir: dir });
    const again = client(second);
    expect(((await again.get('kept/a')).content as Buffer).toString()).toBe('alpha');
    expect((await again.head('kept/a')).meta).toEqual({ x: 'y' });
    await again.append('kept/log', Buffer.from('line2\n'), { position: '6' });
    expect(((await again.get('kept/log')).content as Buffer).toString()).toBe('line1\nline2\n');
    const parts = await again.listParts('kept/big', uploadId);
    expect(([] as Array<{ ETag: string }>).concat(parts.parts).map((p) => p.ETag)).toEqual([part.etag]);
    await again.completeMultipartUpload('kept/big', uploadId, [{ number: 1, etag: part.etag }]);
    expect(Buffer.compare((await again.get('kept/big')).content as Buffer, bytes(1000))).toBe(0);
    await again.delete('kept/a');
    await second.close();

    const third = await startTestServer({ dataDir: dir });
    await expectOssError(client(third).head('kept/a'), 'NoSuchKey');
    await third.close();
  });

  it('a server killed with SIGKILL in the middle of a write leaves the old object, whole, and no stray blob', async () => {
    const { child, endpoint } = await spawnServer(dir);
    try {
      await ossAt(endpoint).put('victim', Buffer.from('old content'));
      // Half of a 4 MiB body, then the server dies.
      const url = new URL(`${endpoint}/${BUCKET}/victim`);
      const date = new Date().toUTCString();
      const signature = createHmac('sha1', ACCESS_KEY_SECRET).update(`PUT\n\n\n${date}\n/${BUCKET}/victim`).digest('base64');
      const partial = new Promise<void>((resolve) => {
        const req = request(url, {
          method: 'PUT',
          headers: { 'content-length': 4 * 1024 * 1024, date, authorization: `OSS ${ACCESS_KEY_ID}:${signature}` },
        });
        req.on('error', () => resolve());
        req.write(bytes(2 * 1024 * 1024), () => {
          child.kill('SIGKILL');
        });
      });
      await partial;
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const restarted = await startTestServer({ dataDir: dir });
    expect(((await client(restarted).get('victim')).content as Buffer).toString()).toBe('old content');
    await restarted.close();
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(await readdir(join(dir, 'blobs'))).toHaveLength(1);
  });

  it('a SIGKILL during a signed upload never leaves a torn object', async () => {
    const { child, endpoint } = await spawnServer(dir);
    const oss = ossAt(endpoint);
    const big = bytes(8 * 1024 * 1024, 5);
    await oss.put('torn', Buffer.from('before'));
    const upload = oss.put('torn', big).then(
      () => 'done',
      () => 'failed',
    );
    // Kill as soon as the server has taken some of the body.
    await new Promise((resolve) => setTimeout(resolve, 30));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await upload;
    const restarted = await startTestServer({ dataDir: dir });
    const content = (await client(restarted).get('torn')).content as Buffer;
    expect(content.equals(Buffer.from('before')) || content.equals(big)).toBe(true);
    await restarted.close();
  });
});
