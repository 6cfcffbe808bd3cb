import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Crc64, Crc64Js, crc64, crc64Combine } from '@hadoopfs/core';

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
      { seed: 64, numRuns: 300 },
    );
  });

  it('property: combining the CRCs of two pieces gives the CRC of their concatenation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 2000 }), (a, b) => {
        expect(crc64Combine(crc64(a), crc64(b), b.length)).toBe(crc64(Buffer.concat([a, b])));
      }),
      { seed: 65, numRuns: 200 },
    );
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
