import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Crc64, Crc64Js, Crc64Offload, crc64, crc64Combine, crc64Concat, crc64Offloaded } from '@hadoopfs/core';

describe('CRC-64 as OSS computes it (crc64ecma = CRC-64/XZ)', () => {
  it('matches the check values of the CRC-64/XZ catalogue entry', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('995dc9bbdf1939fa');
    expect(crc64(new Uint8Array(0))).toBe(0n);
    expect(new Crc64().update(Buffer.from('1234')).update(Buffer.from('56789')).digest()).toBe(0x995dc9bbdf1939fan.toString());
  });

  it('property: the WebAssembly kernel agrees with the JavaScript one, in any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 5 }), (data, cuts) => {
        const wasm = new Crc64();
        let at = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          wasm.update(data.subarray(at, Math.max(at, Math.min(cut, data.length))));
          at = Math.max(at, Math.min(cut, data.length));
        }
        wasm.update(data.subarray(at));
        expect(wasm.value()).toBe(new Crc64Js().update(data).value());
      }),
      propertyRun('crc64-pieces', { runs: 300, longRuns: 3000 }).parameters,
    );
  });

  it('property: on four lanes (pieces of 4 KiB and more, joined by multiplication) the kernel agrees with the JavaScript one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4090, maxLength: 70_000 }), fc.array(fc.nat(70_000), { maxLength: 3 }), (data, cuts) => {
        const wasm = new Crc64();
        let at = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          const to = Math.max(at, Math.min(cut, data.length));
          wasm.update(data.subarray(at, to));
          at = to;
        }
        wasm.update(data.subarray(at));
        expect(wasm.value()).toBe(new Crc64Js().update(data).value());
      }),
      propertyRun('crc64-lanes', { runs: 100, longRuns: 1000 }).parameters,
    );
  });

  it('property: combining the CRCs of two pieces gives the CRC of their concatenation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 2000 }), (a, b) => {
        expect(crc64Combine(crc64(a), crc64(b), b.length)).toBe(crc64(Buffer.concat([a, b])));
      }),
      propertyRun('crc64-combine', { runs: 200, longRuns: 2000 }).parameters,
    );
  });

  it('combines across many pieces of one length (the operator reused), as a multipart object does', () => {
    const parts = Array.from({ length: 40 }, (_, i) => new Uint8Array(i === 39 ? 17 : 1000).map((_, j) => (i * 7 + j) & 0xff));
    expect(crc64Concat(parts.map((p) => ({ crc64: crc64(p), size: p.length })))).toBe(crc64(Buffer.concat(parts)));
    expect(crc64Concat([])).toBe(0n);
  });

  it('computed off the thread (Crc64Offload): the same value, and the caller\'s bytes untouched', async () => {
    const data = Buffer.from(new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => (i * 13) & 0xff));
    const view = data.subarray(1000, 2_000_000);
    const offload = new Crc64Offload();
    await offload.update(view);
    await offload.update(data.subarray(2_000_000));
    expect(await offload.digest()).toBe(crc64(data.subarray(1000)).toString());
    // Transferring a view of the caller's memory would have detached it.
    expect(view.length).toBe(2_000_000 - 1000);
    expect(data[4_000_000]).toBe((4_000_000 * 13) & 0xff);
    expect(await crc64Offloaded(Buffer.from('123456789'))).toBe(0x995dc9bbdf1939fan.toString());
    const cancelled = new Crc64Offload();
    await cancelled.update(data);
    cancelled.cancel();
    await expect(cancelled.digest()).rejects.toThrow(/already digested/);
  });

  it('handles inputs larger than the kernel’s 1 MiB window', () => {
    const data = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => (i * 31) & 0xff);
    expect(crc64(data)).toBe(new Crc64Js().update(data).value());
  });

  it('the committed WebAssembly module is what wasm/crc64.wat compiles to', async () => {
    const { compileCrc64Wasm, renderModule } = (await import(fileURLToPath(new URL('../wasm/build.mjs', import.meta.url)))) as {
      compileCrc64Wasm(): Promise<string>;
      renderModule(base64: string): string;
    };
    const committed = readFileSync(fileURLToPath(new URL('../src/crc64-wasm.ts', import.meta.url)), 'utf8');
    expect(committed).toBe(renderModule(await compileCrc64Wasm()));
  });
});
