import { IllegalArgumentError } from './errors.js';
import type { FileStatus, FsPermission } from './file-status.js';
import type { FSDataInputStream } from './input-stream.js';
import type { FSDataOutputStream } from './output-stream.js';
import type { Path } from './path.js';

/** Hadoop's openFile() option keys (Options.OpenFileOptions). */
export const OpenFileOptions = {
  READ_POLICY: 'fs.option.openfile.read.policy',
  LENGTH: 'fs.option.openfile.length',
  SPLIT_START: 'fs.option.openfile.split.start',
  SPLIT_END: 'fs.option.openfile.split.end',
  BUFFER_SIZE: 'fs.option.openfile.buffer.size',
} as const;

/** fs.option.openfile.read.policy values; a list is read in order, the first one known wins. */
export const READ_POLICIES = ['adaptive', 'default', 'random', 'sequential', 'vector', 'whole-file', 'columnar', 'orc', 'parquet', 'avro', 'csv', 'json'] as const;

/** The options a builder was given: opt() ones may be ignored, must() ones must be understood. */
class BuilderOptions {
  readonly optional = new Map<string, string>();
  readonly mandatory = new Map<string, string>();

  get(key: string): string | undefined {
    return this.mandatory.get(key) ?? this.optional.get(key);
  }

  /** Hadoop's rejectUnknownMandatoryKeys: build() fails naming a must() key nobody knows. */
  rejectUnknown(known: ReadonlySet<string>, what: string): void {
    for (const key of this.mandatory.keys()) {
      if (!known.has(key)) throw new IllegalArgumentError(`${what}: unknown mandatory key "${key}"`);
    }
  }
}

export interface ResolvedOpenOptions {
  bufferSize: number;
  /** Known from fs.option.openfile.length or withFileStatus(): a store may skip its metadata request. */
  length?: number;
  /** withFileStatus(): the file's status as a listing gave it (an object store's ETag included). */
  status?: FileStatus;
  /** fs.option.openfile.read.policy as given ('default' when none). */
  readPolicy: string;
}

/**
 * Hadoop's FutureDataInputStreamBuilder: `fs.openFile(path).opt(k, v).must(k, v).withFileStatus(s).build()`
 * returns a promise of the stream, as Hadoop's build() returns a future. Unknown opt() keys are ignored;
 * an unknown must() key rejects the promise.
 */
export class FutureDataInputStreamBuilder {
  readonly #options = new BuilderOptions();
  #status: FileStatus | undefined;
  #bufferSize: number | undefined;
  #signal: AbortSignal | undefined;

  constructor(
    readonly path: Path,
    private readonly open: (options: Omit<ResolvedOpenOptions, 'bufferSize'> & { bufferSize?: number; signal?: AbortSignal }) => Promise<FSDataInputStream>,
    private readonly knownKeys: ReadonlySet<string>,
  ) {}

  opt(key: string, value: string | number | boolean): this {
    this.#options.optional.set(key, String(value));
    return this;
  }

  must(key: string, value: string | number | boolean): this {
    this.#options.mandatory.set(key, String(value));
    return this;
  }

  /** Closes the stream when the signal fires (as open()'s `signal`). */
  withSignal(signal: AbortSignal): this {
    this.#signal = signal;
    return this;
  }

  /** The file's status, if the caller has it (a listing): it must be the file's own path; null is ignored. */
  withFileStatus(status: FileStatus | null | undefined): this {
    if (status && status.path.getName() !== this.path.getName()) {
      throw new IllegalArgumentError(`openFile(${this.path.toString()}): withFileStatus() of another file, ${status.path.toString()}`);
    }
    this.#status = status ?? undefined;
    return this;
  }

  bufferSize(size: number): this {
    this.#bufferSize = size;
    return this;
  }

  async build(): Promise<FSDataInputStream> {
    this.#options.rejectUnknown(this.knownKeys, `openFile(${this.path.toString()})`);
    const lengthText = this.#options.get(OpenFileOptions.LENGTH);
    const length = lengthText === undefined ? undefined : Number(lengthText);
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
      throw new IllegalArgumentError(`openFile(${this.path.toString()}): ${OpenFileOptions.LENGTH} = "${lengthText}" is not a length`);
    }
    const policies = (this.#options.get(OpenFileOptions.READ_POLICY) ?? 'default').split(',').map((p) => p.trim().toLowerCase());
    const readPolicy = policies.find((p) => (READ_POLICIES as readonly string[]).includes(p)) ?? 'default';
    const bufferText = this.#options.get(OpenFileOptions.BUFFER_SIZE);
    const bufferSize = this.#bufferSize ?? (bufferText === undefined ? undefined : Number(bufferText));
    return this.open({
      readPolicy,
      ...(this.#status ? { status: this.#status, length: this.#status.length } : length !== undefined ? { length } : {}),
      ...(bufferSize !== undefined && Number.isSafeInteger(bufferSize) && bufferSize > 0 ? { bufferSize } : {}),
      ...(this.#signal ? { signal: this.#signal } : {}),
    });
  }
}

export interface BuiltCreateOptions {
  overwrite: boolean;
  recursive: boolean;
  bufferSize?: number;
  blockSize?: number;
  replication?: number;
  permission?: FsPermission;
  signal?: AbortSignal;
}

/**
 * Hadoop's FSDataOutputStreamBuilder: `fs.createFile(path)` (overwrite by default, and — as Hadoop's —
 * not recursive unless .recursive() is called) or `fs.appendFile(path)`; `build()` returns a promise of
 * the stream. Unknown opt() keys are ignored; an unknown must() key rejects the promise.
 */
export class FSDataOutputStreamBuilder {
  readonly #options = new BuilderOptions();
  readonly #create: BuiltCreateOptions = { overwrite: true, recursive: false };

  constructor(
    readonly path: Path,
    private readonly mode: 'create' | 'append',
    private readonly start: (mode: 'create' | 'append', options: BuiltCreateOptions) => Promise<FSDataOutputStream>,
    private readonly knownKeys: ReadonlySet<string>,
  ) {}

  overwrite(overwrite: boolean): this {
    this.#create.overwrite = overwrite;
    return this;
  }

  recursive(): this {
    this.#create.recursive = true;
    return this;
  }

  permission(permission: FsPermission): this {
    this.#create.permission = permission;
    return this;
  }

  bufferSize(size: number): this {
    this.#create.bufferSize = size;
    return this;
  }

  blockSize(size: number): this {
    this.#create.blockSize = size;
    return this;
  }

  replication(replication: number): this {
    this.#create.replication = replication;
    return this;
  }

  /** Aborts the stream when the signal fires (as create()'s `signal`). */
  withSignal(signal: AbortSignal): this {
    this.#create.signal = signal;
    return this;
  }

  opt(key: string, value: string | number | boolean): this {
    this.#options.optional.set(key, String(value));
    return this;
  }

  must(key: string, value: string | number | boolean): this {
    this.#options.mandatory.set(key, String(value));
    return this;
  }

  async build(): Promise<FSDataOutputStream> {
    this.#options.rejectUnknown(this.knownKeys, `${this.mode === 'create' ? 'createFile' : 'appendFile'}(${this.path.toString()})`);
    return this.start(this.mode, this.#create);
  }
}
