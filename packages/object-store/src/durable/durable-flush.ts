import { abortIn, AlreadyBeingCreatedError, ConfigurationError, runBounded, type FileStatus, type FSDataOutputStream, type Path, type ResolvedCreateOptions } from '@hadoopfs/core';
import type { ObjectStoreSettings } from '../fs/settings.js';
import type { UploadBuffers } from '../fs/upload-buffers.js';
import { missingForDurableFlush } from '../store/capabilities.js';
import type { StoreClient } from '../store/store-client.js';
import { DurableOutputStream } from './durable-output-stream.js';
import { clearForCreate, refuseUntrustedStaging, type CreateClearance } from './lease-recovery.js';
import { purgeStaleUploads } from './purge.js';
import { recoverFile } from './recover.js';
import { reportFor, type RecoverAllOptions, type RecoverReport } from './recover-report.js';
import type { DurableFlushSettings } from './settings.js';
import { stagedFolders } from './staged-folder.js';
import { layoutFor, stagingFolderFor, uploadKeysOf, type StagedFolder } from './staging.js';

/**
 * Durable flush on one filesystem's bucket: what create(), concat and recover do when it is enabled
 * (package README, "Durable flush"). The object-store FileSystem holds one when its backend reads
 * durable-flush settings; every store it runs on gets the same protocol, its part sizes and checks taken
 * from the store's capabilities.
 */
export class DurableFlush {
  readonly #client: StoreClient;
  readonly settings: DurableFlushSettings;
  readonly #fs: ObjectStoreSettings;
  readonly #buffers: () => UploadBuffers;

  constructor(client: StoreClient, settings: DurableFlushSettings, fs: ObjectStoreSettings, buffers: () => UploadBuffers) {
    this.#client = client;
    this.settings = settings;
    this.#fs = fs;
    this.#buffers = buffers;
    if (settings.flushEnabled) {
      // A promise the store cannot keep is refused here, never weakened in silence.
      const missing = missingForDurableFlush(client.capabilities);
      if (missing.length > 0) {
        const named = missing.map((m) => `${m.capability} (${m.why})`).join('; ');
        throw new ConfigurationError(`${settings.enableKey}: durable flush needs what ${client.capabilities.store} at ${client.uri} lacks: ${named}`, { key: settings.enableKey });
      }
    }
  }

  get enabled(): boolean {
    return this.settings.flushEnabled;
  }

  /**
   * HDFS's rule for a file under construction (clearForCreate): while another writer's lease runs, or its
   * staging cannot be trusted, create() is AlreadyBeingCreatedError; once the lease ran out, that writer's
   * flushed bytes are recovered into the target first (lease recovery), so that create(overwrite=false)
   * then finds the file, and overwrite replaces it only when the new writer closes.
   */
  clearForCreate(key: string, path: Path): Promise<CreateClearance> {
    return clearForCreate(this.#client, this.settings, key, path.toString());
  }

  /** The stream create() returns once the target was cleared. */
  newStream(path: Path, key: string, options: ResolvedCreateOptions, clearance: CreateClearance): FSDataOutputStream {
    return new DurableOutputStream(path, this.#client, {
      bucket: this.#fs.bucket,
      key,
      stagingPrefix: this.settings.stagingPrefix,
      folder: stagingFolderFor(this.settings.stagingPrefix, key),
      layout: layoutFor(this.#client.capabilities),
      ...(this.settings.manifestKind ? { manifestKind: this.settings.manifestKind } : {}),
      since: clearance.since,
      partSize: this.#fs.partSize,
      partSizeKey: this.#fs.keys.partSize,
      activeBlocks: this.#fs.activeBlocks,
      removalBatch: this.settings.removalBatch,
      overlapSize: this.settings.overlapSize,
      forbidOverwrite: !options.overwrite,
      replaces: clearance.replaces,
      buffers: this.#buffers(),
    });
  }

  /**
   * HDFS refuses to concat a file under construction, and so does this: a live writer's later close would
   * replace the joined target (the sources already gone) or bring a source back. So every piece gets lease
   * recovery first, as create() does — a live writer (a lease that runs, or an upload nothing staged yet) is
   * AlreadyBeingCreatedError and nothing changes; a dead writer's flushed bytes are recovered into its file,
   * which is then joined as it now is. Answers whether a piece changed (its status must be read again).
   */
  async clearForConcat(pieces: ReadonlyArray<{ status: FileStatus; key: string }>): Promise<boolean> {
    let recovered = false;
    for (const { status, key } of pieces) {
      const path = status.path.toString();
      if (await refuseUntrustedStaging(this.#client, this.settings, key, path, 'concat')) recovered = true;
      for (const prefix of uploadKeysOf(this.settings.stagingPrefix, key, layoutFor(this.#client.capabilities))) {
        const { uploads } = await this.#client.listUploads(prefix.prefix);
        if (uploads.some((upload) => prefix.matches(upload.key))) {
          throw new AlreadyBeingCreatedError(`concat: ${path} is being written (an upload is open on it)`, { path });
        }
      }
    }
    return recovered;
  }

  /**
   * recover with a report per staged writer (and, recursively, per purged upload): `key` is the file or,
   * recursively, the folder ('' for the bucket); `keyOfReport` turns a report's URI back into a key.
   */
  async recoverAll(key: string, options: RecoverAllOptions, keyOfReport: (path: string) => string): Promise<RecoverReport[]> {
    const settings = this.settings;
    const prefix = key === '' ? '' : `${key}/`;
    const work: Array<{ targetKey: string; listed?: StagedFolder }> = options.recursive
      ? (await stagedFolders(this.#client, settings.stagingPrefix, prefix, this.#fs.pagingMaximum)).map((listed) => ({ targetKey: listed.targetKey, listed }))
      : [{ targetKey: key }];
    const perTarget: RecoverReport[][] = new Array(work.length);
    await runBounded(work, Math.max(1, options.concurrency ?? 8), async ({ targetKey, listed }, i) => {
      const reports = await recoverFile(
        this.#client,
        settings.stagingPrefix,
        targetKey,
        { leaseMs: settings.leaseMs, ...(options.force ? { force: true } : {}), ...(options.dryRun ? { dryRun: true } : {}) },
        listed,
      ).catch((error: unknown) => {
        // An abort stops the whole recover; any other failure is that file's report.
        if (abortIn(error)) throw error;
        return [reportFor(this.#client, targetKey)('failed', 'stopped by an error', { error: error as Error })];
      });
      perTarget[i] = reports;
      for (const report of reports) options.onReport?.(report);
    });
    const reports = perTarget.flat();
    // Uploads that a manifest still names (a live writer's; in a dry run also those recover would complete).
    const keepUploads = new Set(reports.filter((r) => (r.state === 'live-writer' || r.state === 'would-recover') && r.uploadId).map((r) => r.uploadId!));
    // Targets with a live writer, or staging that could not be read: their uploads are not the purge's.
    const keepTargets = new Set(reports.filter((r) => r.state === 'live-writer' || r.state === 'corrupt-manifest' || r.state === 'failed').map((r) => keyOfReport(r.path)));
    // Recursively every upload under the folder; for one file, that key's uploads (and its writers' data uploads).
    const purged = await purgeStaleUploads(this.#client, options.recursive ? prefix : key, {
      leaseMs: settings.leaseMs,
      // One file: its uploads named by nothing past the lease, as create() ends them; a folder: the purge age.
      purgeAgeMs: options.recursive ? settings.purgeAgeMs : settings.leaseMs,
      stagingPrefix: settings.stagingPrefix,
      keepUploads,
      keepTargets,
      ...(options.recursive ? {} : { onlyKey: key }),
      ...(options.force ? { force: true } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
    });
    for (const report of purged) options.onReport?.(report);
    reports.push(...purged);
    return reports;
  }
}
