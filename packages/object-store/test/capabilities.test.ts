import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@hadoopfs/core';
import { DurableFlush, durableFlushSettings, missingForDurableFlush, storeCapabilities, type ObjectStoreSettings, type StoreClient } from '@hadoopfs/object-store';

const everything = storeCapabilities('a store with everything', { minPartSize: 5 * 1024 * 1024, checksum: undefined });

describe('a store declared by what it lacks', () => {
  it('has every flag but those, and S3’s multipart limits', () => {
    const lacking = storeCapabilities('S3-ish', { minPartSize: 1, checksum: undefined }, ['createOnlyComplete', 'completeOmitsParts']);
    expect(lacking).toMatchObject({ createOnlyComplete: false, completeOmitsParts: false, createOnlyPut: true, listPartsAfter: true, maxPartNumber: 10_000, deleteBatchMax: 1000 });
    expect(Object.isFrozen(lacking)).toBe(true);
  });
});

describe('the capabilities durable flush needs', () => {
  it('are all there on a store with everything', () => {
    expect(missingForDurableFlush(everything)).toEqual([]);
  });

  it.each(['listPartsAfter', 'listUploads', 'uploadMetadata', 'emptyLastPart', 'uploadPartCopyRange'] as const)('%s is named, with why, when it is missing', (capability) => {
    const missing = missingForDurableFlush({ ...everything, [capability]: false });
    expect(missing.map((m) => m.capability)).toEqual([capability]);
    expect(missing[0]!.why).toMatch(/\w{3,} \w{3,}/);
  });

  it('needs a way to check what recover built: the store’s checksum, or MD5 ETags', () => {
    expect(missingForDurableFlush({ ...everything, etagIsMd5: false }).map((m) => m.capability)).toEqual(['checksum or etagIsMd5']);
    expect(missingForDurableFlush({ ...everything, etagIsMd5: false, checksum: 'crc64-xz' })).toEqual([]);
  });

  it.each(['createOnlyPut', 'createOnlyComplete', 'createOnlyCopy', 'completeOmitsParts', 'copyIfMatch', 'readIfMatch'] as const)(
    '%s only narrows a race or changes the layout: flush can still be enabled without it',
    (capability) => {
      expect(missingForDurableFlush({ ...everything, [capability]: false })).toEqual([]);
    },
  );
});

describe('enabling durable flush on a store', () => {
  const settings = (enable: string) => durableFlushSettings({ enable, enableKey: 'fs.x.flush.enable', stagingPath: undefined, stagingPathKey: 'fs.x.flush.staging.path', leaseMs: 60_000, purgeAgeMs: 1, removalBatchKey: 'fs.x.flush.removal.batch' });
  const clientOf = (capabilities: ReturnType<typeof storeCapabilities>) => ({ capabilities, uri: 'x://bucket' }) as unknown as StoreClient;
  const create = (enable: string, capabilities: ReturnType<typeof storeCapabilities>) => () => new DurableFlush(clientOf(capabilities), settings(enable), {} as ObjectStoreSettings, () => undefined as never);

  it('that lacks a capability it needs is a ConfigurationError naming the key, the store and the capability — never a weaker promise', () => {
    const lacking = storeCapabilities('NoListStore', { minPartSize: 1, checksum: undefined }, ['listUploads']);
    expect(create('true', lacking)).toThrow(ConfigurationError);
    expect(create('true', lacking)).toThrow(/^fs\.x\.flush\.enable: durable flush needs what NoListStore at x:\/\/bucket lacks: listUploads \(/);
    // Not enabled: recover still works there (an operator recovers what other writers staged).
    expect(create('false', lacking)().enabled).toBe(false);
  });

  it('whose Complete must name every part is not refused: its writers use the data layout', () => {
    expect(create('true', storeCapabilities('radosgw-like', { minPartSize: 5 << 20, checksum: undefined }, ['completeOmitsParts', 'createOnlyComplete', 'createOnlyCopy']))().enabled).toBe(true);
  });

  it('a removal batch outside 1–1000 names its key', () => {
    for (const bad of [0, -1, 1001, 2.5]) {
      expect(() => durableFlushSettings({ enable: 'true', enableKey: 'k', stagingPath: undefined, stagingPathKey: 's', leaseMs: 1, purgeAgeMs: 1, removalBatch: bad, removalBatchKey: 'fs.x.flush.removal.batch' })).toThrow(
        /^fs\.x\.flush\.removal\.batch: "[^"]+" is not a number of manifests from 1 to 1000/,
      );
    }
    expect(durableFlushSettings({ enable: 'true', enableKey: 'k', stagingPath: undefined, stagingPathKey: 's', leaseMs: 1, purgeAgeMs: 1, removalBatchKey: 'r' }).removalBatch).toBe(8);
  });

  it('an overlap size outside 0–16 MiB names its key; unset, small flushes never overlap', () => {
    const base = { enable: 'true', enableKey: 'k', stagingPath: undefined, stagingPathKey: 's', leaseMs: 1, purgeAgeMs: 1, removalBatchKey: 'r' };
    for (const bad of [-1, 16 * 1024 * 1024 + 1, 0.5]) {
      expect(() => durableFlushSettings({ ...base, overlapSize: bad, overlapSizeKey: 'fs.x.flush.overlap.size' })).toThrow(/^fs\.x\.flush\.overlap\.size: "[^"]+" is not a size from 0 to 16m/);
    }
    expect(durableFlushSettings(base).overlapSize).toBe(0);
    expect(durableFlushSettings({ ...base, overlapSize: 1 << 20, overlapSizeKey: 'o' }).overlapSize).toBe(1 << 20);
  });

  it('a staging path that is a URI, or climbs, names its key', () => {
    for (const bad of ['oss://bucket/x', '/a/../b', '/']) {
      expect(() => durableFlushSettings({ enable: 'true', enableKey: 'k', stagingPath: bad, stagingPathKey: 'fs.x.flush.staging.path', leaseMs: 1, purgeAgeMs: 1, removalBatchKey: 'fs.x.flush.removal.batch' })).toThrow(/^fs\.x\.flush\.staging\.path: /);
    }
  });
});
