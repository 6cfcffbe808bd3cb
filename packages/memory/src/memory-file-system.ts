import { totalmem } from 'node:os';
import { Volume } from 'memfs';
import {
  Configuration,
  ConfigurationError,
  FileAlreadyExistsError,
  FileNotFoundError,
  FileSystem,
  HDFS_RENAME_RULES,
  PathCapabilities,
  ParentNotDirectoryError,
  POSIX_RENAME_RULES,
  PosixFileSystem,
  UnsupportedOperationError,
  type FileStatus,
  type FileSystemUri,
  type FsPermission,
  type FsStatus,
  type FSDataOutputStream,
  type FsPromisesApi,
  Path,
  type RenameRules,
  type RequestListener,
  type ResolvedCreateOptions,
} from '@hadoopfs/core';
import { MemoryFaults } from './faults.js';
import { ObjectStoreOutputStream } from './object-store-stream.js';

/** Text that round-trips through UTF-8 as itself; other bytes as base64. */
function contentOf(bytes: Buffer): string | { base64: string } {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : { base64: bytes.toString('base64') };
}

/**
 * fs.mem.semantics: which filesystem mem:// behaves like.
 * - `hdfs` (the default): Hadoop's FileSystem specification as HDFS implements it (hdfs.xml) — rename
 *   never overwrites and answers false for a missing source, an existing destination file or a missing
 *   destination parent; seek past EOF refused, hflush visible at once.
 * - `posix`: Hadoop's RawLocalFileSystem, as file:// (rawlocal.xml: rename as rename(2), seek past EOF allowed).
 * - `object-store`: like OSS (aliyun-oss.xml) — nothing visible before close, no hflush/hsync, no append,
 *   rename as copy + delete one file at a time, a file destination replaced — so that a test suite on
 *   mem:// meets what an object store would show.
 */
export type MemorySemantics = 'hdfs' | 'posix' | 'object-store';

/**
 * The object-store profile's rename, as aliyun-oss.xml declares hadoop-aliyun's (rename-overwrites-dest):
 * a file replaces an existing file; a missing source or parent is FileNotFoundError.
 */
const OBJECT_STORE_RENAME_RULES: RenameRules = Object.freeze({ overwriteFile: true, createParents: false, replaceEmptyDirectory: false });
export const MEMORY_SEMANTICS_KEY = 'fs.mem.semantics';
const SEMANTICS: readonly MemorySemantics[] = ['hdfs', 'posix', 'object-store'];

export interface MemoryFileSystemOptions {
  /** An existing memfs volume to serve; by default each instance starts with an empty one. */
  volume?: Volume;
  /** Overrides fs.mem.semantics. */
  semantics?: MemorySemantics;
  /** The authority of `new MemoryFileSystem()`'s URI (default `default`: mem://default/). */
  authority?: string;
}

/**
 * A tree as JSON (snapshot() and MemoryFileSystem.of()): qualified paths to contents — a string for
 * UTF-8 text, `{ base64 }` for other bytes, null for an empty directory.
 */
export type MemorySnapshot = Record<string, string | { base64: string } | null>;

/** What of() and restore() take: a snapshot, or paths to strings and bytes. */
export type MemoryFiles = Record<string, string | Uint8Array | { base64: string } | null>;

/**
 * `mem://authority/…` on a memfs volume. The volume lives as long as this instance: FileSystem.get shares
 * it through the cache, FileSystem.newInstance starts empty, which is what an isolated test wants.
 * With the hdfs and posix semantics, hflush and hsync are honest: written bytes are in the volume,
 * visible to every reader, at once.
 */
export class MemoryFileSystem extends PosixFileSystem {
  static readonly SCHEME = 'mem';
  readonly #volume: Volume;
  #semantics: MemorySemantics;
  readonly #faults: MemoryFaults = new MemoryFaults(
    (path) => this.makeQualified(path),
    () => this.#hookIfNeeded(),
  );

  /** Usable at once, as mem://default/ (or `authority`); FileSystem.get/newInstance initialize it again for their URI. */
  constructor(options: MemoryFileSystemOptions = {}) {
    super();
    this.#volume = options.volume ?? new Volume();
    if (!options.volume) this.#volume.mkdirSync('/', { recursive: true });
    this.#semantics = options.semantics ?? 'hdfs';
    this.#fixed = options.semantics !== undefined;
    this.bind({ scheme: 'mem', authority: options.authority ?? 'default' }, new Configuration({ loadDefaults: false }));
  }

  /**
   * A test double in one call: a new filesystem at mem://<authority>/ holding `files` (paths or qualified
   * paths to contents, as snapshot() gives them). The set-up is not counted in its IOStatistics: a test
   * asserts the calls its code made.
   */
  static async of(files: MemoryFiles = {}, options: MemoryFileSystemOptions = {}): Promise<MemoryFileSystem> {
    const fs = new MemoryFileSystem(options);
    fs.restore(files);
    return fs;
  }

  /** The memfs volume behind this filesystem (non-enumerable: console.log does not dump it). */
  get volume(): Volume {
    return this.#volume;
  }

  /**
   * Faults to inject: `fs.faults.add({ operation: 'rename', nth: 2 })` fails the second rename,
   * `{ operation: 'write', path, afterBytes: 10 }` makes the next stream on `path` fail after 10 bytes,
   * `{ operation: 'open', delayMs: 50 }` slows every open. The function add() returns disarms the fault;
   * `faults.clear()` disarms all. See MemoryFault.
   */
  get faults(): MemoryFaults {
    return this.#faults;
  }

  /**
   * Every file and empty directory, by qualified path (JSON: see MemorySnapshot). Read from the volume
   * directly: not counted in IOStatistics, not subject to faults.
   */
  snapshot(): MemorySnapshot {
    const tree: MemorySnapshot = {};
    const walk = (native: string): void => {
      const names = (this.#volume.readdirSync(native) as string[]).map(String).sort();
      if (names.length === 0 && native !== '/') tree[this.#qualifiedOf(native)] = null;
      for (const name of names) {
        const child = native === '/' ? `/${name}` : `${native}/${name}`;
        if (this.#volume.statSync(child).isDirectory()) walk(child);
        else tree[this.#qualifiedOf(child)] = contentOf(this.#volume.readFileSync(child) as Buffer);
      }
    };
    walk('/');
    return tree;
  }

  /**
   * Makes the volume exactly `files` (a snapshot, or paths to strings, bytes, `{ base64 }`, or null for
   * an empty directory): what is there and not in `files` goes. Written to the volume directly: not
   * counted, not subject to faults. Statistics, faults and listeners stay as they are.
   */
  restore(files: MemoryFiles): void {
    const entries = Object.entries(files).map(([path, content]) => [this.makeQualified(path), content] as const);
    this.reset();
    for (const [path, content] of entries) {
      if (content === null) {
        this.#volume.mkdirSync(this.nativePath(path), { recursive: true });
        continue;
      }
      this.#volume.mkdirSync(this.nativePath(path.getParent() ?? path), { recursive: true });
      this.#volume.writeFileSync(this.nativePath(path), typeof content === 'string' || content instanceof Uint8Array ? content : Buffer.from(content.base64, 'base64'));
    }
  }

  /** Empties the volume (the root stays). Statistics, faults and listeners stay as they are. */
  reset(): void {
    for (const name of this.#volume.readdirSync('/') as string[]) this.#volume.rmSync(`/${String(name)}`, { recursive: true, force: true });
  }

  #qualifiedOf(native: string): string {
    return this.makeQualified(native).toString();
  }

  override addRequestListener(listener: RequestListener): () => void {
    const remove = super.addRequestListener(listener);
    this.#hookIfNeeded();
    return () => {
      const removed = remove();
      this.#hookIfNeeded();
      return removed;
    };
  }

  /** The operation hook is installed only while faults or request listeners want it: none costs nothing. */
  #hookIfNeeded(): void {
    this.operationHook = this.#faults.size > 0 || this.requestListeners.size > 0 ? this.#hook : undefined;
    // The volume's API with counting file handles only while a stream fault is armed; made once per change.
    const api = this.#volume.promises as unknown as FsPromisesApi;
    this.#api = this.#faults.hasStreamFaults ? this.#faults.wrap(api, (native) => this.makeQualified(native)) : api;
  }

  /** What fsApi() hands out: the volume's promises API, or it wrapped for stream faults. */
  #api: FsPromisesApi | undefined;

  /** Faults first (a delay, a failure), then the work; each operation a request event, as a store's request is. */
  readonly #hook = async <T>(operation: string, path: Path, body: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const report = (outcome: 'ok' | 'failed', error?: unknown) => {
      if (this.requestListeners.size === 0) return;
      const code = (error as { code?: unknown } | undefined)?.code;
      this.requestListeners.emit({
        operation,
        path: path.toString(),
        attempt: 1,
        durationMs: performance.now() - started,
        outcome,
        ...(error !== undefined ? { code: typeof code === 'string' ? code : (error as Error).name } : {}),
      });
    };
    try {
      await this.#faults.before(operation, path);
      const result = await body();
      report('ok');
      return result;
    } catch (error) {
      report('failed', error);
      throw error;
    }
  };

  override toString(): string {
    return `MemoryFileSystem{${this.getUri()}, ${this.#semantics}}`;
  }

  /** Set by the constructor's options: the configuration does not override it. */
  readonly #fixed: boolean;

  override async initialize(uri: FileSystemUri, conf: Configuration): Promise<void> {
    await super.initialize(uri, conf);
    const configured = conf.getTrimmed(MEMORY_SEMANTICS_KEY);
    if (configured === undefined || this.#fixed) return;
    const value = configured.toLowerCase() as MemorySemantics;
    if (!SEMANTICS.includes(value)) {
      // The value itself is not echoed: whatever was pasted there stays out of logs.
      throw new ConfigurationError(`${MEMORY_SEMANTICS_KEY}: its value is not one of ${SEMANTICS.join(', ')}`, { key: MEMORY_SEMANTICS_KEY });
    }
    this.#semantics = value;
  }

  get semantics(): MemorySemantics {
    return this.#semantics;
  }

  protected fsApi(): FsPromisesApi {
    return (this.#api ??= this.#volume.promises as unknown as FsPromisesApi);
  }

  protected nativePath(path: Path): string {
    return path.path;
  }

  protected override renameRules(): RenameRules {
    if (this.#semantics === 'posix') return POSIX_RENAME_RULES;
    return this.#semantics === 'hdfs' ? HDFS_RENAME_RULES : OBJECT_STORE_RENAME_RULES;
  }

  protected override seekPastEndOfFile(): boolean {
    return this.#semantics === 'posix';
  }

  protected override pathCapabilities(): ReadonlySet<string> {
    // An object store declares none of append, atomic rename, hflush, hsync; concat it has (as OSS, by UploadPartCopy).
    return this.#semantics === 'object-store' ? new Set([PathCapabilities.CONCAT]) : super.pathCapabilities();
  }

  protected override createStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream> {
    // Not async: a small file's create is a few microseconds, and an extra async layer was a tenth of them.
    if (this.#semantics !== 'object-store') return super.createStream(path, options);
    return this.#createObjectStoreStream(path, options);
  }

  async #createObjectStoreStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream> {
    await this.#checkCreate(path, options);
    return new ObjectStoreOutputStream(path, async (bytes) => {
      // The whole object appears at close (the PUT), parents implied; a create-only PUT still refuses.
      if (!options.overwrite && (await this.#status(path))) throw new FileAlreadyExistsError(`create: ${path.toString()} appeared before close`, { path: path.toString() });
      await this.#checkCreate(path, { ...options, overwrite: true, recursive: true });
      const out = await super.createStream(path, { ...options, overwrite: true, recursive: true });
      await out.write(bytes);
      await out.close();
    });
  }

  /** What an object store's create checks up front (OSS's HEAD and parent walk). */
  async #checkCreate(path: Path, options: Pick<ResolvedCreateOptions, 'overwrite' | 'recursive'>): Promise<void> {
    const existing = await this.#status(path);
    if (existing?.isDirectory() || (existing && !options.overwrite)) throw new FileAlreadyExistsError(`create: ${path.toString()} already exists`, { path: path.toString() });
    for (let parent = path.getParent(); parent; parent = parent.getParent()) {
      const status = await this.#status(parent);
      if (status?.isFile()) throw new ParentNotDirectoryError(`create: a parent of ${path.toString()} is a file`, { path: parent.toString() });
      if (status) break;
      if (!options.recursive && parent.equals(path.getParent())) throw new FileNotFoundError(`create: parent directory ${parent.toString()} does not exist`, { path: parent.toString() });
    }
  }

  protected override async appendStream(path: Path, options: { bufferSize: number }): Promise<FSDataOutputStream> {
    if (this.#semantics === 'object-store') {
      throw new UnsupportedOperationError(`append: ${path.toString()}: mem:// with ${MEMORY_SEMANTICS_KEY} = object-store has no append (as OSS)`, { path: path.toString() });
    }
    return super.appendStream(path, options);
  }

  /** The volume's bytes against the machine's memory (where they live). */
  protected override async fsStatus(): Promise<FsStatus> {
    const used = (await this.getContentSummary('/')).length;
    const capacity = totalmem();
    return { capacity, used, remaining: Math.max(0, capacity - used) };
  }

  protected override setPathTimes(path: Path, mtime: number, atime: number): Promise<void> {
    return this.#semantics === 'object-store' ? this.#notOnObjectStore('setTimes', path) : super.setPathTimes(path, mtime, atime);
  }

  protected override setPathPermission(path: Path, permission: FsPermission): Promise<void> {
    return this.#semantics === 'object-store' ? this.#notOnObjectStore('setPermission', path) : super.setPathPermission(path, permission);
  }

  protected override setPathOwner(path: Path, username: string | undefined, groupname: string | undefined): Promise<void> {
    return this.#semantics === 'object-store' ? this.#notOnObjectStore('setOwner', path) : super.setPathOwner(path, username, groupname);
  }

  protected override truncatePath(path: Path, length: number): Promise<void> {
    return this.#semantics === 'object-store' ? this.#notOnObjectStore('truncate', path) : super.truncatePath(path, length);
  }

  #notOnObjectStore(operation: string, path: Path): Promise<never> {
    return Promise.reject(new UnsupportedOperationError(`${operation}: ${path.toString()}: mem:// with ${MEMORY_SEMANTICS_KEY} = object-store has no ${operation} (as OSS)`, { path: path.toString() }));
  }

  protected override async moveTo(source: FileStatus, target: Path): Promise<void> {
    if (this.#semantics !== 'object-store') return super.moveTo(source, target);
    // Copy + delete, a file at a time: a reader in between sees both, or part of a directory.
    const api = this.volume.promises;
    if (source.isFile()) {
      const bytes = await api.readFile(this.nativePath(source.path));
      await api.writeFile(this.nativePath(target), bytes);
      await new Promise((resolve) => setImmediate(resolve));
      await api.unlink(this.nativePath(source.path));
      return;
    }
    await api.mkdir(this.nativePath(target), { recursive: true });
    for await (const page of this.listPages(source.path)) {
      for (const child of page) await this.moveTo(child, target.child(child.path.getName()));
    }
    await api.rmdir(this.nativePath(source.path));
  }

  async #status(path: Path): Promise<FileStatus | undefined> {
    try {
      return await this.statPath(path);
    } catch (error) {
      if (error instanceof FileNotFoundError) return undefined;
      throw error;
    }
  }
}

/** Makes `mem://` resolvable through FileSystem.get; importing this package does it once. */
export function registerMemoryFileSystem(): void {
  FileSystem.register(MemoryFileSystem.SCHEME, MemoryFileSystem);
}
