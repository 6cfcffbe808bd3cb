import { Worker } from 'node:worker_threads';
import { CRC64_WASM_BASE64 } from './crc64-wasm.js';
import { nativeCrc64 } from './crc64-native.js';
import { Crc64, crc64KernelTables } from './crc64.js';

/**
 * The same WebAssembly kernel as Crc64, in a worker thread: one register per running CRC, bytes applied
 * in the order they arrive, the value answered on request. CommonJS, because an eval'd worker is.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const kernel = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(workerData.wasm, 'base64'))).exports;
const TABLE_BYTES = workerData.tables.byteLength;
new BigUint64Array(kernel.memory.buffer, 0, TABLE_BYTES / 8).set(workerData.tables);
const MASK = (1n << 64n) - 1n;
const registers = new Map();
parentPort.on('message', (m) => {
  if (m.bytes) {
    const data = new Uint8Array(m.bytes, 0, m.length);
    let register = registers.has(m.id) ? registers.get(m.id) : MASK;
    for (let at = 0; at < data.length; at += workerData.chunk) {
      const piece = data.subarray(at, Math.min(data.length, at + workerData.chunk));
      new Uint8Array(kernel.memory.buffer).set(piece, TABLE_BYTES);
      register = kernel.update(register, TABLE_BYTES, piece.length);
    }
    registers.set(m.id, register);
    // A batch buffer goes back to be filled again; a given one is dropped here.
    if (m.recycle) parentPort.postMessage({ id: m.id, done: data.length, bytes: m.bytes }, [m.bytes]);
    else parentPort.postMessage({ id: m.id, done: data.length });
  } else if (m.digest) {
    const register = registers.has(m.id) ? registers.get(m.id) : MASK;
    registers.delete(m.id);
    parentPort.postMessage({ id: m.id, value: (~BigInt.asUintN(64, register) & MASK).toString() });
  }
});
`;

const CHUNK = 1024 * 1024;
/** Bytes one CRC may have on their way to the worker before update() makes its caller wait. */
const MAX_PENDING = 32 * 1024 * 1024;
/**
 * Copied bytes travel in batches of this size, in buffers the worker hands back: one copy per byte, no
 * allocation per update (a 1 MiB zero-filled buffer per read cost more in collection than the copy), and
 * one message per batch rather than per update.
 */
const BATCH = CHUNK;
/** Batch buffers kept for reuse across CRCs (the rest are left to the collector). */
const POOL_MAX = 8;

interface Waiting {
  pending: number;
  drained: Array<() => void>;
  answer?: { resolve: (value: string) => void; reject: (error: Error) => void };
  /** The batch being filled (a pooled buffer) and how much of it. */
  batch?: Uint8Array;
  filled: number;
}

/** One worker for the process, started at first use; referenced only while a CRC is running. */
class Crc64Service {
  readonly #worker: Worker;
  readonly #running = new Map<number, Waiting>();
  readonly #pool: ArrayBuffer[] = [];
  #nextId = 1;
  failure: Error | undefined;

  constructor(tables: BigUint64Array) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { wasm: CRC64_WASM_BASE64, tables, chunk: CHUNK } });
    this.#worker.unref();
    this.#worker.on('message', (m: { id: number; done?: number; value?: string; bytes?: ArrayBuffer }) => {
      if (m.bytes && this.#pool.length < POOL_MAX) this.#pool.push(m.bytes);
      const waiting = this.#running.get(m.id);
      if (!waiting) return;
      if (m.done !== undefined) {
        waiting.pending -= m.done;
        if (waiting.pending <= MAX_PENDING / 2) for (const resolve of waiting.drained.splice(0)) resolve();
      } else if (m.value !== undefined) {
        this.#finish(m.id);
        waiting.answer?.resolve(m.value);
      }
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the CRC-64 worker exited (${code})`)));
  }

  #fail(error: Error): void {
    this.failure ??= error;
    for (const [id, waiting] of this.#running) {
      this.#finish(id);
      for (const resolve of waiting.drained.splice(0)) resolve();
      waiting.answer?.reject(this.failure);
    }
  }

  begin(): number {
    const id = this.#nextId++;
    // Referenced while a CRC runs: a caller awaiting its value must keep the process alive.
    if (this.#running.size === 0) this.#worker.ref();
    this.#running.set(id, { pending: 0, drained: [], filled: 0 });
    return id;
  }

  #finish(id: number): void {
    const waiting = this.#running.get(id);
    if (waiting?.batch && this.#pool.length < POOL_MAX) this.#pool.push(waiting.batch.buffer as ArrayBuffer);
    this.#running.delete(id);
    if (this.#running.size === 0) this.#worker.unref();
  }

  update(id: number, data: Uint8Array, give: boolean): Promise<void> | undefined {
    const waiting = this.#running.get(id);
    if (!waiting) return undefined;
    // Transferred as is when given and sole owner of its memory (after the batch before it: bytes are
    // applied in order); else copied into batches (Buffer#slice would be a view, and transferring it would
    // detach the caller's memory).
    const whole = give && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    if (whole) {
      this.#sendBatch(id, waiting);
      waiting.pending += data.length;
      this.#worker.postMessage({ id, bytes: data.buffer, length: data.length }, [data.buffer as ArrayBuffer]);
    } else {
      for (let at = 0; at < data.length; ) {
        waiting.batch ??= new Uint8Array(this.#pool.pop() ?? new ArrayBuffer(BATCH));
        const n = Math.min(data.length - at, BATCH - waiting.filled);
        waiting.batch.set(data.subarray(at, at + n), waiting.filled);
        waiting.filled += n;
        at += n;
        if (waiting.filled === BATCH) this.#sendBatch(id, waiting);
      }
    }
    if (waiting.pending <= MAX_PENDING) return undefined;
    return new Promise((resolve) => waiting.drained.push(resolve));
  }

  /** Sends the batch being filled, if any bytes are in it. */
  #sendBatch(id: number, waiting: Waiting): void {
    if (!waiting.batch || waiting.filled === 0) return;
    const buffer = waiting.batch.buffer as ArrayBuffer;
    waiting.pending += waiting.filled;
    this.#worker.postMessage({ id, bytes: buffer, length: waiting.filled, recycle: true }, [buffer]);
    waiting.batch = undefined;
    waiting.filled = 0;
  }

  digest(id: number): Promise<string> {
    const waiting = this.#running.get(id);
    if (!waiting) return Promise.reject(this.failure ?? new Error('this CRC-64 was already digested'));
    this.#sendBatch(id, waiting);
    return new Promise((resolve, reject) => {
      waiting.answer = { resolve, reject };
      this.#worker.postMessage({ id, digest: true });
    });
  }

  /** Drops a CRC no one will ask for (a stream closed early). */
  cancel(id: number): void {
    if (!this.#running.has(id)) return;
    this.#finish(id);
    this.#worker.postMessage({ id, digest: true });
  }
}

let service: Crc64Service | undefined | null;

function getService(): Crc64Service | undefined {
  // The native kernel computes faster than the bytes could be copied to a worker.
  if (nativeCrc64) return undefined;
  if (service === undefined) {
    const tables = crc64KernelTables();
    try {
      service = tables ? new Crc64Service(tables) : null;
    } catch {
      service = null;
    }
  }
  return service && !service.failure ? service : undefined;
}

/**
 * A CRC-64 computed off the caller's thread (a worker) where only the WebAssembly kernel is present, for
 * streams that would otherwise spend a core's second per GiB on it: the reader's thread only copies the
 * bytes. With the native kernel (a tenth of that) it is computed in place: the copy would cost more. update() answers a promise when too
 * many bytes are still on their way (then wait for it); digest() answers the value once all are applied.
 * Without workers (or if the worker fails before the first byte) it computes in the caller's thread too.
 */
export class Crc64Offload {
  #id: number | undefined;
  #local: Crc64 | undefined;

  constructor() {
    const s = getService();
    if (s) this.#id = s.begin();
    else this.#local = new Crc64();
  }

  /** Adds `data` (copied: the caller keeps it). */
  update(data: Uint8Array): Promise<void> | undefined {
    if (this.#local) {
      this.#local.update(data);
      return undefined;
    }
    return service!.update(this.#id!, data, false);
  }

  /** Adds `data`, which the caller gives up: its memory may be moved to the worker without a copy. */
  give(data: Uint8Array): Promise<void> | undefined {
    if (this.#local) {
      this.#local.update(data);
      return undefined;
    }
    return service!.update(this.#id!, data, true);
  }

  async digest(): Promise<string> {
    if (this.#local) return this.#local.digest();
    return service!.digest(this.#id!);
  }

  /** Stops without a value (the reader stopped before EOF). */
  cancel(): void {
    if (this.#id !== undefined) service?.cancel(this.#id);
  }
}

/** The CRC-64 (decimal) of `data`, computed off the caller's thread where a worker is available. */
export async function crc64Offloaded(data: Uint8Array): Promise<string> {
  const crc = new Crc64Offload();
  await crc.update(data);
  return crc.digest();
}
