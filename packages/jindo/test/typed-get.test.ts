import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Configuration, ConfigurationError, FileSystem } from '@hadoopfs/core';
import { JindoOssFileSystem } from '@hadoopfs/jindo';
import { AliyunOssFileSystem } from '@hadoopfs/oss';
import '@hadoopfs/memory';
import type { RunningOssServer } from '@hadoopfs/oss-server';
import { jindoConf, startServer } from './helpers.js';

// Issue 13, finding 4: JindoOssFileSystem.get() uses the class as a value (its import, and the
// registration it makes, survive a type-only use) and answers the class or says what serves the scheme.

let server: RunningOssServer;
beforeAll(async () => {
  server = await startServer(['typed']);
});
afterAll(async () => {
  await FileSystem.closeAll();
  await server.close();
});

describe('typed get()', () => {
  it('JindoOssFileSystem.get answers a JindoOssFileSystem (recover is there); FileSystem.get the same cached instance', async () => {
    const conf = jindoConf(server);
    const fs = await JindoOssFileSystem.get('oss://typed/', conf);
    expect(fs).toBeInstanceOf(JindoOssFileSystem);
    expect(typeof fs.recover).toBe('function');
    expect(await FileSystem.get('oss://typed/', conf)).toBe(fs);
    expect(await AliyunOssFileSystem.get('oss://typed/', conf)).toBe(fs); // a Jindo filesystem is an OSS one
    const fresh = await JindoOssFileSystem.newInstance('oss://typed/', conf);
    expect(fresh).not.toBe(fs);
    await fresh.close();
  });

  it('a class that does not serve the scheme is a ConfigurationError naming both', async () => {
    const error = (await JindoOssFileSystem.get('mem://elsewhere/', new Configuration({ loadDefaults: false })).then(() => undefined, (e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/mem:\/\/elsewhere is served by MemoryFileSystem, not JindoOssFileSystem/);
  });
});

describe('FileSystem.get called unbound', () => {
  it('still answers (there is no class to check against)', async () => {
    // As a JavaScript caller may (TypeScript refuses it): the method taken off its class.
    const get = FileSystem.get as unknown as (uri: string, conf: Configuration) => Promise<FileSystem>;
    const fs = await get('mem://unbound/', new Configuration({ loadDefaults: false }));
    expect(fs.getUri()).toBe('mem://unbound');
  });
});
