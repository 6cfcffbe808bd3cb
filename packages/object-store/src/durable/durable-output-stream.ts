import { randomBytes } from 'node:crypto';
import { crc64, FileAlreadyExistsError, FSDataOutputStream, IOError, LeaseExpiredError, StreamCapabilities, throwIfAborted, withoutSignal, type Path } from '@hadoopfs/core';
import { PartUploader } from '../fs/part-uploader.js';
import type { UploadBuffers } from '../fs/upload-buffers.js';
import type { UploadInfo } from '../store/object-store.js';
import type { StoreClient } from '../store/store-client.js';
import { encodeManifest, MANIFEST_KIND, MANIFEST_V3, MANIFEST_VERSION, tailEtag, type FlushManifest } from './manifest.js';
import { publishFlushed } from './publish.js';
import { dataKeyFor, manifestKeyFor, MAX_WRITER_PART, WRITER_META, type UploadLayout } from './staging.js';
import { endUnnamedUpload } from './unnamed-uploads.js';


export interface DurableOutputOptions {
  bucket: string;
  key: string;
  /** The staging prefix (`fs.jfs.cache.flush.staging.path` without slashes). */
  stagingPrefix: string;
  /** The target's staging folder, `<staging>/<target>/`. */
  folder: string;
  /** Where the writer's upload lives (staging.ts, UploadLayout): the store's capabilities decide. */
  layout: UploadLayout;
  /** The kind its manifests declare (default MANIFEST_KIND; a backend that wrote another before keeps it). */
  manifestKind?: string;
  /**
   * The store's clock when create() had cleared the key: an upload of it initiated since, not this
   * writer's, is a stray of this writer's own InitiateMultipartUpload (its answer lost, or applied twice).
   */
  since: number;
  partSize: number;
  /** The key that sets `partSize`, for messages. */
  partSizeKey: string;
  activeBlocks: number;
  /** Superseded manifests removed in one request (settings' removalBatch). */
  removalBatch: number;
  /** A flush of at most this many new bytes (and half a part) sends its part beside its manifest (settings' overlapSize; 0: never). */
  overlapSize?: number;
  forbidOverwrite: boolean;
  /** ETag of the object this writer replaces (HEAD at create), or null if there was none. */
  replaces: string | null;
  /** The highest part number to use (default and most: 9 998; recover owns the two above). */
  maxParts?: number;
  buffers: UploadBuffers;
}

/** What a durable writer counts in its IOStatistics, beside the stream's own. */
export const DurableFlushStatisticNames = {
  /** Small flushes whose part went up beside their manifest (hflushBytes). */
  OVERLAPPED_FLUSHES: 'durable_flush_overlapped',
} as const;

/**
 * A writer whose hflush()/hsync() survive its own death (protocol v2, package README; DESIGN §4, D1–D5).
 *
 * Full parts stream up in the background. A flush sends what is buffered as a part of its own when it is
 * at least the store's part minimum (so a flush uploads only what is new), then saves one manifest object — a JSON header
 * naming the upload and its parts, followed by the remaining bytes — under a key unique to this writer and
 * sequence, create-only; then one fencing read (ListParts above part 9998) proves that the upload still
 * exists and that no recover claimed it. Only then does the flush return. Superseded manifests are removed
 * off the flush's path, several in one request (awaited by the next flush, close or abort).
 * Every state change is recorded after the request that makes it true succeeded: a
 * failed flush leaves the previous manifest in force and the stream able to flush again.
 */
export class DurableOutputStream extends FSDataOutputStream {
  readonly writerId = randomBytes(16).toString('hex');
  readonly #client: StoreClient;
  readonly #options: DurableOutputOptions;
  readonly #parts: PartUploader;
  /** The key of the writer's upload: the target, or its own data key in the staging folder. */
  readonly #uploadKey: string;
  #sequence = 0;
  /** Sequences whose manifest key held another object when this writer tried it: never removed by it. */
  readonly #notOurs = new Set<number>();
  /** The manifest of the last flush that returned: the state recover rebuilds. */
  #durable: { key: string; length: number } | undefined;
  /** The removal of superseded manifests in flight (never rejects): awaited by the next flush, close and abort. */
  #removal: Promise<void> | undefined;
  /** Manifests a newer one superseded, not yet asked to be removed. */
  #superseded: string[] = [];
  /** Set once the file was taken over (recover, another writer, an aborted upload): final. */
  #fenced: LeaseExpiredError | undefined;
  /** close() completed the object; only the staging removal remains. */
  #completed = false;
  /** 'data' layout: close() put the data object at the target. */
  #published = false;
  #retryableClose = false;
  /** Strays found by a close that completed: ended before close() returns (again, by a retried close). */
  #strays: UploadInfo[] = [];
  /**
   * Past half the part numbers, flushes stop turning short runs into parts (they stay in the tail, up to a
   * part size), so that whole parts can still follow: the file can grow to at least half the parts × the part minimum
   * plus half × part size.
   */
  readonly #flushPartBudget: number;

  constructor(path: Path, client: StoreClient, options: DurableOutputOptions) {
    super(path);
    this.#client = client;
    this.#options = options;
    const maxParts = Math.min(MAX_WRITER_PART, options.maxParts ?? MAX_WRITER_PART);
    this.#flushPartBudget = Math.floor(maxParts / 2);
    this.#uploadKey = options.layout === 'data' ? dataKeyFor(options.folder, this.writerId) : options.key;
    this.#parts = new PartUploader(client, {
      key: this.#uploadKey,
      partSize: options.partSize,
      partSizeKey: options.partSizeKey,
      activeBlocks: options.activeBlocks,
      buffers: options.buffers,
      maxParts,
      meta: { [WRITER_META]: this.writerId },
      translateError: (error) => this.#fencedOr(error, 'upload a part'),
    });
  }

  /**
   * Durable, not visible: a flushed byte survives the writer's death but no reader sees it before close or
   * recover. Hadoop's hflush/hsync promise visibility, so they are not declared (outputstream.md).
   */
  hasCapability(capability: string): boolean {
    return capability === StreamCapabilities.DURABLE_FLUSH || capability === StreamCapabilities.ABORTABLE;
  }

  get uploadId(): Promise<string> | undefined {
    return this.#parts.uploadId;
  }

  /** Bytes the last successful flush made durable. */
  get flushedLength(): number {
    return this.#durable?.length ?? 0;
  }

  protected writeChunk(bytes: Uint8Array): Promise<void> {
    if (this.#fenced) return Promise.reject(this.#fenced);
    return this.#parts.write(bytes);
  }

  /** The fencing read found the upload completed or aborted (not merely claimed by a recover at work). */
  #uploadGone = false;

  #fence(reason: string): LeaseExpiredError {
    this.#fenced ??= new LeaseExpiredError(`${this.path.toString()}: ${reason}; this writer can no longer flush or close`, { path: this.path.toString() });
    return this.#fenced;
  }

  /** NoSuchUpload while writing means someone completed or aborted our upload: the file is no longer ours. */
  #fencedOr(error: unknown, what: string): Error {
    if ((error as { code?: string }).code === 'ENOENT') return this.#fence(`cannot ${what}: the upload was completed or aborted by someone else`);
    return error as Error;
  }

  protected async flushBuffers(): Promise<void> {
    // A plain flush() keeps Hadoop's meaning (push client buffers); durability is hflush/hsync's job.
    if (this.#fenced) throw this.#fenced;
  }

  protected override async hflushBytes(): Promise<void> {
    if (this.#fenced) throw this.#fenced;
    if (this.#durable?.length === this.getPos()) {
      // Nothing new, but "durable" must still be true when this returns: the upload may have been
      // aborted (a lifecycle rule) or claimed since the last flush. One read says so.
      await this.#checkNotTakenOver(await this.#parts.ensureUpload(), 'flush');
      return;
    }
    const fresh = this.#parts.bufferedLength;
    const partWorthy = fresh >= this.#client.capabilities.minPartSize && this.#parts.partsStarted < this.#flushPartBudget;
    // Where the store is far (a round trip costs more than sending a small flush twice): settings' overlapSize.
    const overlapped = partWorthy && fresh <= Math.min(this.#options.overlapSize ?? 0, this.#options.partSize / 2);
    if (partWorthy && !overlapped) {
      // Split across the parallel uploads where it is long enough, within the flushes' part budget.
      await this.#parts.sendBuffered(Math.max(1, Math.min(this.#options.activeBlocks, this.#flushPartBudget - this.#parts.partsStarted)));
    }
    const [uploadId] = await Promise.all([this.#parts.ensureUpload(), this.#parts.drain(), this.#removal]).catch((error: unknown) => {
      throw this.#fencedOr(error, 'flush');
    });
    const tail = await this.#parts.bufferedBytes();
    let saved: { key: string; manifest: FlushManifest };
    if (overlapped) {
      // A small flush: its new bytes go up as a part and, at the same time, as the manifest's tail. The
      // manifest names only the parts acknowledged before (every one: drained above) and holds every byte
      // after them, so it needs nothing of the part in flight; the next flush names that part. One round
      // trip less for twice the bytes of a small flush (the durable-flush protocol's README, the writer's step 1).
      const named = this.#parts.parts;
      this.ioStatistics.incrementCounter(DurableFlushStatisticNames.OVERLAPPED_FLUSHES);
      const saving = this.#saveManifest(uploadId, tail, named);
      const sending = this.#parts
        .sendBuffered()
        .then(() => this.#parts.drain())
        .catch((error: unknown) => {
          throw this.#fencedOr(error, 'flush');
        });
      [saved] = await Promise.all([saving, sending]);
    } else {
      saved = await this.#saveManifest(uploadId, tail);
    }
    const { key, manifest } = saved;

    // The fencing read comes after the manifest is durable: a recover that claims the upload later sees
    // this manifest, one that claimed it earlier is seen here, and the flush fails. The previous manifest
    // goes at the same time, off the flush's path: the new one, durable now, supersedes it whatever the
    // fencing read says, and its key is never written again (package README, step 4).
    const previous = this.#durable;
    if (previous) this.#superseded.push(previous.key);
    if (this.#superseded.length >= this.#options.removalBatch) this.#removal = this.#removeSuperseded(this.#superseded.splice(0));
    const fencing = this.#checkNotTakenOver(uploadId, 'flush').catch(async (error: unknown) => {
      // The upload is gone: whoever completed or aborted it has finished with the staging, and this
      // writer's manifests (its own keys: this one, written a moment ago, and those not removed yet) name
      // nothing anyone can use: they go, or they would stay behind. A recover still at work (the upload
      // claimed but there) may read them: they stay.
      if (this.#uploadGone) await withoutSignal(() => this.#client.deleteMany(this.#everyManifestKey()).catch(() => undefined));
      throw error;
    });
    await fencing;
    this.#durable = { key, length: manifest.flushedLength };
  }

  /**
   * One create-only PutObject of a manifest naming every part uploaded so far and `tail`, under a new
   * sequence's key: a failed or late PutObject can only ever create its own key.
   */
  async #saveManifest(uploadId: string, tail: Buffer, named = this.#parts.parts): Promise<{ key: string; manifest: FlushManifest; tailOffset: number }> {
    const storeChecksums = this.#client.capabilities.checksum !== undefined;
    const parts = named.map(({ number, size, etag, checksum: crc }) => {
      if (crc === undefined && storeChecksums) throw new IOError(`the store sent no CRC-64 for part ${number} of ${this.path.toString()}`, 'EIO', { path: this.path.toString() });
      return crc === undefined ? { number, size, etag } : { number, size, etag, crc64: crc };
    });
    const manifest: FlushManifest = {
      kind: this.#options.manifestKind ?? MANIFEST_KIND,
      // Version 2 where it says all (the upload on the target, every part's CRC-64): what older readers know.
      version: this.#options.layout === 'target' && storeChecksums ? MANIFEST_VERSION : MANIFEST_V3,
      bucket: this.#options.bucket,
      target: this.#options.key,
      writerId: this.writerId,
      sequence: ++this.#sequence,
      ...(this.#options.layout === 'data' ? { dataKey: this.#uploadKey } : {}),
      uploadId,
      parts,
      tail: { size: tail.length, etag: tailEtag(tail), crc64: crc64(tail).toString() },
      flushedLength: this.getPos(),
      replaces: this.#options.replaces,
    };
    const key = manifestKeyFor(this.#options.folder, this.writerId, manifest.sequence);
    const encoded = encodeManifest(manifest, tail);
    await this.#client.put(key, encoded, { forbidOverwrite: true }).catch((error: unknown) => {
      // Refused: another object holds the key (create-only, and not ours by its length and checksum). It
      // is not this writer's to remove, ever (D6).
      if (error instanceof FileAlreadyExistsError) this.#notOurs.add(manifest.sequence);
      throw error;
    });
    return { key, manifest, tailOffset: encoded.length - tail.length };
  }

  protected override hsyncBytes(): Promise<void> {
    // An acknowledged PutObject is on the store's durable storage: hsync needs nothing beyond hflush.
    return this.hflushBytes();
  }

  /** One ListParts above the writer's part numbers: NoSuchUpload, or a part recover put there, ends this writer. */
  async #checkNotTakenOver(uploadId: string, what: string): Promise<void> {
    const above = await this.#client.listParts(this.#uploadKey, uploadId, { after: MAX_WRITER_PART, limit: 2 });
    if (above === undefined) this.#uploadGone = true;
    if (above === undefined) throw this.#fence(`cannot ${what}: the upload ${uploadId} no longer exists (completed or aborted by someone else: recover, another writer, a lifecycle rule)`);
    if (above.length > 0) throw this.#fence(`cannot ${what}: recover took the file over`);
  }

  /**
   * A failure to remove an older manifest only leaves it behind: it loses to the newer one, and close removes
   * it. Not cut by the flush's signal: the flush may have returned long before it lands.
   */
  async #removeSuperseded(keys: string[]): Promise<void> {
    await withoutSignal(() => this.#client.deleteMany(keys)).catch(() => undefined);
  }

  /**
   * Every manifest key this writer ever tried to create, already removed or not: a duplicated PutObject
   * may have recreated one after its removal, so close and abort remove them all (derived from the
   * sequence, not remembered one by one).
   */
  #everyManifestKey(): string[] {
    return Array.from({ length: this.#sequence }, (_, i) => i + 1)
      .filter((sequence) => !this.#notOurs.has(sequence))
      .map((sequence) => manifestKeyFor(this.#options.folder, this.writerId, sequence));
  }

  protected override closeIsRetryable(): boolean {
    return this.#retryableClose;
  }

  /** 'data' layout: the manifest close saved before completing, naming every part (the whole file, no tail). */
  #closing: { key: string; manifest: FlushManifest; tailOffset: number } | undefined;

  protected async closeStream(): Promise<void> {
    // Nothing of this writer is in flight once close() has returned, and a late removal cannot follow its own.
    await this.#removal;
    if (this.#fenced) throw this.#fenced;
    const dataLayout = this.#options.layout === 'data';
    // In the 'data' layout an upload, once begun, is completed onto the writer's own key and copied to the
    // target: the manifest saved first makes that copy recover's to finish if the writer dies meanwhile.
    if (!this.#durable && !(dataLayout && this.#parts.initiateSent)) {
      await this.#closeUnflushed();
      return;
    }
    // From here on a failure keeps everything: the last flush stays recoverable and close() may be tried again.
    this.#retryableClose = true;
    try {
      if (!this.#completed) {
        // In the 'data' layout no part is ever below the store's minimum, so that recover's claim (an empty
        // part after the writer's) can always be completed: what is left below it is the close manifest's tail.
        if (dataLayout ? this.#parts.bufferedLength >= this.#client.capabilities.minPartSize : this.#parts.bufferedLength > 0 || this.#parts.partsStarted === 0) {
          await this.#parts.sendBuffered();
        }
        await this.#parts.drain();
        const uploadId = await this.#parts.ensureUpload();
        const strays = await this.#listStrays(uploadId);
        if (dataLayout) this.#closing ??= await this.#saveManifest(uploadId, await this.#parts.bufferedBytes());
        await this.#checkNotTakenOver(uploadId, 'close');
        throwIfAborted(`close() ${this.path.toString()}`, this.path.toString());
        // The commit, and the staging's removal after it: an abort cuts neither (AbortError means not committed).
        // (A data upload without parts has nothing to complete: the target is the close manifest's tail.)
        if (!dataLayout || this.#parts.parts.length > 0) await withoutSignal(() => this.#complete(uploadId));
        this.#completed = true;
        this.#strays = strays;
      }
      if (dataLayout && !this.#published) {
        const { key, manifest, tailOffset } = this.#closing!;
        await withoutSignal(() =>
          publishFlushed(this.#client, {
            targetKey: this.#options.key,
            writerId: this.writerId,
            manifest: manifest as FlushManifest & { dataKey: string },
            manifestKey: key,
            tailOffset,
            forbidOverwrite: this.#options.forbidOverwrite,
          }),
        );
        this.#published = true;
        if (manifest.parts.length === 0) await withoutSignal(() => this.#parts.abort());
      }
      await withoutSignal(async () => {
        // The data object before the manifests: a manifest left behind alone still lets recover finish.
        if (dataLayout) await this.#removeOwnData();
        await this.#client.deleteMany(this.#everyManifestKey());
        await this.#endStrays();
      });
      this.#retryableClose = false;
      await this.#parts.release();
    } catch (error) {
      if (error instanceof LeaseExpiredError) {
        this.#retryableClose = false;
        throw error;
      }
      const what = this.#published || (this.#completed && !dataLayout)
        ? `the object is complete, but its staging or a stray upload could not be removed (close() again, or a recover of the file tidies it)`
        : `the last successful flush (${this.#closing?.manifest.flushedLength ?? this.#durable?.length ?? 0} bytes) stays recoverable: close() again, or recover the file`;
      throw new IOError(`${this.path.toString()}: close failed: ${(error as Error).message}; ${what}`, (error as { code?: string }).code ?? 'EIO', {
        path: this.path.toString(),
        cause: error,
      });
    }
  }

  /** Complete; an answer lost after the store applied it is recognised by the object it produced (our writer id, our length). */
  async #complete(uploadId: string): Promise<void> {
    try {
      // The data key is this writer's alone: create-only matters only at the target.
      const forbidOverwrite = this.#options.layout === 'target' && this.#options.forbidOverwrite;
      await this.#client.complete(this.#uploadKey, uploadId, this.#parts.parts, { forbidOverwrite });
    } catch (error) {
      const head = await this.#client.head(this.#uploadKey).catch(() => undefined);
      if (head?.meta?.[WRITER_META] === this.writerId && head.size === this.getPos()) return;
      throw this.#fencedOr(error, 'complete the upload');
    }
  }

  /**
   * Never flushed: nothing is staged and nothing was promised, so this is the plain object-store close — one
   * PutObject while no upload was ever asked for; else the upload completed, its strays ended.
   */
  async #closeUnflushed(): Promise<void> {
    try {
      if (!this.#parts.initiateSent) {
        const bytes = await this.#parts.bufferedBytes();
        throwIfAborted(`close() ${this.path.toString()}`, this.path.toString());
        await withoutSignal(() => this.#client.put(this.#options.key, bytes, { forbidOverwrite: this.#options.forbidOverwrite }));
      } else {
        // Parts that failed, or an Initiate that did, are in this path too: their bytes are not in the buffer.
        if (this.#parts.bufferedLength > 0 || this.#parts.partsStarted === 0) await this.#parts.sendBuffered();
        await this.#parts.drain();
        const id = await this.#parts.ensureUpload();
        const strays = await this.#listStrays(id);
        await this.#checkNotTakenOver(id, 'close');
        throwIfAborted(`close() ${this.path.toString()}`, this.path.toString());
        await withoutSignal(() => this.#complete(id));
        this.#strays = strays;
        await withoutSignal(() => this.#endStrays());
      }
      if (this.#sequence > 0) await withoutSignal(() => this.#client.deleteMany(this.#everyManifestKey()));
    } catch (error) {
      if (!(error instanceof LeaseExpiredError)) await this.#discard();
      throw error;
    } finally {
      await this.#parts.release();
    }
  }

  /**
   * Uploads of the key that are not this writer's and were initiated since create() cleared it. Listed
   * before the fencing read that proves the writer still owns the file: a writer that took this one over
   * claimed its upload first (and that read sees the claim), so none of these can be a later writer's.
   */
  async #listStrays(ownUploadId: string | undefined): Promise<UploadInfo[]> {
    if (!this.#parts.initiateSent) return [];
    const { uploads } = await this.#client.listUploads(this.#uploadKey);
    return uploads.filter((u) => u.key === this.#uploadKey && u.uploadId !== ownUploadId && u.initiated >= this.#options.since);
  }

  /** Ends the strays as any unnamed upload is ended: claimed, the staging listed again, aborted if nothing names it. */
  async #endStrays(): Promise<void> {
    while (this.#strays.length > 0) {
      await endUnnamedUpload(this.#client, this.#options.stagingPrefix, this.#options.key, this.#strays[0]!);
      this.#strays.shift();
    }
  }

  /** This writer's completed data object, once the target holds its bytes: checked to be its own before it goes (D6). */
  async #removeOwnData(): Promise<void> {
    const data = await this.#client.head(this.#uploadKey);
    // The HEAD just made is the check (a second one, as deleteIfUnchanged makes, narrows nothing more).
    if (data?.meta?.[WRITER_META] === this.writerId) await this.#client.delete(this.#uploadKey);
  }

  protected async abortStream(): Promise<void> {
    await this.#removal;
    // Taken over: the upload and the staging are recover's (or the new writer's) now, not ours to remove.
    if (this.#fenced) {
      await this.#parts.release();
      return;
    }
    await this.#discard();
  }

  /**
   * Clean-up: runs to the end even under a signal that fired. A writer that was taken over without
   * knowing it yet (its upload gone, or claimed by a recover or a create at work) removes nothing: the
   * upload and the staging are the taker's.
   */
  async #discard(): Promise<void> {
    await withoutSignal(async () => {
      const own = await this.#parts.settle();
      // Without an upload of its own (every Initiate failed) nothing proves this writer was not taken over
      // meanwhile: what it may have started is left to the purge, rather than risk ending another's.
      const strays = own === undefined ? [] : await this.#listStrays(own);
      if (own !== undefined) {
        const above = await this.#client.listParts(this.#uploadKey, own, { after: MAX_WRITER_PART, limit: 2 });
        if (above === undefined || above.length > 0) {
          this.#fence(above === undefined ? 'the upload was completed or aborted by someone else' : 'recover took the file over');
          await this.#parts.release();
          return;
        }
      }
      await this.#parts.abort();
      this.#strays = strays;
      await this.#endStrays();
      if (this.#sequence > 0) await this.#client.deleteMany(this.#everyManifestKey());
    });
  }
}
