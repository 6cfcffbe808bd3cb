import { IOError, Path, type FsFileHandle, type FsPromisesApi } from '@hadoopfs/core';

/**
 * A fault for mem:// to inject (`fs.faults.add(…)`): an operation that fails or is slow, or a stream whose
 * bytes stop after a point — what memfs, mock-fs and aws-sdk-client-mock users reach for in a test.
 */
export interface MemoryFault {
  /**
   * A public operation by Hadoop's name — `create`, `createNonRecursive`, `open`, `append`, `rename`,
   * `delete`, `mkdirs`, `getFileStatus`, `listStatus`, `exists`, `getContentSummary`, `concat`, … — or
   * `write` / `read`: the bytes of a stream opened after the fault was added (with `afterBytes`).
   */
  operation: string;
  /** Only this path (qualified or not; for rename, the source), or the paths a RegExp matches in qualified form. */
  path?: string | Path | RegExp;
  /** Only the n-th matching call (1-based), once. */
  nth?: number;
  /** How many matching calls it hits (default: every one; 1 with `nth`). */
  times?: number;
  /** What the call rejects with (default an IOError naming the operation and path). */
  error?: Error | ((operation: string, path: Path) => Error);
  /** Milliseconds the call waits first; with no `error`, the call then goes on (a slow operation). */
  delayMs?: number;
  /** write / read: the bytes that go through before the stream fails (a disk that fills, a connection that drops). */
  afterBytes?: number;
}

interface Armed {
  fault: MemoryFault;
  matched: number;
  hits: number;
  test: (qualified: Path) => boolean;
}

const STREAM_OPERATIONS = new Set(['write', 'read']);

/** mem://'s faults, in the order they were added; the first that hits a call decides it. */
export class MemoryFaults {
  readonly #armed: Armed[] = [];
  readonly #qualify: (path: string | Path) => Path;
  readonly #changed: () => void;

  constructor(qualify: (path: string | Path) => Path, changed: () => void) {
    this.#qualify = qualify;
    this.#changed = changed;
  }

  /** Arms a fault; the function returned disarms it. */
  add(fault: MemoryFault): () => void {
    if (typeof fault?.operation !== 'string' || fault.operation === '') throw new TypeError('faults.add: operation must be an operation name (create, open, rename, …, write, read)');
    for (const key of ['nth', 'times', 'delayMs', 'afterBytes'] as const) {
      const value = fault[key];
      if (value !== undefined && (!Number.isInteger(value) || value < (key === 'nth' ? 1 : 0))) throw new TypeError(`faults.add: ${key} must be a ${key === 'nth' ? 'positive' : 'non-negative'} integer, got ${String(value)}`);
    }
    if (STREAM_OPERATIONS.has(fault.operation) && fault.afterBytes === undefined) throw new TypeError(`faults.add: a ${fault.operation} fault needs afterBytes (the bytes that go through first)`);
    const where = fault.path;
    const qualified = where === undefined || where instanceof RegExp ? undefined : this.#qualify(where).toString();
    const test =
      where === undefined ? () => true : where instanceof RegExp ? (p: Path) => where.test(p.toString()) : (p: Path) => p.toString() === qualified;
    const armed: Armed = { fault, matched: 0, hits: 0, test };
    this.#armed.push(armed);
    this.#changed();
    return () => {
      const at = this.#armed.indexOf(armed);
      if (at >= 0) this.#armed.splice(at, 1);
      this.#changed();
    };
  }

  clear(): void {
    this.#armed.length = 0;
    this.#changed();
  }

  get size(): number {
    return this.#armed.length;
  }

  /** Whether a stream fault is armed (then mem:// hands out counting file handles). */
  get hasStreamFaults(): boolean {
    return this.#armed.some((a) => STREAM_OPERATIONS.has(a.fault.operation));
  }

  /** The fault that hits this call of `operation` on `path`, counting the call against each that matches. */
  #hit(operation: string, path: Path): MemoryFault | undefined {
    let hit: MemoryFault | undefined;
    for (const armed of this.#armed) {
      if (armed.fault.operation !== operation || !armed.test(path)) continue;
      armed.matched++;
      const { nth, times } = armed.fault;
      const limit = times ?? (nth !== undefined ? 1 : Infinity);
      const due = nth !== undefined ? armed.matched >= nth : true;
      if (hit === undefined && due && armed.hits < limit) {
        armed.hits++;
        hit = armed.fault;
      }
    }
    return hit;
  }

  /** Before an operation's work: waits and rejects as the fault that hits it says. */
  async before(operation: string, path: Path): Promise<void> {
    const fault = this.#hit(operation, path);
    if (!fault) return;
    if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.error === undefined && fault.delayMs !== undefined) return;
    throw errorOf(fault, operation, path);
  }

  /** The volume's API with file handles that count a stream's bytes against the stream faults. */
  wrap(api: FsPromisesApi, qualify: (native: string) => Path): FsPromisesApi {
    const open = async (native: string, flags: string | number, mode?: number): Promise<FsFileHandle> => {
      const handle = await api.open(native, flags, mode);
      const writing = typeof flags === 'string' ? /[wa+]/.test(flags) : true;
      const path = qualify(native);
      const fault = this.#hit(writing ? 'write' : 'read', path);
      return fault ? limited(handle, fault, writing ? 'write' : 'read', path) : handle;
    };
    return new Proxy(api, {
      get: (target, key) => {
        if (key === 'open') return open;
        const value: unknown = Reflect.get(target, key, target);
        // The volume's methods run on the volume, not on this proxy.
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

function errorOf(fault: MemoryFault, operation: string, path: Path): Error {
  if (typeof fault.error === 'function') return fault.error(operation, path);
  return fault.error ?? new IOError(`injected fault: ${operation} ${path.toString()}`, 'EIO', { path: path.toString() });
}

/** A file handle whose writes (or reads) stop with the fault's error after `afterBytes`. */
function limited(handle: FsFileHandle, fault: MemoryFault, operation: 'write' | 'read', path: Path): FsFileHandle {
  let moved = 0;
  const left = () => fault.afterBytes! - moved;
  return {
    stat: () => handle.stat(),
    sync: () => handle.sync(),
    close: () => handle.close(),
    async write(buffer, offset, length, position) {
      if (operation !== 'write') return handle.write(buffer, offset, length, position);
      if (left() <= 0) throw errorOf(fault, operation, path);
      const n = Math.min(length, left());
      const { bytesWritten } = await handle.write(buffer, offset, n, position);
      moved += bytesWritten;
      if (bytesWritten < length && left() <= 0) throw errorOf(fault, operation, path);
      return { bytesWritten };
    },
    async read(buffer, offset, length, position) {
      if (operation !== 'read') return handle.read(buffer, offset, length, position);
      if (left() <= 0) throw errorOf(fault, operation, path);
      const { bytesRead } = await handle.read(buffer, offset, Math.min(length, left()), position);
      moved += bytesRead;
      return { bytesRead };
    },
  };
}
