import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc64, IOError } from '@hadoopfs/core';
import { UploadBuffers, type PartBody } from '@hadoopfs/object-store';

const PART = 1024 * 1024;
const buffersOf = () => new UploadBuffers({ mode: 'array', dirs: [], dirsKey: 'fs.oss.buffer.dir', folder: 'test', memoryLimit: 64 * PART }, PART, 4);

describe('PartBuffer.split', () => {
  it('cuts a memory part into pieces that share its memory: their bytes in order, the last with the remainder, the memory given back once all are released', async () => {
    const buffers = buffersOf();
    const part = buffers.newPart(PART, PART);
    const bytes = Buffer.from(Array.from({ length: 700_001 }, (_, i) => (i * 7) % 251));
    expect(part.append(bytes)).toBeUndefined();
    expect(buffers.memoryHeld).toBe(PART);
    const pieces = part.split(3)!;
    expect(pieces.map((p) => p.length)).toEqual([233_333, 233_333, 233_335]);
    const sealed = await Promise.all(pieces.map((p) => p.seal(true)));
    expect(Buffer.concat(sealed.map((s) => s.body as Buffer)).equals(bytes)).toBe(true);
    expect(await sealed[1]!.crc64).toBe(crc64(bytes.subarray(233_333, 466_666)).toString());
    // The split part is spent: no second split, its own release gives nothing back twice.
    expect(part.split(2)).toBeUndefined();
    await part.release();
    await pieces[0]!.release();
    await pieces[2]!.release();
    expect(buffers.memoryHeld).toBe(PART);
    await pieces[1]!.release();
    await pieces[1]!.release();
    expect(buffers.memoryHeld).toBe(0);
    // Whole: back in the pool, so the next streaming part takes the same memory.
    const next = buffers.newPart(PART, PART);
    next.append(Buffer.from('x'));
    const [{ body }] = [await next.seal(false)];
    expect((body as Buffer).buffer).toBe((sealed[0]!.body as Buffer).buffer);
  });

  it('a piece split again gives the memory back once, after the last of all pieces', async () => {
    const buffers = buffersOf();
    const part = buffers.newPart(PART, PART);
    part.append(Buffer.alloc(400_000, 1));
    const [first, second] = part.split(2)!;
    const halves = second!.split(2)!;
    await first!.release();
    await halves[0]!.release();
    expect(buffers.memoryHeld).toBe(PART);
    await halves[1]!.release();
    expect(buffers.memoryHeld).toBe(0);
  });
});

describe('the memory pool', () => {
  it('keeps buffers of every size, up to its limit in bytes, and a part given a start capacity takes one of that size', async () => {
    const buffers = buffersOf();
    const bodyBuffer = async (part: ReturnType<typeof buffers.newPart>) => ((await part.seal(false)).body as Buffer).buffer;
    const small = buffers.newPart(PART);
    small.append(Buffer.alloc(300_000, 1));
    expect(small.capacity).toBe(512 * 1024);
    const smallMemory = await bodyBuffer(small);
    await small.release();
    const again = buffers.newPart(PART, 512 * 1024);
    again.append(Buffer.from('x'));
    expect(again.capacity).toBe(512 * 1024);
    expect(await bodyBuffer(again)).toBe(smallMemory);
    await again.release();
    // Five whole parts given back to a pool of four parts' worth (and the 512 KiB one): four are kept.
    const whole = Array.from({ length: 5 }, () => buffers.newPart(PART, PART));
    for (const part of whole) part.append(Buffer.from('y'));
    const memories = await Promise.all(whole.map(bodyBuffer));
    for (const part of whole) await part.release();
    const next = Array.from({ length: 5 }, () => buffers.newPart(PART, PART));
    for (const part of next) part.append(Buffer.from('z'));
    const reused = (await Promise.all(next.map(bodyBuffer))).filter((m) => memories.includes(m));
    expect(reused).toHaveLength(3);
    expect(buffers.memoryHeld).toBe(5 * PART);
  });
});

describe('the memory pool and growing parts', () => {
  it('keeps the sizes parts end at, not the steps of their growth: four parts grown to whole and given back are all taken again', async () => {
    const buffers = buffersOf();
    const bodyBuffer = async (part: ReturnType<typeof buffers.newPart>) => ((await part.seal(false)).body as Buffer).buffer;
    // Four parts held at once, each grown from the first capacity to the part size (steps of 1 KiB to
    // 512 KiB: about a part's worth each, the pool's whole budget together).
    const grown = Array.from({ length: 4 }, () => buffers.newPart(PART));
    for (const part of grown) for (let i = 0; i < 16; i++) part.append(Buffer.alloc(PART / 16, i));
    expect(grown.map((p) => p.capacity)).toEqual([PART, PART, PART, PART]);
    const memories = await Promise.all(grown.map(bodyBuffer));
    for (const part of grown) await part.release();
    const next = Array.from({ length: 4 }, () => buffers.newPart(PART, PART));
    for (const part of next) part.append(Buffer.from('z'));
    expect((await Promise.all(next.map(bodyBuffer))).filter((m) => memories.includes(m))).toHaveLength(4);
    for (const part of next) await part.release();
    expect(buffers.memoryHeld).toBe(0);
  });
});

describe('disk parts', () => {
  const diskBuffers = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-disk-part-'));
    return { dir, buffers: new UploadBuffers({ mode: 'disk', dirs: [dir], dirsKey: 'fs.oss.buffer.dir', folder: 'test', memoryLimit: 64 * PART }, 8 * PART, 4) };
  };
  const bodyOf = async (body: PartBody) => {
    if (Buffer.isBuffer(body)) return body;
    const chunks: Buffer[] = [];
    for await (const chunk of body.open()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('a part that spilled less than a chunk is sealed from its file, not from its (given back) staging memory', async () => {
    const { dir, buffers } = await diskBuffers();
    const part = buffers.newPart(8 * PART);
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 11) % 253));
    // 60 000 staged in memory, then 40 000 more: both go to the first chunk, nothing is on disk yet.
    part.append(bytes.subarray(0, 60_000));
    part.append(bytes.subarray(60_000));
    expect(part.length).toBe(100_000);
    expect(buffers.memoryHeld).toBe(0);
    const sealed = await part.seal(true);
    expect(Buffer.isBuffer(sealed.body)).toBe(false);
    expect((await bodyOf(sealed.body)).equals(bytes)).toBe(true);
    expect(await sealed.crc64).toBe(crc64(bytes).toString());
    await part.release();
    await buffers.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes of any size across chunk boundaries reach the file in order, the caller\'s buffer reusable at once; bytes() midway; chunks reused', async () => {
    const { dir, buffers } = await diskBuffers();
    const part = buffers.newPart(8 * PART);
    const expected: Buffer[] = [];
    const scratch = Buffer.alloc(3 * PART);
    let seed = 1;
    for (const size of [10, 70_000, PART - 5, 3, 2 * PART + 17, 1, 500_000, 3 * PART - 1]) {
      for (let i = 0; i < size; i++) scratch[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      expected.push(Buffer.from(scratch.subarray(0, size)));
      await part.append(scratch.subarray(0, size));
      // Reused before the write reaches the file: what was appended must not change.
      scratch.fill(0xee, 0, size);
      if (expected.length === 4) expect((await part.bytes()).equals(Buffer.concat(expected))).toBe(true);
    }
    const all = Buffer.concat(expected);
    expect(part.length).toBe(all.length);
    const sealed = await part.seal(true);
    expect((await bodyOf(sealed.body)).equals(all)).toBe(true);
    expect(await sealed.crc64).toBe(crc64(all).toString());
    await part.release();
    // Written chunks went back to the pool: the next one taken still holds bytes of this part.
    const reused = buffers.takeChunk();
    expect(all.includes(reused.subarray(0, 4096))).toBe(true);
    await buffers.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a buffer dir that cannot be written: the append after it (or the seal) fails with an IOError naming the setting; release still ends the part', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hadoopfs-disk-part-'));
    const notADir = join(dir, 'a-file');
    await writeFile(notADir, 'x');
    const buffers = new UploadBuffers({ mode: 'disk', dirs: [join(notADir, 'sub')], dirsKey: 'fs.oss.buffer.dir', folder: 'test', memoryLimit: 64 * PART }, 8 * PART, 4);
    const part = buffers.newPart(8 * PART);
    await part.append(Buffer.alloc(200_000, 1));
    await buffers.settled();
    const failed = await Promise.resolve(part.append(Buffer.alloc(10, 2))).then(() => part.seal(true)).then(() => undefined, (error: unknown) => error);
    expect(failed).toBeInstanceOf(IOError);
    expect((failed as Error).message).toMatch(/cannot write an upload buffer file under .*\(fs\.oss\.buffer\.dir\)/);
    await part.release();
    await buffers.close();
    await rm(dir, { recursive: true, force: true });
  });
});

