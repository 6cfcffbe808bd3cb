/**
 * oss-server --port 9000 --data ./oss-data --access-key-id ID --access-key-secret SECRET [--bucket NAME …]
 *            [--memory] [--no-fsync] [--host 127.0.0.1] [--virtual-host-domain D …] [--cname HOST=BUCKET …]
 *
 * Prints the endpoint on one line, then serves until SIGINT or SIGTERM. The secret may also come from
 * OSS_SERVER_ACCESS_KEY_SECRET so that it stays out of process listings.
 */
import { parseArgs } from 'node:util';
import { startOssServer } from './server.js';

const USAGE =
  'usage: oss-server [--port N] [--host H] (--data DIR | --memory) --access-key-id ID --access-key-secret SECRET ' +
  '[--bucket NAME]... [--no-fsync] [--virtual-host-domain D]... [--cname HOST=BUCKET]... [--security-token T] [--admin-token T]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        memory: { type: 'boolean', default: false },
        'access-key-id': { type: 'string' },
        'access-key-secret': { type: 'string' },
        'security-token': { type: 'string' },
        bucket: { type: 'string', multiple: true, default: [] },
        'no-fsync': { type: 'boolean', default: false },
        'virtual-host-domain': { type: 'string', multiple: true, default: [] },
        cname: { type: 'string', multiple: true, default: [] },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`oss-server: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const accessKeyId = values['access-key-id'] ?? process.env['OSS_SERVER_ACCESS_KEY_ID'];
  const accessKeySecret = values['access-key-secret'] ?? process.env['OSS_SERVER_ACCESS_KEY_SECRET'];
  const problems: string[] = [];
  if (!accessKeyId) problems.push('--access-key-id is required');
  if (!accessKeySecret) problems.push('--access-key-secret (or OSS_SERVER_ACCESS_KEY_SECRET) is required');
  if (!values.memory && !values.data) problems.push('give --data DIR for disk storage, or --memory');
  if (values.memory && values.data) problems.push('--memory and --data exclude each other');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`--port must be 0..65535, got "${values.port}"`);
  const cnames: Record<string, string> = {};
  for (const pair of values.cname ?? []) {
    const [host, bucket] = pair.split('=');
    if (!host || !bucket) problems.push(`--cname takes HOST=BUCKET, got "${pair}"`);
    else cnames[host.toLowerCase()] = bucket;
  }
  if (problems.length > 0) {
    process.stderr.write(`oss-server: ${problems.join('; ')}\n${USAGE}\n`);
    process.exit(2);
  }
  const givenToken = values['admin-token'] ?? process.env['OSS_SERVER_ADMIN_TOKEN'];
  const server = await startOssServer({
    port,
    host: values.host,
    ...(values.memory ? {} : { dataDir: values.data! }),
    fsync: !values['no-fsync'],
    credentials: [{ accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, ...(values['security-token'] ? { securityToken: values['security-token'] } : {}) }],
    buckets: values.bucket ?? [],
    virtualHostDomains: values['virtual-host-domain'] ?? [],
    cnames,
    log: (line) => process.stderr.write(`oss-server: ${line}\n`),
    ...(givenToken ? { adminToken: givenToken } : {}),
  });
  process.stdout.write(`${server.endpoint}\n`);
  // A generated token is the only way to the admin API: said once, at start, to whoever started the server.
  if (!givenToken) process.stdout.write(`admin token: ${server.adminToken}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`oss-server: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`oss-server: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`oss-server: ${(error as Error).message}\n`);
  process.exit(1);
});
