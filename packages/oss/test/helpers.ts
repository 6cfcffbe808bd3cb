import { afterAll, afterEach, beforeAll } from 'vitest';
import { Configuration, FileSystem } from '@hadoopfs/core';
import { startOssServer, type OssServerOptions, type RunningOssServer } from '@hadoopfs/oss-server';
import '@hadoopfs/oss';

export const ID = 'oss-backend-test';
export const SECRET = 'oss-backend-secret-value';

export async function startServer(buckets: string[], options: Partial<OssServerOptions> = {}): Promise<RunningOssServer> {
  return startOssServer({ credentials: [{ accessKeyId: ID, accessKeySecret: SECRET }], buckets, ...options });
}

export function ossConf(server: RunningOssServer, extra: Record<string, string | number> = {}): Configuration {
  const conf = new Configuration({ loadDefaults: false })
    .set('fs.oss.endpoint', server.endpoint)
    .set('fs.oss.accessKeyId', ID)
    .set('fs.oss.accessKeySecret', SECRET)
    .set('fs.oss.retry.interval', '5ms')
    .set('fs.oss.retry.interval.maximum', '50ms');
  for (const [k, v] of Object.entries(extra)) conf.set(k, v);
  return conf;
}

export async function ossFs(server: RunningOssServer, bucket: string, extra: Record<string, string | number> = {}): Promise<FileSystem> {
  return FileSystem.newInstance(`oss://${bucket}/`, ossConf(server, extra));
}

/** Bytes that differ at every offset and between seeds. */
export function pattern(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed * 13 + (i >> 11)) & 0xff;
  return out;
}

export async function readAll(fs: FileSystem, path: string): Promise<Buffer> {
  await using input = await fs.open(path);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function write(fs: FileSystem, path: string, data: Buffer, chunk = 64 * 1024, options: { overwrite?: boolean } = {}): Promise<void> {
  const out = await fs.create(path, options);
  for (let i = 0; i < data.length; i += chunk) await out.write(data.subarray(i, i + chunk));
  await out.close();
}

export async function countUploads(server: RunningOssServer, bucket: string): Promise<number> {
  return (await server.store.listUploads(bucket, '')).length;
}

/** The bytes the server stored at a key, read from its store (not over HTTP), or undefined. */
export async function storedBytes(server: RunningOssServer, bucket: string, key: string): Promise<Buffer | undefined> {
  const object = server.store.findObject(bucket, key);
  if (!object) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of server.store.read(object, 0, object.size)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The server of one test file (`start` says with which credentials): started before its tests, its faults cleared (held requests let go, hung ones cut, its clock back to real time) after each, closed (with every
 * cached FileSystem) after all. The object stands for the running server from the first test on.
 */
export function serverForTests(
  buckets: string[],
  options: Partial<OssServerOptions> = {},
  start: (buckets: string[], options: Partial<OssServerOptions>) => Promise<RunningOssServer> = startServer,
): RunningOssServer {
  let running: RunningOssServer | undefined;
  beforeAll(async () => {
    running = await start(buckets, options);
  });
  afterEach(async () => {
    // A test may hold requests or move the server's clock: the next one starts on a plain server.
    running?.faults.releaseHeld();
    running?.cutHung();
    running?.faults.clear();
    running?.store.clock.resume();
    await running?.stats.idle();
  });
  afterAll(async () => {
    await FileSystem.closeAll();
    await running?.close();
  });
  return new Proxy({} as RunningOssServer, {
    get(_target, property) {
      if (!running) throw new Error('the test server is used before its beforeAll ran');
      const value: unknown = Reflect.get(running, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(running) : value;
    },
  });
}
