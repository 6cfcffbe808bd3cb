import { Configuration, FileSystem } from '@hadoopfs/core';
import { startOssServer, type RunningOssServer } from '@hadoopfs/oss-server';
import { JindoOssFileSystem } from '@hadoopfs/jindo';
import { serverForTests as ossServerForTests } from '../../oss/test/helpers.js';

export const ID = 'jindo-test';
export const SECRET = 'jindo-test-secret';
export const PART = 100 * 1024;

export async function startServer(buckets: string[]): Promise<RunningOssServer> {
  return startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets });
}

/** The server of one jindo test file, with jindo's credentials (the oss tests' serverForTests). */
export function serverForTests(buckets: string[]): RunningOssServer {
  return ossServerForTests(buckets, {}, (b) => startServer(b));
}

export function jindoConf(server: RunningOssServer, extra: Record<string, string | number> = {}): Configuration {
  const conf = new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.oss.multipart.part.size', PART)
    .set('fs.oss.upload.active.blocks', 2)
    .set('fs.oss.attempts.maximum', 1)
    .set('fs.jfs.cache.oss.flush.enable', 'true')
    .set('fs.jfs.cache.flush.staging.path', '/tmp');
  for (const [k, v] of Object.entries(extra)) conf.set(k, v);
  return conf;
}

export async function jindoFs(server: RunningOssServer, bucket: string, extra: Record<string, string | number> = {}): Promise<JindoOssFileSystem> {
  return (await FileSystem.newInstance(`oss://${bucket}/`, jindoConf(server, extra))) as JindoOssFileSystem;
}

export function bytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function readAll(fs: FileSystem, path: string): Promise<Buffer> {
  await using input = await fs.open(path);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Every key in a bucket, staging included. */
export function keys(server: RunningOssServer, bucket: string): string[] {
  return [...server.store.keysFrom(bucket, '', '', false)].map((o) => o.key);
}

/** Resolves when the server receives its next request of `api` (counted as it arrives, before any fault delays it). */
export function nextRequest(server: RunningOssServer, api: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = server.onRequest((request) => {
      if (request.api !== api) return;
      stop();
      resolve();
    });
  });
}

/** A fresh bucket on the test server, named `<prefix>-<n>`. */
export function bucketsOf(server: RunningOssServer, prefix: string): () => Promise<string> {
  let n = 0;
  return async () => {
    const name = `${prefix}-${++n}`;
    await server.store.createBucket(name);
    return name;
  };
}

/** The protocol's staging keys in a bucket, and the incomplete uploads of one key. */
export const stagingKeys = (server: RunningOssServer, bucket: string): string[] => keys(server, bucket).filter((k) => k.startsWith('tmp/'));
export const uploadsOf = (server: RunningOssServer, bucket: string, key: string) => server.store.listUploads(bucket, key).filter((u) => u.key === key);
