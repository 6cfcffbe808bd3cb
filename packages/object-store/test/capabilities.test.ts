import { describe, expect, it } from 'vitest';
import { missingForDurableFlush, storeCapabilities } from '@hadoopfs/object-store';

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

  it.each(['listPartsAfter', 'listUploads', 'uploadMetadata', 'emptyLastPart'] as const)('%s is named, with why, when it is missing', (capability) => {
    const missing = missingForDurableFlush({ ...everything, [capability]: false });
    expect(missing.map((m) => m.capability)).toEqual([capability]);
    expect(missing[0]!.why).toMatch(/\w{3,} \w{3,}/);
  });

  it.each(['createOnlyPut', 'createOnlyComplete', 'createOnlyCopy', 'completeOmitsParts', 'copyIfMatch', 'readIfMatch', 'uploadPartCopyRange', 'etagIsMd5'] as const)(
    '%s only narrows a race or changes the layout: flush can still be enabled without it',
    (capability) => {
      expect(missingForDurableFlush({ ...everything, [capability]: false })).toEqual([]);
    },
  );
});
