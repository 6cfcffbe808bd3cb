/**
 * Issue 3's goal: the OSS-protocol server moves 64 MiB bodies (PutObject, UploadPart, ranged GetObject)
 * at ≥ 0.7 of a bare node:http server that does nothing with them. Both servers run as child processes,
 * as they do in the demo and the crash tests; the client is node:http with keep-alive in this process.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from '../harness.js';
import { OSS_SERVER_CLI as CLI, spawnServer } from '../servers.js';

const ID = 'bench';
const SECRET = 'bench-secret';
const BUCKET = 'bench';
const CEILING = fileURLToPath(new URL('../ceiling-server.mjs', import.meta.url));


const agent = new Agent({ keepAlive: true, maxSockets: 4 });

interface Sent {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

function send(endpoint: string, method: string, path: string, subresource: string, body: Buffer | undefined, headers: Record<string, string> = {}): Promise<Sent> {
  const date = new Date().toUTCString();
  const signature = createHmac('sha1', SECRET).update(`${method}\n\n\n${date}\n${path}${subresource}`).digest('base64');
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${path}${subresource}`, {
      method,
      agent,
      headers: { date, authorization: `OSS ${ID}:${signature}`, ...(body ? { 'content-length': body.length } : {}), ...headers },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // Bodies of GETs are counted, not kept: the client must not be the bottleneck.
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (method !== 'GET') chunks.push(d);
      });
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}${subresource}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        else resolve({ status: res.statusCode!, body: method === 'GET' ? Buffer.alloc(0) : Buffer.concat(chunks), headers: { ...res.headers, 'x-received': String(size) } });
      });
    });
    req.on('error', reject);
    if (body) {
      const CHUNK = 1024 * 1024;
      let at = 0;
      const pump = () => {
        while (at < body.length) {
          const ok = req.write(body.subarray(at, at + CHUNK));
          at += CHUNK;
          if (!ok) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else req.end();
  });
}

export async function ossServerCases(quick: boolean): Promise<{ cases: BenchCase[]; close: () => Promise<void> }> {
  const size = (quick ? 8 : 64) * 1024 * 1024;
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) body[i] = i & 0xff;
  const dataDir = await mkdtemp(join(tmpdir(), 'oss-bench-'));
  const ceiling = await spawnServer([CEILING, String(size)]);
  const hashingCeiling = await spawnServer([CEILING, String(size), '--hash']);
  const memory = await spawnServer([CLI, '--memory', '--access-key-id', ID, '--access-key-secret', SECRET, '--bucket', BUCKET]);
  const disk = await spawnServer([CLI, '--data', dataDir, '--access-key-id', ID, '--access-key-secret', SECRET, '--bucket', BUCKET]);
  const range = `bytes=0-${size - 1}`;

  const cases: BenchCase[] = [];
  for (const [label, server] of [
    ['memory', memory],
    ['disk', disk],
  ] as const) {
    const suite = `oss-server (${label})`;
    const goal = { minRatio: 0.7 };
    let uploadId = '';
    cases.push(
      {
        suite,
        name: `PutObject ${size >> 20} MiB`,
        kind: 'rate',
        baselineLabel: 'bare node:http',
        goal,
        baseline: async () => void (await send(ceiling.endpoint, 'PUT', `/${BUCKET}/put`, '', body)),
        ours: async () => void (await send(server.endpoint, 'PUT', `/${BUCKET}/put`, '', body)),
      },
      {
        suite,
        name: `UploadPart ${size >> 20} MiB`,
        kind: 'rate',
        baselineLabel: 'bare node:http',
        goal,
        prepare: async () => {
          if (uploadId) return;
          const res = await send(server.endpoint, 'POST', `/${BUCKET}/part`, '?uploads', undefined);
          uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(res.body.toString())![1]!;
        },
        baseline: async () => void (await send(ceiling.endpoint, 'PUT', `/${BUCKET}/part`, `?partNumber=1&uploadId=${uploadId}`, body)),
        ours: async () => void (await send(server.endpoint, 'PUT', `/${BUCKET}/part`, `?partNumber=1&uploadId=${uploadId}`, body)),
      },
      {
        suite,
        name: `PutObject ${size >> 20} MiB`,
        kind: 'rate',
        baselineLabel: 'node:http + MD5 + CRC-64',
        goal,
        baseline: async () => void (await send(hashingCeiling.endpoint, 'PUT', `/${BUCKET}/put`, '', body)),
        ours: async () => void (await send(server.endpoint, 'PUT', `/${BUCKET}/put`, '', body)),
      },
      {
        suite,
        name: `ranged GetObject ${size >> 20} MiB`,
        kind: 'rate',
        baselineLabel: 'bare node:http',
        goal,
        prepare: async () => void (await send(server.endpoint, 'HEAD', `/${BUCKET}/put`, '', undefined).catch(() => send(server.endpoint, 'PUT', `/${BUCKET}/put`, '', body))),
        baseline: async () => void (await send(ceiling.endpoint, 'GET', `/${BUCKET}/put`, '', undefined, { range })),
        ours: async () => {
          const res = await send(server.endpoint, 'GET', `/${BUCKET}/put`, '', undefined, { range });
          if (Number(res.headers['x-received']) !== size) throw new Error('short ranged read');
        },
      },
    );
  }
  return {
    cases,
    close: async () => {
      for (const s of [ceiling, hashingCeiling, memory, disk]) s.child.kill('SIGTERM');
      agent.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
