import {
  abortIn,
  AlreadyBeingCreatedError,
  FileSystem,
  PathCapabilities,
  runBounded,
  runCancellable,
  type Configuration,
  type FileStatus,
  type FileSystemUri,
  type FSDataOutputStream,
  type Path,
  type PathLike,
  type ResolvedCreateOptions,
} from '@hadoopfs/core';
import { AliyunOssFileSystem } from '@hadoopfs/oss';
import { DurableOssOutputStream } from './durable-output-stream.js';
import { clearForCreate, refuseUntrustedStaging, type CreateClearance } from './lease-recovery.js';
import { purgeStaleUploads } from './purge.js';
import { recoverFile } from './recover.js';
import { reportFor, type DurableFlushRecovery, type RecoverAllOptions, type RecoverReport } from '@hadoopfs/object-store';
import { readJindoSettings, type JindoSettings } from './settings.js';
import { stagedFolders } from './staged-folder.js';
import { stagingFolderFor, type StagedFolder } from './staging.js';


/**
 * OSS with durable flush (JindoSDK's `fs.jfs.cache.oss.flush.enable`): with flush enabled, create()
 * returns a stream whose hflush()/hsync() put every byte written so far into the bucket, so that
 * `recover` can rebuild the file after the writer died (DESIGN §4, package README). With flush disabled
 * it is the plain OSS backend.
 */
export class JindoOssFileSystem extends AliyunOssFileSystem implements DurableFlushRecovery {
  #jindo!: JindoSettings;
  /** What create() found at the target for the stream it is about to build. */
  readonly #clearances = new Map<string, CreateClearance>();

  override async initialize(uri: FileSystemUri, conf: Configuration): Promise<void> {
    this.#jindo = readJindoSettings(conf);
    await super.initialize(uri, conf);
  }

  get jindoSettings(): JindoSettings {
    return this.#jindo;
  }

  protected override pathCapabilities(): ReadonlySet<string> {
    return this.#jindo.flushEnabled ? new Set([...super.pathCapabilities(), PathCapabilities.DURABLE_FLUSH]) : super.pathCapabilities();
  }

  /**
   * HDFS's rule for a file under construction (clearForCreate): while another writer's lease runs, or
   * its staging cannot be trusted, create() is AlreadyBeingCreatedError; once the lease ran out, that
   * writer's flushed bytes are recovered into the target first (lease recovery), so that
   * create(overwrite=false) then finds the file, and overwrite replaces it only when the new writer closes.
   */
  protected override async createStream(path: Path, options: ResolvedCreateOptions): Promise<FSDataOutputStream> {
    if (!this.#jindo.flushEnabled) return super.createStream(path, options);
    const key = this.keyOf(path);
    this.#clearances.set(key, await clearForCreate(this.client, this.#jindo, key, path.toString()));
    try {
      return await super.createStream(path, options);
    } finally {
      this.#clearances.delete(key);
    }
  }

  /**
   * HDFS refuses to concat a file under construction, and so does this: a live writer's later close would
   * replace the joined target (the sources already gone) or bring a source back. So every piece gets lease
   * recovery first, as create() does — a live writer (a lease that runs, or an upload nothing staged yet) is
   * AlreadyBeingCreatedError and nothing changes; a dead writer's flushed bytes are recovered into its file,
   * which is then joined as it now is.
   */
  protected override async concatFiles(target: FileStatus, sources: readonly FileStatus[]): Promise<void> {
    if (!this.#jindo.flushEnabled) return super.concatFiles(target, sources);
    let recovered = false;
    for (const status of [target, ...sources]) {
      const key = this.keyOf(status.path);
      if (await refuseUntrustedStaging(this.client, this.#jindo, key, status.path.toString(), 'concat')) recovered = true;
      if ((await this.client.listUploads(key)).uploads.some((upload) => upload.key === key)) {
        throw new AlreadyBeingCreatedError(`concat: ${status.path.toString()} is being written (an upload is open on it)`, { path: status.path.toString() });
      }
    }
    // A recovered piece is a new version: the concat pins the versions it sees now.
    if (recovered) return super.concatFiles(await this.getFileStatus(target.path), await Promise.all(sources.map((s) => this.getFileStatus(s.path))));
    return super.concatFiles(target, sources);
  }

  protected override newOutputStream(path: Path, options: ResolvedCreateOptions): FSDataOutputStream {
    if (!this.#jindo.flushEnabled) return super.newOutputStream(path, options);
    const key = this.keyOf(path);
    const clearance = this.#clearances.get(key);
    if (!clearance) throw new Error(`${path.toString()}: a durable stream is only made by create()`);
    return new DurableOssOutputStream(path, this.client, {
      bucket: this.settings.bucket,
      key,
      stagingPrefix: this.#jindo.stagingPrefix,
      folder: stagingFolderFor(this.#jindo.stagingPrefix, key),
      since: clearance.since,
      partSize: this.settings.partSize,
      partSizeKey: this.settings.keys.partSize,
      activeBlocks: this.settings.activeBlocks,
      forbidOverwrite: !options.overwrite,
      replaces: clearance.replaces,
      buffers: this.uploadBuffers,
    });
  }

  /**
   * JindoSDK's `recover(path, isFolder)`: rebuilds the file (or every staged file below a folder) from
   * its flush manifest. True when something was recovered; a corrupt manifest or a live writer is an error.
   */
  async recover(path: PathLike, isFolder: boolean, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const reports = await this.recoverAll(path, { recursive: isFolder, ...options });
    const failed = reports.find((r) => r.error);
    if (failed) throw failed.error;
    return reports.some((r) => r.state === 'recovered');
  }

  /** recover with a report per staged writer (and, recursively, per purged upload). */
  recoverAll(path: PathLike, options: RecoverAllOptions = {}): Promise<RecoverReport[]> {
    const qualified = this.makeQualified(path);
    return runCancellable(options.signal, `recover ${qualified.toString()}`, qualified.toString(), () => this.#recoverAll(qualified, options));
  }

  async #recoverAll(qualified: Path, options: RecoverAllOptions): Promise<RecoverReport[]> {
    const key = this.keyOf(qualified);
    const prefix = key === '' ? '' : `${key}/`;
    const work: Array<{ targetKey: string; listed?: StagedFolder }> = options.recursive
      ? (await stagedFolders(this.client, this.#jindo.stagingPrefix, prefix, this.settings.pagingMaximum)).map((listed) => ({ targetKey: listed.targetKey, listed }))
      : [{ targetKey: key }];
    const perTarget: RecoverReport[][] = new Array(work.length);
    await runBounded(work, Math.max(1, options.concurrency ?? 8), async ({ targetKey, listed }, i) => {
      const reports = await recoverFile(
        this.client,
        this.#jindo.stagingPrefix,
        targetKey,
        { leaseMs: this.#jindo.leaseMs, ...(options.force ? { force: true } : {}), ...(options.dryRun ? { dryRun: true } : {}) },
        listed,
      ).catch((error: unknown) => {
        // An abort stops the whole recover; any other failure is that file's report.
        if (abortIn(error)) throw error;
        return [reportFor(this.client, targetKey)('failed', 'stopped by an error', { error: error as Error })];
      });
      perTarget[i] = reports;
      for (const report of reports) options.onReport?.(report);
    });
    const reports = perTarget.flat();
    if (options.recursive) {
      // Uploads that a manifest still names (a live writer's; in a dry run also those recover would complete).
      const keepUploads = new Set(reports.filter((r) => (r.state === 'live-writer' || r.state === 'would-recover') && r.uploadId).map((r) => r.uploadId!));
      // Targets with a live writer, or staging that could not be read: their uploads are not the purge's.
      const keepTargets = new Set(
        reports.filter((r) => r.state === 'live-writer' || r.state === 'corrupt-manifest' || r.state === 'failed').map((r) => this.keyOf(this.makeQualified(r.path))),
      );
      const purged = await purgeStaleUploads(this.client, prefix, {
        leaseMs: this.#jindo.leaseMs,
        purgeAgeMs: this.#jindo.purgeAgeMs,
        stagingPrefix: this.#jindo.stagingPrefix,
        keepUploads,
        keepTargets,
        ...(options.force ? { force: true } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      for (const report of purged) options.onReport?.(report);
      reports.push(...purged);
    }
    return reports;
  }
}

/** oss:// now means JindoOssFileSystem (as `fs.oss.impl` pointing at it would). */
export function registerJindoOssFileSystem(): void {
  FileSystem.register(AliyunOssFileSystem.SCHEME, JindoOssFileSystem);
}
