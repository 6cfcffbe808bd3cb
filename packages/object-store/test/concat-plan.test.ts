import { describe, expect, it } from 'vitest';
import type { ObjectInfo } from '@hadoopfs/object-store';
import { planParts as planPartsOf } from '../src/fs/concat.js';

// How concat splits its pieces into parts, for a store whose smallest part is 100 KiB (OSS's).

const KIB = 1024;
const MIN_PART_SIZE = 100 * KIB;
const planParts = (pieces: readonly ObjectInfo[]) => planPartsOf(pieces, MIN_PART_SIZE);

function info(key: string, size: number, copyable = true): ObjectInfo {
  return { key, size, lastModified: 0, etag: `"${key}"`, copyable };
}

function partSizes(plan: ReturnType<typeof planParts>): Array<[string, number]> {
  return plan.map((p) => ('copy' in p ? ['copy', p.copy.end - p.copy.start] : ['read', p.read.reduce((n, r) => n + r.end - r.start, 0)]));
}

describe('planParts', () => {
  it('copies what can stand alone, reads only the joins, and keeps every part but the last ≥ 100 KiB', () => {
    const pieces = [info('t', 50 * KIB), info('a', 300 * KIB), info('b', 10), info('c', 150 * KIB), info('d', 0), info('e', 20 * KIB)];
    const plan = planParts(pieces);
    const sizes = partSizes(plan);
    expect(sizes).toEqual([
      ['read', MIN_PART_SIZE], // t (50 KiB) + the first 50 KiB of a
      ['copy', 250 * KIB], // the rest of a
      ['read', MIN_PART_SIZE], // b + the first 100 KiB − 10 of c
      ['read', 50 * KIB + 10 + 20 * KIB], // the rest of c, and e: the last part
    ]);
    expect(sizes.reduce((n, [, s]) => n + s, 0)).toBe(pieces.reduce((n, p) => n + p.size, 0));
  });

  it('reads an appendable object (UploadPartCopy refuses one as a source)', () => {
    const plan = planParts([info('t', 200 * KIB), info('a', 300 * KIB, false)]);
    expect(partSizes(plan)).toEqual([['copy', 200 * KIB], ['read', 300 * KIB]]);
  });
});

