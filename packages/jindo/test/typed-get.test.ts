import { describe, expect, it } from 'vitest';
import { AlreadyBeingCreatedError, Configuration, ConfigurationError, FileSystem } from '@hadoopfs/core';
import { JindoOssFileSystem } from '@hadoopfs/jindo';
import { AliyunOssFileSystem } from '@hadoopfs/oss';
import '@hadoopfs/memory';
import { jindoConf, serverForTests } from './helpers.js';

// Issue 13, finding 4: JindoOssFileSystem.get() uses the class as a value (its import, and the
// registration it makes, survive a type-only use) and answers the class or says what serves the scheme.

const server = serverForTests(['typed']);

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

describe('concat and files under construction (durable flush)', () => {
  it('a target or source being rewritten by a live writer is AlreadyBeingCreatedError and nothing changes; once closed, concat joins them', async () => {
    const fs = await JindoOssFileSystem.newInstance('oss://typed/', jindoConf(server));
    await fs.writeFile('/uc/source', 'source bytes;');
    await fs.writeFile('/uc/target', 'old target;');
    await fs.writeFile('/uc/growing', 'old growing;');
    // The writer's close would replace the joined target (and the sources would be gone): refused.
    const writer = await fs.create('/uc/target');
    await writer.write('flushed by a live writer;');
    await writer.hflush();
    await expect(fs.concat('/uc/target', ['/uc/source'])).rejects.toBeInstanceOf(AlreadyBeingCreatedError);
    expect((await fs.readFile('/uc/source')).toString()).toBe('source bytes;');
    await writer.close();
    const other = await fs.create('/uc/growing');
    await other.write('a source being written');
    await other.hflush();
    await expect(fs.concat('/uc/target', ['/uc/growing'])).rejects.toBeInstanceOf(AlreadyBeingCreatedError);
    expect((await fs.readFile('/uc/target')).toString()).toBe('flushed by a live writer;');
    await other.close();
    await fs.concat('/uc/target', ['/uc/source', '/uc/growing']);
    expect((await fs.readFile('/uc/target')).toString()).toBe('flushed by a live writer;source bytes;a source being written');
    expect(await fs.exists('/uc/source')).toBe(false);
    await fs.close();
  });
});
