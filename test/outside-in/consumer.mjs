// A plain ESM consumer, installed from the packed tarballs only: mem://, file://, oss:// against the
// packaged OSS-protocol server, and a durable flush recovered after the writer was dropped.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, Configuration, FileSystem, crc64, crc64Kernel } from '@hadoopfs/core';
import { MemoryFileSystem } from '@hadoopfs/memory';
import { LocalFileSystem } from '@hadoopfs/local';
import { JindoOssFileSystem } from '@hadoopfs/jindo';
import { startOssServer } from '@hadoopfs/oss-server';

const check = (ok, what) => {
  if (!ok) throw new Error(`outside-in: ${what}`);
  console.log(`ok - ${what}`);
};

// npm ran the package's install script: on x86-64 Linux with cc and Node's headers it built the native kernel.
const kernel = crc64Kernel();
check(crc64(Buffer.from('123456789')).toString(16) === '995dc9bbdf1939fa' && (process.platform !== 'linux' || process.arch !== 'x64' || kernel.startsWith('native-')), `CRC-64 kernel ${kernel}`);

const mem = await MemoryFileSystem.newInstance('mem://consumer/', new Configuration({ loadDefaults: false }));
await mem.writeFile('/a.txt', 'in memory');
check((await mem.readFile('/a.txt')).toString() === 'in memory', 'mem:// write and read');

const dir = await mkdtemp(join(tmpdir(), 'outside-in-'));
const local = await LocalFileSystem.get(`file://${dir}`, new Configuration({ loadDefaults: false }));
await local.writeFile(`${dir}/b.txt`, 'on disk');
check((await local.readFile(`${dir}/b.txt`)).toString() === 'on disk', 'file:// write and read');

const server = await startOssServer({ credentials: [{ accessKeyId: 'id', accessKeySecret: 'secret-value' }], buckets: ['logs'] });
const conf = new Configuration({ loadDefaults: false })
  .set('fs.oss.endpoint', server.endpoint)
  .set('fs.oss.accessKeyId', 'id')
  .set('fs.oss.accessKeySecret', 'secret-value')
  .set('fs.jfs.cache.oss.flush.enable', 'true')
  .set('fs.jfs.cache.flush.lease', '0s');
const writer = await JindoOssFileSystem.newInstance('oss://logs/', conf);
const out = await writer.create('/flume/events.log');
await out.write('flushed before the writer went away\n');
await out.hflush();
// The writer is never closed: its flushed bytes must come back through recover.
const recovering = await JindoOssFileSystem.newInstance('oss://logs/', conf);
check((await recovering.recover('/flume', true)) === true, 'oss:// durable flush recovered');
check((await recovering.readFile('/flume/events.log')).toString() === 'flushed before the writer went away\n', 'oss:// recovered bytes');
// A signal aborts a stream on OSS: nothing published, no upload left, AbortError from the package.
const controller = new AbortController();
const aborted = await recovering.create('/flume/aborted.log', { signal: controller.signal });
await aborted.write(Buffer.alloc(200 * 1024, 1));
controller.abort();
const refused = await aborted.close().then(() => undefined, (error) => error);
check(refused instanceof AbortError && refused.code === 'ABORT_ERR', 'oss:// a signal aborts a stream (AbortError)');
check(!(await recovering.exists('/flume/aborted.log')) && server.store.listUploads('logs', '').length === 0, 'oss:// an aborted stream leaves nothing');
await recovering.close();
await server.close();
// s3a:// is registered by its package, configured with S3A's keys (no server needed to see it refuse a bad bucket).
const { S3AFileSystem } = await import('@hadoopfs/s3');
const badBucket = await FileSystem.newInstance('s3a://Not_A_Bucket/', new Configuration({ loadDefaults: false })).then(() => undefined, (error) => error);
check(badBucket?.name === 'ConfigurationError' && /not a valid S3 bucket name/.test(badBucket.message) && typeof S3AFileSystem === 'function', 's3a:// registered, a bad bucket name refused');
await FileSystem.closeAll();
process.exit(0);
