import OSS from 'ali-oss';
import { startOssServer, type OssServerOptions, type RunningOssServer } from '@hadoopfs/oss-server';

export const ACCESS_KEY_ID = 'test-access-key';
export const ACCESS_KEY_SECRET = 'test-secret-never-logged';
export const BUCKET = 'test-bucket';

export async function startTestServer(options: Partial<OssServerOptions> = {}): Promise<RunningOssServer> {
  return startOssServer({
    credentials: [{ accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }],
    buckets: [BUCKET],
    ...options,
  });
}

export type ClientStyle = 'ip' | 'path' | 'v4';

/**
 * The real ali-oss client against the server. 'ip': an IP endpoint (ali-oss then sends a virtual-host
 * Host header to the IP); 'path': a host name endpoint with sldEnable (bucket in the path); 'v4': V4
 * signatures.
 */
export function client(server: RunningOssServer, style: ClientStyle = 'ip', extra: Partial<OSS.Options> = {}): OSS {
  return new OSS({
    // With an IP endpoint ali-oss always sends a virtual-host Host header, so path-style needs a name.
    endpoint: style === 'path' ? `http://localhost:${server.port}` : server.endpoint,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    bucket: BUCKET,
    region: 'oss-cn-hangzhou',
    secure: false,
    timeout: 10_000,
    ...(style === 'path' ? { sldEnable: true } : {}),
    ...(style === 'v4' ? { authorizationV4: true } : {}),
    ...extra,
  } as OSS.Options);
}

export function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function expectOssError(promise: Promise<unknown>, code: string, status?: number): Promise<Error & { code: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code: string; status: number };
    if (e.code !== code || (status !== undefined && e.status !== status)) {
      throw new Error(`expected ${code}${status ? ` (${status})` : ''}, got ${e.code} (${e.status}): ${e.message}`);
    }
    return e;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

export interface RawRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  object?: string;
  subres?: Record<string, string> | string;
  /** Query parameters that are not sub-resources (not part of a V1 signature). */
  query?: Record<string, string>;
  content?: Buffer | string;
  headers?: Record<string, string>;
  successStatuses?: number[];
}

/** A request signed by ali-oss but shaped by the test (bodies ali-oss would never send). */
export async function raw(oss: OSS, params: RawRequest): Promise<{ status: number; headers: Record<string, string>; data: Buffer }> {
  const content = typeof params.content === 'string' ? Buffer.from(params.content) : params.content;
  const result = (await (oss as unknown as { request(p: unknown): Promise<{ res: { status: number; headers: Record<string, string> }; data: Buffer }> }).request({
    method: params.method,
    bucket: (oss as unknown as { options: { bucket: string } }).options.bucket,
    object: params.object,
    subres: params.subres,
    query: params.query,
    content,
    headers: params.headers ?? {},
    successStatuses: params.successStatuses ?? [200, 204, 206],
  })) as { res: { status: number; headers: Record<string, string> }; data: Buffer };
  return { status: result.res.status, headers: result.res.headers, data: result.data };
}
