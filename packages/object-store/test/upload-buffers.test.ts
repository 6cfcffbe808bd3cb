import { describe, expect, it } from 'vitest';
import { crc64 } from '@hadoopfs/core';
import { UploadBuffers } from '@hadoopfs/object-store';

const PART = 1024 * 1024;
const buffersOf = () => new UploadBuffers({ mode: 'array', dirs: [], dirsKey: 'fs.oss.buffer.dir', folder: 'test', memoryLimit: 64 * PART }, PART, 4);

describe('PartBuffer.split', () => {
  it('cuts a memory part into pieces that share its memory: their bytes in order, the last with the remainder, the memory given back once all are released', async () => {
    const buffers = buffersOf();
    const part = buffers.newPart(PART, true);
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
    const next = buffers.newPart(PART, true);
    next.append(Buffer.from('x'));
    const [{ body }] = [await next.seal(false)];
    expect((body as Buffer).buffer).toBe((sealed[0]!.body as Buffer).buffer);
  });

  it('a piece split again gives the memory back once, after the last of all pieces', async () => {
    const buffers = buffersOf();
    const part = buffers.newPart(PART, true);
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
