import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { client, startTestServer } from './helpers.js';

let server: RunningOssServer;
beforeAll(async () => {
  server = await startTestServer({ cnames: { 'files.example.test': 'test-bucket' }, virtualHostDomains: ['oss.example.test'] });
});
afterAll(async () => {
  await server.close();
});

/** Resolves every name to loopback, so that host-name endpoints reach the local server. */
const loopback: LookupFunction = (_host, options, callback) => {
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

describe('addressing', () => {
  it('serves the same bucket by IP endpoint, path style, CNAME and a configured virtual-host domain', async () => {
    await client(server).put('where/a', Buffer.from('one object'));
    const agent = new Agent({ keepAlive: true, lookup: loopback });
    const viaCname = client(server, 'ip', { endpoint: `http://files.example.test:${server.port}`, cname: true, agent });
    expect(((await viaCname.get('where/a')).content as Buffer).toString()).toBe('one object');
    const viaDomain = client(server, 'ip', { endpoint: `http://oss.example.test:${server.port}`, agent });
    expect(((await viaDomain.get('where/a')).content as Buffer).toString()).toBe('one object');
    const viaPath = client(server, 'path');
    expect(((await viaPath.get('where/a')).content as Buffer).toString()).toBe('one object');
    await viaCname.put('where/b', Buffer.from('written through the cname'));
    expect(((await client(server, 'v4').get('where/b')).content as Buffer).toString()).toBe('written through the cname');
    agent.destroy();
  });
});
