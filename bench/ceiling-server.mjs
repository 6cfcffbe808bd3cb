// The ceiling for the OSS-protocol server benchmarks: a bare node:http server that discards request
// bodies and serves ranges of one in-memory buffer, with no parsing, auth, hashing or storage.
// With --hash it also computes the MD5 and CRC-64 that OSS returns for every write (the floor of any
// faithful server's cost), so that the server's own overhead can be told apart from the checksums'.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { Crc64 } from '../packages/core/dist/crc64.js';

const size = Number(process.argv[2] ?? 64 * 1024 * 1024);
const hash = process.argv.includes('--hash');
const data = Buffer.alloc(size, 7);
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m ? Number(m[2]) + 1 : size;
    res.writeHead(m ? 206 : 200, { 'content-length': end - start });
    res.end(data.subarray(start, end));
    return;
  }
  const md5 = hash ? createHash('md5') : undefined;
  const crc = hash ? new Crc64() : undefined;
  req.on('data', (chunk) => {
    md5?.update(chunk);
    crc?.update(chunk);
  });
  req.on('end', () => res.writeHead(200, { etag: `"${md5?.digest('hex') ?? 0}"`, 'x-oss-hash-crc64ecma': crc?.digest() ?? '0', 'content-length': 0 }).end());
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
