import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkBucketName, parseQuery, resolveAddress, type AddressingOptions } from './addressing.js';
import { classifyApi } from './api.js';
import { authenticate, DEFAULT_REGION, sameSignature, type Credential } from './auth.js';
import { RequestContext } from './context.js';
import { FaultInjector, FaultRuleError, ServerStats, validateFaultRule, type FaultAction, type FaultRule } from './faults.js';
import * as bucketHandlers from './handlers/bucket.js';
import * as multipart from './handlers/multipart.js';
import * as objects from './handlers/object.js';
import { Errors, OssError } from './oss-error.js';
import { discardedResponse, readWholeBody, replayedRequest } from './replay.js';
import { DiskPersistence } from './storage/disk-persistence.js';
import { MemoryPersistence } from './storage/memory-persistence.js';
import { ObjectStore } from './storage/store.js';

export interface OssServerOptions extends AddressingOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Directory for disk storage; without it the store lives in memory. */
  dataDir?: string;
  /** fsync every file and directory written (default true): what makes the store survive a machine crash. */
  fsync?: boolean;
  /** The region V4 signatures must be scoped to (default cn-hangzhou: ali-oss's `oss-cn-hangzhou`). */
  region?: string;
  /** Accepted credentials; at least one. */
  credentials: Credential[];
  /** Buckets to create at start when missing. */
  buckets?: string[];
  /** Seed of the fault injector's random draws. */
  faultSeed?: number;
  /** Where to write one line per failed request (never secrets); silent by default. */
  log?: (line: string) => void;
  /**
   * The token the HTTP admin API (`/-/admin/…`) requires as `Authorization: Bearer <token>`; generated when
   * absent (RunningOssServer.adminToken). In-process callers use `faults` and `stats` directly.
   */
  adminToken?: string;
}

export interface RunningOssServer {
  /** `http://host:port`, for ali-oss's `endpoint`. */
  endpoint: string;
  port: number;
  faults: FaultInjector;
  stats: ServerStats;
  store: ObjectStore;
  /** The admin API's bearer token (not enumerable: it stays out of logs of this object). */
  readonly adminToken: string;
  /**
   * Calls `listener` as each request arrives, after its API is known and before faults or the handler
   * (in-process only: how a test acts at an exact point of a client's sequence). Answers an unsubscribe.
   */
  onRequest(listener: (request: ArrivingRequest) => void): () => void;
  /**
   * Ends every request a `hang` fault sits on (its connection is cut, as a server that gave up would): a
   * test whose client never aborted leaves no request for the next test's stats.idle() to wait on.
   */
  cutHung(): void;
  /** Stops accepting, ends open connections (hung requests too) and releases the store. */
  close(): Promise<void>;
}

/** What onRequest() is told of an arriving request. */
export interface ArrivingRequest {
  api: string;
  bucket: string | undefined;
  key: string | undefined;
}

type Handler = (ctx: RequestContext) => Promise<void>;

const HANDLERS: Record<string, Handler> = {
  ListBuckets: bucketHandlers.listBuckets,
  PutBucket: bucketHandlers.putBucket,
  DeleteBucket: bucketHandlers.deleteBucket,
  HeadBucket: bucketHandlers.headBucket,
  GetBucketInfo: bucketHandlers.getBucketInfo,
  GetBucketLocation: bucketHandlers.getBucketLocation,
  ListObjects: bucketHandlers.listObjects,
  ListObjectsV2: bucketHandlers.listObjectsV2,
  ListMultipartUploads: bucketHandlers.listMultipartUploads,
  DeleteMultipleObjects: bucketHandlers.deleteMultipleObjects,
  PutObject: objects.putObject,
  CopyObject: objects.copyObject,
  AppendObject: objects.appendObject,
  GetObject: (ctx) => objects.getObject(ctx, false),
  HeadObject: (ctx) => objects.getObject(ctx, true),
  GetObjectMeta: objects.getObjectMeta,
  DeleteObject: objects.deleteObject,
  InitiateMultipartUpload: multipart.initiateMultipartUpload,
  UploadPart: multipart.uploadPart,
  UploadPartCopy: multipart.uploadPartCopy,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
};

const ADMIN_PREFIX = '/-/admin/';
const ADMIN_BODY_LIMIT = 1024 * 1024;

/** `Bearer <token>`, the token compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && sameSignature(token, m[1]!);
}

export async function startOssServer(options: OssServerOptions): Promise<RunningOssServer> {
  if (options.credentials.length === 0) throw new Error('startOssServer needs at least one credential');
  const credentials = new Map(options.credentials.map((c) => [c.accessKeyId, c]));
  let persistence;
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    persistence = new DiskPersistence(options.dataDir, { fsync: options.fsync ?? true });
  } else {
    persistence = new MemoryPersistence();
  }
  const store = new ObjectStore(persistence);
  await store.load();
  for (const bucket of options.buckets ?? []) {
    checkBucketName(bucket);
    await store.createBucket(bucket);
  }
  const faults = new FaultInjector(options.faultSeed ?? 1);
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const isOwnHost = (host: string | undefined) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(host ?? '');
  const stats = new ServerStats();
  const arrivals = new Set<(request: ArrivingRequest) => void>();
  const sockets = new Set<Socket>();
  const delayed = new Set<NodeJS.Timeout>();
  /** Requests a `hold` fault is holding: let go at close. */
  const holds = new Set<() => void>();
  /** Requests a `hang` fault sits on: their clients may never give up, so cutHung() and close() end them. */
  const hung = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    stats.begin();
    res.once('close', () => stats.end());
    handle(req, res).catch((error: unknown) => {
      options.log?.(`internal failure: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Requests hung on purpose must not keep the process alive past close().
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? '' : url.slice(q + 1);
    // Only a request addressed to the server itself (no bucket in its Host) is an admin request: a
    // virtual-host PutObject of the key `-/admin/faults` is an object request like any other.
    if (rawPath.startsWith(ADMIN_PREFIX) && isOwnHost(req.headers.host)) return admin(req, res, rawPath.slice(ADMIN_PREFIX.length));

    let ctx: RequestContext | undefined;
    try {
      const address = resolveAddress(req.headers.host, rawPath, options);
      const rawQuery = parseQuery(search);
      const query = new Map(rawQuery);
      const method = (req.method ?? 'GET').toUpperCase();
      const api = classifyApi(method, address.bucket, address.key, query, req.headers);
      ctx = new RequestContext(req, res, requestId, api, address.bucket, address.key, rawQuery, store, stats);
      stats.count(api);
      for (const listener of arrivals) listener({ api, bucket: address.bucket, key: address.key });
      // Faults come after authentication unless a rule asks otherwise: an unauthenticated request is
      // refused as OSS would, and cannot trigger (or count towards) a fault.
      if (await applyFaults(faults.decide(api, address.key, 'before-authentication'), ctx, req, res, method, address)) return;
      const accessKeyId = authenticateRequest(ctx, method, address);
      if (await applyFaults(faults.decide(api, address.key, 'authenticated', accessKeyId), ctx, req, res, method, address)) return;
      await dispatch(ctx);
    } catch (error) {
      answerError(error, ctx, req, res, requestId, rawPath);
    }
  }

  type Address = { bucket?: string | undefined; key?: string | undefined };

  /** Carries out fault actions; true when one of them ended the request (hung, cut, or to be applied later). */
  async function applyFaults(actions: FaultAction[], ctx: RequestContext, req: IncomingMessage, res: ServerResponse, method: string, address: Address): Promise<boolean> {
    const { api, requestId, rawQuery } = ctx;
    for (const action of actions) {
      if (action.type === 'latency') await new Promise((resolve) => setTimeout(resolve, action.ms));
      else if (action.type === 'hold') await holdUntilReleased(action.ms, api);
      else if (action.type === 'error') {
        const error = new OssError(action.status, action.code, action.message ?? `injected ${action.code}`);
        if (!action.applied) throw error;
        ctx.answerInstead = error;
      } else if (action.type === 'throttle') ctx.bodyFaults.push(action);
      else if (action.type === 'hang') {
        hung.add(res);
        res.once('close', () => hung.delete(res));
        return true;
      }
      else if (action.type === 'late' || action.type === 'duplicate') {
        const body = await readWholeBody(req);
        const again = () => new RequestContext(replayedRequest(req, body), discardedResponse(), requestId, api, address.bucket, address.key, rawQuery, store, stats);
        if (action.type === 'late') {
          req.socket.destroy();
          applyLater(action.ms, again, action.held === true, api);
          return true;
        }
        await apply(new RequestContext(replayedRequest(req, body), res, requestId, api, address.bucket, address.key, rawQuery, store, stats), method, address);
        applyLater(action.ms, again);
        return true;
      } else if (action.type === 'corrupt') ctx.bodyFaults.push(action);
      else if (action.when === 'before-response') {
        req.socket.destroy();
        return true;
      } else if (action.when === 'instead-of-response') ctx.dropResponse = true;
      else ctx.bodyFaults.push(action);
    }
    return false;
  }

  /** Answers the access key id that signed the request. */
  function authenticateRequest(ctx: RequestContext, method: string, address: Address): string {
    if (address.bucket !== undefined) checkBucketName(address.bucket);
    return authenticate({ method, headers: ctx.req.headers, query: [...ctx.rawQuery], bucket: address.bucket, key: address.key }, credentials, Date.now(), { region: options.region ?? DEFAULT_REGION });
  }

  async function dispatch(ctx: RequestContext): Promise<void> {
    const handler = HANDLERS[ctx.api];
    if (!handler) throw Errors.methodNotAllowed();
    await handler(ctx);
  }

  async function authenticateAndHandle(ctx: RequestContext, method: string, address: Address): Promise<void> {
    authenticateRequest(ctx, method, address);
    await dispatch(ctx);
  }

  /** A replayed request: handled as any other, errors answered on its own (possibly discarded) response. */
  async function apply(ctx: RequestContext, method: string, address: { bucket?: string | undefined; key?: string | undefined }): Promise<void> {
    try {
      await authenticateAndHandle(ctx, method, address);
    } catch (error) {
      answerError(error, ctx, ctx.req, ctx.res, ctx.requestId, ctx.key ?? '');
    }
  }

  /** Waits until the faults release held requests, `ms` at most (close() ends the wait too). */
  function holdUntilReleased(ms: number, api: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const release = () => done();
      holds.add(release);
      void faults.whenReleased(api).then(release);
      function done() {
        clearTimeout(timer);
        holds.delete(release);
        resolve();
      }
    });
  }

  /** Applies a request `ms` from now, or (held) when the faults release it, whichever comes first; stats.idle() waits for it, close() cancels it. */
  function applyLater(ms: number, makeContext: () => RequestContext, held = false, api = ''): void {
    stats.begin();
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      delayed.delete(timer);
      const ctx = makeContext();
      apply(ctx, (ctx.req.method ?? 'GET').toUpperCase(), { bucket: ctx.bucket, key: ctx.key }).finally(() => stats.end());
    };
    const timer = setTimeout(go, ms);
    delayed.add(timer);
    if (held) void faults.whenReleased(api).then(() => (delayed.has(timer) ? go() : undefined));
  }

  function answerError(error: unknown, ctx: RequestContext | undefined, req: IncomingMessage, res: ServerResponse, requestId: string, rawPath: string): void {
    const ossError = error instanceof OssError ? error : Errors.internalError((error as Error).message);
    if (!(error instanceof OssError)) options.log?.(`${requestId} ${req.method} ${rawPath}: ${(error as Error).stack ?? String(error)}`);
    if (ctx) {
      // Unread body bytes would be parsed as the next request on a kept-alive connection.
      if (!req.complete) res.setHeader('connection', 'close');
      ctx.sendError(ossError);
    } else {
      const fallback = new RequestContext(req, res, requestId, 'Unknown', undefined, undefined, [], store, stats);
      if (!req.complete) res.setHeader('connection', 'close');
      fallback.sendError(ossError);
    }
    if (!req.complete) req.resume();
  }

  /**
   * Control of faults and stats for tests and benchmarks in other processes: loopback clients only, a
   * Host naming this server (no DNS rebinding), the bearer token, and JSON bodies only (a cross-site form
   * or text/plain POST from a browser cannot get in).
   */
  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const remote = req.socket.remoteAddress ?? '';
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      req.resume();
    };
    if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) return send(403, { error: 'admin endpoints answer loopback clients only' });
    if (!bearerMatches(req.headers.authorization, adminToken)) {
      res.setHeader('www-authenticate', 'Bearer realm="oss-server admin"');
      return send(401, { error: 'admin endpoints need Authorization: Bearer <admin token> (printed at start, or --admin-token / OSS_SERVER_ADMIN_TOKEN)' });
    }
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !/^application\/json(\s*;|$)/i.test(req.headers['content-type'] ?? '')) {
      return send(415, { error: 'admin request bodies must be Content-Type: application/json' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > ADMIN_BODY_LIMIT) return send(413, { error: `admin request bodies are limited to ${ADMIN_BODY_LIMIT} bytes` });
      chunks.push(chunk);
    }
    let body: unknown;
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
    } catch {
      return send(400, { error: 'the admin request body is not JSON' });
    }
    const route = `${req.method} ${path}`;
    try {
      switch (route) {
        case 'GET stats':
          return send(200, stats.snapshot());
        case 'POST stats/reset':
          stats.reset();
          return send(200, { ok: true });
        case 'GET faults':
          return send(200, faults.list());
        case 'POST faults':
          return send(200, { id: faults.add(body as FaultRule) });
        case 'PUT faults': {
          // All rules checked before any is installed: a bad one leaves the rules as they were.
          const rules = ((body as { rules?: unknown })?.rules ?? []) as unknown[];
          if (!Array.isArray(rules)) throw new FaultRuleError('rules must be an array');
          rules.forEach((rule) => validateFaultRule(rule));
          faults.clear();
          for (const rule of rules) faults.add(rule as FaultRule);
          if (typeof (body as { seed?: unknown })?.seed === 'number') faults.setSeed((body as { seed: number }).seed);
          return send(200, { ok: true });
        }
        case 'DELETE faults':
          faults.clear();
          return send(200, { ok: true });
        default:
          return send(404, { error: `no admin route ${route}` });
      }
    } catch (error) {
      return send(400, { error: (error as Error).message });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  let closing: Promise<void> | undefined;
  const running = {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults,
    stats,
    store,
    onRequest(listener: (request: ArrivingRequest) => void): () => void {
      arrivals.add(listener);
      return () => void arrivals.delete(listener);
    },
    cutHung() {
      for (const res of [...hung]) res.socket?.destroy();
    },
    close() {
      closing ??= (async () => {
        for (const timer of delayed) {
          clearTimeout(timer);
          stats.end();
        }
        delayed.clear();
        for (const release of [...holds]) release();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        await store.close();
      })();
      return closing;
    },
  };
  Object.defineProperty(running, 'adminToken', { value: adminToken, enumerable: false });
  return running as typeof running & { readonly adminToken: string };
}
