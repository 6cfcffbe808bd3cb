import {
  FileAlreadyExistsError,
  FileChecksum,
  FileNotFoundError,
  FileStatus,
  FileSystem,
  FsPermission,
  currentUserName,
  InvalidPathError,
  ParentNotDirectoryError,
  Path,
  PathIsDirectoryError,
  PathCapabilities,
  PathIsNotEmptyDirectoryError,
  runBounded,
  runCancellable,
  UnsupportedOperationError,
  withoutSignal,
  type PathLike,
  type Configuration,
  type FileSystemUri,
  type FSDataInputStream,
  type FSDataOutputStream,
  type ResolvedOpenOptions,
  type ResolvedCreateOptions,
} from '@hadoopfs/core';
import type { ObjectInfo, ObjectStore } from '../store/object-store.js';
import { StoreClient } from '../store/store-client.js';
import { concatObjects } from './concat.js';
import { ObjectInputStream } from './object-input-stream.js';
import { ObjectOutputStream } from './object-output-stream.js';
import type { ObjectStoreSettings } from './settings.js';
import { DurableFlush } from '../durable/durable-flush.js';
import type { DurableFlushRecovery, RecoverAllOptions, RecoverReport } from '../durable/recover-report.js';
import type { DurableFlushSettings } from '../durable/settings.js';
import { UploadBuffers } from './upload-buffers.js';

const COPY_CONCURRENCY = 8;


/**
 * What hadoop-aliyun and S3A show for paths that have no owner in the store: the current user as owner
 * and group, and FileStatus's defaults — rw-rw-rw- for a file, rwxrwxrwx for a directory.
 */
const FILE_PERMISSION = new FsPermission(0o666);
const DIRECTORY_PERMISSION = new FsPermission(0o777);

/**
 * A FileSystem over an object store bucket, as Hadoop's object-store connectors are.
 * Directories are `dir/` marker objects or prefixes of other keys; a marker is written by mkdirs and put
 * back when a directory's last child goes, so that an emptied directory stays a directory. Nothing written
 * is visible before close(); rename is copy + delete and not atomic. A backend says which store and
 * settings a URI means (openStore); everything else is here, once.
 */
export abstract class ObjectStoreFileSystem<S extends ObjectStoreSettings = ObjectStoreSettings> extends FileSystem implements DurableFlushRecovery {
  #settings!: S;
  #durable: DurableFlush | undefined;
  #client!: StoreClient;
  #buffers!: UploadBuffers;
  /** Owner and group of every path, as hadoop-aliyun and S3A show them (read once, as UGI's login user). */
  readonly #user = currentUserName();
  /** What the HEAD behind a status said (type, metadata): concat builds on it instead of asking again. */
  readonly #headed = new WeakMap<FileStatus, ObjectInfo>();

  /** The store and the settings of a URI, from the configuration (a ConfigurationError names what is wrong). */
  protected abstract openStore(uri: FileSystemUri, conf: Configuration): { store: ObjectStore; settings: S };

  /**
   * Durable flush's settings from the backend's keys, or undefined where the backend offers none (then
   * recover is unsupported too). Enabled on a store that lacks what it needs, initialize() fails with a
   * ConfigurationError naming the capability and the store.
   */
  protected readDurableFlushSettings(_uri: FileSystemUri, _conf: Configuration): DurableFlushSettings | undefined {
    return undefined;
  }

  override async initialize(uri: FileSystemUri, conf: Configuration): Promise<void> {
    const { store, settings } = this.openStore(uri, conf);
    this.#settings = settings;
    await super.initialize(uri, conf);
    this.#client = new StoreClient(store, settings);
    this.#client.statistics = this.ioStatistics;
    this.#client.listeners = this.requestListeners;
    // Part buffers kept for reuse: as much memory as the parts in flight of a few streaming writers hold.
    this.#buffers = new UploadBuffers(this.#settings.uploadBuffer, this.#settings.partSize, 2 * (this.#settings.activeBlocks + 1));
    const durable = this.readDurableFlushSettings(uri, conf);
    if (durable) {
      try {
        this.#durable = new DurableFlush(this.#client, durable, settings, () => this.#buffers);
      } catch (error) {
        await this.releaseResources();
        throw error;
      }
    }
  }

  /** Durable flush's settings, where the backend offers it (enabled or not: recover works either way). */
  get durableFlushSettings(): DurableFlushSettings | undefined {
    return this.#durable?.settings;
  }

  /** Where this filesystem's streams keep bytes waiting for upload (shared, so that one bound holds for all). */
  get uploadBuffers(): UploadBuffers {
    return this.#buffers;
  }

  get client(): StoreClient {
    return this.#client;
  }

  get settings(): S {
    return this.#settings;
  }

  /** The object key of a path: no leading '/', '' for the root. */
  keyOf(path: Path): string {
    return path.path === '/' ? '' : path.path.slice(1);
  }

  #dirKey(path: Path): string {
    const key = this.keyOf(path);
    return key === '' ? '' : `${key}/`;
  }

  /**
   * The path of a listed key, or undefined for a key no Hadoop path can name (`a//b`, `d/../x`, written by
   * other tools): such keys are skipped, so that they neither break a listing nor make it its own child.
   */
  #listedPath(key: string, skipped: string[]): Path | undefined {
    const name = key.endsWith('/') ? key.slice(0, -1) : key;
    if (name === '' || name.split('/').some((e) => e === '' || e === '.' || e === '..')) {
      skipped.push(key);
      return undefined;
    }
    try {
      return this.#pathOf(key);
    } catch (error) {
      if (!(error instanceof InvalidPathError)) throw error;
      skipped.push(key);
      return undefined;
    }
  }

  #pathOf(key: string): Path {
    return this.makeQualified(`/${key.endsWith('/') ? key.slice(0, -1) : key}`);
  }

  #fileStatus(path: Path, info: Pick<ObjectInfo, 'size' | 'lastModified' | 'etag' | 'checksum'>): FileStatus {
    return new FileStatus({
      path,
      length: info.size,
      isDirectory: false,
      modificationTime: info.lastModified,
      blockSize: this.getDefaultBlockSize(path),
      etag: info.etag,
      // A HEAD gives it, a listing does not.
      ...(info.checksum ? { crc64: info.checksum } : {}),
      owner: this.#user,
      group: this.#user,
      permission: FILE_PERMISSION,
    });
  }

  #dirStatus(path: Path, modificationTime = 0): FileStatus {
    return new FileStatus({ path, length: 0, isDirectory: true, modificationTime, blockSize: 0, owner: this.#user, group: this.#user, permission: DIRECTORY_PERMISSION });
  }

  /** A directory exists if its marker or any key below it does: one LIST of at most one key. */
  async #isDirectory(path: Path): Promise<boolean> {
    if (path.isRoot()) return true;
    const page = await this.#client.list(this.#dirKey(path), { maxKeys: 1 });
    return page.objects.length > 0 || page.prefixes.length > 0;
  }

  protected async statPath(path: Path): Promise<FileStatus> {
    if (path.isRoot()) return this.#dirStatus(path);
    const info = await this.#client.head(this.keyOf(path));
    if (info) {
      const status = this.#fileStatus(path, info);
      this.#headed.set(status, info);
      return status;
    }
    if (await this.#isDirectory(path)) return this.#dirStatus(path);
    throw new FileNotFoundError(`no such file or directory: ${path.toString()}`, { path: path.toString() });
  }

  /** A file at `path` or at any ancestor makes a path unusable as a directory. */
  async #checkAncestors(path: Path, operation: string): Promise<void> {
    for (let p = path.getParent(); p && !p.isRoot(); p = p.getParent()) {
      if (await this.#client.head(this.keyOf(p))) {
        throw new ParentNotDirectoryError(`${operation}: ${p.toString()} is a file, so ${path.toString()} cannot be created`, { path: path.toString() });
      }
    }
  }

  protected async createStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream> {
    // Lease recovery comes first: a dead writer's flushed bytes are then the file that overwrite=false finds.
    const clearance = this.#durable?.enabled ? await this.#durable.clearForCreate(this.keyOf(path), path) : undefined;
    if (await this.#isDirectory(path)) {
      throw new FileAlreadyExistsError(`create: ${path.toString()} is a directory`, { path: path.toString() });
    }
    if (!options.overwrite && (await this.#client.head(this.keyOf(path)))) {
      throw new FileAlreadyExistsError(`create: ${path.toString()} already exists`, { path: path.toString() });
    }
    const parent = path.getParent()!;
    if (!options.recursive && !parent.isRoot() && !(await this.#isDirectory(parent))) {
      if (await this.#client.head(this.keyOf(parent))) {
        throw new ParentNotDirectoryError(`create: parent ${parent.toString()} is a file`, { path: parent.toString() });
      }
      throw new FileNotFoundError(`create: parent directory ${parent.toString()} does not exist`, { path: parent.toString() });
    }
    await this.#checkAncestors(path, 'create');
    return clearance ? this.#durable!.newStream(path, this.keyOf(path), options, clearance) : this.newOutputStream(path, options);
  }

  /** The stream for a create() whose checks passed, without durable flush. */
  protected newOutputStream(path: Path, options: ResolvedCreateOptions): FSDataOutputStream {
    return new ObjectOutputStream(path, this.#client, {
      key: this.keyOf(path),
      partSize: this.#settings.partSize,
      partSizeKey: this.#settings.keys.partSize,
      activeBlocks: this.#settings.activeBlocks,
      forbidOverwrite: !options.overwrite,
      buffers: this.#buffers,
    });
  }

  /** A store that keeps every object's CRC-64 gives it with the HEAD behind a status: no read is needed. */
  protected override async fileChecksum(status: FileStatus): Promise<FileChecksum> {
    if (this.#client.capabilities.checksum !== 'crc64-xz') return super.fileChecksum(status);
    const crc = status.crc64 ?? (await this.#client.head(this.keyOf(status.path)))?.checksum;
    if (crc && /^\d+$/.test(crc)) return FileChecksum.ofCrc64(BigInt(crc));
    return super.fileChecksum(status);
  }

  protected async openStream(path: Path, options: ResolvedOpenOptions): Promise<FSDataInputStream> {
    const random = options.readPolicy === 'random' || options.readPolicy === 'vector';
    if (options.length !== undefined) {
      // openFile() with the length or the status known: no HEAD. The ETag (the status's, else the first
      // response's) pins every range, the CRC-64 comes with the first response; a missing file or a
      // directory shows at the first read, as Hadoop's openFile() allows.
      if (options.status?.isDirectory()) throw new PathIsDirectoryError(`open: ${path.toString()} is a directory`, { path: path.toString() });
      return new ObjectInputStream(path, this.#client, {
        key: this.keyOf(path),
        length: options.length,
        ...(options.status?.etag ? { etag: options.status.etag } : {}),
        ...(options.status?.crc64 && this.#settings.checksums ? { crc64: options.status.crc64 } : {}),
        checkCrc: this.#settings.checksums,
        readAhead: this.#settings.readAhead,
        bufferSize: options.bufferSize,
        attempts: this.#settings.maxAttempts,
        random,
      });
    }
    const info = await this.#client.head(this.keyOf(path));
    if (!info) {
      if (await this.#isDirectory(path)) throw new PathIsDirectoryError(`open: ${path.toString()} is a directory`, { path: path.toString() });
      throw new FileNotFoundError(`open: no such file: ${path.toString()}`, { path: path.toString() });
    }
    return new ObjectInputStream(path, this.#client, {
      key: this.keyOf(path),
      length: info.size,
      etag: info.etag,
      crc64: this.#settings.checksums ? info.checksum : undefined,
      readAhead: this.#settings.readAhead,
      bufferSize: options.bufferSize,
      attempts: this.#settings.maxAttempts,
      random,
    });
  }

  /**
   * Children in Hadoop's order across pages, not only within one. A store lists by key, where a directory
   * `p/` sorts after `p-x` and `p.txt` ('/' is 0x2F) although Hadoop puts `p` first; so an entry is held back
   * until the listing has passed every directory that could still precede it.
   */
  protected async *listPages(path: Path): AsyncIterable<readonly FileStatus[]> {
    const prefix = this.#dirKey(path);
    let token: string | undefined;
    let sawAnything = false;
    let sawMarker = false;
    let held: Array<{ status: FileStatus; releaseAt: string }> = [];
    const skipped: string[] = [];
    do {
      const page = await this.#client.list(prefix, { delimiter: '/', token, maxKeys: this.#settings.pagingMaximum });
      token = page.nextToken;
      let last = '';
      for (const p of page.prefixes) {
        if (p > last) last = p;
        const child = this.#listedPath(p, skipped);
        if (child) held.push({ status: this.#dirStatus(child), releaseAt: releaseKey(p.slice(0, -1), prefix.length) });
      }
      for (const o of page.objects) {
        if (o.key > last) last = o.key;
        if (o.key === prefix) {
          sawMarker = true;
          continue;
        }
        const child = this.#listedPath(o.key, skipped);
        if (child) held.push({ status: this.#fileStatus(child, o), releaseAt: releaseKey(o.key, prefix.length) });
      }
      const ready = token ? held.filter((h) => h.releaseAt <= last) : held;
      held = token ? held.filter((h) => h.releaseAt > last) : [];
      const statuses = ready.map((h) => h.status).sort((a, b) => a.path.compareTo(b.path));
      if (statuses.length > 0) {
        sawAnything = true;
        yield statuses;
      }
    } while (token);
    warnSkipped(path, skipped);
    if (sawAnything || sawMarker || skipped.length > 0 || path.isRoot()) return;
    const info = await this.#client.head(this.keyOf(path));
    if (info) {
      yield [this.#fileStatus(path, info)];
      return;
    }
    throw new FileNotFoundError(`listStatus: no such file or directory: ${path.toString()}`, { path: path.toString() });
  }

  /** Every file under a prefix with one flat listing, not a walk per directory. */
  protected override async *walkFiles(start: Path, recursive: boolean): AsyncIterable<FileStatus> {
    if (!recursive) {
      yield* super.walkFiles(start, false);
      return;
    }
    const status = await this.statPath(start);
    if (status.isFile()) {
      yield status;
      return;
    }
    const skipped: string[] = [];
    for await (const info of this.#allUnder(this.#dirKey(start))) {
      if (info.key.endsWith('/')) continue;
      const file = this.#listedPath(info.key, skipped);
      if (file) yield this.#fileStatus(file, info);
    }
    warnSkipped(start, skipped);
  }

  async *#allUnder(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.#client.list(prefix, { token, maxKeys: this.#settings.pagingMaximum });
      token = page.nextToken;
      yield* page.objects;
    } while (token);
  }

  protected async makeDirectories(path: Path): Promise<boolean> {
    if (await this.#client.head(this.keyOf(path))) {
      throw new FileAlreadyExistsError(`mkdirs: ${path.toString()} is a file`, { path: path.toString() });
    }
    await this.#checkAncestors(path, 'mkdirs');
    if (await this.#isDirectory(path)) return true;
    await this.#client.put(this.#dirKey(path), Buffer.alloc(0));
    return true;
  }

  /** After the last child of `dir` went, its marker keeps it a directory (Hadoop's parent-recreation rule). */
  async #keepDirectory(dir: Path): Promise<void> {
    if (dir.isRoot()) return;
    const page = await this.#client.list(this.#dirKey(dir), { maxKeys: 1 });
    if (page.objects.length === 0 && page.prefixes.length === 0) await this.#client.put(this.#dirKey(dir), Buffer.alloc(0));
  }

  protected async deletePath(path: Path, recursive: boolean): Promise<boolean> {
    let status: FileStatus;
    try {
      status = await this.statPath(path);
    } catch (error) {
      if (error instanceof FileNotFoundError) return false;
      throw error;
    }
    if (status.isFile()) {
      await this.#client.delete(this.keyOf(path));
    } else {
      const prefix = this.#dirKey(path);
      const keys: string[] = [];
      for await (const info of this.#allUnder(prefix)) {
        if (info.key !== prefix && !recursive) {
          throw new PathIsNotEmptyDirectoryError(`delete: directory ${path.toString()} is not empty and recursive is false`, { path: path.toString() });
        }
        keys.push(info.key);
        // Deleting as the listing goes keeps memory flat for huge directories.
        if (keys.length === 1000) await this.#client.deleteMany(keys.splice(0));
      }
      if (keys.length > 0) await this.#client.deleteMany(keys);
    }
    await this.#keepDirectory(path.getParent()!);
    return true;
  }

  protected async moveTo(source: FileStatus, target: Path): Promise<void> {
    if (source.isFile()) {
      await this.#copyObject(this.keyOf(source.path), this.keyOf(target), source.length);
      await this.#client.delete(this.keyOf(source.path));
    } else {
      const from = this.#dirKey(source.path);
      const to = this.#dirKey(target);
      const moved: string[] = [];
      const copies: Array<{ key: string; etag: string }> = [];
      try {
        await runBounded(this.#allUnder(from), COPY_CONCURRENCY, async (info) => {
          // Known before the request: a copy cut in flight may still have been applied, with the source's ETag.
          const copy = { key: to + info.key.slice(from.length), etag: info.etag };
          copies.push(copy);
          copy.etag = await this.#copyObject(info.key, copy.key, info.size);
          moved.push(info.key);
        });
      } catch (error) {
        // Every source is still in place: the copies made so far go (each only while it is still the copy
        // we made: a copy of a multipart object whose answer was lost may carry another ETag, and stays),
        // so that the rename failed (or aborted) as a whole and can simply be run again.
        await withoutSignal(() => runBounded(copies, COPY_CONCURRENCY, async (copy) => void (await this.#client.deleteIfUnchanged(copy.key, copy.etag).catch(() => false))));
        throw error;
      }
      // A directory known only by a marker that was never listed (none here) still needs one at the target.
      if (moved.length === 0) await this.#client.put(to, Buffer.alloc(0));
      await this.#client.deleteMany(moved);
    }
    await this.#keepDirectory(source.path.getParent()!);
  }

  /** Copies one object (multipart above the threshold), answering the copy's ETag. */
  async #copyObject(fromKey: string, toKey: string, size: number): Promise<string> {
    if (size <= this.#settings.multipartCopyThreshold) return this.#client.copy(fromKey, toKey);
    const partSize = Math.max(this.#settings.partSize, Math.ceil(size / this.#client.capabilities.maxPartNumber));
    const uploadId = await this.#client.initUpload(toKey);
    try {
      const parts: Array<{ number: number; etag: string }> = [];
      for (let start = 0, number = 1; start < size; start += partSize, number++) {
        const end = Math.min(size, start + partSize);
        parts.push({ number, etag: (await this.#client.uploadPartCopy(toKey, uploadId, number, fromKey, start, end)).etag });
      }
      return (await this.#client.complete(toKey, uploadId, parts)).etag;
    } catch (error) {
      await this.#client.abort(toKey, uploadId);
      throw error;
    }
  }

  protected override pathCapabilities(): ReadonlySet<string> {
    return new Set(this.#durable?.enabled ? [PathCapabilities.CONCAT, PathCapabilities.DURABLE_FLUSH] : [PathCapabilities.CONCAT]);
  }

  /**
   * Rebuilds the file (or, `isFolder`, every staged file below the folder) from its flush manifest, as
   * `recover(path, isFolder)` of a durable-flush filesystem does. True when something was recovered; a
   * corrupt manifest or a live writer is an error.
   */
  async recover(path: PathLike, isFolder: boolean, options: { signal?: AbortSignal; force?: boolean } = {}): Promise<boolean> {
    const reports = await this.recoverAll(path, { recursive: isFolder, ...options });
    const failed = reports.find((r) => r.error);
    if (failed) throw failed.error;
    return reports.some((r) => r.state === 'recovered');
  }

  /** recover with a report per staged writer, and per upload that nothing names which it ended. */
  recoverAll(path: PathLike, options: RecoverAllOptions = {}): Promise<RecoverReport[]> {
    const qualified = this.makeQualified(path);
    const durable = this.#durable;
    if (!durable) {
      return Promise.reject(new UnsupportedOperationError(`recover: ${this.getUri()} has no durable flush (its backend reads no staging settings)`, { path: qualified.toString() }));
    }
    return runCancellable(options.signal, `recover ${qualified.toString()}`, qualified.toString(), () =>
      durable.recoverAll(this.keyOf(qualified), options, (reported) => this.keyOf(this.makeQualified(reported))),
    );
  }

  protected override async concatFiles(target: FileStatus, sources: readonly FileStatus[]): Promise<void> {
    if (this.#durable?.enabled) {
      const pieces = [target, ...sources].map((status) => ({ status, key: this.keyOf(status.path) }));
      // A recovered piece is a new version: the concat pins the versions it sees now.
      if (await this.#durable.clearForConcat(pieces)) {
        target = await this.getFileStatus(target.path);
        sources = await Promise.all(sources.map((s) => this.getFileStatus(s.path)));
      }
    }
    // concat() just statted every piece: those HEADs' answers are the versions the concat is pinned to.
    const infoOf = async (status: FileStatus): Promise<ObjectInfo> => {
      const known = this.#headed.get(status);
      if (known) return known;
      const info = await this.#client.head(this.keyOf(status.path));
      if (!info) throw new FileNotFoundError(`concat: no such file: ${status.path.toString()}`, { path: status.path.toString() });
      return info;
    };
    await concatObjects(this.#client, await infoOf(target), await Promise.all(sources.map(infoOf)));
  }

  protected override async releaseResources(): Promise<void> {
    this.#client?.close();
    await this.#buffers?.close();
  }
}

/** One process warning per listing that skipped keys, naming the first few. */
function warnSkipped(path: Path, skipped: readonly string[]): void {
  if (skipped.length === 0) return;
  const shown = skipped.slice(0, 3).map((k) => JSON.stringify(k)).join(', ');
  process.emitWarning(`listing ${path.toString()}: skipped ${skipped.length} key(s) that no Hadoop path can name: ${shown}${skipped.length > 3 ? ', …' : ''}`, {
    code: 'HADOOPFS_UNNAMEABLE_KEY',
  });
}

/**
 * The listed key after which no directory can appear that sorts before the child `key` in Hadoop's order:
 * such a directory is a proper prefix `d` of the name followed by a character below '/', and the listing
 * reaches `d/` last for the shortest such `d`. '' when there is none (release at once).
 */
function releaseKey(key: string, nameStart: number): string {
  for (let i = nameStart + 1; i < key.length; i++) {
    if (key.charCodeAt(i) < 0x2f) return `${key.slice(0, i)}/`;
  }
  return '';
}

