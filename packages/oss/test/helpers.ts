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
