/**
 * CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): the checksum OSS reports as
 * `x-oss-hash-crc64ecma`, as an unsigned decimal string. Computed on 32-bit halves with slicing-by-8
 * tables, since BigInt arithmetic per byte would make it the bottleneck of every upload.
 */
import { chosenCrc64Kernel, nativeCrc64 } from './crc64-native.js';
import { CRC64_WASM_BASE64 } from './crc64-wasm.js';

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

const TABLE_HI: Uint32Array[] = [];
const TABLE_LO: Uint32Array[] = [];

function buildTables(): void {
  const hi0 = new Uint32Array(256);
  const lo0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    hi0[n] = hi;
    lo0[n] = lo;
  }
  TABLE_HI.push(hi0);
  TABLE_LO.push(lo0);
  for (let t = 1; t < 8; t++) {
    const hiT = new Uint32Array(256);
    const loT = new Uint32Array(256);
    const prevHi = TABLE_HI[t - 1]!;
    const prevLo = TABLE_LO[t - 1]!;
    for (let n = 0; n < 256; n++) {
      const h = prevHi[n]!;
      const l = prevLo[n]!;
      const idx = l & 0xff;
      loT[n] = ((((l >>> 8) | (h << 24)) >>> 0) ^ lo0[idx]!) >>> 0;
      hiT[n] = ((h >>> 8) ^ hi0[idx]!) >>> 0;
    }
    TABLE_HI.push(hiT);
    TABLE_LO.push(loT);
  }
}
buildTables();

/** The same CRC in plain JavaScript: the reference the WebAssembly version is tested against. */
export class Crc64Js {
  // The register, kept inverted (init ~0) between updates.
  #hi = 0xffffffff;
  #lo = 0xffffffff;

  update(data: Uint8Array): this {
    let hi = this.#hi;
    let lo = this.#lo;
    const len = data.length;
    let i = 0;
    const [h0, h1, h2, h3, h4, h5, h6, h7] = TABLE_HI as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    const [l0, l1, l2, l3, l4, l5, l6, l7] = TABLE_LO as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    for (; i + 8 <= len; i += 8) {
      const a = (lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
      const b = (hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24))) >>> 0;
      const i0 = a & 0xff;
      const i1 = (a >>> 8) & 0xff;
      const i2 = (a >>> 16) & 0xff;
      const i3 = a >>> 24;
      const i4 = b & 0xff;
      const i5 = (b >>> 8) & 0xff;
      const i6 = (b >>> 16) & 0xff;
      const i7 = b >>> 24;
      hi = (h7[i0]! ^ h6[i1]! ^ h5[i2]! ^ h4[i3]! ^ h3[i4]! ^ h2[i5]! ^ h1[i6]! ^ h0[i7]!) >>> 0;
      lo = (l7[i0]! ^ l6[i1]! ^ l5[i2]! ^ l4[i3]! ^ l3[i4]! ^ l2[i5]! ^ l1[i6]! ^ l0[i7]!) >>> 0;
    }
    for (; i < len; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((((lo >>> 8) | (hi << 24)) >>> 0) ^ l0[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ h0[idx]!) >>> 0;
    }
    this.#hi = hi;
    this.#lo = lo;
    return this;
  }

  /** The CRC as an unsigned 64-bit value. */
  value(): bigint {
    return (BigInt((~this.#hi) >>> 0) << 32n) | BigInt((~this.#lo) >>> 0);
  }

  digest(): string {
    return this.value().toString();
  }
}

const MASK64 = (1n << 64n) - 1n;
const TABLE_BYTES = 8 * 256 * 8;
/** The kernel's constants (the tables, then x^(2^k) for its lanes' joining), and where its input begins. */
const KERNEL_BYTES = 17408;
const WASM_CHUNK = 1024 * 1024;

// The WebAssembly global exists in every Node.js we support; @types/node 20 leaves it undeclared.
declare const WebAssembly:
  | {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object) => { exports: unknown };
    }
  | undefined;

interface Crc64Wasm {
  memory: { buffer: ArrayBuffer };
  update(register: bigint, pointer: number, length: number): bigint;
  multmodp(a: bigint, b: bigint): bigint;
}

/** Instantiated once, synchronously: the module is tiny and every upload needs it. */
const wasm: Crc64Wasm | undefined = (() => {
  if (typeof WebAssembly === 'undefined' || WebAssembly === undefined || chosenCrc64Kernel() === 'js') return undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(CRC64_WASM_BASE64, 'base64')));
  const exports = instance.exports as unknown as Crc64Wasm;
  const tables = new BigUint64Array(exports.memory.buffer, 0, TABLE_BYTES / 8);
  for (let t = 0; t < 8; t++) {
    for (let n = 0; n < 256; n++) tables[t * 256 + n] = (BigInt(TABLE_HI[t]![n]!) << 32n) | BigInt(TABLE_LO[t]![n]!);
  }
  // x^(2^k) modulo the polynomial, reflected (x^1 is bit 62): the kernel's lanes are joined with them.
  const powers = new BigUint64Array(exports.memory.buffer, TABLE_BYTES, 64);
  powers[0] = 1n << 62n;
  for (let k = 1; k < 64; k++) powers[k] = exports.multmodp(powers[k - 1]!, powers[k - 1]!);
  return exports;
})();

/** The kernel's constants as the WebAssembly module expects them at address 0 (for a worker running the same kernel). */
export function crc64KernelTables(): BigUint64Array | undefined {
  return wasm ? new BigUint64Array(wasm.memory.buffer.slice(0, KERNEL_BYTES)) : undefined;
}

/** Which kernel a Crc64 runs: the native one (and the CPU path it took), the WebAssembly one, or JavaScript. */
export function crc64Kernel(): `native-${string}` | 'wasm' | 'js' {
  if (nativeCrc64) return `native-${nativeCrc64.kernel()}`;
  return wasm ? 'wasm' : 'js';
}

/**
 * Incremental CRC-64 state; `update` as data arrives, `digest` for OSS's decimal string. Runs the native
 * kernel where it was built (carry-less multiplies: several GB/s), else the WebAssembly one (slicing-by-8
 * on four lanes, ~1 GB/s), else JavaScript.
 */
export class Crc64 {
  /** The native kernel's register, kept in memory the addon reads and writes (no BigInt per update). */
  readonly #native = nativeCrc64 ? new BigUint64Array([MASK64]) : undefined;
  #register = MASK64;
  #js: Crc64Js | undefined = nativeCrc64 || wasm ? undefined : new Crc64Js();

  update(data: Uint8Array): this {
    if (this.#native) {
      nativeCrc64!.update(this.#native, data);
      return this;
    }
    if (this.#js) {
      this.#js.update(data);
      return this;
    }
    const kernel = wasm!;
    const memory = new Uint8Array(kernel.memory.buffer);
    for (let at = 0; at < data.length; at += WASM_CHUNK) {
      const piece = data.subarray(at, Math.min(data.length, at + WASM_CHUNK));
      memory.set(piece, KERNEL_BYTES);
      this.#register = kernel.update(this.#register, KERNEL_BYTES, piece.length);
    }
    return this;
  }

  value(): bigint {
    if (this.#native) return ~this.#native[0]! & MASK64;
    if (this.#js) return this.#js.value();
    return ~BigInt.asUintN(64, this.#register) & MASK64;
  }

  digest(): string {
    return this.value().toString();
  }
}

export function crc64(data: Uint8Array): bigint {
  return new Crc64().update(data).value();
}

const MASK = (1n << 64n) - 1n;
const REFLECTED_POLY = 0xc96c5795d7870f42n;

/** a·b modulo the polynomial, bits reflected (bit 63 is x⁰): zlib's multmodp in 64 bits. */
function multModP(a: bigint, b: bigint): bigint {
  let m = 1n << 63n;
  let p = 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ REFLECTED_POLY : b >> 1n;
  }
  return p;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: bigint[] = (() => {
  const table: bigint[] = [1n << 62n];
  for (let k = 1; k < 64; k++) table.push(multModP(table[k - 1]!, table[k - 1]!));
  return table;
})();

/** Operators x^(8·length) for the lengths combined lately: a multipart object's parts share one length. */
const SHIFTS = new Map<number, bigint>();

function shiftFor(length: number): bigint {
  let shift = SHIFTS.get(length);
  if (shift === undefined) {
    shift = 1n << 63n;
    let k = 3;
    for (let n = length; n > 0; n = Math.floor(n / 2), k++) if (n % 2 === 1) shift = multModP(X2N[k % 64]!, shift);
    if (SHIFTS.size >= 64) SHIFTS.clear();
    SHIFTS.set(length, shift);
  }
  return shift;
}

/**
 * The CRC of A‖B from crc(A), crc(B) and len(B): crc(A) times x^(8·len(B)), plus crc(B) (zlib's
 * crc32_combine_op, in 64 bits). How a multipart or appended object gets its CRC without reading its
 * bytes again; a few microseconds for a length combined before.
 */
export function crc64Combine(crcA: bigint, crcB: bigint, lengthB: number): bigint {
  if (lengthB <= 0) return crcA;
  return (multModP(shiftFor(lengthB), crcA & MASK) ^ crcB) & MASK;
}

/** The CRC of pieces one after another, from each piece's CRC (decimal string or value) and length. */
export function crc64Concat(pieces: Iterable<{ crc64: string | bigint; size: number }>): bigint {
  let crc: bigint | undefined;
  for (const piece of pieces) crc = crc === undefined ? BigInt(piece.crc64) : crc64Combine(crc, BigInt(piece.crc64), piece.size);
  return crc ?? 0n;
}
