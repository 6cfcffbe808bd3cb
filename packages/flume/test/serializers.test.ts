import { describe, expect, it } from 'vitest';
import type { FlumeEvent } from '@hadoopfs/flume';
import { serializeChunks } from '../src/serializers.js';

/** Each chunk copied as it comes: a chunk of the scratch buffer is valid until the next step. */
function serialised(events: FlumeEvent[], scratch = Buffer.alloc(64)): Buffer[] {
  const chunks: Buffer[] = [];
  for (const chunk of serializeChunks(events, 'TEXT', true, scratch)) chunks.push(Buffer.from(chunk));
  return chunks;
}

describe('serializeChunks (TEXT, newline after each event)', () => {
  it('hands on lines that lie one after another in one buffer as that stretch of it, and copies the others', () => {
    const text = Buffer.from(Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\nrest');
    const lines: FlumeEvent[] = [];
    for (let start = 0, nl = text.indexOf(10); nl >= 0; start = nl + 1, nl = text.indexOf(10, start)) lines.push({ headers: {}, body: text.subarray(start, nl) });
    const loose: FlumeEvent = { headers: {}, body: Buffer.from('loose') };
    const chunks = serialised([loose, ...lines, loose]);
    expect(Buffer.concat(chunks).toString()).toBe(`loose\n${text.subarray(0, text.lastIndexOf(10) + 1).toString()}loose\n`);
    // The forty lines: one view of the buffer they came from, not a copy.
    const run = chunks.find((c) => c.length === text.lastIndexOf(10) + 1);
    expect(run).toBeDefined();
    expect([...serializeChunks(lines, 'TEXT', true, Buffer.alloc(64))][0]!.buffer).toBe(text.buffer);
  });

  it('copies lines one by one where a byte between them is not a newline, or the last has none after it', () => {
    const crlf = Buffer.from(Array.from({ length: 20 }, (_, i) => `l${i}`).join('\r\n') + '\r\n');
    const events: FlumeEvent[] = [];
    for (let start = 0, nl = crlf.indexOf(13); nl >= 0; start = nl + 2, nl = crlf.indexOf(13, start)) events.push({ headers: {}, body: crlf.subarray(start, nl) });
    expect(Buffer.concat(serialised(events)).toString()).toBe(Array.from({ length: 20 }, (_, i) => `l${i}\n`).join(''));
    const unterminated = Buffer.from(Array.from({ length: 20 }, (_, i) => `u${i}`).join('\n'));
    const bodies: FlumeEvent[] = unterminated.toString().split('\n').map((_, i, all) => {
      const start = all.slice(0, i).reduce((n, s) => n + s.length + 1, 0);
      return { headers: {}, body: unterminated.subarray(start, start + all[i]!.length) };
    });
    expect(Buffer.concat(serialised(bodies)).toString()).toBe(`${unterminated.toString()}\n`);
  });

  it('finds runs in each of several buffers taken in turn, and copies bodies that are adjacent in one buffer without a newline between them', () => {
    const linesOf = (text: Buffer): FlumeEvent[] => {
      const out: FlumeEvent[] = [];
      for (let start = 0, nl = text.indexOf(10); nl >= 0; start = nl + 1, nl = text.indexOf(10, start)) out.push({ headers: {}, body: text.subarray(start, nl) });
      return out;
    };
    // Buffers of their own (Buffer.from(string) may place both in one shared pool).
    const own = (text: string) => Buffer.from(new TextEncoder().encode(text).buffer);
    const a = own(Array.from({ length: 20 }, (_, i) => `a${i}\n`).join(''));
    const b = own(Array.from({ length: 20 }, (_, i) => `b${i}\n`).join(''));
    // One buffer holding bodies end to end (as small Buffers share a pool): no newline between them.
    const packed = Buffer.from('p0p1p2p3p4p5p6p7p8p9q0q1q2q3q4q5q6q7q8q9');
    const adjacent: FlumeEvent[] = Array.from({ length: 20 }, (_, i) => ({ headers: {}, body: packed.subarray(2 * i, 2 * i + 2) }));
    const events = [...linesOf(a), ...adjacent, ...linesOf(b), ...linesOf(a)];
    const chunks = [...serializeChunks(events, 'TEXT', true, Buffer.alloc(64))].map((c) => ({ buffer: c.buffer, text: Buffer.from(c).toString() }));
    expect(chunks.map((c) => c.text).join('')).toBe(`${a.toString()}${adjacent.map((e) => `${Buffer.from(e.body).toString()}\n`).join('')}${b.toString()}${a.toString()}`);
    expect(chunks.filter((c) => c.buffer === a.buffer).map((c) => c.text)).toEqual([a.toString(), a.toString()]);
    expect(chunks.filter((c) => c.buffer === b.buffer).map((c) => c.text)).toEqual([b.toString()]);
  });
});
