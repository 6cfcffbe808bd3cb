import { describe, expect, it } from 'vitest';
import { crc64 } from '@hadoopfs/core';
import { CorruptManifestError, MIN_PART_SIZE } from '@hadoopfs/jindo';
import { decodeManifest, encodeManifest, MANIFEST_KIND, MAX_WRITER_PART, parseManifestV1, tailEtag, type FlushManifest } from '@hadoopfs/object-store';

/**
 * Every check of manifest validation, one case each: a manifest that differs from a valid one in that
 * one respect is CorruptManifestError naming it (package README, "Manifest format"). A check that is
 * removed makes its case fail.
 */
const WRITER = '0123456789abcdef0123456789abcdef';
const tail = Buffer.from('the flushed bytes after the last part');
const expected = { bucket: 'b', target: 'dir/file', writerId: WRITER, sequence: 7, minPartSize: MIN_PART_SIZE, maxPart: MAX_WRITER_PART, dataKey: `tmp/dir/file/flush.${WRITER}.data` };

function valid(): FlushManifest {
  return {
    kind: MANIFEST_KIND,
    version: 2,
    bucket: 'b',
    target: 'dir/file',
    writerId: WRITER,
    sequence: 7,
    uploadId: '0004B9894A22E5B1888A1E29F823ABCD',
    parts: [
      { number: 1, size: MIN_PART_SIZE, etag: '"AAAA"', crc64: '123' },
      { number: 2, size: MIN_PART_SIZE + 5, etag: '"BBBB"', crc64: '456' },
    ],
    tail: { size: tail.length, etag: tailEtag(tail), crc64: crc64(tail).toString() },
    flushedLength: 2 * MIN_PART_SIZE + 5 + tail.length,
    replaces: null,
  };
}

const decode = (bytes: Buffer) => decodeManifest(bytes, 'oss://b/tmp/dir/file/m', expected);
/** The manifest with `change` applied to its header (as parsed JSON), re-encoded with `tailBytes`. */
function altered(change: (doc: Record<string, unknown>) => void, tailBytes: Buffer = tail): Buffer {
  const doc = valid() as unknown as Record<string, unknown>;
  change(doc);
  return encodeManifest(doc as unknown as FlushManifest, tailBytes);
}

describe('version 2 manifest validation', () => {
  it('a valid manifest decodes, with its tail and where it starts', () => {
    const bytes = encodeManifest(valid(), tail);
    const decoded = decode(bytes);
    expect(decoded.manifest).toEqual(valid());
    expect(decoded.tail.equals(tail)).toBe(true);
    expect(bytes.subarray(decoded.tailOffset).equals(tail)).toBe(true);
    // An empty tail, no parts and an ETag it replaces are valid too.
    const empty = Buffer.alloc(0);
    const small = { ...valid(), parts: [], tail: { size: 0, etag: tailEtag(empty), crc64: crc64(empty).toString() }, flushedLength: 0, replaces: '"X"' };
    expect(decode(encodeManifest(small, empty)).manifest.replaces).toBe('"X"');
  });

  const cases: Array<[string, Buffer, RegExp]> = [
    ['no newline', Buffer.from(JSON.stringify(valid())), /no header line/],
    ['a header longer than 4 MiB', Buffer.concat([Buffer.alloc(4 * 1024 * 1024 + 10, 0x20), Buffer.from('\n')]), /no header line/],
    ['a header that is not JSON', Buffer.from('{not json\n'), /not JSON/],
    ['a header that is an array', Buffer.from('[1,2]\n'), /not an object/],
    ['a header that is null', Buffer.from('null\n'), /not an object/],
    ['another kind', altered((d) => (d['kind'] = 'something-else')), /kind is "something-else"/],
    ['another version', altered((d) => (d['version'] = 1)), /version 1 is not 2/],
    ['another bucket', altered((d) => (d['bucket'] = 'other')), /describes other\/dir\/file, not b\/dir\/file/],
    ['another target', altered((d) => (d['target'] = 'dir/other')), /describes b\/dir\/other/],
    ['a writer id other than its name', altered((d) => (d['writerId'] = 'f'.repeat(32))), /writerId or sequence differs/],
    ['a sequence other than its name', altered((d) => (d['sequence'] = 8)), /writerId or sequence differs/],
    ['no upload id', altered((d) => delete d['uploadId']), /uploadId is missing or malformed/],
    ['an upload id with a slash', altered((d) => (d['uploadId'] = 'a/b')), /uploadId is missing or malformed/],
    ['an upload id with a query', altered((d) => (d['uploadId'] = 'a?x=1')), /uploadId is missing or malformed/],
    ['parts that are not an array', altered((d) => (d['parts'] = {})), /parts must be an array/],
    ['a gap in the part numbers', altered((d) => ((d['parts'] as Array<{ number: number }>)[1]!.number = 3)), /part 2 has number 3/],
    ['a null part', altered((d) => ((d['parts'] as unknown[])[0] = null)), /part 1 has number undefined/],
    ['a part below the minimum', altered((d) => ((d['parts'] as Array<{ size: number }>)[0]!.size = MIN_PART_SIZE - 1)), /below the store's part minimum/],
    ['a part without an ETag', altered((d) => ((d['parts'] as Array<{ etag?: string }>)[0]!.etag = '')), /lacks an ETag or CRC-64/],
    ['a part whose CRC-64 is not a number', altered((d) => ((d['parts'] as Array<{ crc64: string }>)[0]!.crc64 = '12x')), /lacks an ETag or CRC-64/],
    ['no tail', altered((d) => delete d['tail']), /tail lacks size, ETag or CRC-64/],
    ['a tail without a CRC-64', altered((d) => delete (d['tail'] as Record<string, unknown>)['crc64']), /tail lacks/],
    ['a tail size other than the bytes', altered((d) => ((d['tail'] as { size: number }).size = tail.length + 1)), /holds \d+ tail bytes, the header says \d+/],
    ['a flushed length other than the sum', altered((d) => (d['flushedLength'] = 1)), /flushedLength 1 is not the sum/],
    ['replaces that is not an ETag', altered((d) => (d['replaces'] = 5)), /replaces must be an ETag or null/],
    ['tail bytes changed (CRC-64 and MD5 differ)', altered(() => undefined, Buffer.from(tail).fill(0x41, 0, 1)), /do not match their CRC-64 or MD5/],
    ['a tail MD5 that is not the bytes', altered((d) => ((d['tail'] as { etag: string }).etag = tailEtag(Buffer.from('other')))), /do not match their CRC-64 or MD5/],
    ['a tail CRC-64 that is not the bytes', altered((d) => ((d['tail'] as { crc64: string }).crc64 = '1')), /do not match their CRC-64 or MD5/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, () => {
      const error = (() => {
        try {
          decode(bytes);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CorruptManifestError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('oss://b/tmp/dir/file/m');
    });
  }

  it('refuses a part number above what a writer may use (recover owns 9 999 and 10 000)', () => {
    const parts = Array.from({ length: 3 }, (_, i) => ({ number: i + 1, size: MIN_PART_SIZE, etag: '"E"', crc64: '1' }));
    const doc = { ...valid(), parts, flushedLength: 3 * MIN_PART_SIZE + tail.length };
    expect(() => decodeManifest(encodeManifest(doc, tail), 'm', { ...expected, maxPart: 2 })).toThrow(/part 3 has number 3/);
    expect(decodeManifest(encodeManifest(doc, tail), 'm', { ...expected, maxPart: 3 }).manifest.parts).toHaveLength(3);
  });
});

describe('version 1 manifest validation', () => {
  const tails = ['tmp/dir/file/tail-a', 'tmp/dir/file/tail-b'];
  const v1 = () => ({
    kind: MANIFEST_KIND,
    version: 1,
    bucket: 'b',
    target: 'dir/file',
    uploadId: 'U1',
    partSize: MIN_PART_SIZE,
    parts: [{ number: 1, size: MIN_PART_SIZE, etag: '"A"', crc64: '1' }],
    tail: { key: tails[0], size: 10, etag: '"T"', crc64: '2' },
    flushedLength: MIN_PART_SIZE + 10,
    writerId: 'w',
    sequence: 3,
    updated: 5,
  });
  const parse = (doc: unknown) => parseManifestV1(Buffer.from(JSON.stringify(doc)), 'oss://b/tmp/dir/file/manifest.json', 'b', 'dir/file', tails);
  const with_ = (change: (d: Record<string, unknown>) => void) => {
    const d = v1() as Record<string, unknown>;
    change(d);
    return d;
  };

  it('a valid one parses; one without an upload or a tail too', () => {
    expect(parse(v1()).flushedLength).toBe(MIN_PART_SIZE + 10);
    expect(parse(with_((d) => Object.assign(d, { uploadId: null, parts: [], flushedLength: 10 }))).uploadId).toBeNull();
    expect(parse(with_((d) => Object.assign(d, { tail: null, flushedLength: MIN_PART_SIZE }))).tail).toBeNull();
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{', /not JSON/],
    ['null', null, /not an object/],
    ['another kind', with_((d) => (d['kind'] = 'x')), /kind is "x"/],
    ['another version', with_((d) => (d['version'] = 2)), /version 2 is not 1/],
    ['another bucket', with_((d) => (d['bucket'] = 'c')), /describes c\/dir\/file/],
    ['another target', with_((d) => (d['target'] = 'x')), /describes b\/x/],
    ['an upload id that is a number', with_((d) => (d['uploadId'] = 5)), /uploadId must be a string or null/],
    ['a part size below 100 KB', with_((d) => (d['partSize'] = 1000)), /partSize is missing or below 100 KB/],
    ['parts that are not an array', with_((d) => (d['parts'] = 'x')), /parts must be an array/],
    ['a part numbered out of order', with_((d) => ((d['parts'] as Array<{ number: number }>)[0]!.number = 2)), /part 1 has number 2/],
    ['a part not of the part size', with_((d) => ((d['parts'] as Array<{ size: number }>)[0]!.size = 5)), /not the part size/],
    ['a part without a CRC-64', with_((d) => ((d['parts'] as Array<{ crc64: string }>)[0]!.crc64 = 'x')), /lacks an ETag or CRC-64/],
    ['parts without an upload', with_((d) => (d['uploadId'] = null)), /parts without an uploadId/],
    ['a tail that is not an object', with_((d) => (d['tail'] = 'x')), /tail lacks key, size, ETag or CRC-64|tail must be an object/],
    ['a tail outside the folder', with_((d) => ((d['tail'] as { key: string }).key = 'private/key.pem')), /not a tail object of this file's staging folder/],
    ['an empty tail', with_((d) => Object.assign(d['tail'] as object, { size: 0 }) && (d['flushedLength'] = MIN_PART_SIZE)), /tail size 0 is not within/],
    ['a tail of a whole part', with_((d) => Object.assign(d['tail'] as object, { size: MIN_PART_SIZE }) && (d['flushedLength'] = 2 * MIN_PART_SIZE)), /is not within/],
    ['a flushed length other than the sum', with_((d) => (d['flushedLength'] = 3)), /flushedLength 3 is not the sum/],
    ['no writer id', with_((d) => delete d['writerId']), /writerId, sequence or updated is missing/],
    ['no sequence', with_((d) => delete d['sequence']), /writerId, sequence or updated is missing/],
  ];
  for (const [what, doc, message] of cases) {
    it(`refuses ${what}`, () => {
      const attempt = () => (typeof doc === 'string' ? parseManifestV1(Buffer.from(doc), 'm', 'b', 'dir/file', tails) : parse(doc));
      expect(attempt).toThrow(CorruptManifestError);
      expect(attempt).toThrow(message);
    });
  }
});

describe('what the checks say, and the edges of their types (mutation testing)', () => {
  const refuse = (bytes: Buffer) => {
    try {
      decode(bytes);
    } catch (error) {
      return error as CorruptManifestError;
    }
    throw new Error('decoded');
  };

  it('CorruptManifestError is an IOError named so, with code EBADMSG and the path', () => {
    const error = refuse(Buffer.from('{}'));
    expect(error.name).toBe('CorruptManifestError');
    expect(error.code).toBe('EBADMSG');
    expect(error.path).toBe('oss://b/tmp/dir/file/m');
  });

  it('counts must be whole, safe and not negative; CRC-64s all digits', () => {
    for (const size of [-1, 1.5, '102400', Number.MAX_SAFE_INTEGER + 2]) {
      expect(refuse(altered((d) => ((d['parts'] as Array<{ size: unknown }>)[1]!.size = size))).message).toMatch(/part 2 has size/);
    }
    expect(refuse(altered((d) => ((d['parts'] as Array<{ crc64: string }>)[1]!.crc64 = 'x123'))).message).toMatch(/part 2 lacks an ETag or CRC-64/);
    expect(refuse(altered((d) => ((d['tail'] as { size: unknown }).size = -1))).message).toMatch(/tail lacks size/);
    expect(refuse(altered((d) => ((d['tail'] as { crc64: string }).crc64 = '1a'))).message).toMatch(/tail lacks size/);
    expect(refuse(altered((d) => ((d['tail'] as { etag: string }).etag = ''))).message).toMatch(/tail lacks size/);
  });

  it('a header line starting the object is read (and empty is not JSON); one exactly 4 MiB long is read too', () => {
    expect(refuse(Buffer.from('\nrest')).message).toMatch(/not JSON/);
    const header = Buffer.from(JSON.stringify(valid()));
    const padded = Buffer.concat([header, Buffer.alloc(4 * 1024 * 1024 - header.length, 0x20), Buffer.from('\n'), tail]);
    expect(decode(padded).tail.equals(tail)).toBe(true);
  });

  it('a tail size that differs names both sizes', () => {
    expect(refuse(altered((d) => ((d['tail'] as { size: number }).size = 3))).message).toContain(`holds ${tail.length} tail bytes, the header says 3`);
  });
});

describe('version 1 validation, the remaining edges (mutation testing)', () => {
  const tails = ['tmp/dir/file/tail-a', 'tmp/dir/file/tail-b'];
  const base = {
    kind: MANIFEST_KIND,
    version: 1,
    bucket: 'b',
    target: 'dir/file',
    uploadId: 'U1',
    partSize: MIN_PART_SIZE,
    parts: [
      { number: 1, size: MIN_PART_SIZE, etag: '"A"', crc64: '1' },
      { number: 2, size: MIN_PART_SIZE, etag: '"B"', crc64: '2' },
    ],
    tail: { key: tails[0], size: 10, etag: '"T"', crc64: '2' },
    flushedLength: 2 * MIN_PART_SIZE + 10,
    writerId: 'w',
    sequence: 3,
    updated: 5,
  };
  const parse = (doc: unknown) => () => parseManifestV1(Buffer.from(JSON.stringify(doc)), 'm', 'b', 'dir/file', tails);
  it('names the part, and refuses a JSON value that is not an object, a tail of the wrong type, fields of the wrong type', () => {
    expect(parse(5)).toThrow(/not an object/);
    expect(parse({ ...base, parts: [base.parts[0], { ...base.parts[1], size: 5 }] })).toThrow(/part 2 has size 5, not the part size/);
    expect(parse({ ...base, parts: [base.parts[0], { ...base.parts[1], etag: '' }] })).toThrow(/part 2 lacks an ETag or CRC-64/);
    expect(parse({ ...base, tail: 5 })).toThrow(/tail must be an object or null/);
    expect(parse({ ...base, tail: undefined })).toThrow(/tail must be an object or null/);
    for (const broken of [{ key: '' }, { size: 'x' }, { etag: '' }, { crc64: 'z' }]) {
      expect(parse({ ...base, tail: { ...base.tail, ...broken } })).toThrow(/tail lacks key, size, ETag or CRC-64/);
    }
    expect(parse({ ...base, tail: { ...base.tail, key: 'private/key.pem' } })).toThrow(/tail "private\/key.pem" is not a tail object/);
  });
});
