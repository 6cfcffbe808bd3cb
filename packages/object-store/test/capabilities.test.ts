import { describe, expect, it } from 'vitest';
import { missingForDurableFlush, type StoreCapabilities } from '@hadoopfs/object-store';

const FLAGS = ['createOnlyPut', 'createOnlyComplete', 'createOnlyCopy', 'completeOmitsParts', 'emptyLastPart', 'uploadPartCopyRange', 'copyIfMatch', 'readIfMatch', 'listPartsAfter', 'listUploads', 'uploadMetadata'] as const;
const everything = {
  store: 'a store with everything',
  ...{ minPartSize: 5 * 1024 * 1024, maxPartSize: 5 * 1024 ** 3, maxPartNumber: 10_000, deleteBatchMax: 1000, checksum: undefined },
  ...Object.fromEntries(FLAGS.map((flag) => [flag, true])),
} as StoreCapabilities;

describe('the capabilities durable flush needs', () => {
  it('are all there on a store with everything', () => {
    expect(missingForDurableFlush(everything)).toEqual([]);
  });

  it.each(['listPartsAfter', 'listUploads', 'uploadMetadata', 'emptyLastPart'] as const)('%s is named, with why, when it is missing', (capability) => {
    const missing = missingForDurableFlush({ ...everything, [capability]: false });
    expect(missing.map((m) => m.capability)).toEqual([capability]);
    expect(missing[0]!.why).toMatch(/\w{3,} \w{3,}/);
  });

  it.each(['createOnlyPut', 'createOnlyComplete', 'createOnlyCopy', 'completeOmitsParts', 'copyIfMatch', 'readIfMatch', 'uploadPartCopyRange'] as const)(
    '%s only narrows a race or changes the layout: flush can still be enabled without it',
    (capability) => {
      expect(missingForDurableFlush({ ...everything, [capability]: false })).toEqual([]);
    },
  );
});
