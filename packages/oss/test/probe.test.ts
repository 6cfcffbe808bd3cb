import { describe, expect, it } from 'vitest';
import { probeCapabilities } from '@hadoopfs/object-store';
import { AliOssStore, OSS_CAPABILITIES, readSettings } from '@hadoopfs/oss';
import { countUploads, ossConf, serverForTests } from './helpers.js';

// What the OSS-protocol server does (as OSS does), found by the effect of each request.

const server = serverForTests(['probe']);

describe('probeCapabilities on the OSS-protocol server', () => {
  it('finds every probed capability OSS declares, and leaves nothing behind', async () => {
    const store = new AliOssStore(readSettings('probe', ossConf(server)));
    const { capabilities, findings } = await probeCapabilities(store, 'tmp/');
    expect(Object.values(findings).map((f) => f.works)).toEqual(Object.values(findings).map(() => true));
    expect(capabilities).toEqual(OSS_CAPABILITIES);
    expect(findings.createOnlyComplete.seen).toBe('refused (FileAlreadyExistsError); the object stayed');
    expect([...server.store.keysFrom('probe', '', '', false)]).toEqual([]);
    expect(await countUploads(server, 'probe')).toBe(0);
    store.close();
  });
});
