import fc from 'fast-check';
import { propertyRun } from '../../../test/fixtures/property-run.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { Crc64, Crc64Js, Crc64Offload, crc64, crc64Combine, crc64Concat, crc64Kernel, crc64Offloaded } from '@hadoopfs/core';
import { nativeCrc64 } from '../src/crc64-native.js';

/** The module loaded afresh with HADOOPFS_CRC64_KERNEL set: how the WebAssembly kernel and the worker are tested beside the native one. */
async function withKernel<T>(kernel: string, load: () => Promise<T>): Promise<T> {
  vi.stubEnv('HADOOPFS_CRC64_KERNEL', kernel);
  vi.resetModules();
  try {
    return await load();
  } finally {
    vi.unstubAllEnvs();
    vi.resetModules();
  }
}
const wasmKernel = await withKernel('wasm', () => import('../src/crc64.js'));
const wasmOffload = await withKernel('wasm', () => import('../src/crc64-offload.js'));

/** `data` cut at `cuts` (sorted, clamped), each piece given to `update` in turn. */
function inPieces(data: Uint8Array, cuts: number[], update: (piece: Uint8Array) => void): void {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const to = Math.max(at, Math.min(cut, data.length));
    update(data.subarray(at, to));
    at = to;
  }
  update(data.subarray(at));
}

describe('CRC-64 as OSS computes it (crc64ecma = CRC-64/XZ)', () => {
  it('matches the check values of the CRC-64/XZ catalogue entry', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('995dc9bbdf1939fa');
    expect(crc64(new Uint8Array(0))).toBe(0n);
    expect(new Crc64().update(Buffer.from('1234')).update(Buffer.from('56789')).digest()).toBe(0x995dc9bbdf1939fan.toString());
  });

  it('property: the WebAssembly kernel agrees with the JavaScript one, in any chunking', () => {
    expect(wasmKernel.crc64Kernel()).toBe('wasm');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 5 }), (data, cuts) => {
        const wasm = new wasmKernel.Crc64();
        inPieces(data, cuts, (piece) => wasm.update(piece));
        expect(wasm.value()).toBe(new Crc64Js().update(data).value());
      }),
      propertyRun('crc64-pieces', { runs: 300, longRuns: 3000 }).parameters,
    );
  });

  it('property: on four lanes (pieces of 4 KiB and more, joined by multiplication) the kernel agrees with the JavaScript one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4090, maxLength: 70_000 }), fc.array(fc.nat(70_000), { maxLength: 3 }), (data, cuts) => {
        const wasm = new wasmKernel.Crc64();
        inPieces(data, cuts, (piece) => wasm.update(piece));
        expect(wasm.value()).toBe(new Crc64Js().update(data).value());
      }),
      propertyRun('crc64-lanes', { runs: 100, longRuns: 1000 }).parameters,
    );
  });

  it('the native kernel was built on this machine (x86-64 Linux with a C compiler) and is the one Crc64 runs', () => {
    // The README's install builds it (the package's install script); CI's machines have cc and Node's headers.
    expect(crc64Kernel()).toBe(`native-${nativeCrc64?.kernel()}`);
    if (process.platform === 'linux' && process.arch === 'x64') expect(nativeCrc64?.kernel()).toMatch(/^(vpclmulqdq|pclmul)$/);
    expect(new Crc64().update(Buffer.from('123456789')).value().toString(16)).toBe('995dc9bbdf1939fa');
  });

  it('property: every path of the native kernel this CPU has agrees with the JavaScript one, at any offset and in any chunking', () => {
    const kernel = nativeCrc64!;
    const paths = ['tables', 'pclmul', 'vpclmulqdq'].filter((path) => {
      try {
        kernel.updateWith(path, new BigUint64Array(1), new Uint8Array(1));
        return true;
      } catch {
        return false;
      }
    });
    expect(paths).toContain(kernel.kernel());
    const all = (1n << 64n) - 1n;
    fc.assert(
      fc.property(
        // Lengths around each path's thresholds (256, 1 024) and folds (16, 128, 256 bytes), from any byte offset.
        fc.oneof(fc.nat(1100), fc.integer({ min: 1000, max: 40_000 })),
        fc.nat(63),
        fc.array(fc.nat(40_000), { maxLength: 3 }),
        fc.integer({ min: 0, max: 0xffff }),
        (length, offset, cuts, seed) => {
          const backing = new Uint8Array(offset + length).map((_, i) => (i * 167 + seed + (i >> 7) * 31) & 0xff);
          const data = backing.subarray(offset);
          const expected = new Crc64Js().update(data).value();
          for (const path of paths) {
            const register = new BigUint64Array([all]);
            inPieces(data, cuts, (piece) => kernel.updateWith(path, register, piece));
            expect(~register[0]! & all, path).toBe(expected);
          }
        },
      ),
      propertyRun('crc64-native', { runs: 300, longRuns: 3000 }).parameters,
    );
  });

  it('the native kernel loads in worker threads too (its constants built once for the process), with the same values', async () => {
    const { Worker } = await import('node:worker_threads');
    const addon = fileURLToPath(new URL('../native/build/crc64.node', import.meta.url));
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const kernel = require(workerData.addon);
      const register = new BigUint64Array([(1n << 64n) - 1n]);
      kernel.update(register, new Uint8Array(100000).map((_, i) => (i * 7) & 0xff));
      parentPort.postMessage((~register[0] & ((1n << 64n) - 1n)).toString());
    `;
    const values = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const worker = new Worker(source, { eval: true, workerData: { addon } });
            worker.once('message', (value: string) => void worker.terminate().then(() => resolve(value)));
            worker.once('error', reject);
          }),
      ),
    );
    expect(values).toEqual(Array(3).fill(new Crc64Js().update(new Uint8Array(100000).map((_, i) => (i * 7) & 0xff)).digest()));
  });

  it('refuses a kernel variable it does not know, naming it', async () => {
    await expect(withKernel('fast', () => import('../src/crc64.js'))).rejects.toThrow(/HADOOPFS_CRC64_KERNEL="fast": expected native, wasm or js/);
    const js = await withKernel('js', () => import('../src/crc64.js'));
    expect(js.crc64Kernel()).toBe('js');
    expect(js.crc64(Buffer.from('123456789')).toString(16)).toBe('995dc9bbdf1939fa');
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

  it('computed off the thread (Crc64Offload, the WebAssembly kernel in a worker): the same value, and the caller\'s bytes untouched', async () => {
    const { Crc64Offload, crc64Offloaded } = wasmOffload;
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

  it('with the native kernel, Crc64Offload computes in place: the same value, given bytes kept whole', async () => {
    const data = Buffer.from(new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 29) & 0xff));
    const offload = new Crc64Offload();
    expect(offload.update(data.subarray(0, 5))).toBeUndefined();
    const given = new Uint8Array(data.subarray(5));
    expect(offload.give(given)).toBeUndefined();
    expect(given.length).toBe(data.length - 5);
    expect(await offload.digest()).toBe(crc64(data).toString());
    expect(await crc64Offloaded(data)).toBe(new Crc64Js().update(data).digest());
  });

  it('handles inputs larger than the kernel’s 1 MiB window', () => {
    const data = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => (i * 31) & 0xff);
    expect(wasmKernel.crc64(data)).toBe(new Crc64Js().update(data).value());
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
