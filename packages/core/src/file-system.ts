import { Configuration } from './configuration.js';
import {
  ClosedError,
  ConfigurationError,
  FileAlreadyExistsError,
  FileNotFoundError,
  IllegalArgumentError,
  InvalidPathError,
  PathIsDirectoryError,
  ParentNotDirectoryError,
  PathIsNotEmptyDirectoryError,
  UnsupportedOperationError,
} from './errors.js';
import { ContentSummary, FsPermission, LocatedFileStatus, type BlockLocation, type FileStatus, type FsStatus } from './file-status.js';
import { describeValue, globStatuses, pathFilterFunction, type PathFilter } from './glob.js';
import { checkPathArgument, createOptionsOf, type Progressable } from './java-arguments.js';
import { cancellableIterable, currentSignal, effectiveSignal, runCancellable, throwIfAborted } from './cancellation.js';
import { FSDataOutputStreamBuilder, FutureDataInputStreamBuilder, OpenFileOptions, type ResolvedOpenOptions } from './builders.js';
import { copy, type CopyOptions } from './copy.js';
import { writeWhole, type WholeWriteOptions } from './whole-write.js';
import { Crc64 } from './crc64.js';
import { FileChecksum } from './file-checksum.js';
import type { FSDataInputStream } from './input-stream.js';
import type { FSDataOutputStream } from './output-stream.js';
import { BIND_SIGNAL, MERGE_STATISTICS_ON_CLOSE, SET_PROGRESS_LISTENER, type StatisticsLinked } from './internal/statistics-link.js';
import { RequestListeners, type RequestListener } from './request-events.js';
import { Path } from './path.js';
import { StoreStatisticNames as S } from './statistics/statistic-names.js';
import { IOStatisticsStore, type IOStatistics, type IOStatisticsSource } from './statistics/io-statistics.js';
import {
  cachedInstance,
  clearCache,
  closeAllCached,
  forgetCached,
  instantiate,
  registerScheme,
  unregisterScheme,
  type FileSystemProvider,
} from './registry.js';

/** FileSystem or one of its backend classes (what get() and newInstance() are called on). */
type FileSystemType<T extends FileSystem> = abstract new (...args: never[]) => T;

async function checkedType<T extends FileSystem>(type: FileSystemType<T>, pending: Promise<FileSystem>): Promise<T> {
  const fs = await pending;
  // Called unbound (`const get = FileSystem.get`), there is no class to check against: FileSystem's answer.
  if (typeof type === 'function' && !(fs instanceof type)) {
    throw new ConfigurationError(
      `${fs.getUri()} is served by ${fs.constructor.name}, not ${type.name}: import the package that registers ${type.name} for ${fs.getScheme()}:// (or check fs.${fs.getScheme()}.impl)`,
    );
  }
  return fs as T;
}

/** A stream made for a call with a signal answers to that signal for the rest of its life. */
function bindSignal<T extends FSDataInputStream | FSDataOutputStream>(stream: T, signal: AbortSignal | undefined): T {
  if (!signal) return stream;
  (stream as unknown as { [BIND_SIGNAL]: (s: AbortSignal) => void })[BIND_SIGNAL](signal);
  return stream;
}

/** Java's `bufferSize` argument or the options object; anything else is a TypeError naming the call. */
function bufferSizeOrOptions<T extends { bufferSize?: number }>(value: T | number | undefined, call: string): T {
  if (value === undefined) return {} as T;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${call}: bufferSize must be a positive integer, got ${value}`);
    return { bufferSize: value } as T;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${call}: expected an options object or bufferSize (a number), got ${describeValue(value)}`);
  return value;
}

/** A statistic's operation as Hadoop names the call: op_get_file_status → getFileStatus. */
function operationName(statistic: string): string {
  return statistic.replace(/^op_/, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** copyFromLocalFile / copyToLocalFile: `(src, dst[, options])` or Java's `(delSrc[, overwrite], src, dst)`. */
function copyArguments(args: readonly unknown[], call: string): { src: PathLike; dst: PathLike; options: CopyOptions } {
  if (typeof args[0] === 'boolean') {
    const overwrite = typeof args[1] === 'boolean' ? args[1] : undefined;
    const [src, dst] = overwrite === undefined ? args.slice(1) : args.slice(2);
    checkPathArgument(src, call, 'src');
    checkPathArgument(dst, call, 'dst');
    return { src, dst, options: { deleteSource: args[0], ...(overwrite !== undefined ? { overwrite } : {}) } };
  }
  const [src, dst, options] = args;
  checkPathArgument(src, call, 'src');
  checkPathArgument(dst, call, 'dst');
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError(`${call}: options must be an object, got ${describeValue(options)}`);
  return { src, dst, options: (options ?? {}) as CopyOptions };
}

/** A listing's filter (a function or Java's `{ accept }`) and signal, from its second argument. */
function listOptions(filterOrOptions: PathFilter | ListOptions | undefined, call: string): { filter?: (path: Path) => boolean; signal?: AbortSignal } {
  if (filterOrOptions === undefined) return {};
  if (typeof filterOrOptions === 'function' || typeof (filterOrOptions as { accept?: unknown } | null)?.accept === 'function') {
    return { filter: pathFilterFunction(filterOrOptions as PathFilter, `${call}: filter`) };
  }
  if (filterOrOptions === null || typeof filterOrOptions !== 'object') {
    throw new TypeError(`${call}: expected a PathFilter or { filter, signal }, got ${describeValue(filterOrOptions)}`);
  }
  for (const key of Object.keys(filterOrOptions)) {
    if (key !== 'filter' && key !== 'signal') throw new TypeError(`${call}: ${key} is neither a PathFilter’s accept(path) function nor an option (filter, signal)`);
  }
  const { filter, signal } = filterOrOptions as ListOptions;
  return { ...(filter !== undefined ? { filter: pathFilterFunction(filter, `${call}: options.filter`) } : {}), ...(signal !== undefined ? { signal } : {}) };
}

export interface FileSystemUri {
  scheme: string;
  authority: string;
}

export interface CreateOptions {
  /** Replace an existing file (default true). With false, an existing path is FileAlreadyExistsError. */
  overwrite?: boolean;
  /** Create missing parent directories (default true); false is Hadoop's createNonRecursive. */
  recursive?: boolean;
  bufferSize?: number;
  blockSize?: number;
  replication?: number;
  permission?: FsPermission;
  /**
   * Upload progress: the bytes the store has acknowledged so far (an object store's parts as they are
   * acknowledged, not bytes buffered here), the last call at close with all of them.
   */
  onProgress?: (bytes: number) => void;
  /**
   * Aborts the stream when it fires: the call in progress and every later one reject with AbortError, and
   * nothing written becomes visible (as abort()). A close() whose commit request was already sent is not
   * cut short: it resolves (committed) or rejects with AbortError (nothing committed).
   */
  signal?: AbortSignal;
}

export type ResolvedCreateOptions = Required<Omit<CreateOptions, 'permission' | 'onProgress' | 'signal'>> & { permission?: FsPermission };

export interface OpenOptions {
  bufferSize?: number;
  /** Closes the stream when it fires: a read in progress (its request cut) and every later call reject with AbortError. */
  signal?: AbortSignal;
}

/**
 * For a long call: when `signal` fires, the call stops at its next request (one in flight is cut) and
 * rejects with AbortError. What it had done stays as a failed call leaves it (a recursive delete may have
 * deleted some files, a rename on an object store copied some); what it created for itself is removed.
 */
export interface SignalOptions {
  signal?: AbortSignal;
}

/** listStatus() and globStatus() with a filter and a signal. */
export interface ListOptions extends SignalOptions {
  filter?: PathFilter;
}

export type PathLike = string | Path;

/** Path capabilities, as Hadoop's CommonPathCapabilities spells them. */
export const PathCapabilities = {
  APPEND: 'fs.capability.paths.append',
  CONCAT: 'fs.capability.paths.concat',
  ATOMIC_RENAME: 'fs.capability.paths.atomic.rename',
  HFLUSH: 'hflush',
  HSYNC: 'hsync',
  /** setPermission works (Hadoop's CommonPathCapabilities.FS_PERMISSIONS). */
  PERMISSIONS: 'fs.capability.paths.permissions',
  /** setTimes works. */
  TIMES: 'fs.capability.paths.times',
  TRUNCATE: 'fs.capability.paths.truncate',
  /** Streams created at the path declare StreamCapabilities.DURABLE_FLUSH. */
  DURABLE_FLUSH: 'hadoopfs.capability.outputstream.durable-flush',
} as const;

/**
 * What rename does where HDFS, POSIX and the object stores differ (Hadoop's contract options
 * rename-overwrites-dest, rename-creates-dest-dirs, rename-remove-dest-if-empty-dir,
 * rename-returns-false-if-source-missing, rename-returns-false-if-dest-exists).
 */
export interface RenameRules {
  /** A file replaces an existing file (rename(2)) instead of failing. */
  readonly overwriteFile: boolean;
  /** A missing destination parent is created instead of failing. */
  readonly createParents: boolean;
  /** An empty destination directory is replaced instead of receiving the source. */
  readonly replaceEmptyDirectory: boolean;
  /** A missing source answers false instead of FileNotFoundError (HDFS, S3A). */
  readonly missingSourceReturnsFalse?: boolean;
  /**
   * An existing destination file, a missing destination parent or a parent that is a file answer false
   * instead of an exception (HDFS: DistributedFileSystem.rename logs why and returns false).
   */
  readonly refusalReturnsFalse?: boolean;
}

/** HDFS's rename(src, dst): never overwrites, and answers false where filesystem.md allows either (hdfs.xml). */
export const HDFS_RENAME_RULES: RenameRules = Object.freeze({ overwriteFile: false, createParents: false, replaceEmptyDirectory: false, missingSourceReturnsFalse: true, refusalReturnsFalse: true });
/**
 * filesystem.md's rename with strict exceptions: a missing source or destination parent is
 * FileNotFoundError, an existing destination file FileAlreadyExistsError. FileSystem's default (oss://,
 * as hadoop-aliyun's code does).
 */
export const STRICT_RENAME_RULES: RenameRules = Object.freeze({ overwriteFile: false, createParents: false, replaceEmptyDirectory: false });
/** Hadoop's RawLocalFileSystem: rename(2), and its copying fallback where rename(2) fails. */
export const POSIX_RENAME_RULES: RenameRules = Object.freeze({ overwriteFile: true, createParents: true, replaceEmptyDirectory: true });

const STANDARD_OPEN_KEYS: ReadonlySet<string> = new Set(Object.values(OpenFileOptions));
const NO_KEYS: ReadonlySet<string> = new Set();

export const DEFAULT_BLOCK_SIZE = 32 * 1024 * 1024;
export const DEFAULT_BUFFER_SIZE = 64 * 1024;

/**
 * The filesystem contract (Hadoop's filesystem specification, async). Public methods qualify and check
 * paths, then call the protected primitives a backend implements; derived operations (exists, listings,
 * glob, content summary, rename's precondition checks) are written once here so every backend answers
 * them the same way. Errors are the classes in errors.ts, never a bare IOError where a specific one applies.
 */
export abstract class FileSystem implements AsyncDisposable, IOStatisticsSource {
  #uri: FileSystemUri | undefined;
  #conf: Configuration = new Configuration({ loadDefaults: false });
  #workingDirectory: Path | undefined;
  readonly #deleteOnExit = new Set<string>();
  #closed = false;
  #rootPath: Path | undefined;
  #defaultBufferSize = DEFAULT_BUFFER_SIZE;
  #defaultBlockSize = DEFAULT_BLOCK_SIZE;
  /** Operations (op_*), a store's requests, and the statistics of every stream once it closed. */
  protected readonly ioStatistics = new IOStatisticsStore();
  /** Who hears of each request a store makes (addRequestListener). */
  protected readonly requestListeners = new RequestListeners();
  /**
   * Wraps each public operation's work (`create`, `open`, `append`, `rename`, `delete`, `mkdirs`,
   * `getFileStatus`, `listStatus`, … — Hadoop's names) on its qualified path: where a test double injects
   * faults and delays and reports its operations as requests. Undefined (the default) costs nothing;
   * operations a public one makes inside itself are not wrapped again.
   */
  protected operationHook: (<T>(operation: string, path: Path, body: () => Promise<T>) => Promise<T>) | undefined;
  /** The public operation just counted, until its first #guard takes it (same synchronous turn). */
  #pendingOperation: string | undefined;

  // ---- instances ---------------------------------------------------------------------------------

  /** Registers the backend for a scheme (a FileSystem class, or a factory function). */
  static register(scheme: string, provider: FileSystemProvider): void {
    registerScheme(scheme, provider);
  }

  static unregister(scheme: string): boolean {
    return unregisterScheme(scheme);
  }

  /**
   * The FileSystem for `uri`'s scheme and authority, shared through a cache until it is closed. A path
   * without a scheme means `fs.defaultFS` (default `file:///`). `fs.<scheme>.impl` in `conf` names a
   * module (`specifier` or `specifier#Export`) that overrides the registered backend. Called on a backend
   * class (`JindoOssFileSystem.get(…)`) it answers that class or fails naming what the scheme is instead:
   * the call uses the class as a value, so its import — and the registration it makes — cannot be dropped
   * as a type-only import.
   */
  static get<T extends FileSystem>(this: FileSystemType<T>, conf: Configuration): Promise<T>;
  static get<T extends FileSystem>(this: FileSystemType<T>, uri: PathLike | URL, conf?: Configuration): Promise<T>;
  static get<T extends FileSystem>(this: FileSystemType<T>, uriOrConf: PathLike | URL | Configuration, conf: Configuration = new Configuration()): Promise<T> {
    // Hadoop's FileSystem.get(conf): the default filesystem, fs.defaultFS.
    if (uriOrConf instanceof Configuration) return checkedType(this, cachedInstance(FileSystem.uriOf(FileSystem.getDefaultUri(uriOrConf), uriOrConf), uriOrConf));
    return checkedType(this, cachedInstance(FileSystem.uriOf(uriOrConf, conf), conf));
  }

  /** A new, uncached instance. Called on a backend class (`JindoOssFileSystem.newInstance(…)`), as get(). */
  static newInstance<T extends FileSystem>(this: FileSystemType<T>, conf: Configuration): Promise<T>;
  static newInstance<T extends FileSystem>(this: FileSystemType<T>, uri: PathLike | URL, conf?: Configuration): Promise<T>;
  static newInstance<T extends FileSystem>(this: FileSystemType<T>, uriOrConf: PathLike | URL | Configuration, conf: Configuration = new Configuration()): Promise<T> {
    if (uriOrConf instanceof Configuration) return checkedType(this, instantiate(FileSystem.uriOf(FileSystem.getDefaultUri(uriOrConf), uriOrConf), uriOrConf));
    return checkedType(this, instantiate(FileSystem.uriOf(uriOrConf, conf), conf));
  }

  /** Hadoop's FileSystem.getDefaultUri(conf): `fs.defaultFS` (default `file:///`) as a URL. */
  static getDefaultUri(conf: Configuration): URL {
    if (!(conf instanceof Configuration)) throw new TypeError(`getDefaultUri: conf must be a Configuration, got ${describeValue(conf)}`);
    const text = conf.getTrimmed('fs.defaultFS') ?? 'file:///';
    const path = new Path(text);
    if (path.scheme === undefined) throw new ConfigurationError(`fs.defaultFS: "${text}" has no scheme (such as file:/// or oss://bucket)`, { key: 'fs.defaultFS' });
    return new URL(`${path.scheme}://${path.authority ?? ''}/`);
  }

  /** Hadoop's FileSystem.setDefaultUri(conf, uri): sets `fs.defaultFS`. */
  static setDefaultUri(conf: Configuration, uri: string | URL): void {
    conf.set('fs.defaultFS', uri instanceof URL ? uri.href : uri);
  }

  /** Hadoop's FileSystem.getLocal(conf): the file:/// filesystem. */
  static getLocal(conf: Configuration = new Configuration()): Promise<FileSystem> {
    return FileSystem.get('file:///', conf);
  }

  /** Closes every cached instance. */
  static closeAll(): Promise<void> {
    return closeAllCached();
  }

  /** Forgets cached instances without closing them (tests). */
  static clearCache(): void {
    clearCache();
  }

  static uriOf(uri: PathLike | URL, conf: Configuration): FileSystemUri {
    let p = uri instanceof Path ? uri : new Path(uri instanceof URL ? uri.href : uri);
    if (p.scheme === undefined) p = new Path(conf.get('fs.defaultFS', 'file:///'));
    return { scheme: p.scheme!, authority: p.authority ?? '' };
  }

  /** Called once after construction; a backend overrides it to read its configuration (and calls super). */
  async initialize(uri: FileSystemUri, conf: Configuration): Promise<void> {
    this.bind(uri, conf);
  }

  /**
   * What initialize() does before any I/O: the URI and the settings every backend reads. A backend that
   * needs no I/O to start (memory) calls it from its constructor, so that `new` gives a usable instance.
   */
  protected bind(uri: FileSystemUri, conf: Configuration): void {
    this.#uri = { scheme: uri.scheme.toLowerCase(), authority: uri.authority };
    this.#conf = conf;
    // Read once, as Hadoop does: a bad value fails here, and the hot paths do no configuration look-ups.
    this.#defaultBufferSize = conf.getBytes('io.file.buffer.size', DEFAULT_BUFFER_SIZE);
    this.#defaultBlockSize = conf.getBytes(`fs.${this.#uri.scheme}.block.size`, DEFAULT_BLOCK_SIZE);
  }

  /** Hadoop's IOStatisticsSource: this instance's statistics (StoreStatisticNames, StreamStatisticNames), live. */
  getIOStatistics(): IOStatistics {
    return this.ioStatistics;
  }

  /**
   * Calls `listener` after every request this filesystem's store makes (an object store's HTTP requests,
   * retries each on their own): operation, path, attempt, duration, outcome, status and error code — for
   * logging and metrics. A store without requests (memory, local) calls it never. Returns the remover.
   */
  addRequestListener(listener: RequestListener): () => void {
    return this.requestListeners.add(listener);
  }

  getScheme(): string {
    return this.#requireUri().scheme;
  }

  /** `scheme://authority`, e.g. `oss://bucket` or `file://`. */
  getUri(): string {
    const { scheme, authority } = this.#requireUri();
    return `${scheme}://${authority}`;
  }

  getConf(): Configuration {
    return this.#conf;
  }

  getWorkingDirectory(): Path {
    return this.#workingDirectory ?? this.getHomeDirectory();
  }

  setWorkingDirectory(path: PathLike): void {
    this.#workingDirectory = this.makeQualified(path);
  }

  /** Where relative paths start when no working directory was set. */
  /** Hadoop's getTrashRoot: where Trash keeps what is deleted under `path` (`<home>/.Trash`). */
  getTrashRoot(_path: PathLike = '/'): Path {
    return this.getHomeDirectory().child('.Trash');
  }

  getHomeDirectory(): Path {
    return this.#root();
  }

  /** `fs.<scheme>.block.size` (default 32 MiB), as read at initialize(). */
  getDefaultBlockSize(_path?: PathLike): number {
    return this.#defaultBlockSize;
  }

  /** `io.file.buffer.size` (default 64 KiB), as read at initialize(). */
  getDefaultBufferSize(): number {
    return this.#defaultBufferSize;
  }

  /**
   * The path qualified with this filesystem's scheme and authority, relative paths resolved against the
   * working directory. A path of another filesystem is InvalidPathError ("Wrong FS").
   */
  makeQualified(path: PathLike): Path {
    const p = path instanceof Path ? path : new Path(path);
    const uri = this.#requireUri();
    if (p.scheme !== undefined && (p.scheme !== uri.scheme || (p.authority ?? '') !== uri.authority)) {
      throw new InvalidPathError(`Wrong FS: ${p.toString()}, expected: ${this.getUri()}`, { path: p.toString() });
    }
    if (p.scheme !== undefined) return p;
    const base = p.isAbsolute() ? this.#root() : this.getWorkingDirectory();
    return p.makeQualified(uri, base);
  }

  /** Whether `capability` (PathCapabilities) holds for `path`; unknown capabilities are false. */
  async hasPathCapability(path: PathLike, capability: string): Promise<boolean> {
    this.makeQualified(path);
    return this.pathCapabilities().has(capability);
  }

  // ---- the contract ------------------------------------------------------------------------------

  /**
   * Creates a file for writing (overwriting by default). Beside the options object, Hadoop's overloads as
   * Java code calls them: `create(f, overwrite)`, `create(f, progress)`, `create(f, replication[,
   * progress])`, `create(f, overwrite, bufferSize[, progress])`, `create(f, overwrite, bufferSize,
   * replication, blockSize[, progress])`, `create(f, permission, overwrite, bufferSize, replication,
   * blockSize[, progress])`. An argument of another kind is a TypeError naming it, never a default.
   */
  create(path: PathLike, options?: CreateOptions): Promise<FSDataOutputStream>;
  create(path: PathLike, overwrite: boolean): Promise<FSDataOutputStream>;
  create(path: PathLike, progress: Progressable): Promise<FSDataOutputStream>;
  create(path: PathLike, replication: number, progress?: Progressable): Promise<FSDataOutputStream>;
  create(path: PathLike, overwrite: boolean, bufferSize: number, progress?: Progressable): Promise<FSDataOutputStream>;
  create(path: PathLike, overwrite: boolean, bufferSize: number, replication: number, blockSize: number, progress?: Progressable): Promise<FSDataOutputStream>;
  create(path: PathLike, permission: FsPermission, overwrite: boolean, bufferSize: number, replication: number, blockSize: number, progress?: Progressable): Promise<FSDataOutputStream>;
  create(path: PathLike, ...args: unknown[]): Promise<FSDataOutputStream> {
    checkPathArgument(path, 'create');
    const options: CreateOptions = createOptionsOf(args);
    this.#count(options.recursive === false ? S.OP_CREATE_NON_RECURSIVE : S.OP_CREATE);
    const signal = effectiveSignal(options.signal);
    return this.#guard(path, async (p) => {
      if (p.isRoot()) throw new FileAlreadyExistsError(`cannot create a file over the root directory ${p.toString()}`, { path: p.toString() });
      const stream = await this.createStream(p, {
        overwrite: options.overwrite ?? true,
        recursive: options.recursive ?? true,
        bufferSize: options.bufferSize ?? this.#defaultBufferSize,
        blockSize: options.blockSize ?? this.getDefaultBlockSize(p),
        replication: options.replication ?? 1,
        ...(options.permission ? { permission: options.permission } : {}),
      });
      if (options.onProgress) (stream as unknown as { [SET_PROGRESS_LISTENER]: (l: (n: number) => void) => void })[SET_PROGRESS_LISTENER](options.onProgress);
      return this.#linked(bindSignal(stream, signal));
    }, signal, 'create');
  }

  /** Opens an existing file for appending; UnsupportedOperationError where the store cannot append. */
  append(path: PathLike, options?: { bufferSize?: number; signal?: AbortSignal }): Promise<FSDataOutputStream>;
  /** Hadoop's append(f, bufferSize[, progress]). */
  append(path: PathLike, bufferSize: number, progress?: Progressable): Promise<FSDataOutputStream>;
  append(path: PathLike, optionsOrBufferSize: { bufferSize?: number; signal?: AbortSignal } | number = {}): Promise<FSDataOutputStream> {
    checkPathArgument(path, 'append');
    const options = bufferSizeOrOptions(optionsOrBufferSize, 'append');
    this.#count(S.OP_APPEND);
    const signal = effectiveSignal(options.signal);
    return this.#guard(
      path,
      async (p) => this.#linked(bindSignal(await this.appendStream(p, { bufferSize: options.bufferSize ?? this.#defaultBufferSize }), signal)),
      signal,
      'append',
    );
  }

  /** Opens a file for reading; a missing path is FileNotFoundError, a directory PathIsDirectoryError. */
  open(path: PathLike, options?: OpenOptions): Promise<FSDataInputStream>;
  /** Hadoop's open(f, bufferSize). */
  open(path: PathLike, bufferSize: number): Promise<FSDataInputStream>;
  open(path: PathLike, optionsOrBufferSize: OpenOptions | number = {}): Promise<FSDataInputStream> {
    checkPathArgument(path, 'open');
    const options = bufferSizeOrOptions(optionsOrBufferSize, 'open');
    this.#count(S.OP_OPEN);
    const signal = effectiveSignal(options.signal);
    return this.#guard(
      path,
      async (p) => this.#linked(bindSignal(await this.openStream(p, { bufferSize: options.bufferSize ?? this.#defaultBufferSize, readPolicy: 'default' }), signal)),
      signal,
      'open',
    );
  }

  /**
   * Hadoop's openFile() builder: read policy, a known length or the file's status (with which a store may
   * skip its metadata request, so that a missing file may only show at the first read), then build().
   */
  openFile(path: PathLike): FutureDataInputStreamBuilder {
    const p = this.#qualifyChecked(path);
    return new FutureDataInputStreamBuilder(
      p,
      ({ signal: given, ...options }) => {
        this.#count(S.OP_OPEN);
        const signal = effectiveSignal(given);
        return this.#guard(
          p,
          async (q) => this.#linked(bindSignal(await this.openStream(q, { ...options, bufferSize: options.bufferSize ?? this.#defaultBufferSize }), signal)),
          signal,
          'open',
        );
      },
      this.openFileKeys(),
    );
  }

  /** Hadoop's createFile() builder: overwrite by default, not recursive unless asked; build() gives the stream. */
  createFile(path: PathLike): FSDataOutputStreamBuilder {
    return new FSDataOutputStreamBuilder(this.#qualifyChecked(path), 'create', (_mode, options) => this.create(path, options), this.createFileKeys());
  }

  /** Hadoop's appendFile() builder. */
  appendFile(path: PathLike): FSDataOutputStreamBuilder {
    return new FSDataOutputStreamBuilder(
      this.#qualifyChecked(path),
      'append',
      (_mode, options) => this.append(path, { ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }), ...(options.signal ? { signal: options.signal } : {}) }),
      this.createFileKeys(),
    );
  }

  /** The openFile() keys this store understands (a must() of any other fails the build). */
  protected openFileKeys(): ReadonlySet<string> {
    return STANDARD_OPEN_KEYS;
  }

  /** The createFile()/appendFile() keys this store understands beyond the builder's own methods. */
  protected createFileKeys(): ReadonlySet<string> {
    return NO_KEYS;
  }

  /**
   * Hadoop's getFileChecksum: the file's CRC-64/ECMA (FileChecksum.CRC64), equal for equal contents on
   * every scheme; a store that keeps it (OSS) answers without reading. A directory is PathIsDirectoryError.
   */
  getFileChecksum(path: PathLike, options: SignalOptions = {}): Promise<FileChecksum> {
    this.#count(S.OP_GET_FILE_CHECKSUM);
    return this.#guard(path, async (p) => {
      const status = await this.statPath(p);
      if (status.isDirectory()) throw new PathIsDirectoryError(`getFileChecksum: ${p.toString()} is a directory`, { path: p.toString() });
      return this.fileChecksum(status);
    }, options.signal, 'getFileChecksum');
  }

  /** The checksum of a file (its status given); by default by reading it. */
  protected async fileChecksum(status: FileStatus): Promise<FileChecksum> {
    const crc = new Crc64();
    await using input = await this.openStream(status.path, { bufferSize: this.#defaultBufferSize, readPolicy: 'whole-file', length: status.length, status });
    for await (const chunk of input) crc.update(chunk);
    return FileChecksum.ofCrc64(crc.value());
  }

  /**
   * Writes a whole file or nothing (hadoopfs; the way to write in a scope that may throw): `content` —
   * bytes, a string, an async iterable of chunks, or a function that writes the stream — is committed only
   * once all of it is written; a failure or a throw publishes nothing on every scheme (a disk writes beside
   * the path and renames, an object store aborts its upload) and an older file stays whole. Overwrites by
   * default, as create(); answers what the function answered.
   */
  writeFile<T = void>(
    path: PathLike,
    content: string | Uint8Array | AsyncIterable<Uint8Array> | ((out: FSDataOutputStream) => Promise<T>),
    options: WholeWriteOptions = {},
  ): Promise<T> {
    return this.#guard(path, (p) =>
      writeWhole(
        this,
        p,
        async (out) => {
          if (typeof content === 'function') return content(out);
          if (typeof content === 'string' || content instanceof Uint8Array) await out.write(content);
          else for await (const chunk of content) await out.write(chunk);
          return undefined as T;
        },
        { overwrite: true, ...options },
      ),
      options.signal,
      'writeFile',
    );
  }

  /** The whole file in memory (Node's readFile, for files that fit). */
  readFile(path: PathLike, options: SignalOptions = {}): Promise<Buffer> {
    return this.#guard(path, async (p) => {
      await using input = await this.open(p);
      const chunks: Uint8Array[] = [];
      for await (const chunk of input) chunks.push(chunk);
      return Buffer.concat(chunks);
    }, options.signal, 'readFile');
  }

  /** Hadoop's copyFromLocalFile: a local file or tree to this filesystem (FileUtil.copy; overwrite by default). */
  async copyFromLocalFile(src: PathLike, dst: PathLike, options?: CopyOptions): Promise<void>;
  /** Hadoop's copyFromLocalFile(delSrc, src, dst) and copyFromLocalFile(delSrc, overwrite, src, dst). */
  async copyFromLocalFile(deleteSource: boolean, src: PathLike, dst: PathLike): Promise<void>;
  async copyFromLocalFile(deleteSource: boolean, overwrite: boolean, src: PathLike, dst: PathLike): Promise<void>;
  async copyFromLocalFile(...args: unknown[]): Promise<void> {
    const { src, dst, options } = copyArguments(args, 'copyFromLocalFile');
    this.#count(S.OP_COPY_FROM_LOCAL_FILE);
    await copy(await FileSystem.get('file:///', this.getConf()), src, this, dst, { overwrite: true, ...options });
  }

  /** Hadoop's moveFromLocalFile: copyFromLocalFile, then the local source is deleted. */
  async moveFromLocalFile(src: PathLike, dst: PathLike, options: CopyOptions = {}): Promise<void> {
    await this.copyFromLocalFile(src, dst, { ...options, deleteSource: true });
  }

  /** Hadoop's copyToLocalFile: a file or tree of this filesystem to local disk (overwrite by default). */
  async copyToLocalFile(src: PathLike, dst: PathLike, options?: CopyOptions): Promise<void>;
  /** Hadoop's copyToLocalFile(delSrc, src, dst). */
  async copyToLocalFile(deleteSource: boolean, src: PathLike, dst: PathLike): Promise<void>;
  async copyToLocalFile(...args: unknown[]): Promise<void> {
    const { src, dst, options } = copyArguments(args, 'copyToLocalFile');
    await copy(this, src, await FileSystem.get('file:///', this.getConf()), dst, { overwrite: true, ...options });
  }

  /**
   * Hadoop's getStatus: capacity, used, remaining for the filesystem holding `path`. FileSystem's default
   * (an object store: no known bound) is unbounded capacity, nothing used.
   */
  getStatus(path: PathLike = '/'): Promise<FsStatus> {
    this.#count(S.OP_GET_STATUS);
    return this.#guard(path, (p) => this.fsStatus(p));
  }

  protected async fsStatus(_path: Path): Promise<FsStatus> {
    return { capacity: Number.MAX_SAFE_INTEGER, used: 0, remaining: Number.MAX_SAFE_INTEGER };
  }

  /** Hadoop's createNewFile: an empty file if nothing is at the path (true), else false. */
  async createNewFile(path: PathLike): Promise<boolean> {
    if (await this.exists(path)) return false;
    try {
      const out = await this.create(path, { overwrite: false });
      await out.close();
      return true;
    } catch (error) {
      if (error instanceof FileAlreadyExistsError) return false;
      throw error;
    }
  }

  /** Marks a path to be deleted (recursively) when this FileSystem is closed; true if it exists now. */
  async deleteOnExit(path: PathLike): Promise<boolean> {
    const p = this.#qualifyChecked(path);
    if (!(await this.exists(p))) return false;
    this.#deleteOnExit.add(p.toString());
    return true;
  }

  /** Unmarks a path marked by deleteOnExit; true if it was marked. */
  cancelDeleteOnExit(path: PathLike): boolean {
    return this.#deleteOnExit.delete(this.#qualifyChecked(path).toString());
  }

  /** Hadoop's setTimes: modification and access time in ms; −1 leaves one as it is. */
  setTimes(path: PathLike, mtime: number, atime: number): Promise<void> {
    this.#count(S.OP_SET_TIMES);
    return this.#guard(path, async (p) => {
      const status = await this.statPath(p);
      await this.setPathTimes(p, mtime < 0 ? status.modificationTime : mtime, atime < 0 ? status.accessTime : atime);
    });
  }

  /** Hadoop's setPermission. UnsupportedOperationError where the store keeps none (PathCapabilities.PERMISSIONS). */
  setPermission(path: PathLike, permission: FsPermission): Promise<void> {
    this.#count(S.OP_SET_PERMISSION);
    return this.#guard(path, async (p) => {
      await this.statPath(p);
      await this.setPathPermission(p, permission);
    });
  }

  /**
   * Hadoop's access(): resolves if the caller may `mode` ('r', 'w', 'x' or a combination, as FsAction) the
   * path, else AccessDeniedError; FileNotFoundError if nothing is there.
   */
  access(path: PathLike, mode: string): Promise<void> {
    this.#count(S.OP_ACCESS);
    return this.#guard(path, async (p) => {
      if (!/^[rwx-]{1,3}$/.test(mode)) throw new IllegalArgumentError(`access: mode "${mode}" is not r, w, x or a combination`);
      await this.statPath(p);
      await this.checkAccess(p, mode);
    });
  }

  /** Hadoop's truncate: the file cut to `newLength` (not longer than it is); true when done at once. */
  truncate(path: PathLike, newLength: number): Promise<boolean> {
    this.#count(S.OP_TRUNCATE);
    return this.#guard(path, async (p) => {
      const status = await this.statPath(p);
      if (status.isDirectory()) throw new PathIsDirectoryError(`truncate: ${p.toString()} is a directory`, { path: p.toString() });
      if (!Number.isSafeInteger(newLength) || newLength < 0 || newLength > status.length) {
        throw new IllegalArgumentError(`truncate: ${p.toString()}: new length ${newLength} is not between 0 and the file's ${status.length}`, { path: p.toString() });
      }
      await this.truncatePath(p, newLength);
      return true;
    });
  }

  /**
   * Hadoop's setOwner: either name may be undefined (left as it is), not both. Names a store cannot map
   * to its owners are IllegalArgumentError; not being allowed is AccessDeniedError; a store that keeps no
   * owners is UnsupportedOperationError.
   */
  setOwner(path: PathLike, username: string | undefined, groupname: string | undefined): Promise<void> {
    this.#count(S.OP_SET_OWNER);
    return this.#guard(path, async (p) => {
      if (username === undefined && groupname === undefined) {
        throw new IllegalArgumentError(`setOwner: ${p.toString()}: neither a user nor a group was given`, { path: p.toString() });
      }
      for (const name of [username, groupname]) {
        if (name !== undefined && (name === '' || /[\s:]/.test(name))) {
          throw new IllegalArgumentError(`setOwner: ${p.toString()}: ${JSON.stringify(name)} is not a user or group name`, { path: p.toString() });
        }
      }
      await this.statPath(p);
      await this.setPathOwner(p, username, groupname);
    });
  }

  /**
   * Hadoop's setReplication. Stores without replicas (every backend here) keep nothing and answer true for
   * a file, as Hadoop's local and object-store filesystems do; FileNotFoundError for a missing path.
   */
  setReplication(path: PathLike, replication: number): Promise<boolean> {
    this.#count(S.OP_SET_REPLICATION);
    return this.#guard(path, async (p) => {
      if (!Number.isInteger(replication) || replication < 1 || replication > 32767) {
        throw new IllegalArgumentError(`setReplication: ${p.toString()}: replication ${replication} is not between 1 and 32767`, { path: p.toString() });
      }
      return (await this.statPath(p)).isFile();
    });
  }

  /**
   * Hadoop's concat (filesystem.md): the sources' bytes appended to `target`, in order, and the sources
   * removed. Preconditions as the specification has them: the target is an existing file, at least one
   * source, every source an existing file in the target's directory, no path twice, the target not among
   * them. UnsupportedOperationError where the store cannot (PathCapabilities.CONCAT says where it can).
   */
  concat(target: PathLike, sources: readonly PathLike[], options: SignalOptions = {}): Promise<void> {
    this.#count(S.OP_CONCAT);
    return this.#guard(target, async (t) => {
      if (sources.length === 0) throw new IllegalArgumentError(`concat: no sources to append to ${t.toString()}`, { path: t.toString() });
      const srcs = sources.map((s) => this.#qualifyChecked(s));
      const seen = new Set([t.toString()]);
      for (const s of srcs) {
        if (seen.has(s.toString())) {
          throw new IllegalArgumentError(
            `concat: ${s.toString()} is ${s.equals(t) ? 'the target itself' : 'given twice'}`,
            { path: s.toString() },
          );
        }
        seen.add(s.toString());
        if (!s.getParent()!.equals(t.getParent()!)) {
          throw new IllegalArgumentError(`concat: source ${s.toString()} is not in the target's directory ${t.getParent()!.toString()}`, { path: s.toString() });
        }
      }
      const statuses = await Promise.all([t, ...srcs].map((p) => this.statPath(p)));
      for (const status of statuses) {
        if (status.isDirectory()) throw new PathIsDirectoryError(`concat: ${status.path.toString()} is a directory`, { path: status.path.toString() });
      }
      await this.concatFiles(statuses[0]!, statuses.slice(1));
    }, options.signal, 'concat');
  }

  getFileStatus(path: PathLike): Promise<FileStatus> {
    this.#count(S.OP_GET_FILE_STATUS);
    return this.#guard(path, (p) => this.statPath(p));
  }

  async exists(path: PathLike): Promise<boolean> {
    this.#count(S.OP_EXISTS);
    return (await this.#statOrUndefined(path)) !== undefined;
  }

  async isFile(path: PathLike): Promise<boolean> {
    this.#count(S.OP_IS_FILE);
    return (await this.#statOrUndefined(path))?.isFile() ?? false;
  }

  async isDirectory(path: PathLike): Promise<boolean> {
    this.#count(S.OP_IS_DIRECTORY);
    return (await this.#statOrUndefined(path))?.isDirectory() ?? false;
  }

  /** The children of a directory, or the file itself for a file; FileNotFoundError for a missing path. */
  async listStatus(path: PathLike | readonly PathLike[], filterOrOptions?: PathFilter | ListOptions): Promise<FileStatus[]> {
    if (Array.isArray(path)) {
      // Hadoop's listStatus(Path[], filter): each path's listing in turn, concatenated.
      const out: FileStatus[] = [];
      for (const [i, one] of (path as readonly PathLike[]).entries()) {
        checkPathArgument(one, 'listStatus', `paths[${i}]`);
        out.push(...(await this.listStatus(one, filterOrOptions)));
      }
      return out;
    }
    checkPathArgument(path, 'listStatus');
    this.#count(S.OP_LIST_STATUS);
    const { filter, signal } = listOptions(filterOrOptions, 'listStatus');
    const p = this.#qualifyChecked(path);
    const list = async (): Promise<FileStatus[]> => {
      const out: FileStatus[] = [];
      for await (const page of this.#pages(p)) {
        for (const status of page) if (!filter || filter(status.path)) out.push(status);
      }
      return out;
    };
    const run = this.operationHook === undefined ? list : this.#hooked(p, list);
    return runCancellable(signal, 'listStatus', p.toString(), () => run(p));
  }

  /**
   * listStatus as an async iterable that pages through large directories. JavaScript cannot throw at
   * call time for an async operation, so a missing path raises FileNotFoundError on the first iteration.
   */
  listStatusIterator(path: PathLike, options: SignalOptions = {}): AsyncIterable<FileStatus> {
    this.#count(S.OP_LIST_STATUS);
    const self = this;
    return cancellableIterable(options.signal, 'listStatusIterator', undefined, () => ({
      async *[Symbol.asyncIterator]() {
        const p = self.#qualifyChecked(path);
        for await (const page of self.#pages(p)) yield* page;
      },
    }));
  }

  /**
   * Hadoop's getFileBlockLocations: FileSystem's default, as every store here has it — one location, on
   * "localhost", for the whole file; none when `start` is at or past the end.
   */
  getFileBlockLocations(status: FileStatus, start: number, length: number): BlockLocation[] {
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new IllegalArgumentError(`getFileBlockLocations: invalid start ${start} or length ${length}`, { path: status.path.toString() });
    }
    if (status.isDirectory() || status.length <= start) return [];
    return [{ offset: 0, length: status.length, names: ['localhost:9866'], hosts: ['localhost'] }];
  }

  /** Hadoop's listLocatedStatus: listStatus with the block locations of each file. */
  listLocatedStatus(path: PathLike, options: SignalOptions = {}): AsyncIterable<LocatedFileStatus> {
    this.#count(S.OP_LIST_LOCATED_STATUS);
    const self = this;
    return cancellableIterable(options.signal, 'listLocatedStatus', undefined, () => ({
      async *[Symbol.asyncIterator]() {
        for await (const page of self.#pages(self.#qualifyChecked(path))) for (const status of page) {
          yield new LocatedFileStatus(status, status.isFile() ? self.getFileBlockLocations(status, 0, status.length) : []);
        }
      },
    }));
  }

  /** Every file (never a directory) at or under `path`; recursive descends depth-first. */
  listFiles(path: PathLike, recursive: boolean, options: SignalOptions = {}): AsyncIterable<LocatedFileStatus> {
    checkPathArgument(path, 'listFiles');
    if (typeof recursive !== 'boolean') throw new TypeError(`listFiles: recursive must be a boolean, got ${describeValue(recursive)}`);
    this.#count(S.OP_LIST_FILES);
    const self = this;
    return cancellableIterable(options.signal, 'listFiles', undefined, () => ({
      async *[Symbol.asyncIterator]() {
        const start = self.#qualifyChecked(path);
        // Hadoop's listFiles answers LocatedFileStatus.
        for await (const status of self.walkFiles(start, recursive)) yield new LocatedFileStatus(status, self.getFileBlockLocations(status, 0, status.length));
      },
    }));
  }

  /** Hadoop glob (`* ? [abc] [a-z] [^a] {a,b} \\x`): matching statuses sorted by path; [] when none match. */
  globStatus(pattern: PathLike, filterOrOptions?: PathFilter | ListOptions): Promise<FileStatus[]> {
    this.#count(S.OP_GLOB_STATUS);
    const { filter, signal } = listOptions(filterOrOptions, 'globStatus');
    return this.#guard(pattern, (p) => globStatuses(this, p, filter), signal, 'globStatus');
  }

  /**
   * Creates the directory and its missing parents; true when it exists afterwards. A file at the path or
   * on the way is FileAlreadyExistsError / ParentNotDirectoryError, never a false return.
   */
  mkdirs(path: PathLike, permission?: FsPermission): Promise<boolean> {
    this.#count(S.OP_MKDIRS);
    return this.#guard(path, (p) => (p.isRoot() ? Promise.resolve(true) : this.makeDirectories(p, permission)));
  }

  /**
   * Deletes a file or directory: true if something was deleted, false if nothing was there. A non-empty
   * directory without `recursive` is PathIsNotEmptyDirectoryError. The root is never deleted: a
   * non-recursive delete of a non-empty root raises, anything else on the root returns false.
   */
  delete(path: PathLike, recursive = false, options: SignalOptions = {}): Promise<boolean> {
    this.#count(S.OP_DELETE);
    return this.#guard(path, async (p) => {
      if (!p.isRoot()) return this.deletePath(p, recursive);
      if (!recursive) {
        for await (const page of this.#pages(p)) {
          if (page.length === 0) continue;
          throw new PathIsNotEmptyDirectoryError(`root directory is not empty (holds ${page[0]!.path.getName()})`, { path: p.toString() });
        }
      }
      return false;
    }, options.signal, 'delete');
  }

  /**
   * Renames a file or directory (filesystem.md): a missing source is FileNotFoundError; a destination
   * that is a directory receives the source as a child; an existing destination file is
   * FileAlreadyExistsError; a missing destination parent is FileNotFoundError (parents are not created);
   * a destination under the source is InvalidPathError. True on success; renaming a path onto itself is
   * a no-op that returns true.
   */
  rename(src: PathLike, dst: PathLike, options: SignalOptions = {}): Promise<boolean> {
    this.#count(S.OP_RENAME);
    return this.#guard(src, async (from) => {
      const to = this.#qualifyChecked(dst);
      const rules = this.renameRules();
      const source = rules.missingSourceReturnsFalse ? await this.#statOrUndefined(from) : await this.statPath(from);
      if (!source) return false;
      if (from.isRoot()) throw new InvalidPathError(`cannot rename the root directory`, { path: from.toString() });
      if (from.equals(to)) return true;
      if (from.contains(to)) {
        throw new InvalidPathError(`cannot rename ${from.toString()} to a path below itself: ${to.toString()}`, { path: to.toString() });
      }
      let target = to;
      const existing = await this.#statOrUndefined(to);
      if (existing?.isDirectory() && rules.replaceEmptyDirectory && (await this.#isEmptyDirectory(to))) {
        // POSIX rename(2) replaces an empty directory (RawLocalFileSystem: with a file too, by its fallback).
        await this.deletePath(to, false);
      } else if (existing?.isDirectory()) {
        target = new Path(to, from.getName());
        if (target.equals(from)) return true;
        const inside = await this.#statOrUndefined(target);
        if (inside && !(rules.overwriteFile && inside.isFile() && source.isFile())) {
          if (rules.refusalReturnsFalse) return false;
          throw new FileAlreadyExistsError(`rename destination ${target.toString()} already exists`, { path: target.toString() });
        }
      } else if (existing) {
        if (!(rules.overwriteFile && source.isFile())) {
          if (rules.refusalReturnsFalse) return false;
          throw new FileAlreadyExistsError(`rename destination ${to.toString()} is an existing file`, { path: to.toString() });
        }
      } else {
        const parent = to.getParent()!;
        const parentStatus = await this.#statOrUndefined(parent);
        if (!parentStatus && rules.createParents) {
          await this.makeDirectories(parent);
        } else if (!parentStatus || !parentStatus.isDirectory()) {
          if (rules.refusalReturnsFalse) return false;
          if (!parentStatus) throw new FileNotFoundError(`rename destination parent ${parent.toString()} does not exist`, { path: parent.toString() });
          throw new ParentNotDirectoryError(`rename destination parent ${parent.toString()} is a file`, { path: parent.toString() });
        }
      }
      await this.moveTo(source, target);
      return true;
    }, options.signal, 'rename');
  }

  async #isEmptyDirectory(path: Path): Promise<boolean> {
    for await (const page of this.#pages(path)) if (page.length > 0) return false;
    return true;
  }

  /**
   * How rename treats an existing or missing destination: HDFS's rules (the default: a file destination
   * is an error, a directory one receives the source, a missing parent is an error), or a backend's own
   * (RawLocalFileSystem's POSIX rules for file://).
   */
  protected renameRules(): RenameRules {
    return STRICT_RENAME_RULES;
  }

  /** Totals under `path`, the path itself included (a directory counts itself). */
  getContentSummary(path: PathLike, options: SignalOptions = {}): Promise<ContentSummary> {
    this.#count(S.OP_GET_CONTENT_SUMMARY);
    return this.#guard(path, async (p) => {
      const summary = { length: 0, fileCount: 0, directoryCount: 0 };
      const visit = async (status: FileStatus): Promise<void> => {
        if (status.isFile()) {
          summary.fileCount++;
          summary.length += status.length;
          return;
        }
        summary.directoryCount++;
        for await (const page of this.#pages(status.path)) for (const child of page) await visit(child);
      };
      await visit(await this.statPath(p));
      return new ContentSummary(summary);
    }, options.signal, 'getContentSummary');
  }

  /** Releases the instance and removes it from the cache; later calls raise ClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // Hadoop's processDeleteOnExit: before the instance goes; a failure to delete one does not stop the others.
    for (const marked of this.#deleteOnExit) await this.delete(marked, true).catch(() => false);
    this.#deleteOnExit.clear();
    this.#closed = true;
    forgetCached(this);
    await this.releaseResources();
  }

  isClosed(): boolean {
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toString(): string {
    return `${this.constructor.name}{${this.#uri ? this.getUri() : 'uninitialised'}}`;
  }

  /** What console.log shows: the class and the URI (never the configuration, which may hold secrets). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- what a backend implements -----------------------------------------------------------------
  // Every path given to these is qualified with this filesystem's scheme and authority, and absolute.

  protected setPathTimes(path: Path, _mtime: number, _atime: number): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(`setTimes is not supported by ${this.getUri()}`, { path: path.toString() }));
  }
  protected setPathPermission(path: Path, _permission: FsPermission): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(`setPermission is not supported by ${this.getUri()}: it keeps no permissions`, { path: path.toString() }));
  }
  /** By default a store with no permissions lets its caller do anything to what exists. */
  protected async checkAccess(_path: Path, _mode: string): Promise<void> {}
  protected setPathOwner(path: Path, _username: string | undefined, _groupname: string | undefined): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(`setOwner is not supported by ${this.getUri()}: it keeps no owners`, { path: path.toString() }));
  }
  /** The sources' bytes appended to the target, the sources removed; all are files, checked by concat(). */
  protected concatFiles(target: FileStatus, _sources: readonly FileStatus[]): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(`concat is not supported by ${this.getUri()}`, { path: target.path.toString() }));
  }
  protected truncatePath(path: Path, _length: number): Promise<void> {
    return Promise.reject(new UnsupportedOperationError(`truncate is not supported by ${this.getUri()}`, { path: path.toString() }));
  }
  protected abstract createStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream>;
  protected appendStream(path: Path, _options: { bufferSize: number }): Promise<FSDataOutputStream> {
    return Promise.reject(new UnsupportedOperationError(`append is not supported by ${this.getUri()}`, { path: path.toString() }));
  }
  protected abstract openStream(path: Path, options: ResolvedOpenOptions): Promise<FSDataInputStream>;
  protected abstract statPath(path: Path): Promise<FileStatus>;
  /**
   * listStatus semantics, a page at a time: the children of a directory, or the file itself for a file;
   * FileNotFoundError for a missing path. Pages keep huge directories out of memory and cost one await
   * per page instead of one per entry.
   */
  protected abstract listPages(path: Path): AsyncIterable<readonly FileStatus[]>;
  protected abstract makeDirectories(path: Path, permission?: FsPermission): Promise<boolean>;
  /** Never called for the root. */
  protected abstract deletePath(path: Path, recursive: boolean): Promise<boolean>;
  /** Moves `source` to `target`, whose parent is an existing directory and which does not exist. */
  protected abstract moveTo(source: FileStatus, target: Path): Promise<void>;
  protected pathCapabilities(): ReadonlySet<string> {
    return new Set();
  }
  protected async releaseResources(): Promise<void> {}

  /** Files at or under `start`; a backend with flat listings (object stores) overrides it. */
  protected async *walkFiles(start: Path, recursive: boolean): AsyncIterable<FileStatus> {
    for await (const page of this.#pages(start)) {
      for (const status of page) {
        if (status.isFile()) yield status;
        else if (recursive) yield* this.walkFiles(status.path, true);
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  #count(operation: string): void {
    this.ioStatistics.incrementCounter(operation);
    if (this.operationHook === undefined) return;
    // Taken by the operation's own #guard in this synchronous turn; dropped after it otherwise, so that an
    // inner call made later by another operation is never taken for this one.
    this.#pendingOperation = operation;
    queueMicrotask(() => {
      if (this.#pendingOperation === operation) this.#pendingOperation = undefined;
    });
  }

  /** The hook around `body` for the operation counted just now, or `body` as it is. */
  #hooked<T>(path: Path, body: (p: Path) => Promise<T>): (p: Path) => Promise<T> {
    const operation = this.#pendingOperation;
    const hook = this.operationHook;
    if (operation === undefined || hook === undefined) return body;
    this.#pendingOperation = undefined;
    return (p) => hook(operationName(operation), path, () => body(p));
  }

  /** Resets this instance's IOStatistics to nothing (a test's set-up is then not counted). */
  resetStatistics(): void {
    this.ioStatistics.reset();
  }

  /** A stream whose statistics join this filesystem's when it closes. */
  #linked<T extends FSDataInputStream | FSDataOutputStream>(stream: T): T {
    (stream as unknown as StatisticsLinked)[MERGE_STATISTICS_ON_CLOSE]?.(this.ioStatistics);
    return stream;
  }

  #requireUri(): FileSystemUri {
    if (!this.#uri) throw new ClosedError(`${this.constructor.name} used before initialize()`);
    return this.#uri;
  }

  #root(): Path {
    if (!this.#rootPath) {
      const { scheme, authority } = this.#requireUri();
      this.#rootPath = Path.of(scheme, authority, '/');
    }
    return this.#rootPath;
  }

  #qualifyChecked(path: PathLike): Path {
    if (this.#closed) throw new ClosedError(`${this.toString()} is closed`);
    return this.makeQualified(path);
  }

  /**
   * Qualifies and checks the path, then runs the body (under `signal`, if one is given or current); a bad
   * path becomes a rejected promise, not a throw.
   */
  #guard<T>(path: PathLike, body: (p: Path) => Promise<T>, signal?: AbortSignal, what = 'call'): Promise<T> {
    let qualified: Path;
    try {
      qualified = this.#qualifyChecked(path);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.operationHook === undefined ? body : this.#hooked(qualified, body);
    // Without a signal (none given, none current) no extra promise on the hot path.
    if (!signal && !currentSignal()) return run(qualified);
    return runCancellable(signal, `${what} ${qualified.toString()}`, qualified.toString(), () => run(qualified));
  }

  /** listPages with a check of the current call's signal before each page (a long listing stops between pages). */
  async *#pages(path: Path): AsyncIterable<readonly FileStatus[]> {
    throwIfAborted(`list ${path.toString()}`, path.toString());
    for await (const page of this.listPages(path)) {
      yield page;
      throwIfAborted(`list ${path.toString()}`, path.toString());
    }
  }

  async #statOrUndefined(path: PathLike): Promise<FileStatus | undefined> {
    try {
      return await this.#guard(path, (p) => this.statPath(p));
    } catch (error) {
      if (error instanceof FileNotFoundError) return undefined;
      // A file in the middle of the path means the path cannot exist.
      if (error instanceof ParentNotDirectoryError) return undefined;
      throw error;
    }
  }
}
